import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import {
  type ClockCondition,
  listPipeline,
  listStoredClockFigures,
  PIPELINE_SORT_KEYS,
  type PipelineQuery,
  type PipelineRow,
  type PipelineSortKey,
  pipelineBatches,
  type SortDir,
} from "../../db/pipeline.ts";
import { listRegions } from "../../db/reference.ts";
import {
  DEFAULT_TARGET_WORKING_DAYS,
  isWorkingDay,
  liveClock,
  nationalClockOffset,
  nationalDaysFrom,
  type SlaStatus,
  slaStatus,
} from "../../workflows/clock.ts";
import { NATIONAL_CLOCK_TURN, STATE_KEYS, TURNS, type Turn } from "../../workflows/states.ts";
import { stateLabel } from "../status.ts";
import { actorFrom } from "./assurance.ts";
import type { CurrentUser } from "./session.ts";
import { pipelineRowActions } from "./submissions.ts";

/**
 * The pipeline (product.md, "Clocks and the pipeline") for admins and reviewers: the list state
 * parsed from the address, the live national clock of each row, the SLA filter and sort turned
 * into SQL the database can answer exactly, and the CSV export streamed in batches.
 */

// ---------------------------------------------------------------------------------------------
// The list state in the address

/** Every resting state of the assurance machine, in process order (workflows/states.ts). */
export const PIPELINE_STATES: readonly string[] = STATE_KEYS;

export { TURNS, type Turn };
export const TURN_LABELS: Record<Turn, string> = {
  local: "Local system",
  national: "National team",
  paused: "Nobody (paused)",
  closed: "Nobody (closed)",
};

export const SLA_BANDS = ["within", "at_risk", "breached"] as const satisfies readonly SlaStatus[];
export const SLA_LABELS: Record<SlaStatus, string> = { within: "Within target", at_risk: "At risk", breached: "Over target" };

export const CHECKPOINTS = [0, 1, 2, 3] as const;
export function checkpointLabel(n: number): string {
  return n === 0 ? "Not yet submitted" : `Checkpoint ${n}`;
}

export const MODEL_TYPES = ["MCP", "PACS"] as const;
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_SORT: { sort: PipelineSortKey; dir: SortDir } = { sort: "updated", dir: "desc" };
/** The direction a column sorts in first: the largest figures and the latest dates first. */
export const FIRST_DIR: Record<PipelineSortKey, SortDir> = {
  title: "asc",
  footprint: "asc",
  region: "asc",
  model: "asc",
  checkpoint: "asc",
  state: "asc",
  turn: "asc",
  "days-in-state": "desc",
  "national-days": "desc",
  warnings: "desc",
  updated: "desc",
};

export interface PipelineParams {
  q?: string | undefined;
  region?: string | undefined;
  state?: string | undefined;
  checkpoint?: number | undefined;
  model?: (typeof MODEL_TYPES)[number] | undefined;
  turn?: Turn | undefined;
  sla?: SlaStatus | undefined;
  sort: PipelineSortKey;
  dir: SortDir;
  page: number;
  size: number;
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional()).catch(undefined);

// Anything malformed or unknown is ignored (the default applies), never a 500.
const ParamsSchema = z.object({
  q: optional(z.string().trim().max(200)),
  region: optional(z.string().regex(/^[A-Z]{1,8}$/)),
  state: optional(z.string().refine((s) => PIPELINE_STATES.includes(s))),
  checkpoint: optional(z.enum(["0", "1", "2", "3"]).transform(Number)),
  model: optional(z.enum(MODEL_TYPES)),
  turn: optional(z.enum(TURNS)),
  sla: optional(z.enum(SLA_BANDS)),
  sort: optional(z.enum(PIPELINE_SORT_KEYS)),
  dir: optional(z.enum(["asc", "desc"])),
  page: optional(z.coerce.number().int().min(1).max(1_000_000)),
  size: optional(z.enum(["25", "50", "100"]).transform(Number)),
});

