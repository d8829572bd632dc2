import { barredReviews } from "./suggestions.ts";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { Role } from "../../db/schema.ts";
import { type OpenReview, type ReviewerWorkload, reviewerWorkloads } from "../../db/workload.ts";
import { DEFAULT_TARGET_WORKING_DAYS, type SlaStatus } from "../../workflows/clock.ts";
import { hasTag } from "../../workflows/states.ts";
import { ROLE_LABELS } from "../navigation.ts";
import { formatDate } from "../status.ts";
import { type BarChartLayout, barChartLayout } from "./charts.ts";

/**
 * Reviewers' workload as the administrators' page and a reviewer's own page show it: each
 * person's open reviews in words, the clock nearest its target, the next to reach it, recent
 * decisions and conflicts, sorted by a key from the allow-list, with a chart of open reviews by
 * SLA band. Whose workload a person may see is the route's to decide (every loader asks).
 */

export const WORKLOAD_SORT_KEYS = ["reviewer", "open", "days", "breach", "completed"] as const;
export type WorkloadSortKey = (typeof WORKLOAD_SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

/** Soonest breach first: the question the page answers is whose clocks are near the target. */
const DEFAULT_ORDER = { sort: "breach", dir: "asc" } as const satisfies WorkloadOrder;
/** The direction a column sorts in first: the heaviest loads and the soonest dates first. */
const FIRST_DIR: Record<WorkloadSortKey, SortDir> = { reviewer: "asc", open: "desc", days: "desc", breach: "asc", completed: "desc" };

export interface WorkloadOrder {
  sort: WorkloadSortKey;
  dir: SortDir;
}

const OrderSchema = z.object({
  sort: z.enum(WORKLOAD_SORT_KEYS).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
});

/** `?sort=&dir=` from the address; anything unknown falls back to the default order rather than failing. */
export function parseWorkloadOrder(url: URL): WorkloadOrder {
  const parsed = OrderSchema.parse({ sort: url.searchParams.get("sort") ?? undefined, dir: url.searchParams.get("dir") ?? undefined });
  if (!parsed.sort) return DEFAULT_ORDER;
  return { sort: parsed.sort, dir: parsed.dir ?? FIRST_DIR[parsed.sort] };
}

/** Worst first: the order a bar's parts are drawn from the axis and a key lists them. */
const SLA_BANDS = ["breached", "at_risk", "within"] as const satisfies readonly SlaStatus[];
const SLA_WORDS: Record<SlaStatus, string> = { within: "within target", at_risk: "at risk", breached: "over target" };

/** One open review as a page lists it. */
export interface OpenReviewLine {
  submissionId: string;
  title: string;
  footprintName: string;
  checkpoint: number;
  /** Where the review stands, in words: "in review", "paused while in review". */
  stepWords: string;
  as: "lead" | "second";
  nationalDaysUsed: number;
  target: number;
  sla: SlaStatus;
  breachOn: string | null;
  /** "Reaches the target on 5 February 2027", "Reached the target on …", or why there is no date. */
  breachWords: string;
}

export interface WorkloadRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  deactivated: boolean;
  /** Why these open reviews must move to someone else, in words; null when the holder may keep them. */
  reassign: string | null;
  open: number;
  /** The open reviews by checkpoint and step, in words, a line per checkpoint. */
  breakdown: string[];
  bands: Record<SlaStatus, number>;
  /** The open review whose clock has used most of its target. */
  nearest: OpenReviewLine | null;
  /** The running clock that reaches (or reached) the target first. */
  nextBreach: OpenReviewLine | null;
  completedLast90Days: number;
  conflicts: string[];
  reviews: OpenReviewLine[];
}

export interface WorkloadView {
  order: WorkloadOrder;
  rows: WorkloadRow[];
  target: number;
  chart: { layout: BarChartLayout; description: string; key: { band: SlaStatus; words: string }[] } | null;
}

/** Every reviewer's workload (or one person's, with `userId`) as of `now`, in the order asked for. */
export async function workloadView(db: Db, options: { order: WorkloadOrder; userId?: string; now?: Date }): Promise<WorkloadView> {
  const now = options.now ?? new Date();
  const workloads = await reviewerWorkloads(db, now, options.userId === undefined ? {} : { userId: options.userId });
  const rows = sortRows(workloads.map(workloadRow), options.order);
  return {
    order: options.order,
    rows,
    target: DEFAULT_TARGET_WORKING_DAYS,
    chart: rows.length > 1 ? openReviewsChart(rows) : null,
  };
}

function stepWords(review: OpenReview): string {
  const step = review.pausedDuring ?? review.step;
  const words = hasTag(step, "awaiting_countersign")
    ? "waiting for a countersignature"
    : hasTag(step, "returned")
      ? "returned to the local system for changes"
      : "in review";
  return review.pausedDuring ? `paused while ${words}` : words;
}

/** The order a checkpoint's steps are listed in: the review's own order, then the same paused. */
const STEPS = ["in review", "waiting for a countersignature", "returned to the local system for changes"];
const STEP_ORDER = [...STEPS, ...STEPS.map((s) => `paused while ${s}`)];

