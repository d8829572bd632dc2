import type { Db } from "../../db/client.ts";
import { assignmentHistory, type PastAssignment, submissionsToReassign } from "../../db/reviews.ts";
import { type OpenReviewBand, type ReviewerLoad, type ReviewerWorkload, reviewerLoads } from "../../db/workload.ts";
import { factsFrom } from "../../workflows/assurance.machine.ts";
import { decide, type PolicyActor, REVIEW_BARRIER_LABELS, reviewBarrier } from "../../workflows/policy.ts";
import {
  type ReviewerStanding,
  type ReviewPart,
  type Suggestions,
  suggestReviewers,
  type SuggestionSubject,
} from "../../workflows/reviewer-suggestions.ts";

/**
 * Suggested reviewers and the changes forced on reviews (issue 16): the facts the pure ranking
 * (workflows/reviewer-suggestions.ts) needs, read once for a page, and the reviews whose reviewer
 * can no longer hold them.
 */

/** A suggested pair as a page shows it. */
export interface PairView {
  leadId: string;
  leadName: string;
  secondId: string;
  secondName: string;
  reasons: string[];
}

export interface SuggestionsView {
  pairs: PairView[];
  notSuggested: { name: string; why: string }[];
}

function historyBy(rows: readonly PastAssignment[], submissionId: string): Map<string, { checkpoint: number; as: ReviewPart }[]> {
  const byPerson = new Map<string, { checkpoint: number; as: ReviewPart }[]>();
  for (const row of rows) {
    if (row.submissionId !== submissionId) continue;
    for (const [id, as] of [
      [row.leadReviewerId, "lead"],
      [row.secondReviewerId, "second"],
    ] as const) {
      byPerson.set(id, [...(byPerson.get(id) ?? []), { checkpoint: row.checkpoint, as }]);
    }
  }
  return byPerson;
}

/** Each reviewer as the ranking sees them for one submission: its own review is not load on them. */
function standingsFor(loads: readonly ReviewerLoad[], history: PastAssignment[], submissionId: string): ReviewerStanding[] {
  const past = historyBy(history, submissionId);
  return loads.map((l) => {
    const others = [...l.open].filter(([id]) => id !== submissionId).map(([, band]) => band);
    return {
      id: l.id,
      name: l.name,
      role: l.role,
      deactivated: l.deactivated,
      conflicts: l.conflicts,
      openReviews: others.length,
      clocksAtRisk: others.filter((b) => b.atRisk).length,
      history: past.get(l.id) ?? [],
    };
  });
}

const toView = (s: Suggestions): SuggestionsView => ({
  pairs: s.pairs.map((p) => ({
    leadId: p.lead.id,
    leadName: p.lead.name,
    secondId: p.second.id,
    secondName: p.second.name,
    reasons: p.reasons,
  })),
  notSuggested: s.notSuggested.map((n) => ({ name: n.reviewer.name, why: n.why })),
});

/** Suggested pairs for one submission's checkpoint, with who was not suggested and why. */
export async function suggestionsFor(
  db: Db,
  submission: { id: string; footprintCode: string; footprintName: string; checkpoint: number; authors: readonly string[] },
  current: { lead: string; second: string } | null,
  loads: readonly ReviewerLoad[],
): Promise<SuggestionsView> {
  const history = await assignmentHistory(db, [submission.id]);
  const subject: SuggestionSubject = { ...submission };
  return toView(suggestReviewers(subject, standingsFor(loads, history, submission.id), { current }));
}

/**
 * The open reviews a person can no longer hold, each with the policy's reason (its barrier).
 * Authorship cannot arise after assignment (authors are leads): only role, account and conflicts change.
 */
function barred<R extends { footprintCode: string }>(
  person: { id: string; role: ReviewerLoad["role"]; deactivated: boolean; conflicts: readonly string[] },
  reviews: Iterable<R>,
) {
  return [...reviews].flatMap((review) => {
    const barrier = reviewBarrier(person, { footprintCode: review.footprintCode, authors: [] });
    return barrier ? [{ review, barrier }] : [];
  });
}

