import type { Kysely } from "kysely";

/**
 * `submission.draft_checks`: what the task list shows of the draft's checks (failing counts and
 * each section's status), written with the failing criteria whenever a section or the evidence is
 * saved, and stamped with the criteria set and checkpoint it was judged for, so the task list
 * reads it instead of parsing and judging the whole draft on every request (issue 13). Null until
 * the next save; the task list judges the draft itself while it is null or stamped for another
 * set or checkpoint.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submission").addColumn("draft_checks", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submission").dropColumn("draft_checks").execute();
}
