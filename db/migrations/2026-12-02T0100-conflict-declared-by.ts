import type { Kysely } from "kysely";

/**
 * Who recorded each conflict of interest: the reviewer themselves, or an administrator on their
 * behalf. A reviewer may withdraw only a conflict they declared (workflows/policy.ts). Existing
 * conflicts are attributed from the admin audit chain, where every declaration and recording was
 * written with its actor; any left over stay unattributed (null), which only an administrator may
 * withdraw: the safe side when nobody can say who recorded them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("reviewer_conflict")
    .addColumn("declared_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .execute();

  const recorded = await db
    .selectFrom("audit_event")
    .select(["actor_id", "payload", "at"])
    .where("chain", "=", "admin")
    .where("action", "in", ["DECLARE_CONFLICT", "RECORD_CONFLICT"])
    .orderBy("seq")
    .execute();
  for (const entry of recorded as { actor_id: string | null; payload: string; at: string }[]) {
    const payload = JSON.parse(entry.payload) as { userId?: string; footprintCode?: string };
    if (!entry.actor_id || !payload.userId || !payload.footprintCode) continue;
    await db
      .updateTable("reviewer_conflict")
      .set({ declared_by: entry.actor_id })
      .where("user_id", "=", payload.userId)
      .where("footprint_code", "=", payload.footprintCode)
      .where("declared_at", "=", entry.at)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("reviewer_conflict").dropColumn("declared_by").execute();
}
