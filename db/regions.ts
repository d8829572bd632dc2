import { sql } from "kysely";
import type { Db } from "./client.ts";
import type { SubmissionRow } from "./schema.ts";

/**
 * The regional view's figures (app/.server/regions.ts): small GROUP BYs over the submissions and
 * the criteria they fail, so the page costs a few scans however many submissions there are.
 */

export interface StageCountRow {
  regionCode: string;
  state: string;
  checkpoint: number;
  whoseTurn: SubmissionRow["whose_turn"];
  n: number;
}

/** Each footprint's region: the GROUP BYs below stay on the submission index and are mapped to regions here. */
async function regionOfFootprint(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("footprint").select(["code", "region_code"]).execute();
  return new Map(rows.map((r) => [r.code, r.region_code]));
}

/**
 * Sums rows that differ only in footprint into one per region. Kysely's count comes back as a
 * string on PostgreSQL, hence Number().
 */
function byRegion<T extends { footprintCode: string; n: number | string | bigint }>(
  rows: T[],
  regions: Map<string, string>,
  key: (row: T) => string,
): (Omit<T, "footprintCode" | "n"> & { regionCode: string; n: number })[] {
  const out = new Map<string, Omit<T, "footprintCode" | "n"> & { regionCode: string; n: number }>();
  for (const row of rows) {
    const regionCode = regions.get(row.footprintCode) ?? "";
    const k = `${regionCode}|${key(row)}`;
    const existing = out.get(k);
    if (existing) existing.n += Number(row.n);
    else {
      const { footprintCode: _f, n, ...rest } = row;
      out.set(k, { ...rest, regionCode, n: Number(n) });
    }
  }
  return [...out.values()];
}

/**
 * How many submissions are in each (region, state, checkpoint, whose turn). Answered from the
 * covering index submission_region_view_idx alone (6 ms on 50,000 rows in SQLite, against 110 ms
 * joining footprints first).
 */
export async function countByRegionAndState(db: Db): Promise<StageCountRow[]> {
  const [rows, regions] = await Promise.all([
    db
      .selectFrom("submission")
      .select([
        "footprint_code as footprintCode",
        "state",
        "checkpoint",
        "whose_turn as whoseTurn",
        (eb) => eb.fn.countAll<number>().as("n"),
      ])
      .groupBy(["footprint_code", "state", "checkpoint", "whose_turn"])
      .execute(),
    regionOfFootprint(db),
  ]);
  return byRegion(rows, regions, (r) => `${r.state}|${r.checkpoint}|${r.whoseTurn}`);
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
  const [rows, regions] = await Promise.all([
    db
      .selectFrom("submission")
      .select([
        "submission.footprint_code as footprintCode",
        "submission.checkpoint",
        "submission.whose_turn as whoseTurn",
        "submission.national_days_used as nationalDaysUsed",
        entered.as("stateEnteredAt"),
        (eb) => eb.fn.countAll<number>().as("n"),
      ])
      .where("submission.checkpoint", ">=", 1)
      .where("submission.whose_turn", "in", ["local", "national", "paused"])
      .groupBy(["submission.footprint_code", "submission.checkpoint", "submission.whose_turn", "submission.national_days_used", entered])
      .execute(),
    regionOfFootprint(db),
  ]);
  return byRegion(rows, regions, (r) => `${r.checkpoint}|${r.whoseTurn}|${r.nationalDaysUsed}|${r.stateEnteredAt}`);
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
    .innerJoin("footprint", "footprint.code", "submission.footprint_code")
    .select([
      "footprint.region_code as regionCode",
      "failing_criterion.criterion_id as criterionId",
      "failing_criterion.severity",
      sql<number>`count(*)`.as("n"),
    ])
    .where("submission.whose_turn", "<>", "closed")
    .groupBy(["footprint.region_code", "failing_criterion.criterion_id", "failing_criterion.severity"])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
