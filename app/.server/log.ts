import pino, { type DestinationStream, type Logger, type LevelWithSilent } from "pino";

/**
 * Whatever a log line must never carry, wherever it appears in the logged object: sign-in secrets,
 * session cookies, tokens and the text of evidence. pino blanks them before the line is written,
 * so a careless `logger.info({ req })` or `{ body }` cannot leak them.
 */
export const REDACTED_PATHS = [
  "password",
  "newPassword",
  "currentPassword",
  "cookie",
  "authorization",
  "token",
  "content",
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.cookie",
  "*.authorization",
  "*.token",
  "*.content",
  "headers.cookie",
  "headers.authorization",
  'headers["set-cookie"]',
  "*.headers.cookie",
  "*.headers.authorization",
  '*.headers["set-cookie"]',
  "*.*.headers.cookie",
  "*.*.headers.authorization",
  "body",
  "*.body",
];

export const REDACTED = "[redacted]";

/**
 * A logger with the service's settings: one JSON object per line, the level as a word ("error"),
 * an ISO time, errors under `err` with their stack, and the redactions above. Tests build one over
 * a stream they read; the service's own (below) writes to standard output.
 */
export function createLogger(destination: DestinationStream, level: LevelWithSilent = "info"): Logger {
  return pino(
    {
      level,
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
    },
    destination,
  );
}

// Unit tests call loaders and actions directly; their expected errors would otherwise fill the
// test output. LOG_LEVEL (checked in env.ts) still overrides this; the server sets it at start-up.
const initialLevel = (process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info")) as LevelWithSilent;

// Synchronous writes, so the last lines before process.exit (a failed start, the end of a drain) are not lost.
const holder = globalThis as typeof globalThis & { __ncmLogger?: Logger };
holder.__ncmLogger ??= createLogger(pino.destination({ fd: 1, sync: true }), initialLevel);
export const logger: Logger = holder.__ncmLogger;

type Fields = Record<string, unknown>;

/** An unexpected failure, with the error's message and stack under `err`. */
export function logError(message: string, fields: Fields & { error?: unknown } = {}): void {
  const { error, ...rest } = fields;
  logger.error(error === undefined ? rest : { ...rest, err: error }, message);
}

export function logInfo(message: string, fields: Fields = {}): void {
  logger.info(fields, message);
}
