import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Submissions with their workflow snapshot, the working draft by section, immutable submitted
 * versions, and the hash-chained audit log. The log is append-only in the database itself: a
 * trigger refuses UPDATE and DELETE on both engines, so not even a bug in the app can rewrite it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable("submission")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("footprint_code", "text", (c) => c.notNull().references("footprint.code"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("model_type", "text", (c) => c.notNull())
    .addColumn("vanguard_number", "integer", (c) => c.references("vanguard.number"))
    .addColumn("criteria_set", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("checkpoint", "integer", (c) => c.notNull())
    .addColumn("whose_turn", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("workflow_snapshot", "text", (c) => c.notNull())
    .addColumn("state_entered_at", "text", (c) => c.notNull())
    .addColumn("national_days_used", "real", (c) => c.notNull().defaultTo(0))
    .addColumn("failing_blocking", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failing_warnings", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  for (const column of ["footprint_code", "state", "checkpoint", "state_entered_at", "updated_at"]) {
    await db.schema.createIndex(`submission_${column}_idx`).on("submission").column(column).execute();
  }

  await db.schema
    .createTable("submission_section")
    .addColumn("submission_id", "text", (c) => c.notNull().references("submission.id"))
    .addColumn("section", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("submission_section_pk", ["submission_id", "section"])
    .execute();

  await db.schema
    .createTable("submission_version")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("submission_id", "text", (c) => c.notNull().references("submission.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("checkpoint", "integer", (c) => c.notNull())
    .addColumn("criteria_set", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("evaluation", "text", (c) => c.notNull())
    .addColumn("submitted_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("submitted_at", "text", (c) => c.notNull())
    .addUniqueConstraint("submission_version_number_uq", ["submission_id", "number"])
    .execute();

  await db.schema
    .createTable("audit_event")
    .addColumn("id", "text", (c) => c.primaryKey())
    // One chain per submission (its id), and "admin" for actions on no submission.
    .addColumn("chain", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("submission_id", "text", (c) => c.references("submission.id"))
    .addColumn("actor_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("from_state", "text")
    .addColumn("to_state", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addUniqueConstraint("audit_event_chain_seq_uq", ["chain", "seq"])
    .execute();
  for (const column of ["submission_id", "actor_id", "action", "at"]) {
    await db.schema.createIndex(`audit_event_${column}_idx`).on("audit_event").column(column).execute();
  }

  if (pg) {
    await sql`create function audit_event_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only'; end $$`.execute(db);
    await sql`create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function audit_event_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_event_no_update before update on audit_event
      begin select raise(abort, 'audit_event is append-only'); end`.execute(db);
    await sql`create trigger audit_event_no_delete before delete on audit_event
      begin select raise(abort, 'audit_event is append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_event").execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop function if exists audit_event_append_only()`.execute(db);
  }
  await db.schema.dropTable("submission_version").execute();
  await db.schema.dropTable("submission_section").execute();
  await db.schema.dropTable("submission").execute();
}
