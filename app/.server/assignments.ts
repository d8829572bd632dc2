import type { Db } from "../../db/client.ts";
import type { ReviewerLoad } from "../../db/workload.ts";
import { RULES } from "../../workflows/assurance.machine.ts";
import { REVIEW_BARRIER_LABELS, reviewBarrier } from "../../workflows/policy.ts";
import { applyEvent, candidate, type NamedActor } from "./assurance.ts";
import type { LoadedSubmission } from "./submissions.ts";

export interface ConflictCheck {
  ok: boolean;
  /** What the check found, in words: the refusal, or who can review. */
  message: string;
}

/**
 * The same rule the workflow applies when assigning (distinct reviewers, no declared conflict with
 * the footprint, not an author), run without assigning, so an admin can clear a pair first.
 */
export async function checkReviewerPair(
  db: Db,
  loaded: LoadedSubmission,
  leadReviewerId: string,
  secondReviewerId: string,
): Promise<ConflictCheck> {
  const [lead, second] = await Promise.all([candidate(db, leadReviewerId), candidate(db, secondReviewerId)]);
  if (!lead || !second) return { ok: false, message: "Choose reviewers who have accounts." };
  const reason = RULES.ASSIGN(loaded.snapshot.context, { type: "ASSIGN", actor: loaded.actor, leadReviewer: lead, secondReviewer: second });
  return reason
    ? { ok: false, message: reason }
    : {
        ok: true,
        message: `No conflicts found: ${lead.name} (lead reviewer) and ${second.name} (second reviewer) can review this submission.`,
      };
}

/** Each reviewer with their open reviews and why they could not take this submission, if anything, shown before choosing. */
export function reviewerOptionsFor(loaded: LoadedSubmission, loads: readonly ReviewerLoad[]) {
  return loads
    .filter((l) => l.role === "reviewer")
    .map((l) => {
      const barrier = reviewBarrier(l, loaded.snapshot.context);
      return {
        id: l.id,
        name: l.name,
        email: l.email,
        openReviews: l.open.size,
        blockedBecause: barrier ? REVIEW_BARRIER_LABELS[barrier] : null,
      };
    });
}

export type RowError = { field: "lead" | "second" | "form"; message: string };

/**
 * Changes the reviewers of several submissions, one audited REASSIGN each (its own transaction and
 * version check): a refusal or a clash on one leaves the others done. Returns how many were done
 * and, by submission, why the others were not.
 */
export async function reassignReviews(
  db: Db,
  admin: NamedActor,
  rows: readonly { submissionId: string; version: number; leadReviewerId?: string; secondReviewerId?: string }[],
  reason: string,
): Promise<{ done: number; errors: Record<string, RowError> }> {
  let done = 0;
  const errors: Record<string, RowError> = {};
  for (const row of rows) {
    if (!row.leadReviewerId) {
      errors[row.submissionId] = { field: "lead", message: "Choose the lead reviewer" };
      continue;
    }
    if (!row.secondReviewerId) {
      errors[row.submissionId] = { field: "second", message: "Choose the second reviewer" };
      continue;
    }
    const result = await applyEvent(
      db,
      row.submissionId,
      admin,
      { type: "REASSIGN", leadReviewerId: row.leadReviewerId, secondReviewerId: row.secondReviewerId, reason },
      { expectedVersion: row.version },
    );
    if (result.ok) done += 1;
    else errors[row.submissionId] = { field: "form", message: result.reason };
  }
  return { done, errors };
}
