import { type Kysely, sql } from "kysely";
import { nationalClockKey } from "../../workflows/clock.ts";

/**
 * Stored keys for the pipeline's common views, so each is an index range rather than a join or a
 * clock computed per row (issue 13):
 *
 * - `region_code`: the submission's footprint's region, so "one region" is a range of
 *   (region_code, …) rather than a subquery over footprints. Written with the submission
 *   (insertSubmission) and by any migration that moves a footprint to another region.
 * - `national_clock_key`: while the national clock runs, the live figure less an offset that is
 *   the same for every row at a given moment (workflows/clock.ts, nationalClockKey), so the
 *   national queue by live national days is the (whose_turn, national_clock_key, id) index in
 *   order. Null while the clock is stopped. Double precision: the key is a running count of
 *   working days since 2000 with a fraction, which float4 would round to minutes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submission").addColumn("region_code", "text").execute();
  await db.schema.alterTable("submission").addColumn("national_clock_key", "double precision").execute();

  for (const footprint of (await db.selectFrom("footprint").select(["code", "region_code"]).execute()) as {
    code: string;
    region_code: string;
  }[]) {
    await db.updateTable("submission").set({ region_code: footprint.region_code }).where("footprint_code", "=", footprint.code).execute();
  }
  // Which rows have a running clock is the clock's decision (nationalClockKey), not this query's.
  const rows = (await db.selectFrom("submission").select(["id", "whose_turn", "national_days_used", "state_entered_at"]).execute()) as {
    id: string;
    whose_turn: string;
    national_days_used: number;
    state_entered_at: string;
  }[];
  for (const row of rows) {
    const key = nationalClockKey({
      whoseTurn: row.whose_turn,
      nationalDaysUsed: row.national_days_used,
      stateEnteredAt: row.state_entered_at,
    });
    if (key !== null) await db.updateTable("submission").set({ national_clock_key: key }).where("id", "=", row.id).execute();
  }

  // The title sort is by lower(title) (db/pipeline.ts), an expression index on both engines.
  await db.schema.createIndex("submission_region_title_idx").on("submission").expression(sql`region_code, lower(title), id`).execute();
  await db.schema.createIndex("submission_region_updated_idx").on("submission").columns(["region_code", "updated_at", "id"]).execute();
  await db.schema
    .createIndex("submission_turn_clock_key_idx")
    .on("submission")
    .columns(["whose_turn", "national_clock_key", "id"])
    .execute();
  // The regional view groups by the stored region now: its covering index leads with it.
  await db.schema.dropIndex("submission_region_view_idx").execute();
  await db.schema
    .createIndex("submission_region_stage_idx")
    .on("submission")
    .columns(["region_code", "state", "checkpoint", "whose_turn", "national_days_used", "state_entered_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("submission_region_view_idx")
    .on("submission")
    .columns(["footprint_code", "state", "checkpoint", "whose_turn", "national_days_used", "state_entered_at"])
    .execute();
  for (const name of [
    "submission_region_stage_idx",
    "submission_turn_clock_key_idx",
    "submission_region_updated_idx",
    "submission_region_title_idx",
  ]) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema.alterTable("submission").dropColumn("national_clock_key").execute();
  await db.schema.alterTable("submission").dropColumn("region_code").execute();
}
