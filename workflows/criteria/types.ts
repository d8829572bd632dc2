import type { Checkpoint, ModelType, SubmissionContent } from "../submission.ts";

export type CriterionDomain = "isap" | "proposal" | "better-care-fund" | "judgement";
export type Severity = "blocking" | "warning";

/**
 * Lists the caller loads from the reference tables. `workflows/` never reads them itself; a
 * criterion that needs a list it was not given is not applicable rather than failing.
 */
export interface ReferenceData {
  footprintCodes: readonly string[];
  vanguardNumbers: readonly number[];
}

export interface CheckContext {
  checkpoint: Checkpoint;
  /** From `content.about.modelType`; undefined until the lead chooses one. */
  modelType: ModelType | undefined;
  reference?: ReferenceData | undefined;
}

export type CheckOutcome =
  | { outcome: "pass"; message?: string }
  | { outcome: "not_applicable"; message?: string }
  | {
      outcome: "fail";
      message: string;
      /** The exact field at fault, e.g. `population.practices[2].listSize`. */
      fieldPath: string;
      /**
       * True when the field is simply still empty, false when what was entered is wrong. The task
       * list tells the two apart: an empty field leaves a section "in progress", a wrong one gives it
       * "failing checks".
       */
      missing: boolean;
    };

export interface AppliesTo {
  modelTypes: readonly ModelType[];
  checkpoints: readonly Checkpoint[];
}

interface CriterionBase {
  id: string;
  domain: CriterionDomain;
  title: string;
  /** The rule in plain English, as shown to leads and reviewers. */
  rule: string;
  /** Source ids from the domain research's source register, e.g. "S27, S30". */
  source: string;
  appliesTo: AppliesTo;
  severity: Severity;
  /** Every field the criterion may point at; `[]` stands for any row of a list. */
  fieldPaths: readonly string[];
}

export interface AutomaticCriterion extends CriterionBase {
  kind: "automatic";
  check: (content: SubmissionContent, ctx: CheckContext) => CheckOutcome;
}

/** A key line of enquiry: reviewers rate it (met, partly met, not met); nothing computes it. */
export interface JudgementCriterion extends CriterionBase {
  kind: "judgement";
}

export type Criterion = AutomaticCriterion | JudgementCriterion;

export const CRITERIA_SET_IDS = ["2016-17", "2017-19"] as const;
export type CriteriaSetId = (typeof CRITERIA_SET_IDS)[number];

export interface CriteriaSet {
  id: CriteriaSetId;
  title: string;
  /** ISO date the national guidance behind the set appeared. */
  publishedOn: string;
  criteria: readonly Criterion[];
}
