import { betterAuth } from "better-auth";
import { dialectOf, type Db } from "../../db/client.ts";
import { db } from "./db.ts";
import { env, type Env } from "./env.ts";

/** The header our HTTP server sets from the TCP peer (or a trusted proxy), overwriting any sent by the client. */
export const CLIENT_IP_HEADER = "x-ncm-client-ip";

export function createAuth(database: Db, config: Pick<Env, "baseUrl" | "authSecret" | "signInAttemptsPerMinute">) {
  return betterAuth({
    appName: "NCM Assure",
    baseURL: config.baseUrl,
    basePath: "/api/auth",
    secret: config.authSecret,
    database: { db: database, type: dialectOf(database) },
    trustedOrigins: [config.baseUrl],
    emailAndPassword: {
      enabled: true,
      // Accounts come from an admin's invitation or the demo seed, never from the public.
      disableSignUp: true,
      minPasswordLength: 12,
    },
    user: {
      additionalFields: {
        role: { type: "string", required: true, defaultValue: "lead", input: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 12,
      updateAge: 60 * 60,
    },
    rateLimit: {
      enabled: true,
      // In the database, so the limit holds across several app instances.
      storage: "database",
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: config.signInAttemptsPerMinute },
      },
    },
    advanced: {
      // Keyed per client: our server writes this header from the socket, so one noisy client
      // cannot lock everyone else out (better-auth's default would see no IP and share one bucket).
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    telemetry: { enabled: false },
    // Its warnings ("User not found", "Invalid password") are expected traffic, not faults.
    logger: { level: "error" },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const holder = globalThis as typeof globalThis & { __ncmAuth?: Auth };

export function auth(): Auth {
  holder.__ncmAuth ??= createAuth(db(), env());
  return holder.__ncmAuth;
}
