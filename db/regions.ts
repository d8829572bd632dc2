import { sql } from "kysely";
import type { Db } from "./client.ts";
import type { SubmissionRow } from "./schema.ts";

/**
 * The regional view's figures (app/.server/regions.ts): small GROUP BYs over the submissions and
 * the criteria they fail, by the region stored on each submission (migration 2026-12-02T0200), so
 * the page costs a few index scans however many submissions there are.
 */

export interface StageCountRow {
  regionCode: string;
  state: string;
  checkpoint: number;
  whoseTurn: SubmissionRow["whose_turn"];
  n: number;
}

/**
 * How many submissions are in each (region, state, checkpoint, whose turn), from the covering
 * index submission_region_stage_idx alone. Kysely's count is a string on PostgreSQL, hence Number().
 */
export async function countByRegionAndState(db: Db): Promise<StageCountRow[]> {
  const rows = await db
    .selectFrom("submission")
    .select(["region_code as regionCode", "state", "checkpoint", "whose_turn as whoseTurn", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy(["region_code", "state", "checkpoint", "whose_turn"])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface CheckpointClockRow {
  regionCode: string;
  checkpoint: number;
  whoseTurn: SubmissionRow["whose_turn"];
  nationalDaysUsed: number;
  /** When the state was entered, for rows on the national side (whose figure is still growing); "" otherwise. */
  stateEnteredAt: string;
  /** How many submissions share these values. */
  n: number;
}

/**
 * The stored clocks of the submissions part-way through a checkpoint, grouped: rows off the
 * national side keep their stored figure, so they collapse to a few hundred groups; rows on it
 * keep their entry instant, from which the caller computes the live figure.
 */
export async function listCheckpointClocks(db: Db): Promise<CheckpointClockRow[]> {
  const entered = sql<string>`case when submission.whose_turn = 'national' then submission.state_entered_at else '' end`;
  const rows = await db
    .selectFrom("submission")
    .select([
      "submission.region_code as regionCode",
      "submission.checkpoint",
      "submission.whose_turn as whoseTurn",
      "submission.national_days_used as nationalDaysUsed",
      entered.as("stateEnteredAt"),
      (eb) => eb.fn.countAll<number>().as("n"),
    ])
    .where("submission.checkpoint", ">=", 1)
    .where("submission.whose_turn", "in", ["local", "national", "paused"])
    .groupBy(["submission.region_code", "submission.checkpoint", "submission.whose_turn", "submission.national_days_used", entered])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface FailureCountRow {
  regionCode: string;
  criterionId: string;
  severity: string;
  n: number;
}

/** How many submissions still open fail each criterion, by region. */
export async function countFailingCriteriaByRegion(db: Db): Promise<FailureCountRow[]> {
  const rows = await db
    .selectFrom("failing_criterion")
    .innerJoin("submission", "submission.id", "failing_criterion.submission_id")
    .select([
      "submission.region_code as regionCode",
      "failing_criterion.criterion_id as criterionId",
      "failing_criterion.severity",
      sql<number>`count(*)`.as("n"),
    ])
    .where("submission.whose_turn", "<>", "closed")
    .groupBy(["submission.region_code", "failing_criterion.criterion_id", "failing_criterion.severity"])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
