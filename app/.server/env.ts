import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseKind, sqliteFilename } from "../../db/client.ts";

const flag = z.enum(["1", "0", "true", "false", "yes", "no", "on", "off"]).transform((v) => ["1", "true", "yes", "on"].includes(v));

const SSO_REQUIRED = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ALLOWED_DOMAINS"] as const;

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
    // Rotation (docs/deploy.md): versioned secrets, newest first, "2:<new>,1:<old>".
    BETTER_AUTH_SECRETS: z
      .string()
      .transform((text, ctx) => {
        const secrets = text.split(",").map((entry) => {
          const at = entry.indexOf(":");
          return { version: Number(entry.slice(0, at).trim()), value: entry.slice(at + 1).trim() };
        });
        for (const [i, s] of secrets.entries()) {
          if (!Number.isInteger(s.version) || s.version < 0 || s.value === "")
            ctx.addIssue({ code: "custom", message: `entry ${i + 1} must be "<version>:<secret>", e.g. 2:$(openssl rand -base64 32)` });
          else if (s.value.length < 32)
            ctx.addIssue({ code: "custom", message: `the secret of version ${s.version} must be at least 32 characters` });
        }
        if (new Set(secrets.map((s) => s.version)).size !== secrets.length)
          ctx.addIssue({ code: "custom", message: "has a version twice" });
        return secrets;
      })
      .optional(),
    DEMO_SEED: flag.optional(),
    TRUST_PROXY: flag.default(false),
    SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(5),
    SMTP_URL: z.string().optional(),
    UPLOADS_DIR: z.string().min(1).default("data/uploads"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // Unset: /metrics answers 404, as for any unknown address.
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (try: openssl rand -hex 32)").optional(),
    // After SIGTERM: how long readiness answers 503 while new connections are still taken (for a
    // load balancer to notice), then how long requests in flight get to finish.
    SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).default(0),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    JOBS_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
    JOBS_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    SIMULATION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
    SIMULATION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
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
    // Single sign-on through an OpenID Connect provider (NHSmail is Microsoft Entra ID): all of
    // these, or none of them for email and password only.
    OIDC_ISSUER: z
      .url()
      .refine(
        (url) => url.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(url),
        "must be an https:// address (http:// only for a provider on this machine)",
      )
      .optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    OIDC_ALLOWED_DOMAINS: z
      .string()
      .transform((text) =>
        text
          .split(",")
          .map((domain) => domain.trim().toLowerCase().replace(/^@/, ""))
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be email domains separated by commas, like nhs.net"))
          .min(1, "must name at least one email domain, like nhs.net"),
      )
      .optional(),
    OIDC_PROVIDER_NAME: z.string().max(40).optional(),
  })
  .superRefine((env, ctx) => {
    const sso = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET, env.OIDC_ALLOWED_DOMAINS, env.OIDC_PROVIDER_NAME];
    if (sso.some((value) => value !== undefined)) {
      for (const name of SSO_REQUIRED) {
        if (env[name] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `is required for single sign-on (set all of ${SSO_REQUIRED.join(", ")}, or none of them to sign in with email and password only)`,
          });
        }
      }
    }
    if (env.NODE_ENV === "production" && !env.BETTER_AUTH_SECRET && !env.BETTER_AUTH_SECRETS) {
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
  /** Versioned secrets while rotating (BETTER_AUTH_SECRETS), newest first; authSecret is then the newest. */
  authSecrets: { version: number; value: string }[] | undefined;
  demoSeed: boolean;
  trustProxy: boolean;
  signInAttemptsPerMinute: number;
  smtpUrl: string | undefined;
  /** Where uploaded evidence is kept, by content hash; shared storage when several instances run. */
  uploadsDir: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** The bearer token /metrics requires; without one, /metrics is not served. */
  metricsToken: string | undefined;
  /** After SIGTERM, how long readiness answers 503 before the listener closes. */
  shutdownDelayMs: number;
  /** After the listener closes, how long requests in flight get before their connections are cut. */
  shutdownGraceMs: number;
  /** How often an idle job worker looks for work, and (PostgreSQL) how often expired jobs are retried, in seconds. */
  jobs: { pollSeconds: number; maintenanceSeconds: number };
  /** Live submissions per impact-simulation batch (one job each), and a pause after each (tests only: a run long enough to interrupt). */
  simulation: { batchSize: number; batchPauseMs: number };
  /** Where evidence bytes are kept: the database by default on PostgreSQL (shared by every instance), the uploads directory on SQLite. */
  evidenceStorage: "local" | "database";
  /** Bank holidays announced after this release, added to the national clock's calendar at start-up. */
  bankHolidayChanges: { added: string[]; moved: { from: string; to: string }[] } | undefined;
  /** Single sign-on, when configured; undefined means email and password only. */
  sso: SsoConfig | undefined;
}

export interface SsoConfig {
  /** The provider's issuer; its discovery document is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Lower-case email domains a person may sign in from, e.g. ["nhs.net"]. */
  allowedDomains: string[];
  /** What people call the provider, on the button and in messages: "Sign in with NHSmail". */
  providerName: string;
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
  let secret = e.BETTER_AUTH_SECRETS?.[0]?.value ?? e.BETTER_AUTH_SECRET;
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
    authSecrets: e.BETTER_AUTH_SECRETS,
    demoSeed: e.DEMO_SEED ?? !production,
    trustProxy: e.TRUST_PROXY,
    signInAttemptsPerMinute: e.SIGN_IN_ATTEMPTS_PER_MINUTE,
    smtpUrl: e.SMTP_URL,
    uploadsDir: e.UPLOADS_DIR,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    jobs: { pollSeconds: e.JOBS_POLL_SECONDS, maintenanceSeconds: e.JOBS_MAINTENANCE_SECONDS },
    simulation: { batchSize: e.SIMULATION_BATCH_SIZE, batchPauseMs: e.SIMULATION_BATCH_PAUSE_MS },
    evidenceStorage: e.EVIDENCE_STORAGE ?? (databaseKind(e.DATABASE_URL) === "postgres" ? "database" : "local"),
    bankHolidayChanges: e.BANK_HOLIDAY_CHANGES,
    sso:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET && e.OIDC_ALLOWED_DOMAINS
        ? {
            issuer: e.OIDC_ISSUER.replace(/\/$/, ""),
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            allowedDomains: e.OIDC_ALLOWED_DOMAINS,
            providerName: e.OIDC_PROVIDER_NAME ?? "NHSmail",
          }
        : undefined,
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
