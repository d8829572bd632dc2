import { randomUUID } from "node:crypto";
import { type Db, dialectOf } from "./client.ts";
import type { Role } from "./schema.ts";

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
  const user = await db
    .selectFrom("user")
    .select(["id", "name", "email", "role"])
    .where("id", "=", userId)
    .executeTakeFirst();
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
      .select([
        "reviewer_conflict.footprint_code as footprintCode",
        "footprint.name as footprintName",
        "reviewer_conflict.reason",
      ])
      .where("reviewer_conflict.user_id", "=", userId)
      .orderBy("footprint.name")
      .execute(),
  ]);
  return { ...user, footprints, conflicts };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom("user").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
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
  // better-auth stores dates as ISO text and booleans as 0/1 on SQLite, native types on PostgreSQL.
  const sqlite = dialectOf(db) === "sqlite";
  const now = sqlite ? new Date().toISOString() : new Date();
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("user")
      .values({
        id,
        name: input.name,
        email: input.email.toLowerCase(),
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
  });
  return id;
}

export async function addFootprintMember(db: Db, userId: string, footprintCode: string): Promise<void> {
  await db
    .insertInto("footprint_member")
    .values({ user_id: userId, footprint_code: footprintCode, added_at: new Date().toISOString() })
    .execute();
}

export async function declareReviewerConflict(
  db: Db,
  input: { userId: string; footprintCode: string; reason: string },
): Promise<void> {
  await db
    .insertInto("reviewer_conflict")
    .values({
      user_id: input.userId,
      footprint_code: input.footprintCode,
      reason: input.reason,
      declared_at: new Date().toISOString(),
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

/** The conflicts a user has declared, with when, by footprint name. */
export async function listReviewerConflicts(db: Db, userId: string) {
  return db
    .selectFrom("reviewer_conflict")
    .innerJoin("footprint", "footprint.code", "reviewer_conflict.footprint_code")
    .select([
      "reviewer_conflict.footprint_code as footprintCode",
      "footprint.name as footprintName",
      "reviewer_conflict.reason",
      "reviewer_conflict.declared_at as declaredAt",
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
  input: { userId: string; footprintCode: string; reason: string; at: string },
): Promise<boolean> {
  const result = await db
    .insertInto("reviewer_conflict")
    .values({ user_id: input.userId, footprint_code: input.footprintCode, reason: input.reason, declared_at: input.at })
    .onConflict((oc) => oc.columns(["user_id", "footprint_code"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
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
