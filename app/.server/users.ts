import { createHash, randomBytes } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { Transaction } from "kysely";
import type { Db } from "../../db/client.ts";
import { ADMIN_CHAIN, appendAdminEvent, appendAuditEvent } from "../../db/audit.ts";
import { queueNotifications } from "../../db/notifications.ts";
import type { Database, Role } from "../../db/schema.ts";
import {
  clearUserDeactivation,
  consumeSetPasswordToken,
  deleteUserSessions,
  existingFootprintCodes,
  findSetPasswordToken,
  findUserForAdmin,
  findUserIdByEmail,
  insertInvitedUser,
  insertSetPasswordToken,
  markUserDeactivated,
  pointInvitationNotificationsHome,
  replaceFootprintMembers,
  revokeSetPasswordTokens,
  setCredentialPassword,
  updateUserRole,
} from "../../db/users.ts";
import { deleteConflict, insertConflict } from "./conflicts.ts";
import { inAuditedTransaction } from "./admin-audit.ts";
import { env } from "./env.ts";
import { deliverSoon } from "./notifications.ts";
import type { CurrentUser } from "./session.ts";

/**
 * Account administration (product.md: accounts come from an admin's invitation or the demo seed;
 * a deactivated account can no longer sign in, and its history stays). Every change is written
 * with its audit entry on the admin chain in one transaction.
 */

export const INVITATION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

type Admin = Pick<CurrentUser, "id" | "name" | "role">;
type Refused = { ok: false; reason: string };

/** The one-time token's stored form. The token itself has 256 random bits, so a fast hash is enough. */
export function hashSetPasswordToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function setPasswordPath(token: string): string {
  return `/set-password?token=${encodeURIComponent(token)}`;
}

// Permissions: pure rules that say why they refuse.

/** An administrator may not take away their own access: another administrator must. */
export function canChangeRole(admin: Admin, targetId: string): { ok: true } | Refused {
  return admin.id === targetId
    ? { ok: false, reason: "You cannot change your own role. Ask another programme administrator to do it." }
    : { ok: true };
}

export function canDeactivate(admin: Admin, targetId: string): { ok: true } | Refused {
  return admin.id === targetId
    ? { ok: false, reason: "You cannot deactivate your own account. Ask another programme administrator to do it." }
    : { ok: true };
}

/** Conflicts keep a reviewer off a footprint's reviews; leads do not review. */
export function canHaveConflicts(role: Role): { ok: true } | Refused {
  return role === "lead" ? { ok: false, reason: "Only national reviewers and administrators can have conflicts recorded." } : { ok: true };
}

/** Leads act for at least one footprint; nobody else belongs to any. */
export function footprintRule(role: Role, codes: readonly string[]): { ok: true } | Refused {
  if (role === "lead" && codes.length === 0) return { ok: false, reason: "Select at least one footprint for a system lead" };
  if (role !== "lead" && codes.length > 0) {
    return { ok: false, reason: "Only system leads belong to footprints. Clear the footprints, or choose system lead" };
  }
  return { ok: true };
}

async function queueInvitation(
  trx: Transaction<Database>,
  input: { userId: string; email: string; name: string; createdBy: string; at: string; baseUrl: string },
): Promise<{ token: string; expiresAt: string }> {
  const token = newToken();
  const expiresAt = new Date(new Date(input.at).getTime() + INVITATION_DAYS * DAY_MS).toISOString();
  await insertSetPasswordToken(trx, {
    userId: input.userId,
    tokenHash: hashSetPasswordToken(token),
    createdBy: input.createdBy,
    at: input.at,
    expiresAt,
  });
  await queueNotifications(
    trx,
    [
      {
        userId: input.userId,
        email: input.email,
        submissionId: null,
        kind: "invitation",
        title: "You have been invited to NCM Assure",
        body:
          `Hello ${input.name},\n\nYou have an account on NCM Assure, the service through which NHS England assures new care models. ` +
          `Set your password with the link below. It works once, for ${INVITATION_DAYS} days. ` +
          `If it has expired, ask your programme administrator for a new invitation.`,
        link: setPasswordPath(token),
      },
    ],
    input.at,
    input.baseUrl,
  );
  await pointInvitationNotificationsHome(trx, input.userId);
  return { token, expiresAt };
}

export interface InviteInput {
  name: string;
  email: string;
  role: Role;
  footprintCodes: string[];
}

export type InviteOutcome =
  | { ok: true; userId: string; link: string; expiresAt: string }
  | { ok: false; field: "email" | "footprints"; reason: string };

const DUPLICATE_EMAIL = "An account with this email address already exists. Open it from the list of users to change it";

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === "23505" || /UNIQUE constraint failed: user\.email/.test(e?.message ?? "");
}

/**
 * Creates the account with no usable password, a one-time link to set one (only its hash is
 * stored) and the invitation email. The audit entry never holds the token.
 */
