import type { Kysely } from "kysely";

/**
 * The reviewers' side: who was assigned at each checkpoint (a queryable copy of what the workflow
 * decided), their ratings of the key lines of enquiry, comments (shared with the lead or internal,
 * optionally pinned to a field), and notifications with an outbox of emails. The outbox rows are
 * written in the same transaction as the workflow event, so a failed send never loses one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("review_assignment")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("submission_id", "text", (c) => c.notNull().references("submission.id"))
    .addColumn("checkpoint", "integer", (c) => c.notNull())
    .addColumn("lead_reviewer_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("second_reviewer_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("assigned_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("assigned_at", "text", (c) => c.notNull())
    .addUniqueConstraint("review_assignment_checkpoint_uq", ["submission_id", "checkpoint"])
    .execute();
  await db.schema.createIndex("review_assignment_lead_idx").on("review_assignment").column("lead_reviewer_id").execute();
  await db.schema.createIndex("review_assignment_second_idx").on("review_assignment").column("second_reviewer_id").execute();

  await db.schema
    .createTable("assessment")
    .addColumn("submission_id", "text", (c) => c.notNull().references("submission.id"))
    .addColumn("checkpoint", "integer", (c) => c.notNull())
    .addColumn("criterion_id", "text", (c) => c.notNull())
    .addColumn("reviewer_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("rating", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("assessment_pk", ["submission_id", "checkpoint", "criterion_id", "reviewer_id"])
    .execute();

  await db.schema
    .createTable("comment")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("submission_id", "text", (c) => c.notNull().references("submission.id"))
    .addColumn("checkpoint", "integer", (c) => c.notNull())
    .addColumn("version_number", "integer")
    .addColumn("author_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("field_path", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comment_submission_idx").on("comment").column("submission_id").execute();

  await db.schema
    .createTable("notification")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("submission_id", "text", (c) => c.references("submission.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    // Makes a notification idempotent where it must be sent once (e.g. the 80% clock warning).
    .addColumn("dedupe_key", "text")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("link", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    .addUniqueConstraint("notification_dedupe_uq", ["user_id", "dedupe_key"])
    .execute();
  await db.schema.createIndex("notification_user_idx").on("notification").columns(["user_id", "read_at"]).execute();

  await db.schema
    .createTable("outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("notification_id", "text", (c) => c.references("notification.id"))
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .execute();
  await db.schema.createIndex("outbox_unsent_idx").on("outbox").columns(["sent_at", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["outbox", "notification", "comment", "assessment", "review_assignment"]) {
    await db.schema.dropTable(table).execute();
  }
}
