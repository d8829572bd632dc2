import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { dialectOf, type Db } from "../../db/client.ts";
import { isUserDeactivated, recordSignIn } from "../../db/users.ts";
import { db } from "./db.ts";
import { env, type Env } from "./env.ts";
import { logError } from "./log.ts";

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
    databaseHooks: {
      session: {
        create: {
          // Every way into a session (our /sign-in form and POST /api/auth/sign-in/email alike) creates
          // one here, after the password has been checked. A deactivated account gets the very answer
          // a wrong password gets, so the response never says which accounts exist or are deactivated.
          before: async (session) => {
            if (await isUserDeactivated(database, session.userId)) {
              throw APIError.from("UNAUTHORIZED", { code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" });
            }
          },
          after: async (session) => {
            try {
              await recordSignIn(database, session.userId, new Date().toISOString());
            } catch (error) {
              // Only the "last signed in" column is lost; the sign-in itself stands.
              logError("could not record a sign-in", { error });
            }
          },
        },
      },
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