export async function inviteUser(
  database: Db,
  admin: Admin,
  input: InviteInput,
  options: { baseUrl?: string; now?: Date } = {},
): Promise<InviteOutcome> {
  const email = input.email.trim().toLowerCase();
  const codes = [...new Set(input.footprintCodes)].sort();
  const rule = footprintRule(input.role, codes);
  if (!rule.ok) return { ok: false, field: "footprints", reason: rule.reason };
  if ((await existingFootprintCodes(database, codes)).length !== codes.length) {
    return { ok: false, field: "footprints", reason: "Select footprints from the list" };
  }
  if (await findUserIdByEmail(database, email)) return { ok: false, field: "email", reason: DUPLICATE_EMAIL };

  const at = (options.now ?? new Date()).toISOString();
  const baseUrl = options.baseUrl ?? env().baseUrl;
  try {
    const invited = await inAuditedTransaction(database, async (trx) => {
      const userId = await insertInvitedUser(trx, { email, name: input.name, role: input.role, at });
      await replaceFootprintMembers(trx, { userId, codes, at });
      const { token, expiresAt } = await queueInvitation(trx, { userId, email, name: input.name, createdBy: admin.id, at, baseUrl });
      await appendAdminEvent(
        trx,
        admin,
        "INVITE_USER",
        { userId, name: input.name, email, role: input.role, footprints: codes, linkExpiresAt: expiresAt },
        at,
      );
      return { userId, link: `${baseUrl}${setPasswordPath(token)}`, expiresAt };
    });
    deliverSoon();
    return { ok: true, ...invited };
  } catch (error) {
    // Someone invited the same address at the same moment.
    if (isUniqueViolation(error)) return { ok: false, field: "email", reason: DUPLICATE_EMAIL };
    throw error;
  }
}

/** A fresh link for someone who has not set a password yet; earlier links stop working. */
export async function resendInvitation(
  database: Db,
  admin: Admin,
  userId: string,
  options: { baseUrl?: string; now?: Date } = {},
): Promise<{ ok: true; link: string; expiresAt: string } | Refused> {
  const user = await findUserForAdmin(database, userId);
  if (!user) return { ok: false, reason: "There is no such account." };
  if (user.status === "deactivated")
    return { ok: false, reason: "The account is deactivated. Reactivate it before sending a new invitation." };
  if (user.status === "active")
    return {
      ok: false,
      reason: `${user.name} can already sign in (with a password or single sign-on), so there is no invitation to send again.`,
    };
  const at = (options.now ?? new Date()).toISOString();
  const baseUrl = options.baseUrl ?? env().baseUrl;
  const sent = await inAuditedTransaction(database, async (trx) => {
    const { token, expiresAt } = await queueInvitation(trx, {
      userId,
      email: user.email,
      name: user.name,
      createdBy: admin.id,
      at,
      baseUrl,
    });
    await appendAdminEvent(trx, admin, "RESEND_INVITATION", { userId, email: user.email, linkExpiresAt: expiresAt }, at);
    return { link: `${baseUrl}${setPasswordPath(token)}`, expiresAt };
  });
  deliverSoon();
  return { ok: true, ...sent };
}

export type LinkProblem = "invalid" | "used" | "expired";

/** Whether a set-password link can be used now, without saying anything about accounts when it cannot. */
export async function checkSetPasswordLink(
  database: Db,
  token: string,
  now = new Date(),
): Promise<{ ok: true; name: string; email: string } | { ok: false; problem: LinkProblem }> {
  if (!token) return { ok: false, problem: "invalid" };
  const row = await findSetPasswordToken(database, hashSetPasswordToken(token));
  if (!row || row.deactivatedAt) return { ok: false, problem: "invalid" };
  if (row.usedAt) return { ok: false, problem: "used" };
  if (row.revokedAt || row.expiresAt <= now.toISOString()) return { ok: false, problem: "expired" };
  return { ok: true, name: row.name, email: row.email };
}

/**
 * Sets the invited person's password with better-auth's own hash and spends the link, in one
 * transaction with a SET_PASSWORD audit entry. A link used twice at once succeeds only once.
 */
export async function setPasswordWithLink(
  database: Db,
  token: string,
  password: string,
  now = new Date(),
): Promise<{ ok: true; email: string } | { ok: false; problem: LinkProblem }> {
  const checked = await checkSetPasswordLink(database, token, now);
  if (!checked.ok) return checked;
  // scrypt is slow on purpose: hash before the transaction so it holds no lock meanwhile.
  const passwordHash = await hashPassword(password);
  const at = now.toISOString();
  const userId = await inAuditedTransaction(database, async (trx) => {
    const owner = await consumeSetPasswordToken(trx, { tokenHash: hashSetPasswordToken(token), at });
    if (!owner) return undefined;
    await setCredentialPassword(trx, { userId: owner, passwordHash, at });
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: owner,
      action: "SET_PASSWORD",
      fromState: null,
      toState: null,
      payload: { userId: owner, through: "invitation link" },
      at,
    });
    return owner;
  });
  if (!userId) return { ok: false, problem: "used" };
  return { ok: true, email: checked.email };
}

export type ChangeOutcome = { ok: true; changed: boolean } | { ok: false; field: "role" | "footprints"; reason: string };

/**
 * Changes the role and the footprints together, because one depends on the other: a lead must
 * belong to a footprint, and nobody else may. Each kind of change has its own audit entry.
 */
