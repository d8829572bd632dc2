import { type Expression, expressionBuilder, type QueryCreator, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import { NATIONAL_CLOCK_TURN } from "../workflows/states.ts";
import { type Db, dialectOf } from "./client.ts";
import type { Database, SubmissionRow } from "./schema.ts";

/**
 * The pipeline: every submission with where it stands, filtered, sorted and paged in SQL (for the
 * page) or read in keyset batches (for the CSV export). Sort keys come only from the allow-list
 * below and map to fixed SQL; filter values are always bound parameters. The clock rules (what
 * counts as breached, how many working days have passed) are not decided here: the service
 * (app/.server/pipeline.ts) turns them into plain conditions and a calendar this module applies.
 */

export const PIPELINE_SORT_KEYS = [
  "title",
  "footprint",
  "region",
  "model",
  "checkpoint",
  "state",
  "turn",
  "days-in-state",
  "national-days",
  "warnings",
  "updated",
] as const;
export type PipelineSortKey = (typeof PIPELINE_SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

export interface PipelineFilter {
  regionCode?: string | undefined;
  state?: string | undefined;
  checkpoint?: number | undefined;
  modelType?: SubmissionRow["model_type"] | undefined;
  whoseTurn?: SubmissionRow["whose_turn"] | undefined;
  /** Free text, matched case-insensitively as a plain substring of title, footprint name or vanguard name. */
  text?: string | undefined;
  /** Rows whose national clock is in a given SLA band, as conditions on stored columns. */
  clock?: ClockCondition | undefined;
}

/**
 * Which rows a clock rule selects, on stored columns only: a list of bands, each "whose turn is
 * `whoseTurn`, the stored figure is `days`, and the state was entered in (`enteredAfter`,
 * `enteredUpTo`]" (ISO-8601 instants; null is open). A submission matches at most one band, since
 * (whose turn, figure) pairs are distinct. Joined as a small VALUES table, each band is one range
 * of the (whose_turn, national_days_used, state_entered_at) index.
 */
export type ClockCondition = ClockBand[];
export interface ClockBand {
  whoseTurn: string;
  days: number;
  enteredAfter: string | null;
  enteredUpTo: string | null;
}

export interface PipelineQuery {
  filter: PipelineFilter;
  sort: { key: PipelineSortKey; dir: SortDir };
  /**
   * Needed only when sorting by "national-days": what every running row's stored key is short of
   * its live figure now (nationalClockOffset in workflows/clock.ts).
   */
  clockOffset?: number | undefined;
}

export interface PipelineRow {
  id: string;
  title: string;
  modelType: string;
  vanguardName: string | null;
  footprintCode: string;
  footprintName: string;
  regionCode: string;
  regionName: string;
  checkpoint: number;
  state: string;
  whoseTurn: SubmissionRow["whose_turn"];
  stateEnteredAt: string;
  nationalDaysUsed: number;
  failingWarnings: number;
  updatedAt: string;
  leadReviewer: string | null;
  secondReviewer: string | null;
  /** The value the rows are ordered by (with id), for keyset paging. */
  sortValue: string | number;
}

/** The VALUES table the SLA filter joins (as a common table expression). */
type PipelineTables = {
  pipeline_band: { whose_turn: string; days: number; entered_after: string; entered_up_to: string };
};
type PipelineDb = Database & PipelineTables;
/** Submissions, nothing selected yet. */
type FilteredSubmissions = SelectQueryBuilder<PipelineDb, "submission", object>;

// Open bounds of a band, in the same format as the stored instants so they compare as text under any collation.
const EARLIEST = "0000-01-01T00:00:00.000Z";
const LATEST = "9999-12-31T23:59:59.999Z";

/** `%`, `_` and the escape character itself are matched literally (`like … escape '\'`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likeText(column: string, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like lower(${`%${escapeLike(text)}%`}) escape '\\'`;
}

function filterExpression(f: PipelineFilter): Expression<SqlBool> {
  const eb = expressionBuilder<Database, "submission">();
  const parts: Expression<SqlBool>[] = [];
  if (f.regionCode !== undefined) parts.push(eb("submission.region_code", "=", f.regionCode));
  if (f.state !== undefined) parts.push(eb("submission.state", "=", f.state));
  if (f.checkpoint !== undefined) parts.push(eb("submission.checkpoint", "=", f.checkpoint));
  if (f.modelType !== undefined) parts.push(eb("submission.model_type", "=", f.modelType));
  if (f.whoseTurn !== undefined) parts.push(eb("submission.whose_turn", "=", f.whoseTurn));
  if (f.text) {
    const text = f.text;
    parts.push(
      eb.or([
        likeText("submission.title", text),
        eb("submission.footprint_code", "in", eb.selectFrom("footprint").select("footprint.code").where(likeText("footprint.name", text))),
        eb("submission.vanguard_number", "in", eb.selectFrom("vanguard").select("vanguard.number").where(likeText("vanguard.name", text))),
      ]),
    );
  }
  return eb.and(parts);
}

/**
 * The stored figure as the application reads it. PostgreSQL keeps `real` as float4 (19.9 is
 * 19.899999…); through text it is the same 19.9 JavaScript sees, so SQL and the page agree.
 */
export function storedDays(db: Db): RawBuilder<number> {
  return dialectOf(db) === "postgres"
    ? sql<number>`cast(cast(submission.national_days_used as text) as double precision)`
    : sql<number>`submission.national_days_used`;
}

/**
 * National working days used now: while the national clock runs, the row's stored key plus the
 * one offset of this moment (workflows/clock.ts); otherwise the stored figure. On the national
 * side alone the offset changes no order, so the key is the sort, straight from its index.
 */
function liveDays(db: Db, q: PipelineQuery): Expression<unknown> {
  if (q.filter.whoseTurn === NATIONAL_CLOCK_TURN) return sql.ref("submission.national_clock_key");
  return liveNationalDays(db, q.clockOffset ?? 0);
}

/**
 * Every row's live national working days at the moment whose offset is given: a row has a key
 * exactly while its clock runs (nationalClockKey decides, not this query), and keeps its stored
 * figure otherwise.
 */
export function liveNationalDays(db: Db, clockOffset: number): RawBuilder<number> {
  return sql<number>`coalesce(submission.national_clock_key + cast(${clockOffset} as double precision), ${storedDays(db)})`;
}

/** The allow-list: each sort key's SQL, and whether ascending on the page means descending in SQL. */
function sortExpression(db: Db, q: PipelineQuery): { expr: Expression<unknown>; inverted: boolean } {
  const key = q.sort.key;
  switch (key) {
    case "title":
      return { expr: sql`lower(submission.title)`, inverted: false };
    case "footprint":
      return { expr: sql.ref("footprint.name"), inverted: false };
    case "region":
      return { expr: sql.ref("region.name"), inverted: false };
    case "model":
      return { expr: sql.ref("submission.model_type"), inverted: false };
    case "checkpoint":
      return { expr: sql.ref("submission.checkpoint"), inverted: false };
    case "state":
      return { expr: sql.ref("submission.state"), inverted: false };
    case "turn":
      return { expr: sql.ref("submission.whose_turn"), inverted: false };
    case "days-in-state":
      // More days in the state is an earlier entry.
      return { expr: sql.ref("submission.state_entered_at"), inverted: true };
    case "national-days":
      return { expr: liveDays(db, q), inverted: false };
    case "warnings":
      return { expr: sql.ref("submission.failing_warnings"), inverted: false };
    case "updated":
      return { expr: sql.ref("submission.updated_at"), inverted: false };
  }
}

function bandValues(bands: ClockBand[]): RawBuilder<PipelineDb["pipeline_band"]> {
  // `real`, the column's own type, so the figures compare exactly on PostgreSQL (float4) too.
  const rows = bands.map(
    (b) =>
      sql`(cast(${b.whoseTurn} as text), cast(${b.days} as real), cast(${b.enteredAfter ?? EARLIEST} as text), cast(${b.enteredUpTo ?? LATEST} as text))`,
  );
  return sql<PipelineDb["pipeline_band"]>`(values ${sql.join(rows)})`;
}

// With no bands nothing matches; a band that matches nothing keeps the SQL valid.
const NO_BAND: ClockBand = { whoseTurn: "", days: -1, enteredAfter: null, enteredUpTo: null };

/**
 * The submissions the filter keeps, with the small VALUES table of SLA bands when it filters by
 * one (inner-joined: a submission matches at most one), declared to Kysely once (PipelineDb).
 */
function filtered(db: Db, filter: PipelineFilter): FilteredSubmissions {
  const bands = filter.clock ? (filter.clock.length > 0 ? filter.clock : [NO_BAND]) : null;
  let creator: QueryCreator<PipelineDb> = db.withTables<PipelineTables>();
  if (bands) creator = creator.with("pipeline_band(whose_turn, days, entered_after, entered_up_to)", () => bandValues(bands));
  // Typed as selecting from submission alone: the rest of the query names the bands only in SQL.
  const query: FilteredSubmissions = bands
    ? // The bands drive (a CROSS JOIN fixes SQLite's join order): one index range each, rather than
      // probing the bands for every submission.
      creator
        .selectFrom("pipeline_band")
        .crossJoin("submission")
        .where(
          sql<SqlBool>`pipeline_band.whose_turn = submission.whose_turn and pipeline_band.days = submission.national_days_used and submission.state_entered_at > pipeline_band.entered_after and submission.state_entered_at <= pipeline_band.entered_up_to`,
        )
    : creator.selectFrom("submission");
  return query.where(filterExpression(filter));
}

interface Window {
  limit: number;
  offset?: number;
  /** Keyset paging: the rows after this one in the query's order. */
  after?: { value: string | number; id: string } | undefined;
}

/**
 * Which rows, in order: only what the filter and the sort need, so ORDER BY … LIMIT walks an index
 * or sorts narrow rows (SQLite would otherwise join every candidate's details before sorting, and
 * again for every row an OFFSET skips). The details are joined afterwards, for the window alone.
 */
function orderedWindow(db: Db, q: PipelineQuery, window: Window) {
  const { expr, inverted } = sortExpression(db, q);
  const dir: SortDir = inverted === (q.sort.dir === "asc") ? "desc" : "asc";
  // Only the sorts by name need the footprint or region here; the sort expression names them in SQL.
  let ordered = filtered(db, q.filter)
    .$if(q.sort.key === "footprint", (query) => query.innerJoin("footprint", "footprint.code", "submission.footprint_code"))
    .$if(q.sort.key === "region", (query) => query.innerJoin("region", (j) => j.on(sql<SqlBool>`region.code = submission.region_code`)))
    .select(["submission.id", sql<string | number>`${expr}`.as("sort_value")])
    .orderBy(expr, dir)
    .orderBy("submission.id", dir)
    .limit(window.limit);
  if (window.after) {
    ordered = ordered.where(
      sql<SqlBool>`(${expr}, submission.id) ${sql.raw(dir === "asc" ? ">" : "<")} (${window.after.value}, ${window.after.id})`,
    );
  }
  if (window.offset) ordered = ordered.offset(window.offset);
  return { ordered, dir };
}

/** A window of the pipeline with everything a row shows, in the query's order. */
function selectRows(db: Db, q: PipelineQuery, window: Window) {
  const { ordered, dir } = orderedWindow(db, q, window);
  // CROSS JOINs keep the window as SQLite's outer loop: the details are looked up for its rows only.
  return db
    .selectFrom(ordered.as("page"))
    .crossJoin("submission")
    .crossJoin("footprint")
    .crossJoin("region")
    .whereRef("submission.id", "=", "page.id")
    .whereRef("footprint.code", "=", "submission.footprint_code")
    .whereRef("region.code", "=", "footprint.region_code")
    .leftJoin("vanguard", "vanguard.number", "submission.vanguard_number")
    .leftJoin("review_assignment", (j) =>
      j.onRef("review_assignment.submission_id", "=", "submission.id").onRef("review_assignment.checkpoint", "=", "submission.checkpoint"),
    )
    .leftJoin("user as lead_reviewer", "lead_reviewer.id", "review_assignment.lead_reviewer_id")
    .leftJoin("user as second_reviewer", "second_reviewer.id", "review_assignment.second_reviewer_id")
    .select([
      "submission.id",
      "submission.title",
      "submission.model_type as modelType",
      "vanguard.name as vanguardName",
      "submission.footprint_code as footprintCode",
      "footprint.name as footprintName",
      "footprint.region_code as regionCode",
      "region.name as regionName",
      "submission.checkpoint",
      "submission.state",
      "submission.whose_turn as whoseTurn",
      "submission.state_entered_at as stateEnteredAt",
      "submission.national_days_used as nationalDaysUsed",
      "submission.failing_warnings as failingWarnings",
      "submission.updated_at as updatedAt",
      "lead_reviewer.name as leadReviewer",
      "second_reviewer.name as secondReviewer",
      "page.sort_value as sortValue",
    ])
    .orderBy("page.sort_value", dir)
    .orderBy("page.id", dir);
}

/** How many submissions match the filter. */
export async function countPipeline(db: Db, filter: PipelineFilter): Promise<number> {
  const row = await pipelineCountQuery(db, filter).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The SQL of one page, for listPipeline and for reading its plan (`explain`). */
export function pipelinePageQuery(db: Db, q: PipelineQuery, page: { offset: number; limit: number }) {
  return selectRows(db, q, page);
}

/** The SQL of the count, for countPipeline and for reading its plan. */
export function pipelineCountQuery(db: Db, filter: PipelineFilter) {
  return filtered(db, filter).select((eb) => eb.fn.countAll<number>().as("n"));
}

/** One page of the pipeline and the total that match. */
export async function listPipeline(
  db: Db,
  q: PipelineQuery,
  page: { offset: number; limit: number },
): Promise<{ rows: PipelineRow[]; total: number }> {
  const [rows, total] = await Promise.all([pipelinePageQuery(db, q, page).execute(), countPipeline(db, q.filter)]);
  return { rows, total };
}

/**
 * Every matching row, `size` at a time, in the query's order. Keyset paging on (sort value, id)
 * rather than OFFSET: each batch starts where the last ended without reading the rows before it
 * again, and a submission added or removed meanwhile does not shift the batches after it (with
 * OFFSET, rows would be repeated or skipped). The query (and so the clock's `now`) is the same
 * for every batch.
 */
export async function* pipelineBatches(db: Db, q: PipelineQuery, size = 1000): AsyncGenerator<PipelineRow[]> {
  let after: Window["after"];
  for (;;) {
    const batch: PipelineRow[] = await selectRows(db, q, { limit: size, after }).execute();
    if (batch.length > 0) yield batch;
    if (batch.length < size) return;
    const end = batch.at(-1)!;
    after = { value: end.sortValue, id: end.id };
  }
}

/** The distinct stored national figures, by whose turn it is: the inputs of an exact SLA condition. */
export async function listStoredClockFigures(db: Db): Promise<{ whoseTurn: string; days: number }[]> {
  return db.selectFrom("submission").select(["whose_turn as whoseTurn", "national_days_used as days"]).distinct().execute();
}
