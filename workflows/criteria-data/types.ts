// National criteria as data (issue 14): a criterion is a plain, JSON-serialisable row, and an automatic
// one carries a decision table whose conditions, messages and field paths are FEEL expressions.
//
// What an expression can see, and nothing else:
// - the submission's sections by name: about, population, contract, finance, outcomes, enablers,
//   governance, evidence (null when the section is empty);
// - checkpoint (1, 2 or 3), modelType ("MCP", "PACS" or null) and reference (null, or a context with
//   footprintCodes and vanguardNumbers);
// - the table's `let` bindings, and in a group the item and its index (0-based, as in field paths);
// - the message helpers formatCount, formatPence, formatPercent, formatDate, rowName, capitalise,
//   lowerFirst, isBlank, anyBlank, numbers, strictlyIncreasing and positions (a list's 0-based
//   indexes), and an allow-list of FEEL built-ins (see engine.ts).
import type { Checkpoint, ModelType, SubmissionContent } from "../submission.ts";

// ---------------------------------------------------------------------------------------------
// Criteria as judging sees them: rows compiled by engine.ts.

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

/** A criteria set's id, e.g. "2017-19": the key of its row in the criteria_set table. */
export type CriteriaSetId = string;

/** A published criteria set, compiled: what `evaluate()` judges a submission against. */
export interface CriteriaSet {
  id: CriteriaSetId;
  title: string;
  /** ISO date the national guidance behind the set appeared. */
  publishedOn: string;
  criteria: readonly Criterion[];
}

// ---------------------------------------------------------------------------------------------
// Criteria as stored: plain JSON rows.

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A FEEL expression, kept as its source text. */
export type Feel = string;

export const TABLE_OUTCOMES = ["pass", "fail", "not_applicable"] as const;
export type TableOutcome = (typeof TABLE_OUTCOMES)[number];

/**
 * One rule of a decision table. It hits when `when` is true (false or null does not hit). A failing
 * rule needs `message` and `fieldPath`, both FEEL expressions giving a string, and says whether the
 * field is still empty (`missing: true`) or holds something wrong (`missing: false`).
 */
export interface TableRule {
  when: Feel;
  outcome: TableOutcome;
  message?: Feel;
  fieldPath?: Feel;
  missing?: boolean;
}

/** A name bound to the value of an expression, visible to the bindings and rules after it. */
export interface Binding {
  name: string;
  value: Feel;
}

/**
 * Rules over a list ("every hub", "any practice"): for each item in turn, the group's bindings are
 * evaluated and its rules tried in order; the first hit, in item order, is the group's hit.
 */
export interface RuleGroup {
  /** Tried once before the items: when false or null the group is skipped (saves a pass over a long list). */
  when?: Feel;
  forEach: { list: Feel; as: string; index: string };
  let?: readonly Binding[];
  rules: readonly TableRule[];
}

/**
 * Rules checked in order; the first that hits gives the outcome (DMN's "first" hit policy). When
 * none hits the criterion passes.
 */
export interface DecisionTable {
  /**
   * Fixed lists and lookups the rules share (the key dates in order, the High Impact Changes), as
   * plain JSON bound to a name: data, so never evaluated.
   */
  constants?: Readonly<Record<string, JsonValue>>;
  let?: readonly Binding[];
  rules: readonly (TableRule | RuleGroup)[];
}

/** A row describes its criterion exactly as the compiled criterion does. */
type CriterionRowBase = CriterionBase;

export interface AutomaticCriterionRow extends CriterionRowBase {
  kind: "automatic";
  table: DecisionTable;
  /**
   * The criterion's own tests (issue 14, step 4): at least one passing and one failing example
   * before a set holding it may be published. Judging ignores them. The shipped sets, published
   * before examples were required, keep theirs beside the set (criteria_set.examples).
   */
  examples?: readonly CriterionExample[];
}

/**
 * One answer of an example, as a submission stores it: money in pence, dates as ISO dates
 * ("2017-03-01"), yes/no as true/false, a choice as its option value ("PACS", "fully_integrated"),
 * a set of ticked options as a list of their values.
 */
export type ExampleAnswer = string | number | boolean | readonly string[];

/**
 * A partial submission written as answers, and the outcome the criterion must give it. The model
 * type is the answer at "about.modelType", like any other.
 */
export interface CriterionExample {
  /** What the example shows, in words: "A PACS of 220,000 people". */
  name: string;
  expected: TableOutcome;
  checkpoint: Checkpoint;
  /** Field path, with row indexes ("population.practices[0].listSize"), → the answer. */
  answers: Readonly<Record<string, ExampleAnswer>>;
}

/** A key line of enquiry: reviewers rate it; it has no table. */
export interface JudgementCriterionRow extends CriterionRowBase {
  kind: "judgement";
}

export type CriterionRow = AutomaticCriterionRow | JudgementCriterionRow;

export function isRuleGroup(entry: TableRule | RuleGroup): entry is RuleGroup {
  return "forEach" in entry;
}