function line(review: OpenReview): OpenReviewLine {
  let breachWords: string;
  if (review.breachOn) {
    const when = formatDate(`${review.breachOn}T12:00:00Z`);
    breachWords = review.nationalDaysUsed >= review.target ? `Reached the target on ${when}` : `Reaches the target on ${when}`;
  } else {
    breachWords = review.pausedDuring ? "Clock stopped: paused" : "Clock stopped: with the local system";
  }
  return {
    submissionId: review.submissionId,
    title: review.title,
    footprintName: review.footprintName,
    checkpoint: review.checkpoint,
    stepWords: stepWords(review),
    as: review.as,
    nationalDaysUsed: review.nationalDaysUsed,
    target: review.target,
    sla: review.sla,
    breachOn: review.breachOn,
    breachWords,
  };
}

const reviews = (n: number) => (n === 1 ? "1 open review" : `${n} open reviews`);

/** The open reviews this person can no longer hold, in words, by the policy's barrier (the same rule /admin/reassignments lists by). */
function reassignWords(w: ReviewerWorkload): string | null {
  const barred = barredReviews(w);
  if (barred.length === 0) return null;
  if (w.deactivated) return `Deactivated — ${reviews(barred.length)} to reassign`;
  if (w.role !== "reviewer") return `Now a ${ROLE_LABELS[w.role].toLowerCase()} — ${reviews(barred.length)} to reassign`;
  return `Conflicted since assigned — ${reviews(barred.length)} to reassign`;
}

function breakdown(lines: OpenReviewLine[]): string[] {
  const byCheckpoint = new Map<number, Map<string, number>>();
  for (const l of lines) {
    const steps = byCheckpoint.get(l.checkpoint) ?? new Map<string, number>();
    steps.set(l.stepWords, (steps.get(l.stepWords) ?? 0) + 1);
    byCheckpoint.set(l.checkpoint, steps);
  }
  const rank = (words: string) => STEP_ORDER.indexOf(words);
  return [...byCheckpoint]
    .sort(([a], [b]) => a - b)
    .map(
      ([checkpoint, steps]) =>
        `Checkpoint ${checkpoint}: ${[...steps]
          .sort(([a], [b]) => rank(a) - rank(b))
          .map(([words, n]) => `${n} ${words}`)
          .join(", ")}`,
    );
}

function workloadRow(w: ReviewerWorkload): WorkloadRow {
  const lines = w.openReviews.map(line);
  const bands = { within: 0, at_risk: 0, breached: 0 };
  for (const l of lines) bands[l.sla] += 1;
  const nearest = lines.reduce<OpenReviewLine | null>((most, l) => (!most || l.nationalDaysUsed > most.nationalDaysUsed ? l : most), null);
  return {
    id: w.id,
    name: w.name,
    email: w.email,
    role: w.role,
    deactivated: w.deactivated,
    reassign: reassignWords(w),
    open: lines.length,
    breakdown: breakdown(lines),
    bands,
    nearest,
    // The reviews come soonest breach first, stopped clocks last.
    nextBreach: lines.find((l) => l.breachOn !== null) ?? null,
    completedLast90Days: w.completedLast90Days,
    conflicts: w.conflicts.map((c) => c.footprintName),
    reviews: lines,
  };
}

const SORT_VALUES: Record<WorkloadSortKey, (r: WorkloadRow) => string | number | null> = {
  reviewer: (r) => r.name,
  open: (r) => r.open,
  days: (r) => r.nearest?.nationalDaysUsed ?? null,
  breach: (r) => r.nextBreach?.breachOn ?? null,
  completed: (r) => r.completedLast90Days,
};

function sortRows(rows: WorkloadRow[], order: WorkloadOrder): WorkloadRow[] {
  const value = SORT_VALUES[order.sort];
  const sign = order.dir === "asc" ? 1 : -1;
  const byName = (a: WorkloadRow, b: WorkloadRow) => a.name.localeCompare(b.name, "en-GB", { sensitivity: "base" });
  // Sorted here: a few dozen reviewers, each figure computed from the live clock. Someone with
  // nothing to compare (no open review) comes last in either direction.
  return rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? byName(a, b) : va === null ? 1 : -1;
    const compared = typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb), "en-GB");
    return sign * compared || byName(a, b);
  });
}

/** Open reviews per person, each bar split by SLA band, worst first from the axis. */
function openReviewsChart(rows: WorkloadRow[]) {
  const byName = [...rows].sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
  const layout = barChartLayout(
    byName.map((r) => ({
      label: r.name,
      value: r.open,
      valueText: chartFigure(r),
      parts: SLA_BANDS.map((band) => ({ value: r.bands[band], kind: band })),
    })),
    { width: 720, labelWidth: 180 },
  );
  const total = rows.reduce((n, r) => n + r.open, 0);
  const over = rows.reduce((n, r) => n + r.bands.breached, 0);
  const atRisk = rows.reduce((n, r) => n + r.bands.at_risk, 0);
  return {
    layout,
    key: SLA_BANDS.map((band) => ({ band, words: SLA_WORDS[band] })),
    description: `${reviews(total)} across ${rows.length} people: ${over} over target, ${atRisk} at risk, the rest within target. Each bar is one person's open reviews; the table below gives the same figures.`,
  };
}

/** A bar's figure in words: its count and the parts that need attention. */
function chartFigure(r: WorkloadRow): string {
  const parts = (["breached", "at_risk"] as const).filter((b) => r.bands[b] > 0).map((b) => `${r.bands[b]} ${SLA_WORDS[b]}`);
  return parts.length > 0 ? `${r.open}: ${parts.join(", ")}` : String(r.open);
}
