import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { listReviewsFor, type ReviewListItem, workflowSnapshots } from "../../db/reviews.ts";
import { type AssuranceContext, hasTag } from "../../workflows/assurance.machine.ts";
import { DEFAULT_TARGET_WORKING_DAYS, liveClock, type SlaStatus, slaStatus } from "../../workflows/clock.ts";
import { stateLabel } from "../status.ts";

/**
 * A national reviewer's list of their assignments: the live national clock, what is waiting on
 * them, sorted by a key from the allow-list.
 */

export const REVIEW_SORT_KEYS = ["submission", "footprint", "region", "model", "checkpoint", "state", "role", "days", "warnings"] as const;
export type ReviewSortKey = (typeof REVIEW_SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

const DEFAULT_SORT = { sort: "days", dir: "desc" } as const satisfies { sort: ReviewSortKey; dir: SortDir };

const ListQuerySchema = z.object({
  sort: z.enum(REVIEW_SORT_KEYS).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
});

/** `?sort=&dir=` from the address; anything unknown falls back to the default order rather than failing. */
export function parseReviewListQuery(url: URL): { sort: ReviewSortKey; dir: SortDir } {
  const parsed = ListQuerySchema.parse({ sort: url.searchParams.get("sort") ?? undefined, dir: url.searchParams.get("dir") ?? undefined });
  if (!parsed.sort) return DEFAULT_SORT;
  return { sort: parsed.sort, dir: parsed.dir ?? "asc" };
}

export interface ReviewRow {
  id: string;
  title: string;
  footprintName: string;
  regionName: string;
  modelType: string;
  checkpoint: number;
  state: string;
  stateLabel: string;
  role: "lead" | "second";
  daysUsed: number;
  targetDays: number;
  sla: SlaStatus;
  failingWarnings: number;
  /** What this reviewer needs to do now, in words; null when nothing is waiting on them. */
  action: string | null;
}

function actionFor(item: ReviewListItem, context: AssuranceContext | null): string | null {
  if (hasTag(item.state, "awaiting_countersign") && item.role === "second") return "Countersign the decision";
  if (hasTag(item.state, "in_review") && item.role === "lead") {
    return context?.disagreement ? "Reconsider the decision" : "Propose a decision";
  }
  if (hasTag(item.state, "conditions") && context?.conditions.some((c) => c.status === "evidence_submitted")) {
    return "Review the evidence for a condition";
  }
  return null;
}

const SORT_VALUES: Record<ReviewSortKey, (r: ReviewRow) => string | number> = {
  submission: (r) => r.title,
  footprint: (r) => r.footprintName,
  region: (r) => r.regionName,
  model: (r) => r.modelType,
  checkpoint: (r) => r.checkpoint,
  state: (r) => r.stateLabel,
  role: (r) => (r.role === "lead" ? 0 : 1),
  days: (r) => r.daysUsed,
  warnings: (r) => r.failingWarnings,
};

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "en-GB", { sensitivity: "base" });
}

/** A reviewer's assignments with the live clock and what is waiting on them, in the order asked for. */
export async function reviewListFor(
  db: Db,
  reviewerId: string,
  order: { sort: ReviewSortKey; dir: SortDir },
  now: Date = new Date(),
): Promise<ReviewRow[]> {
  const items = await listReviewsFor(db, reviewerId);
  const snapshots = await workflowSnapshots(
    db,
    items.map((i) => i.id),
  );
  const rows = items.map((item): ReviewRow => {
    const stored = snapshots.get(item.id);
    const context = stored ? stored.context : null;
    const daysUsed = liveClock(item, now).nationalDaysUsed;
    return {
      id: item.id,
      title: item.title,
      footprintName: item.footprintName,
      regionName: item.regionName,
      modelType: item.modelType,
      checkpoint: item.checkpoint,
      state: item.state,
      stateLabel: stateLabel(item.state),
      role: item.role,
      daysUsed,
      targetDays: DEFAULT_TARGET_WORKING_DAYS,
      sla: slaStatus(daysUsed, DEFAULT_TARGET_WORKING_DAYS),
      failingWarnings: item.failingWarnings,
      action: actionFor(item, context),
    };
  });
  // Sorted here rather than in SQL: the live clock is computed per row, and a reviewer has tens of
  // assignments, not thousands. The sort key still comes only from the allow-list above.
  const value = SORT_VALUES[order.sort];
  const sign = order.dir === "asc" ? 1 : -1;
  return rows.sort((a, b) => sign * compareValues(value(a), value(b)) || compareValues(a.title, b.title));
}