/** The list state from `?q=&region=&state=&checkpoint=&model=&turn=&sla=&sort=&dir=&page=&size=`. */
export function parsePipelineParams(search: URLSearchParams): PipelineParams {
  const raw = Object.fromEntries(Object.keys(ParamsSchema.shape).map((k) => [k, search.get(k) ?? undefined]));
  const p = ParamsSchema.parse(raw);
  const sort = p.sort ?? DEFAULT_SORT.sort;
  return {
    q: p.q || undefined,
    region: p.region,
    state: p.state,
    checkpoint: p.checkpoint,
    model: p.model,
    turn: p.turn,
    sla: p.sla,
    sort,
    dir: p.dir ?? (p.sort ? FIRST_DIR[sort] : DEFAULT_SORT.dir),
    page: p.page ?? 1,
    size: p.size ?? DEFAULT_PAGE_SIZE,
  };
}

/**
 * The address of a view, leaving out what is at its default: filters, then sort and size. The page
 * is left out (links add it), so a changed filter or sort starts again at page 1.
 */
export function pipelineSearch(p: PipelineParams): URLSearchParams {
  const out = new URLSearchParams();
  const put = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") out.set(key, String(value));
  };
  put("q", p.q);
  put("region", p.region);
  put("state", p.state);
  put("checkpoint", p.checkpoint);
  put("model", p.model);
  put("turn", p.turn);
  put("sla", p.sla);
  if (p.sort !== DEFAULT_SORT.sort || p.dir !== DEFAULT_SORT.dir) {
    put("sort", p.sort);
    put("dir", p.dir);
  }
  if (p.size !== DEFAULT_PAGE_SIZE) put("size", p.size);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The live national clock

const DAY_MS = 86_400_000;
const TARGET = DEFAULT_TARGET_WORKING_DAYS;

