// Suggested reviewers for a checkpoint: a ranked list of pairs, each with its reasons in words,
// and everyone who could not be suggested with why not. The barrier is the policy's own
// (reviewBarrier), so a suggestion is never a pair the workflow would refuse. The ranking keeps
// reviewers who already know the submission (the process keeps a submission's reviewers from
// one checkpoint to the next), then balances load: open reviews, with a clock at risk of passing
// the target counting twice, since that reviewer has less time to give.
import { type Candidate, REVIEW_BARRIER_LABELS, reviewBarrier } from "./policy.ts";

export type ReviewPart = "lead" | "second";

/** A possible reviewer as the server loaded them, with their load and their history with this submission. */
export interface ReviewerStanding extends Candidate {
  name: string;
  /** Open reviews of other submissions. */
  openReviews: number;
  /** Of those, how many national clocks are at risk of passing the target, or past it. */
  clocksAtRisk: number;
  /** The parts this person has had in reviewing this submission: at earlier checkpoints, or now. */
  history: readonly { checkpoint: number; as: ReviewPart }[];
}

export interface SuggestionSubject {
  footprintCode: string;
  /** For the "why not" sentence; the code is used when the name is not known. */
  footprintName?: string;
  authors: readonly string[];
  /** The checkpoint being assigned. */
  checkpoint: number;
}

export interface SuggestedPair {
  lead: ReviewerStanding;
  second: ReviewerStanding;
  /** Lower is better; equal costs are ordered by the reviewers' names. */
  cost: number;
  /** Why this pair, in sentences, the lead reviewer's first. */
  reasons: string[];
}

export interface NotSuggested {
  reviewer: ReviewerStanding;
  why: string;
}

export interface Suggestions {
  pairs: SuggestedPair[];
  notSuggested: NotSuggested[];
}

/** Knowing the submission outweighs any difference in load: continuity is kept unless the person cannot review. */
const CONTINUITY = 1000;
/** Keeping the part a person had (lead stays lead) is preferred to swapping parts. */
const SAME_PART = 100;

const loadOf = (r: ReviewerStanding) => r.openReviews + r.clocksAtRisk;

function partCost(r: ReviewerStanding, part: ReviewPart): number {
  const knows = r.history.length > 0 ? CONTINUITY : 0;
  const samePart = r.history.some((h) => h.as === part) ? SAME_PART : 0;
  return loadOf(r) - knows - samePart;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function loadInWords(r: ReviewerStanding): string {
  if (r.openReviews === 0) return "no other open reviews";
  const risk = r.clocksAtRisk === 0 ? "none near the target" : `${plural(r.clocksAtRisk, "clock")} at risk of passing the target`;
  return `${plural(r.openReviews, "other open review")}, ${risk}`;
}

function historyInWords(r: ReviewerStanding, checkpoint: number): string | null {
  const latest = [...r.history].sort((a, b) => b.checkpoint - a.checkpoint)[0];
  if (!latest) return null;
  const part = latest.as === "lead" ? "lead reviewer" : "second reviewer";
  return latest.checkpoint === checkpoint
    ? `is reviewing it now as ${part}`
    : `reviewed it at checkpoint ${latest.checkpoint} as ${part}, so knows it`;
}

function reasonFor(r: ReviewerStanding, part: ReviewPart, checkpoint: number): string {
  const known = historyInWords(r, checkpoint);
  const role = part === "lead" ? "Lead reviewer" : "Second reviewer";
  return `${role} ${r.name}: ${known ? `${known}; ` : ""}${loadInWords(r)}.`;
}

function whyNot(r: ReviewerStanding, subject: SuggestionSubject): string | null {
  const barrier = reviewBarrier(r, subject);
  if (barrier === "conflicted") return `Declared a conflict with ${subject.footprintName ?? subject.footprintCode}.`;
  return barrier ? `${REVIEW_BARRIER_LABELS[barrier]}.` : null;
}

/**
 * The pairs that could review this checkpoint, best first (at most `limit`), and those who could
 * not be suggested with the reason. Each pair is oriented so the cheaper part goes to whoever it
 * costs least: a reviewer keeps their part, and otherwise the less loaded of the two leads (the
 * lead writes the proposal). Deterministic: ties fall to the names, then the ids.
 */
export function suggestReviewers(
  subject: SuggestionSubject,
  reviewers: readonly ReviewerStanding[],
  options: { limit?: number; current?: { lead: string; second: string } | null } = {},
): Suggestions {
  const limit = options.limit ?? 5;
  const byName = (a: ReviewerStanding, b: ReviewerStanding) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const sorted = [...reviewers].sort(byName);
  const notSuggested: NotSuggested[] = [];
  const able: ReviewerStanding[] = [];
  for (const r of sorted) {
    const why = whyNot(r, subject);
    if (why) notSuggested.push({ reviewer: r, why });
    else able.push(r);
  }

  const pairs: SuggestedPair[] = [];
  for (let i = 0; i < able.length; i++) {
    for (let j = i + 1; j < able.length; j++) {
      const a = able[i] as ReviewerStanding;
      const b = able[j] as ReviewerStanding;
      const ab = partCost(a, "lead") + partCost(b, "second");
      const ba = partCost(b, "lead") + partCost(a, "second");
      // Equal either way: the less loaded leads; equal load, the name first in order.
      let aLeads = ab < ba || (ab === ba && loadOf(a) <= loadOf(b));
      // Changing reviewers: the pair already assigned is no change, but the same two swapping parts is.
      if (options.current?.lead === (aLeads ? a : b).id && options.current.second === (aLeads ? b : a).id) aLeads = !aLeads;
      const [lead, second] = aLeads ? [a, b] : [b, a];
      pairs.push({
        lead,
        second,
        cost: aLeads ? ab : ba,
        reasons: [reasonFor(lead, "lead", subject.checkpoint), reasonFor(second, "second", subject.checkpoint)],
      });
    }
  }
  pairs.sort((x, y) => x.cost - y.cost || byName(x.lead, y.lead) || byName(x.second, y.second));
  return { pairs: pairs.slice(0, limit), notSuggested };
}
