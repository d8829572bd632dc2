import type { Kysely } from "kysely";

/**
 * The regional view from grouped index reads (issue 13):
 *
 * - `failing_criterion.region_code`: the failing submission's region, written with the row
 *   (replaceFailingCriteria), so "how many open submissions fail each criterion, by region" is a
 *   scan of one covering index less the few rows of closed submissions, rather than a join of
 *   every failing row to its submission.
 * - an index on the submission's clock, (whose_turn, region_code, checkpoint, national_clock_key,
 *   national_days_used), covering the median national days of each region and checkpoint.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("failing_criterion").addColumn("region_code", "text").execute();
  await db
    .updateTable("failing_criterion")
    .set((eb) => ({
      region_code: eb
        .selectFrom("submission")
        .select("submission.region_code")
        .whereRef("submission.id", "=", "failing_criterion.submission_id"),
    }))
    .execute();
  await db.schema
    .createIndex("failing_criterion_region_idx")
    .on("failing_criterion")
    .columns(["region_code", "criterion_id", "severity"])
    .execute();
  await db.schema
    .createIndex("submission_clock_median_idx")
    .on("submission")
    .columns(["whose_turn", "region_code", "checkpoint", "national_clock_key", "national_days_used"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submission_clock_median_idx").execute();
  await db.schema.dropIndex("failing_criterion_region_idx").execute();
  await db.schema.alterTable("failing_criterion").dropColumn("region_code").execute();
}