export async function changeRoleAndFootprints(
  database: Db,
  admin: Admin,
  userId: string,
  input: { role: Role; footprintCodes: string[] },
): Promise<ChangeOutcome> {
  const user = await findUserForAdmin(database, userId);
  if (!user) return { ok: false, field: "role", reason: "There is no such account." };
  const codes = [...new Set(input.footprintCodes)].sort();
  if (input.role !== user.role) {
    const allowed = canChangeRole(admin, userId);
    if (!allowed.ok) return { ok: false, field: "role", reason: allowed.reason };
  }
  const rule = footprintRule(input.role, codes);
  if (!rule.ok) return { ok: false, field: "footprints", reason: rule.reason };
  if ((await existingFootprintCodes(database, codes)).length !== codes.length) {
    return { ok: false, field: "footprints", reason: "Select footprints from the list" };
  }

  const at = new Date().toISOString();
  const changed = await inAuditedTransaction(database, async (trx) => {
    const audit = (action: string, payload: Record<string, unknown>) => appendAdminEvent(trx, admin, action, payload, at);
    let any = false;
    if (input.role !== user.role) {
      await updateUserRole(trx, { userId, role: input.role, at });
      await audit("CHANGE_ROLE", { userId, name: user.name, from: user.role, to: input.role });
      any = true;
    }
    const { added, removed } = await replaceFootprintMembers(trx, { userId, codes, at });
    if (added.length > 0 || removed.length > 0) {
      await audit("CHANGE_FOOTPRINTS", { userId, name: user.name, added, removed, footprints: codes });
      any = true;
    }
    return any;
  });
  return { ok: true, changed };
}

/** An administrator records a conflict a reviewer has told them about. */
export async function recordConflictFor(
  database: Db,
  admin: Admin,
  userId: string,
  input: { footprintCode: string; footprintName: string; reason: string },
): Promise<{ ok: true } | Refused> {
  const user = await findUserForAdmin(database, userId);
  if (!user) return { ok: false, reason: "There is no such account." };
  const allowed = canHaveConflicts(user.role);
  if (!allowed.ok) return allowed;
  const recorded = await inAuditedTransaction(database, (trx) =>
    insertConflict(trx, "recorded", admin, { id: userId, name: user.name }, input),
  );
  return recorded
    ? { ok: true }
    : {
        ok: false,
        reason: `${user.name} already has a conflict recorded with ${input.footprintName}. Withdraw it first if the reason has changed.`,
      };
}

export async function withdrawConflictFor(
  database: Db,
  admin: Admin,
  userId: string,
  footprintCode: string,
): Promise<{ ok: true } | Refused> {
  const withdrawn = await inAuditedTransaction(database, (trx) => deleteConflict(trx, admin, userId, footprintCode));
  return withdrawn
    ? { ok: true }
    : { ok: false, reason: "There is no conflict recorded with that footprint. It may have been withdrawn already." };
}

/**
 * Deactivates the account: it cannot sign in (better-auth's session hook in auth.ts refuses it),
 * its sessions end now, and unused invitation links stop working. Nothing else is removed.
 */
export async function deactivateUser(
  database: Db,
  admin: Admin,
  userId: string,
  reason: string,
): Promise<{ ok: true; sessionsEnded: number } | Refused> {
  const allowed = canDeactivate(admin, userId);
  if (!allowed.ok) return allowed;
  const user = await findUserForAdmin(database, userId);
  if (!user) return { ok: false, reason: "There is no such account." };
  const at = new Date().toISOString();
  const ended = await inAuditedTransaction(database, async (trx) => {
    if (!(await markUserDeactivated(trx, { userId, by: admin.id, reason, at }))) return undefined;
    const sessionsEnded = await deleteUserSessions(trx, userId);
    const linksRevoked = await revokeSetPasswordTokens(trx, userId, at);
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: admin.id,
      actorName: admin.name,
      action: "DEACTIVATE_USER",
      fromState: "active",
      toState: "deactivated",
      payload: { userId, name: user.name, email: user.email, reason, sessionsEnded, linksRevoked },
      at,
    });
    return sessionsEnded;
  });
  return ended === undefined ? { ok: false, reason: `${user.name}'s account is already deactivated.` } : { ok: true, sessionsEnded: ended };
}

export async function reactivateUser(database: Db, admin: Admin, userId: string): Promise<{ ok: true } | Refused> {
  const user = await findUserForAdmin(database, userId);
  if (!user) return { ok: false, reason: "There is no such account." };
  const at = new Date().toISOString();
  const done = await inAuditedTransaction(database, async (trx) => {
    const cleared = await clearUserDeactivation(trx, userId);
    if (!cleared) return false;
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: admin.id,
      actorName: admin.name,
      action: "REACTIVATE_USER",
      fromState: "deactivated",
      toState: "active",
      payload: { userId, name: user.name, email: user.email, deactivatedAt: cleared.deactivatedAt, deactivationReason: cleared.reason },
      at,
    });
    return true;
  });
  return done ? { ok: true } : { ok: false, reason: `${user.name}'s account is already active.` };
}