/** The fewest working milliseconds after which a stored figure reaches an SLA level (0: it already has). */
function workingMsToReach(stored: number, reached: (s: SlaStatus) => boolean): number {
  const ok = (m: number) => reached(slaStatus(nationalDaysFrom(stored, m), TARGET));
  if (ok(0)) return 0;
  let hi = DAY_MS;
  while (!ok(hi)) hi *= 2;
  let lo = 0; // !ok(lo), ok(hi)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Working time before `now`, walking back a day at a time, extended as far as a question needs:
 * `ends[k]` is where day k back stops counting (its end, or now) and `cumulative[k]` the working
 * milliseconds from the start of day k to now.
 */
function backwardWorkingTime(now: Date) {
  const nowMs = now.getTime();
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const ends: number[] = [];
  const cumulative: number[] = [];
  const extendTo = (k: number) => {
    while (cumulative.length <= k) {
      const start = today - cumulative.length * DAY_MS;
      const end = Math.min(start + DAY_MS, nowMs);
      const working = isWorkingDay(new Date(start).toISOString().slice(0, 10)) ? end - start : 0;
      ends.push(end);
      cumulative.push((cumulative.at(-1) ?? 0) + working);
    }
  };
  return {
    /**
     * The latest instant a state could have been entered and still have `need` (> 0) working
     * milliseconds by now. Earlier entries only have more, so "reached" is exactly "entered at or
     * before" it.
     */
    latestEntryWith(need: number): number {
      let k = 0;
      for (; ; k++) {
        extendTo(k);
        if (cumulative[k]! >= need) break;
      }
      return ends[k]! - (need - (k > 0 ? cumulative[k - 1]! : 0));
    },
  };
}

/**
 * The rows in an SLA band as exact conditions on stored columns (db/pipeline.ts ClockBand).
 *
 * While a submission waits on the national team its figure grows with working time, which
 * portable SQL cannot count (weekends, bank holidays). But the stored figures are few (tenths of
 * a day), and for each one the band depends only on when the state was entered: "breached" if at
 * or before the latest instant that puts the figure over the target by now, "at risk" between
 * that and the latest instant that reaches 80%, "within" after it. So each distinct stored figure
 * becomes a band `national_days_used = x and state_entered_at in (a, b]`, with the instants
 * computed here by the same clock arithmetic as the figure shown. Rows not on the national side
 * keep their stored figure (a returned checkpoint that went over its target stays over it).
 */
export function slaCondition(figures: { whoseTurn: string; days: number }[], band: SlaStatus, now: Date): ClockCondition {
  const condition: ClockCondition = [];
  const time = backwardWorkingTime(now);
  for (const { whoseTurn, days } of figures) {
    if (whoseTurn !== NATIONAL_CLOCK_TURN) {
      if (slaStatus(days, TARGET) === band) condition.push({ whoseTurn, days, enteredAfter: null, enteredUpTo: null });
      continue;
    }
    // null: every entry reaches the level (the stored figure alone does).
    const boundary = (reached: (s: SlaStatus) => boolean) => {
      const need = workingMsToReach(days, reached);
      return need === 0 ? null : new Date(time.latestEntryWith(need)).toISOString();
    };
    const atRisk = boundary((s) => s !== "within");
    const breached = boundary((s) => s === "breached");
    if (band === "breached") condition.push({ whoseTurn, days, enteredAfter: null, enteredUpTo: breached });
    else if (band === "at_risk" && breached !== null) condition.push({ whoseTurn, days, enteredAfter: breached, enteredUpTo: atRisk });
    else if (band === "within" && atRisk !== null) condition.push({ whoseTurn, days, enteredAfter: atRisk, enteredUpTo: null });
  }
  return condition;
}

/** The database query for a view: the clock inputs are read only when the filter or sort needs them. */
export async function pipelineQuery(db: Db, p: PipelineParams, now: Date): Promise<PipelineQuery> {
  const figures = p.sla ? await listStoredClockFigures(db) : null;
  return {
    filter: {
      regionCode: p.region,
      state: p.state,
      checkpoint: p.checkpoint,
      modelType: p.model,
      whoseTurn: p.turn,
      text: p.q,
      clock: figures && p.sla ? slaCondition(figures, p.sla, now) : undefined,
    },
    sort: { key: p.sort, dir: p.dir },
    clockOffset: p.sort === "national-days" ? nationalClockOffset(now) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// The page

/** A well-formed region code that names no region is ignored like any other bad value. */
async function knownRegion(db: Db, requested: PipelineParams) {
  const regions = await listRegions(db);
  const params = { ...requested, region: regions.some((r) => r.code === requested.region) ? requested.region : undefined };
  return { params, regions };
}

export interface PipelineItem {
  id: string;
  title: string;
  modelType: string;
  vanguardName: string | null;
  footprintCode: string;
  footprintName: string;
  regionName: string;
  checkpoint: number;
  checkpointText: string;
  state: string;
  stateText: string;
  whoseTurn: string;
  turnText: string;
  stateEnteredAt: string;
  daysInState: number;
  nationalDaysUsed: number;
  targetDays: number;
  sla: SlaStatus;
  slaText: string;
  /** False before the first submission: no checkpoint, so no national clock to show. */
  clockStarted: boolean;
  reviewers: string[];
  leadReviewer: string | null;
  secondReviewer: string | null;
  failingWarnings: number;
  updatedAt: string;
}

function toItem(row: PipelineRow, now: Date): PipelineItem {
  const clock = liveClock(row, now);
  return {
    id: row.id,
    title: row.title,
    modelType: row.modelType,
    vanguardName: row.vanguardName,
    footprintCode: row.footprintCode,
    footprintName: row.footprintName,
    regionName: row.regionName,
    checkpoint: row.checkpoint,
    checkpointText: checkpointLabel(row.checkpoint),
    state: row.state,
    stateText: stateLabel(row.state),
    whoseTurn: row.whoseTurn,
    turnText: TURN_LABELS[row.whoseTurn as Turn] ?? row.whoseTurn,
    stateEnteredAt: row.stateEnteredAt,
    daysInState: clock.daysInState,
    nationalDaysUsed: clock.nationalDaysUsed,
    targetDays: TARGET,
    sla: clock.sla,
    slaText: row.checkpoint === 0 ? "Not started" : SLA_LABELS[clock.sla],
    clockStarted: row.checkpoint !== 0,
    reviewers: [row.leadReviewer, row.secondReviewer].filter((n): n is string => n !== null),
    leadReviewer: row.leadReviewer,
    secondReviewer: row.secondReviewer,
    failingWarnings: row.failingWarnings,
    updatedAt: row.updatedAt,
  };
}

/** The choices of the filter form, with the words the page shows for each. */
export function pipelineFilterOptions(regions: { code: string; name: string }[]) {
  const option = (value: string | number, label: string) => ({ value: String(value), label });
  return {
    regions: regions.map((r) => option(r.code, r.name)),
    states: PIPELINE_STATES.map((s) => option(s, stateLabel(s))),
    checkpoints: CHECKPOINTS.map((n) => option(n, checkpointLabel(n))),
    models: MODEL_TYPES.map((m) =>
      option(m, m === "MCP" ? "Multispecialty community provider (MCP)" : "Primary and acute care system (PACS)"),
    ),
    turns: TURNS.map((t) => option(t, TURN_LABELS[t])),
    slas: SLA_BANDS.map((b) => option(b, SLA_LABELS[b])),
    sizes: PAGE_SIZES.map((n) => option(n, String(n))),
  };
}

export interface PipelinePage {
  params: PipelineParams;
  items: PipelineItem[];
  total: number;
  page: number;
  pageCount: number;
  regions: { code: string; name: string }[];
}

/** One page of the pipeline as the address asks; a page past the end shows the last one. */
export async function loadPipeline(db: Db, requested: PipelineParams, now: Date = new Date()): Promise<PipelinePage> {
  const { params, regions } = await knownRegion(db, requested);
  const query = await pipelineQuery(db, params, now);
  let { rows, total } = await listPipeline(db, query, { offset: (params.page - 1) * params.size, limit: params.size });
  const pageCount = Math.max(1, Math.ceil(total / params.size));
  if (params.page > pageCount) {
    params.page = pageCount;
    ({ rows, total } = await listPipeline(db, query, { offset: (pageCount - 1) * params.size, limit: params.size }));
  }
  return {
    params,
    items: rows.map((r) => toItem(r, now)),
    total,
    page: params.page,
    pageCount: Math.max(1, Math.ceil(total / params.size)),
    regions,
  };
}

/** A row as its viewer sees it: an administrator's carries the pause, resume and withdraw the policy allows now. */
export type ViewerPipelineItem = PipelineItem & { manage: ReturnType<typeof pipelineRowActions> | null };

/** One page of the pipeline for this person; a reviewer's rows carry no actions. */
export async function loadPipelineFor(
  db: Db,
  user: CurrentUser,
  requested: PipelineParams,
  now: Date = new Date(),
): Promise<Omit<PipelinePage, "items"> & { items: ViewerPipelineItem[] }> {
  const view = await loadPipeline(db, requested, now);
  const actor = actorFrom(user);
  return {
    ...view,
    items: view.items.map((item) => ({ ...item, manage: user.role === "admin" ? pipelineRowActions(actor, item) : null })),
  };
}

// ---------------------------------------------------------------------------------------------
// The CSV export

// csv-stringify writes RFC 4180 (quoted when a field holds a comma, quote or line break, quotes
// doubled, CRLF between records). Its escape_formulas knows only = + - @ tab CR and their
// full-width forms at the very start, so defuseFormula below is applied instead.
const CSV_OPTIONS = { record_delimiter: "windows", quoted_match: /[\r\n]/ } as const;

/**
 * The start of what a spreadsheet may run as a formula: = + - @, tab or carriage return, or a
 * Unicode look-alike (full-width, small, superscript and subscript forms, the minus sign, hyphens
 * and dashes, which some spreadsheets fold to the ASCII ones), after any leading whitespace or
 * invisible characters, since ` =1+1` is still a formula.
 */
const FORMULA_START =
  /^[\p{White_Space}\u200B-\u200D\u2060\uFEFF]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u207C\u207A\u207B\u208C\u208A\u208B\u2212\u2010-\u2015\uFE58\u2795\u2796]/u;

/** The value with an apostrophe before it when a spreadsheet would run it as a formula (OWASP "CSV injection"). */
export function defuseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Rows as CSV records. */
export function csvLines(rows: (string | number | null | undefined)[][]): string {
  return stringify(
    rows.map((values) => values.map((v) => (v === null || v === undefined ? "" : typeof v === "number" ? String(v) : defuseFormula(v)))),
    CSV_OPTIONS,
  );
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return csvLines([values]);
}

/** One field, as csvLine writes it. */
export function csvField(value: string | number | null | undefined): string {
  return csvLine([value]).slice(0, -2);
}

const CSV_COLUMNS: [header: string, value: (i: PipelineItem) => string | number | null][] = [
  ["Submission ID", (i) => i.id],
  ["Title", (i) => i.title],
  ["Footprint code", (i) => i.footprintCode],
  ["Footprint", (i) => i.footprintName],
  ["Region", (i) => i.regionName],
  ["Model", (i) => i.modelType],
  ["Vanguard", (i) => i.vanguardName],
  ["Checkpoint", (i) => i.checkpoint],
  ["State", (i) => i.stateText],
  ["Whose turn", (i) => i.turnText],
  ["State entered", (i) => i.stateEnteredAt],
  ["Days in state", (i) => i.daysInState],
  ["National working days used", (i) => i.nationalDaysUsed.toFixed(1)],
  ["National target (working days)", (i) => i.targetDays],
  ["SLA status", (i) => i.slaText],
  ["Lead reviewer", (i) => i.leadReviewer],
  ["Second reviewer", (i) => i.secondReviewer],
  ["Failing warnings", (i) => i.failingWarnings],
  ["Last activity", (i) => i.updatedAt],
];

export const CSV_HEADER = CSV_COLUMNS.map(([h]) => h);

/** `ncm-pipeline-YYYY-MM-DD.csv`, dated in England. */
export function csvFilename(now: Date): string {
  const date = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(
    now,
  );
  return `ncm-pipeline-${date}.csv`;
}

/**
 * The whole filtered pipeline as CSV (UTF-8 with a byte order mark, so Excel reads it as UTF-8),
 * in the view's order, read from the database a batch at a time as the client takes it: memory
 * holds one batch, not the export. The query (and the clock inputs) are prepared before the
 * stream starts, so a failure there is an ordinary error response.
 */
export async function pipelineCsv(
  db: Db,
  requested: PipelineParams,
  now: Date = new Date(),
  batchSize?: number,
): Promise<ReadableStream<Uint8Array>> {
  const { params } = await knownRegion(db, requested);
  const query = await pipelineQuery(db, params, now);
  // The live national sort is computed for every row on each batch (no index can give it), so
  // fewer, larger batches; the others walk an index and stay small.
  const batches = pipelineBatches(db, query, batchSize ?? (params.sort === "national-days" ? 2500 : 1000));
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(CSV_HEADER)}`));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      const records = next.value.map((row) => {
        const item = toItem(row, now);
        return CSV_COLUMNS.map(([, value]) => value(item));
      });
      controller.enqueue(encoder.encode(csvLines(records)));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
