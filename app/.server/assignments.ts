import type { Db } from "../../db/client.ts";
import { type ReviewerOption, listReviewerOptions } from "../../db/reviews.ts";
import { RULES } from "../../workflows/assurance.machine.ts";
import { REVIEW_BARRIER_LABELS, reviewBarrier } from "../../workflows/policy.ts";
import { candidate } from "./assurance.ts";
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

/** Each reviewer with why they could not take this submission, if anything, shown before choosing. */
export async function reviewerOptionsFor(
  db: Db,
  loaded: LoadedSubmission,
): Promise<(ReviewerOption & { blockedBecause: string | null })[]> {
  const options = await listReviewerOptions(db);
  return options.map((o) => {
    // Everyone listed is a reviewer (listReviewerOptions reads that role).
    const barrier = reviewBarrier({ ...o, role: "reviewer" }, loaded.snapshot.context);
    return { ...o, blockedBecause: barrier ? REVIEW_BARRIER_LABELS[barrier] : null };
  });
}
