import type { Kysely } from "kysely";

/** Which footprints a lead acts for, and which footprints a reviewer has declared a conflict with. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("footprint_member")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("footprint_code", "text", (c) => c.notNull().references("footprint.code"))
    .addColumn("added_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("footprint_member_pk", ["user_id", "footprint_code"])
    .execute();
  await db.schema.createIndex("footprint_member_footprint_idx").on("footprint_member").column("footprint_code").execute();

  await db.schema
    .createTable("reviewer_conflict")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("footprint_code", "text", (c) => c.notNull().references("footprint.code"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("declared_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("reviewer_conflict_pk", ["user_id", "footprint_code"])
    .execute();
  await db.schema.createIndex("reviewer_conflict_footprint_idx").on("reviewer_conflict").column("footprint_code").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("reviewer_conflict").execute();
  await db.schema.dropTable("footprint_member").execute();
}
