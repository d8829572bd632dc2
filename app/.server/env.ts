import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseKind, sqliteFilename } from "../../db/client.ts";

const flag = z.enum(["1", "0", "true", "false", "yes", "no", "on", "off"]).transform((v) => ["1", "true", "yes", "on"].includes(v));

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => {
        try {
          databaseKind(url);
          return true;
        } catch {
          return false;
        }
      }, "must start with file: (SQLite) or postgres:// (PostgreSQL)"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    BASE_URL: z.url().optional(),
    BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional(),
    DEMO_SEED: flag.optional(),
    TRUST_PROXY: flag.default(false),
    SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(5),
    SMTP_URL: z.string().optional(),
    UPLOADS_DIR: z.string().min(1).default("data/uploads"),
    EVIDENCE_STORAGE: z.enum(["local", "database"]).optional(),
    // Bank holidays announced after this release, e.g. {"added":["2031-06-09"],"moved":[{"from":"2031-05-05","to":"2031-05-09"}]}.
    BANK_HOLIDAY_CHANGES: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "must be JSON" });
          return z.NEVER;
        }
      })
      .pipe(
        z.object({
          added: z.array(z.iso.date()).default([]),
          moved: z.array(z.object({ from: z.iso.date(), to: z.iso.date() })).default([]),
        }),
      )
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.BETTER_AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["BETTER_AUTH_SECRET"],
        message: "is required when NODE_ENV=production (generate one with: openssl rand -base64 32)",
      });
    }
  });

export interface Env {
  production: boolean;
  databaseUrl: string;
  port: number;
  host: string;
  baseUrl: string;
  authSecret: string;
  demoSeed: boolean;
  trustProxy: boolean;
  signInAttemptsPerMinute: number;
  smtpUrl: string | undefined;
  /** Where uploaded evidence is kept, by content hash; shared storage when several instances run. */
  uploadsDir: string;
  /** Where evidence bytes are kept: the database by default on PostgreSQL (shared by every instance), the uploads directory on SQLite. */
  evidenceStorage: "local" | "database";
  /** Bank holidays announced after this release, added to the national clock's calendar at start-up. */
  bankHolidayChanges: { added: string[]; moved: { from: string; to: string }[] } | undefined;
}

export class EnvError extends Error {}

/**
 * Reads and checks configuration once. Production refuses to start without BETTER_AUTH_SECRET;
 * development gets a secret generated once and kept beside the SQLite file, so sessions survive a
 * restart without anyone committing a secret.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (BASE_URL= ) means "not set", as it does in a shell.
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")} ${i.message}`);
    throw new EnvError(`NCM Assure cannot start: its configuration has problems:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  let secret = e.BETTER_AUTH_SECRET;
  return {
    production,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    // Generated (and written to disk) only when something needs it, not whenever config is read.
    get authSecret() {
      secret ??= developmentSecret(e.DATABASE_URL);
      return secret;
    },
    demoSeed: e.DEMO_SEED ?? !production,
    trustProxy: e.TRUST_PROXY,
    signInAttemptsPerMinute: e.SIGN_IN_ATTEMPTS_PER_MINUTE,
    smtpUrl: e.SMTP_URL,
    uploadsDir: e.UPLOADS_DIR,
    evidenceStorage: e.EVIDENCE_STORAGE ?? (databaseKind(e.DATABASE_URL) === "postgres" ? "database" : "local"),
    bankHolidayChanges: e.BANK_HOLIDAY_CHANGES,
  };
}

function developmentSecret(databaseUrl: string): string {
  const dir =
    databaseKind(databaseUrl) === "sqlite" && sqliteFilename(databaseUrl) !== ":memory:"
      ? path.dirname(path.resolve(sqliteFilename(databaseUrl)))
      : path.resolve("data");
  const file = path.join(dir, ".auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

let current: Env | undefined;
export function env(): Env {
  current ??= loadEnv();
  return current;
}
