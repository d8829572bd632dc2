// The national criteria sets. A submission is pinned to the set it was first checked against, so a
// published set never changes: a new rule means a new set, and moving a submission to it is an
// audited admin action preceded by an impact simulation (see product.md).
import type { Checkpoint } from "../submission.ts";
import { bcf2016Criteria, bcf2017Criteria } from "./better-care-fund.ts";
import { isapCriteria } from "./isap.ts";
import { judgementCriteriaList } from "./judgement.ts";
import { proposalCriteria } from "./proposal.ts";
import { CRITERIA_SET_IDS, type AutomaticCriterion, type CriteriaSet, type Criterion, type JudgementCriterion } from "./types.ts";

export * from "./types.ts";

type CriteriaSetId = (typeof CRITERIA_SET_IDS)[number];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function criteriaSet(set: CriteriaSet): CriteriaSet {
  const ids = set.criteria.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw new Error(`Criteria set ${set.id} repeats a criterion id`);
  return deepFreeze(set);
}

// Published dates: only the month is sourced (ISAP introduction November 2016; full ISAP guidance and the
// 2017-19 BCF requirements, summer 2017), so each set is dated the first of that month.
export const criteriaSets: Readonly<Record<CriteriaSetId, CriteriaSet>> = Object.freeze({
  "2016-17": criteriaSet({
    id: "2016-17",
    title: "New care models assurance criteria 2016-17",
    publishedOn: "2016-11-01",
    criteria: [...isapCriteria, ...proposalCriteria, ...bcf2016Criteria, ...judgementCriteriaList],
  }),
  "2017-19": criteriaSet({
    id: "2017-19",
    title: "New care models assurance criteria 2017-19",
    publishedOn: "2017-08-01",
    criteria: [...isapCriteria, ...proposalCriteria, ...bcf2017Criteria, ...judgementCriteriaList],
  }),
});

export { CRITERIA_SET_IDS };
export const LATEST_CRITERIA_SET = "2017-19" satisfies CriteriaSetId;

export function isCriteriaSetId(value: string): value is CriteriaSetId {
  return (CRITERIA_SET_IDS as readonly string[]).includes(value);
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
