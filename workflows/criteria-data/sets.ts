// The published criteria sets as judging is given them. They are rows of the criteria_set table,
// loaded and compiled by db/criteria-sets.ts; workflows/ never reads them itself, so whatever judges a
// submission is handed a CriteriaSet (or all of them, as CriteriaSets) by its caller.
import type { Checkpoint } from "../submission.ts";
import type { AutomaticCriterion, CriteriaSet, Criterion, JudgementCriterion } from "./types.ts";

export interface CriteriaSets {
  /** Every published set, oldest first (by the date of its guidance). */
  readonly list: readonly CriteriaSet[];
  /** The set new submissions are pinned to: the published one with the newest guidance. */
  readonly latest: CriteriaSet;
  readonly byId: ReadonlyMap<string, CriteriaSet>;
}

/** The sets, oldest first; throws when there are none, since nothing could then be judged. */
export function criteriaSetsOf(sets: readonly CriteriaSet[]): CriteriaSets {
  const list = [...sets].sort((a, b) =>
    a.publishedOn === b.publishedOn ? (a.id < b.id ? -1 : 1) : a.publishedOn < b.publishedOn ? -1 : 1,
  );
  const latest = list.at(-1);
  if (!latest) throw new Error("There is no published criteria set");
  return { list, latest, byId: new Map(list.map((set) => [set.id, set])) };
}

export function criterionById(set: CriteriaSet, id: string): Criterion | undefined {
  return set.criteria.find((criterion) => criterion.id === id);
}

export function automaticCriteria(set: CriteriaSet): AutomaticCriterion[] {
  return set.criteria.filter((criterion): criterion is AutomaticCriterion => criterion.kind === "automatic");
}

/** The key lines of enquiry reviewers rate at `checkpoint`, in the set's order. */
export function judgementCriteria(set: CriteriaSet, checkpoint: Checkpoint): JudgementCriterion[] {
  return set.criteria.filter(
    (criterion): criterion is JudgementCriterion => criterion.kind === "judgement" && criterion.appliesTo.checkpoints.includes(checkpoint),
  );
}
