import { sql } from "kysely";
import type { Db } from "./client.ts";
import { liveNationalDays } from "./pipeline.ts";
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

export interface CheckpointClockMedian {
  regionCode: string;
  checkpoint: number;
  /** The median live national working days of the region's submissions part-way through the checkpoint. */
  median: number;
  /** How many submissions that is. */
  n: number;
}

/**
 * The median live national working days for each (region, checkpoint), worked out in the database:
 * a row whose clock runs is its stored key plus `clockOffset` (the same for every row at a moment:
 * nationalClockOffset in workflows/clock.ts), any other keeps its stored figure (liveNationalDays,
 * as the pipeline sorts them). Ranked with
 * window functions (SQLite 3.25+, PostgreSQL), the median is the mean of the one or two middle
 * values, so the page reads a row per region and checkpoint rather than every national clock.
 * `turns` are the turns that count as part-way through a checkpoint.
 */
export async function medianCheckpointClocks(
  db: Db,
  clockOffset: number,
  turns: readonly SubmissionRow["whose_turn"][],
): Promise<CheckpointClockMedian[]> {
  const values = db
    .selectFrom("submission")
    .select(["region_code as regionCode", "checkpoint", liveNationalDays(db, clockOffset).as("value")])
    .where("checkpoint", ">=", 1)
    .where("whose_turn", "in", turns);
  const byCheckpoint = sql`partition by ${sql.ref("regionCode")}, ${sql.ref("checkpoint")}`;
  const ranked = db
    .selectFrom(values.as("v"))
    .select([
      "regionCode",
      "checkpoint",
      "value",
      sql<number>`row_number() over (${byCheckpoint} order by ${sql.ref("value")})`.as("position"),
      sql<number>`count(*) over (${byCheckpoint})`.as("n"),
    ]);
  const rows = await db
    .selectFrom(ranked.as("r"))
    .select(["regionCode", "checkpoint", sql<number>`avg(${sql.ref("value")})`.as("median"), sql<number>`max(${sql.ref("n")})`.as("n")])
    // The middle one of an odd count, the middle two of an even one (integer division on both engines).
    .where(sql<boolean>`${sql.ref("position")} in ((${sql.ref("n")} + 1) / 2, (${sql.ref("n")} + 2) / 2)`)
    .groupBy(["regionCode", "checkpoint"])
    .execute();
  return rows.map((r) => ({
    regionCode: r.regionCode as string,
    checkpoint: Number(r.checkpoint),
    median: Number(r.median),
    n: Number(r.n),
  }));
}

export interface FailureCountRow {
  regionCode: string;
  criterionId: string;
  severity: string;
  n: number;
}

/**
 * How many submissions still open fail each criterion, by region: every failing row counted from
 * the (region_code, criterion_id, severity) index, less those of closed submissions (few, and
 * found from the submissions' side through the whose_turn index). `closedTurns` are the turns of a
 * submission whose assurance has ended: named as a list the index can look up (`not in` the open
 * ones read every failing row: 265 ms against 111 ms for the page's loader over 50,000).
 */
export async function countFailingCriteriaByRegion(
  db: Db,
  closedTurns: readonly SubmissionRow["whose_turn"][],
): Promise<FailureCountRow[]> {
  const [all, closed] = await Promise.all([
    db
      .selectFrom("failing_criterion")
      .select(["region_code as regionCode", "criterion_id as criterionId", "severity", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["region_code", "criterion_id", "severity"])
      .execute(),
    db
      .selectFrom("submission")
      .innerJoin("failing_criterion", "failing_criterion.submission_id", "submission.id")
      .select([
        "failing_criterion.region_code as regionCode",
        "failing_criterion.criterion_id as criterionId",
        "failing_criterion.severity",
        (eb) => eb.fn.countAll<number>().as("n"),
      ])
      .where("submission.whose_turn", "in", closedTurns)
      .groupBy(["failing_criterion.region_code", "failing_criterion.criterion_id", "failing_criterion.severity"])
      .execute(),
  ]);
  const key = (r: { regionCode: string | null; criterionId: string; severity: string }) => `${r.regionCode}|${r.criterionId}|${r.severity}`;
  const closedCounts = new Map(closed.map((r) => [key(r), Number(r.n)]));
  return all
    .map((r) => ({
      regionCode: r.regionCode ?? "",
      criterionId: r.criterionId,
      severity: r.severity,
      n: Number(r.n) - (closedCounts.get(key(r)) ?? 0),
    }))
    .filter((r) => r.n > 0);
}
