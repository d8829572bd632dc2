import { randomUUID } from "node:crypto";
import type { Transaction } from "kysely";
import { type Db, dialectOf } from "./client.ts";
import type { Database, Role } from "./schema.ts";

export interface UserProfile {
  id: string;
  name: string;
  email: string;
  role: Role;
  footprints: { code: string; name: string; regionName: string }[];
  conflicts: { footprintCode: string; footprintName: string; reason: string }[];
}

/** A user with the footprints they act for and the conflicts they have declared; undefined if unknown. */
export async function findUserProfile(db: Db, userId: string): Promise<UserProfile | undefined> {
  const user = await db.selectFrom("user").select(["id", "name", "email", "role"]).where("id", "=", userId).executeTakeFirst();
  if (!user) return undefined;
  const [footprints, conflicts] = await Promise.all([
    db
      .selectFrom("footprint_member")
      .innerJoin("footprint", "footprint.code", "footprint_member.footprint_code")
      .innerJoin("region", "region.code", "footprint.region_code")
      .select(["footprint.code", "footprint.name", "region.name as regionName"])
      .where("footprint_member.user_id", "=", userId)
      .orderBy("footprint.name")
      .execute(),
    db
      .selectFrom("reviewer_conflict")
      .innerJoin("footprint", "footprint.code", "reviewer_conflict.footprint_code")
      .select(["reviewer_conflict.footprint_code as footprintCode", "footprint.name as footprintName", "reviewer_conflict.reason"])
      .where("reviewer_conflict.user_id", "=", userId)
      .orderBy("footprint.name")
      .execute(),
  ]);
  return { ...user, footprints, conflicts };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("user")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Creates an email-and-password account in better-auth's tables. Written here rather than through
 * better-auth's sign-up endpoint because public sign-up is switched off: accounts come from the
 * demo seed or, later, an admin's invitation. The hash must come from better-auth's `hashPassword`.
 */
export async function insertCredentialUser(
  db: Db,
  input: { email: string; name: string; role: Role; passwordHash: string },
): Promise<string> {
  return db.transaction().execute((trx) => writeCredentialUser(trx, { ...input, at: new Date().toISOString() }));
}

/**
 * The two rows of an email-and-password account in better-auth's tables: the user, and its
 * credential account holding the password hash (null for an invited person who has not set one).
 * better-auth stores dates as ISO text and booleans as 0/1 on SQLite, native types on PostgreSQL.
 * Exported for writers that create several accounts in one transaction (the demo seed).
 */
export async function writeCredentialUser(
  trx: Trx,
  input: { email: string; name: string; role: Role; passwordHash: string | null; at: string },
): Promise<string> {
  const sqlite = dialectOf(trx) === "sqlite";
  const now = authDate(trx, input.at);
  const id = randomUUID();
  await trx
    .insertInto("user")
    .values({
      id,
      name: input.name,
      email: input.email.trim().toLowerCase(),
      emailVerified: sqlite ? 1 : true,
      image: null,
      createdAt: now,
      updatedAt: now,
      role: input.role,
    })
    .execute();
  await trx
    .insertInto("account")
    .values({
      id: randomUUID(),
      accountId: id,
      providerId: "credential",
      userId: id,
      accessToken: null,
      refreshToken: null,
      idToken: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      scope: null,
      password: input.passwordHash,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  return id;
}

export async function addFootprintMember(db: Db, userId: string, footprintCode: string): Promise<void> {
  await db
    .insertInto("footprint_member")
    .values({ user_id: userId, footprint_code: footprintCode, added_at: new Date().toISOString() })
    .execute();
}

export async function declareReviewerConflict(db: Db, input: { userId: string; footprintCode: string; reason: string }): Promise<void> {
  await db
    .insertInto("reviewer_conflict")
    .values({
      user_id: input.userId,
      footprint_code: input.footprintCode,
      reason: input.reason,
      declared_at: new Date().toISOString(),
      declared_by: input.userId,
    })
    .execute();
}

/** Display names for a set of user ids (for timelines and signers). */
export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom("user").select(["id", "name"]).where("id", "in", unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The conflicts recorded for a user, with when and by whom, by footprint name. */
export async function listReviewerConflicts(db: Db, userId: string) {
  return db
    .selectFrom("reviewer_conflict")
    .innerJoin("footprint", "footprint.code", "reviewer_conflict.footprint_code")
    .select([
      "reviewer_conflict.footprint_code as footprintCode",
      "footprint.name as footprintName",
      "reviewer_conflict.reason",
      "reviewer_conflict.declared_at as declaredAt",
      "reviewer_conflict.declared_by as declaredBy",
    ])
    .where("reviewer_conflict.user_id", "=", userId)
    .orderBy("footprint.name")
    .execute();
}

/**
 * Records a declared conflict; false, writing nothing, when the user has already declared one with
 * that footprint. Never throws on a duplicate, so it is safe inside a PostgreSQL transaction.
 */
export async function insertReviewerConflict(
  db: Db,
  input: { userId: string; footprintCode: string; reason: string; at: string; declaredBy: string },
): Promise<boolean> {
  const result = await db
    .insertInto("reviewer_conflict")
    .values({
      user_id: input.userId,
      footprint_code: input.footprintCode,
      reason: input.reason,
      declared_at: input.at,
      declared_by: input.declaredBy,
    })
    .onConflict((oc) => oc.columns(["user_id", "footprint_code"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** One recorded conflict, for deciding who may withdraw it; undefined when there is none. */
export async function findReviewerConflict(db: Db, input: { userId: string; footprintCode: string }) {
  return db
    .selectFrom("reviewer_conflict")
    .select(["user_id as userId", "footprint_code as footprintCode", "declared_by as declaredBy"])
    .where("user_id", "=", input.userId)
    .where("footprint_code", "=", input.footprintCode)
    .executeTakeFirst();
}

/** Withdraws a declared conflict and returns what it said, or undefined when there was none. */
export async function removeReviewerConflict(
  db: Db,
  input: { userId: string; footprintCode: string },
): Promise<{ reason: string; declaredAt: string } | undefined> {
  return db
    .deleteFrom("reviewer_conflict")
    .where("user_id", "=", input.userId)
    .where("footprint_code", "=", input.footprintCode)
    .returning(["reason", "declared_at as declaredAt"])
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// User administration: invitations, one-time set-password links, roles, footprints, deactivation.

type Trx = Transaction<Database>;

/** better-auth's own columns hold dates as ISO text on SQLite and as timestamps on PostgreSQL. */
function authDate(db: Db, iso: string): string | Date {
  return dialectOf(db) === "sqlite" ? iso : new Date(iso);
}

/** The account with this email address (compared in lower case, as accounts are stored), if any. */
export async function findUserIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const row = await db.selectFrom("user").select("id").where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
  return row?.id;
}

/**
 * Creates an invited account: a better-auth user with a credential account whose password is
 * empty, so nobody can sign in as it (better-auth refuses a credential with no password exactly as
 * it refuses a wrong one) until the invited person sets one through their one-time link.
 */
export async function insertInvitedUser(trx: Trx, input: { email: string; name: string; role: Role; at: string }): Promise<string> {
  return writeCredentialUser(trx, { ...input, passwordHash: null });
}

export type AccountStatus = "active" | "invited" | "deactivated";

/** Active once the person can sign in: a password set, or an identity provider (single sign-on) linked. */
function accountStatus(row: { deactivatedAt: string | null; password: string | null; providerLinked: unknown }): AccountStatus {
  if (row.deactivatedAt) return "deactivated";
  return row.password || Number(row.providerLinked) > 0 ? "active" : "invited";
}

function userAdminQuery(db: Db) {
  return db
    .selectFrom("user")
    .leftJoin("user_status", "user_status.user_id", "user.id")
    .leftJoin("account", (join) => join.onRef("account.userId", "=", "user.id").on("account.providerId", "=", "credential"))
    .select([
      "user.id",
      "user.name",
      "user.email",
      "user.role",
      "user.createdAt",
      "account.password",
      "user_status.deactivated_at as deactivatedAt",
      "user_status.deactivated_by as deactivatedBy",
      "user_status.deactivation_reason as deactivationReason",
      "user_status.last_sign_in_at as lastSignInAt",
      (eb) =>
        eb
          .selectFrom("account as linked")
          .select((inner) => inner.fn.countAll().as("n"))
          .whereRef("linked.userId", "=", "user.id")
          .where("linked.providerId", "<>", "credential")
          .as("providerLinked"),
    ]);
}

export interface AdminUserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: AccountStatus;
  footprints: { code: string; name: string }[];
  conflictCount: number;
  lastSignInAt: string | null;
}

/** Every account for the administrators' list, by name, with footprints and conflict counts (three queries, no N+1). */
export async function listUsersForAdmin(db: Db): Promise<AdminUserRow[]> {
  const [users, memberships, conflicts] = await Promise.all([
    userAdminQuery(db).orderBy("user.name").orderBy("user.email").execute(),
    db
      .selectFrom("footprint_member")
      .innerJoin("footprint", "footprint.code", "footprint_member.footprint_code")
      .select(["footprint_member.user_id as userId", "footprint.code", "footprint.name"])
      .orderBy("footprint.name")
      .execute(),
    db
      .selectFrom("reviewer_conflict")
      .select(["user_id as userId", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("user_id")
      .execute(),
  ]);
  const footprintsOf = new Map<string, { code: string; name: string }[]>();
  for (const m of memberships) {
    const list = footprintsOf.get(m.userId) ?? [];
    list.push({ code: m.code, name: m.name });
    footprintsOf.set(m.userId, list);
  }
  const conflictsOf = new Map(conflicts.map((c) => [c.userId, Number(c.n)]));
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    status: accountStatus(u),
    footprints: footprintsOf.get(u.id) ?? [],
    conflictCount: conflictsOf.get(u.id) ?? 0,
    lastSignInAt: u.lastSignInAt,
  }));
}

export interface AdminUserDetail extends UserProfile {
  status: AccountStatus;
  createdAt: string;
  lastSignInAt: string | null;
  deactivatedAt: string | null;
  deactivatedByName: string | null;
  deactivationReason: string | null;
  conflicts: { footprintCode: string; footprintName: string; reason: string; declaredAt: string }[];
  /** When the newest unused invitation link stops working, if one is outstanding. */
  invitationExpiresAt: string | null;
}

/** One account as an administrator sees it; undefined if there is none. */
export async function findUserForAdmin(db: Db, userId: string): Promise<AdminUserDetail | undefined> {
  const [row, profile, conflicts, invitation] = await Promise.all([
    userAdminQuery(db).where("user.id", "=", userId).executeTakeFirst(),
    findUserProfile(db, userId),
    listReviewerConflicts(db, userId),
    db
      .selectFrom("set_password_token")
      .select("expires_at")
      .where("user_id", "=", userId)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .orderBy("expires_at", "desc")
      .limit(1)
      .executeTakeFirst(),
  ]);
  if (!row || !profile) return undefined;
  const deactivatedByName = row.deactivatedBy ? ((await userNames(db, [row.deactivatedBy])).get(row.deactivatedBy) ?? null) : null;
  return {
    ...profile,
    conflicts,
    status: accountStatus(row),
    createdAt: new Date(row.createdAt).toISOString(),
    lastSignInAt: row.lastSignInAt,
    deactivatedAt: row.deactivatedAt,
    deactivatedByName,
    deactivationReason: row.deactivationReason,
    invitationExpiresAt: invitation?.expires_at ?? null,
  };
}

export async function updateUserRole(trx: Trx, input: { userId: string; role: Role; at: string }): Promise<void> {
  await trx
    .updateTable("user")
    .set({ role: input.role, updatedAt: authDate(trx, input.at) })
    .where("id", "=", input.userId)
    .execute();
}

/** Makes the user's footprints exactly `codes` and says which were added and removed. */
export async function replaceFootprintMembers(
  trx: Trx,
  input: { userId: string; codes: string[]; at: string },
): Promise<{ added: string[]; removed: string[] }> {
  const current = (await trx.selectFrom("footprint_member").select("footprint_code").where("user_id", "=", input.userId).execute()).map(
    (r) => r.footprint_code,
  );
  const wanted = new Set(input.codes);
  const added = [...wanted].filter((code) => !current.includes(code)).sort();
  const removed = current.filter((code) => !wanted.has(code)).sort();
  if (removed.length > 0) {
    await trx.deleteFrom("footprint_member").where("user_id", "=", input.userId).where("footprint_code", "in", removed).execute();
  }
  if (added.length > 0) {
    await trx
      .insertInto("footprint_member")
      .values(added.map((code) => ({ user_id: input.userId, footprint_code: code, added_at: input.at })))
      .execute();
  }
  return { added, removed };
}

/** Which of these codes name real footprints. */
export async function existingFootprintCodes(db: Db, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom("footprint").select("code").where("code", "in", codes).execute();
  return rows.map((r) => r.code);
}

/** Marks the account deactivated; false, writing nothing, when it already was. */
export async function markUserDeactivated(trx: Trx, input: { userId: string; by: string; reason: string; at: string }): Promise<boolean> {
  const current = await trx.selectFrom("user_status").select("deactivated_at").where("user_id", "=", input.userId).executeTakeFirst();
  if (current?.deactivated_at) return false;
  await trx
    .insertInto("user_status")
    .values({
      user_id: input.userId,
      deactivated_at: input.at,
      deactivated_by: input.by,
      deactivation_reason: input.reason,
      last_sign_in_at: null,
    })
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet({ deactivated_at: input.at, deactivated_by: input.by, deactivation_reason: input.reason }),
    )
    .execute();
  return true;
}

/** Clears the deactivation and returns what it was; undefined, writing nothing, when the account was active. */
export async function clearUserDeactivation(
  trx: Trx,
  userId: string,
): Promise<{ deactivatedAt: string; reason: string | null } | undefined> {
  const current = await trx
    .selectFrom("user_status")
    .select(["deactivated_at", "deactivation_reason"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!current?.deactivated_at) return undefined;
  await trx
    .updateTable("user_status")
    .set({ deactivated_at: null, deactivated_by: null, deactivation_reason: null })
    .where("user_id", "=", userId)
    .execute();
  return { deactivatedAt: current.deactivated_at, reason: current.deactivation_reason };
}

export async function isUserDeactivated(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom("user_status").select("deactivated_at").where("user_id", "=", userId).executeTakeFirst();
  return Boolean(row?.deactivated_at);
}

/** Ends every session of the user (better-auth finds no session for their cookie on the next request). */
export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom("session").where("userId", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function recordSignIn(db: Db, userId: string, at: string): Promise<void> {
  await db
    .insertInto("user_status")
    .values({ user_id: userId, deactivated_at: null, deactivated_by: null, deactivation_reason: null, last_sign_in_at: at })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ last_sign_in_at: at }))
    .execute();
}

/** Stores a new set-password link (its token's hash only) and revokes the user's earlier unused ones. */
export async function insertSetPasswordToken(
  trx: Trx,
  input: { userId: string; tokenHash: string; createdBy: string | null; at: string; expiresAt: string },
): Promise<void> {
  await revokeSetPasswordTokens(trx, input.userId, input.at);
  await trx
    .insertInto("set_password_token")
    .values({
      id: randomUUID(),
      user_id: input.userId,
      token_hash: input.tokenHash,
      created_by: input.createdBy,
      created_at: input.at,
      expires_at: input.expiresAt,
      used_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function revokeSetPasswordTokens(trx: Trx, userId: string, at: string): Promise<number> {
  const result = await trx
    .updateTable("set_password_token")
    .set({ revoked_at: at })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A set-password link by its token's hash, with whose it is and whether that account is deactivated. */
export async function findSetPasswordToken(db: Db, tokenHash: string) {
  return db
    .selectFrom("set_password_token")
    .innerJoin("user", "user.id", "set_password_token.user_id")
    .leftJoin("user_status", "user_status.user_id", "user.id")
    .select([
      "set_password_token.user_id as userId",
      "set_password_token.expires_at as expiresAt",
      "set_password_token.used_at as usedAt",
      "set_password_token.revoked_at as revokedAt",
      "user.name",
      "user.email",
      "user_status.deactivated_at as deactivatedAt",
    ])
    .where("set_password_token.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/**
 * Spends a link: marks it used only if it is still unused, unrevoked and unexpired, in one
 * statement, so two people racing with the same link cannot both succeed. Returns whose it was.
 */
export async function consumeSetPasswordToken(trx: Trx, input: { tokenHash: string; at: string }): Promise<string | undefined> {
  const row = await trx
    .updateTable("set_password_token")
    .set({ used_at: input.at })
    .where("token_hash", "=", input.tokenHash)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", input.at)
    .returning("user_id")
    .executeTakeFirst();
  return row?.user_id;
}

/** Sets the password of the user's credential account (creating that account if they had none). */
export async function setCredentialPassword(trx: Trx, input: { userId: string; passwordHash: string; at: string }): Promise<void> {
  const now = authDate(trx, input.at);
  const result = await trx
    .updateTable("account")
    .set({ password: input.passwordHash, updatedAt: now })
    .where("userId", "=", input.userId)
    .where("providerId", "=", "credential")
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return;
  await trx
    .insertInto("account")
    .values({
      id: randomUUID(),
      accountId: input.userId,
      providerId: "credential",
      userId: input.userId,
      accessToken: null,
      refreshToken: null,
      idToken: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      scope: null,
      password: input.passwordHash,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
}

/**
 * Takes the one-time token out of the invitation's in-app notification once the email holding it
 * is queued: the person reads that notification only after signing in, when the link is spent.
 */
export async function pointInvitationNotificationsHome(trx: Trx, userId: string): Promise<void> {
  await trx
    .updateTable("notification")
    .set({ link: "/" })
    .where("user_id", "=", userId)
    .where("kind", "=", "invitation")
    .where("link", "like", "/set-password%")
    .execute();
}