/** barred() for a person's workload as the workload page reads it. */
export function barredReviews(w: ReviewerWorkload) {
  return barred({ ...w, conflicts: w.conflicts.map((c) => c.footprintCode) }, w.openReviews);
}

const barredLoad = (l: ReviewerLoad) =>
  barred(
    l,
    [...l.open].map(([submissionId, band]): OpenReviewBand & { submissionId: string } => ({ submissionId, ...band })),
  );

/** A review whose reviewer can no longer hold it, with what the change needs. */
export interface ReviewToReassign {
  submissionId: string;
  title: string;
  footprintName: string;
  checkpoint: number;
  /** The submission's version, so the change is refused if it moved on meanwhile. */
  version: number;
  current: { leadId: string; leadName: string; secondId: string; secondName: string };
  /** Who cannot go on, and why, in words: "Rowan Reviewer (lead reviewer): account deactivated." */
  problems: string[];
  /** Everyone the policy allows for it, for the choice beside the suggestions. */
  allowed: { id: string; name: string }[];
  suggestions: SuggestionsView;
  /** Whether this administrator may change its reviewers now (the policy's answer). */
  refusal: string | null;
}

/**
 * Every open review held by someone who can no longer review it (deactivated, no longer a
 * reviewer, or conflicted with its footprint since), or only those of `userId`; with suggestions
 * for each that keep whoever can stay.
 */
export async function reviewsToReassign(db: Db, admin: PolicyActor, options: { userId?: string } = {}, now = new Date()) {
  const loads = await reviewerLoads(db, now);
  const nameOf = new Map(loads.map((l) => [l.id, l.name]));
  const problemsBySubmission = new Map<string, string[]>();
  for (const w of loads) {
    if (options.userId && w.id !== options.userId) continue;
    for (const { review, barrier } of barredLoad(w)) {
      const part = review.as === "lead" ? "lead reviewer" : "second reviewer";
      const list = problemsBySubmission.get(review.submissionId) ?? [];
      list.push(`${w.name} (${part}): ${REVIEW_BARRIER_LABELS[barrier].toLowerCase()}.`);
      problemsBySubmission.set(review.submissionId, list);
    }
  }
  const ids = [...problemsBySubmission.keys()];
  const [submissions, history] = await Promise.all([submissionsToReassign(db, ids), assignmentHistory(db, ids)]);
  return submissions.flatMap((s): ReviewToReassign[] => {
    const reviewers = s.snapshot.context.reviewers;
    if (!reviewers) return [];
    const checkpoint = s.snapshot.context.checkpoint;
    const subject: SuggestionSubject = {
      footprintCode: s.footprintCode,
      footprintName: s.footprintName,
      authors: s.snapshot.context.authors,
      checkpoint,
    };
    const standings = standingsFor(loads, history, s.id);
    const verdict = decide(admin, "reassign", factsFrom(s.snapshot.context, s.state));
    return [
      {
        submissionId: s.id,
        title: s.title,
        footprintName: s.footprintName,
        checkpoint,
        version: s.version,
        current: {
          leadId: reviewers.lead,
          leadName: nameOf.get(reviewers.lead) ?? "A former reviewer",
          secondId: reviewers.second,
          secondName: nameOf.get(reviewers.second) ?? "A former reviewer",
        },
        problems: problemsBySubmission.get(s.id) ?? [],
        allowed: standings.filter((r) => reviewBarrier(r, subject) === null).map((r) => ({ id: r.id, name: r.name })),
        suggestions: toView(suggestReviewers(subject, standings, { current: reviewers, limit: 3 })),
        refusal: verdict.allowed ? null : verdict.reason,
      },
    ];
  });
}

/**
 * How many open reviews `userId` (or anyone) holds but can no longer review: the count behind
 * "reassign them" on an account's page, the assignments page and a conflict declared mid-review.
 * `footprintCode` counts only that footprint's.
 */
export async function countReviewsToReassign(db: Db, options: { userId?: string; footprintCode?: string } = {}, now = new Date()) {
  let count = 0;
  for (const l of await reviewerLoads(db, now)) {
    if (options.userId && l.id !== options.userId) continue;
    count += barredLoad(l).filter(({ review }) => !options.footprintCode || review.footprintCode === options.footprintCode).length;
  }
  return count;
}
