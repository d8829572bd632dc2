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
