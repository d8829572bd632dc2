import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { genericOAuth } from "better-auth/plugins";
import { dialectOf, type Db } from "../../db/client.ts";
import { isUserDeactivated, recordSignIn } from "../../db/users.ts";
import { db } from "./db.ts";
import { env, type Env } from "./env.ts";
import { logError } from "./log.ts";
import { recordSingleSignOnLink, SSO_PROVIDER_ID, ssoRefusal } from "./single-sign-on.ts";

/** The header our HTTP server sets from the TCP peer (or a trusted proxy), overwriting any sent by the client. */
export const CLIENT_IP_HEADER = "x-ncm-client-ip";

export function createAuth(
  database: Db,
  config: Pick<Env, "baseUrl" | "authSecret" | "signInAttemptsPerMinute"> & Partial<Pick<Env, "sso" | "authSecrets">>,
) {
  const sso = config.sso;
  return betterAuth({
    appName: "NCM Assure",
    baseURL: config.baseUrl,
    basePath: "/api/auth",
    secret: config.authSecret,
    // While rotating, better-auth encrypts with the newest version and decrypts with the one that wrote it.
    ...(config.authSecrets ? { secrets: config.authSecrets } : {}),
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
      // Runs before better-auth creates an account for, links an account to, or signs in someone the
      // identity provider vouches for, with the provider's fresh claims each time (ssoRefusal says why
      // it refuses). Its `error` comes back to the sign-in page as `?error=`.
      validateUserInfo: async ({ user, source }) => {
        if (!sso || source.method !== "oauth" || source.oauth?.providerId !== SSO_PROVIDER_ID) return;
        const deactivated = source.action !== "create-user" && typeof user.id === "string" && (await isUserDeactivated(database, user.id));
        const refused = ssoRefusal(sso, {
          action: source.action,
          email: user.email,
          emailVerified: source.oauth.profile?.email_verified,
          deactivated,
        });
        return refused ? { error: refused } : undefined;
      },
    },
    account: {
      accountLinking: {
        // An invited account is matched by its email address the first time, once (better-auth's own
        // check, as well as ours) the provider has said that address is verified.
        enabled: true,
        // The name and email stay as the administrator wrote them, whatever the provider says.
        updateUserInfoOnLink: false,
      },
    },
    session: {
      expiresIn: 60 * 60 * 12,
      updateAge: 60 * 60,
    },
    databaseHooks: {
      user: {
        create: {
          // Accounts come only from an administrator's invitation or the demo seed, both written
          // straight to the database: better-auth itself never creates one, whoever asks.
          before: async () => false,
        },
      },
      account: {
        create: {
          after: async (account) => {
            if (!sso || account.providerId !== SSO_PROVIDER_ID) return;
            try {
              await recordSingleSignOnLink(database, {
                userId: account.userId,
                subject: account.accountId,
                issuer: sso.issuer,
                providerName: sso.providerName,
                at: new Date().toISOString(),
              });
            } catch (error) {
              // The link and the sign-in stand; only the audit line is missing, so say so loudly.
              logError("could not record a single sign-on link in the audit trail", { error, userId: account.userId });
            }
          },
        },
      },
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
        // Starting single sign-on checks no password, but stores a row per start: the same budget as
        // a password attempt, rather than better-auth's default of 3 in 10 seconds for any /sign-in.
        "/sign-in/social": { window: 60, max: config.signInAttemptsPerMinute },
      },
    },
    // Errors better-auth answers with a redirect (a sign-in with the provider that failed before we
    // knew where it started) come to the sign-in page, which explains them.
    onAPIError: { errorURL: `${config.baseUrl}/sign-in` },
    plugins: sso
      ? [
          genericOAuth({
            config: [
              {
                providerId: SSO_PROVIDER_ID,
                name: sso.providerName,
                discoveryUrl: `${sso.issuer}/.well-known/openid-configuration`,
                // Without the issuer's keys an ID token could not be checked: skip the provider
                // (and retry discovery on the next sign-in) rather than trust unchecked tokens.
                requireIdTokenVerification: true,
                clientId: sso.clientId,
                clientSecret: sso.clientSecret,
                scopes: ["openid", "email", "profile"],
                pkce: true,
                // No refresh tokens or provider sign-out: the session is ours, 12 hours as for a password.
                disableProviderLogout: true,
                overrideUserInfo: false,
              },
            ],
          }),
        ]
      : [],
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
