import type { Db } from "../../db/client.ts";
import { ADMIN_CHAIN, appendAuditEvent } from "../../db/audit.ts";
import { inAuditedTransaction } from "./admin-audit.ts";
import type { SsoConfig } from "./env.ts";

/**
 * Single sign-on through an OpenID Connect provider (NHSmail, which is Microsoft Entra ID), beside
 * email and password. The provider only proves who someone is: the account, its role and whether
 * it may sign in stay an administrator's decision. See docs/decisions/010-single-sign-on.md.
 */

/** better-auth's id for the provider; its callback is /api/auth/callback/oidc, registered with the provider. */
export const SSO_PROVIDER_ID = "oidc";

/** Our own reasons for refusing someone, carried back to the sign-in page as `?error=`. */
export const SSO_REFUSED = {
  unverified: "sso_email_not_verified",
  domain: "sso_domain_not_allowed",
  notInvited: "sso_not_invited",
  deactivated: "sso_account_deactivated",
} as const;
export type SsoRefusal = (typeof SSO_REFUSED)[keyof typeof SSO_REFUSED];

export interface SsoIdentity {
  /** What better-auth is about to do: make an account, link the provider to one, or sign in with a linked one. */
  action: "create-user" | "link-account" | "sign-in";
  email: string | undefined;
  /** The provider's `email_verified` claim, as sent. */
  emailVerified: unknown;
  /** Whether the matched account is deactivated (false when there is none). */
  deactivated: boolean;
}

/**
 * Whether someone the provider vouches for may have a session, and if not why, checked in this
 * order so the message names the first thing to fix: the provider must say the email address is
 * verified (only then does it identify the person), it must be in an allowed domain, an
 * administrator must have invited it (the provider never creates an account), and the account
 * must not be deactivated.
 */
export function ssoRefusal(sso: Pick<SsoConfig, "allowedDomains">, identity: SsoIdentity): SsoRefusal | undefined {
  if (identity.emailVerified !== true && identity.emailVerified !== "true") return SSO_REFUSED.unverified;
  const domain = identity.email?.toLowerCase().split("@").at(-1);
  if (!identity.email?.includes("@") || !domain || !sso.allowedDomains.includes(domain)) return SSO_REFUSED.domain;
  if (identity.action === "create-user") return SSO_REFUSED.notInvited;
  if (identity.deactivated) return SSO_REFUSED.deactivated;
  return undefined;
}

/** Errors better-auth itself sends back when the sign-in's state is missing, spent, expired or someone else's. */
const STATE_PROBLEMS = new Set(["state_not_found", "state_mismatch", "state_invalid", "please_restart_the_process"]);

/**
 * What the sign-in page says for an `?error=` the sign-in came back with: each names what to do.
 * Unknown codes (a token that failed its checks, the provider unreachable) get the general words;
 * better-auth has logged the detail.
 */
export function ssoMessage(error: string, sso: Pick<SsoConfig, "allowedDomains" | "providerName">): string {
  const name = sso.providerName;
  switch (error) {
    case SSO_REFUSED.notInvited:
    // better-auth's own words for the same thing, should its sign-up refusal answer first.
    case "signup_disabled":
      return `Your ${name} account is not registered with NCM Assure. Ask your programme administrator to invite you, using your ${name} email address.`;
    case SSO_REFUSED.unverified:
    // better-auth will not link an account to an address the provider has not verified.
    case "account_not_linked":
      return `${name} has not confirmed your email address, so NCM Assure cannot tell which account is yours. Sign in with your email address and password, or ask your ${name} administrator to confirm your address.`;
    case SSO_REFUSED.domain: {
      const domains = sso.allowedDomains.map((d) => `@${d}`).join(" or ");
      return `You can only sign in with ${name} using an email address ending ${domains}. Sign in with that ${name} account, or with your email address and password.`;
    }
    case SSO_REFUSED.deactivated:
      return "Your NCM Assure account has been deactivated. Ask your programme administrator if you need it again.";
    case "sso_throttled":
      return `Too many attempts to sign in with ${name} from your connection. Wait a minute, then try again.`;
    case "sso_unavailable":
      return `Signing in with ${name} is not working at the moment. Sign in with your email address and password, or try again later.`;
    case "access_denied":
      return `You did not finish signing in with ${name}. Try again.`;
    default:
      if (STATE_PROBLEMS.has(error) || error.startsWith("state_")) {
        return `Your sign-in with ${name} had expired or was started in another window, so it was stopped. Sign in again.`;
      }
      return `NCM Assure could not confirm who you are with ${name}. Try again. If it happens again, sign in with your email address and password.`;
  }
}

/**
 * The admin chain's record that an account was first linked to the provider's identity (`sub`):
 * from then on that identity signs in as this account, whatever email address it later has.
 */
export async function recordSingleSignOnLink(
  database: Db,
  input: { userId: string; subject: string; issuer: string; providerName: string; at: string },
): Promise<void> {
  await inAuditedTransaction(database, (trx) =>
    appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: input.userId,
      action: "LINK_SINGLE_SIGN_ON",
      fromState: null,
      toState: null,
      payload: { userId: input.userId, provider: input.providerName, issuer: input.issuer, subject: input.subject },
      at: input.at,
    }),
  );
}
