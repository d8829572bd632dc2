import { randomBytes } from "node:crypto";

/** Short, readable ids a user can quote to the service desk ("error ID 7KQ2-M9XD"). */
export function newErrorId(): string {
  const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  const bytes = randomBytes(8);
  let id = "";
  for (let i = 0; i < 8; i++) id += alphabet[bytes[i]! % alphabet.length];
  return `${id.slice(0, 4)}-${id.slice(4)}`;
}

type Fields = Record<string, unknown>;

/** One JSON object per line on stderr, so logs can be searched by error id or request id. */
export function logError(message: string, fields: Fields & { error?: unknown } = {}): void {
  const { error, ...rest } = fields;
  const detail = error instanceof Error ? { error: error.message, stack: error.stack } : error === undefined ? {} : { error };
  process.stderr.write(`${JSON.stringify({ level: "error", at: new Date().toISOString(), message, ...rest, ...detail })}\n`);
}

export function logInfo(message: string, fields: Fields = {}): void {
  process.stdout.write(`${JSON.stringify({ level: "info", at: new Date().toISOString(), message, ...fields })}\n`);
}
