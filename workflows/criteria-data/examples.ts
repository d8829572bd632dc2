// Examples are the tests (issue 14, step 4): every automatic criterion holds at least one passing and
// one failing example, each a partial submission written as answers, and a set cannot be published
// while any example gives the wrong outcome or any criterion lacks one. Judgement criteria are rated
// by reviewers, so they need none.
import { z } from "zod";
import { criterionApplies } from "../evaluate.ts";
import { CHECKPOINTS, isKnownFieldPath, parseSubmissionContent } from "../submission.ts";
import { contentFromAnswers } from "./answers.ts";
import {
  type AutomaticCriterion,
  type CheckOutcome,
  type Criterion,
  type CriterionExample,
  type CriterionRow,
  type ExampleAnswer,
  type ReferenceData,
  TABLE_OUTCOMES,
  type TableOutcome,
} from "./types.ts";

/** Examples kept beside a set (criteria_set.examples), by criterion id, as read back from JSON. */
export const CriterionExamplesSchema: z.ZodType<Record<string, CriterionExample[]>> = z.record(
  z.string(),
  z.array(
    z.object({
      name: z.string().min(1),
      expected: z.enum(TABLE_OUTCOMES),
      checkpoint: z.union(CHECKPOINTS.map((c) => z.literal(c))),
      answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]) satisfies z.ZodType<ExampleAnswer>),
    }),
  ),
);

/** Something wrong with a criterion's examples, said in plain English. */
export interface ExampleProblem {
  criterionId: string;
  /** The example at fault, by its position in the criterion's list (0-based); absent when none is. */
  exampleIndex?: number;
  exampleName?: string;
  message: string;
}

/**
 * The outcome `evaluate()` would give the criterion for the example's answers at its checkpoint: the
 * model type is the answer at "about.modelType", and a criterion `evaluate()` would skip at that
 * checkpoint or for that model is not applicable. The answers are read as a saved draft is, so an
 * answer of the wrong type is left out (exampleProblems reports it). Throws for an answer at a path
 * that is not a field of a submission.
 */
export function judgeExample(criterion: AutomaticCriterion, example: CriterionExample, reference: ReferenceData): CheckOutcome {
  const { content } = parseSubmissionContent(contentFromAnswers(example.answers));
  const modelType = content.about?.modelType;
  if (!criterionApplies(criterion, example.checkpoint, modelType)) return { outcome: "not_applicable" };
  return criterion.check(content, { checkpoint: example.checkpoint, modelType, reference });
}

const SHOULD: Record<TableOutcome, string> = { pass: "should pass", fail: "should fail", not_applicable: "should not apply" };

function gives(outcome: CheckOutcome): string {
  if (outcome.outcome === "pass") return "passes";
  if (outcome.outcome === "not_applicable") return "does not apply";
  return `fails at ${outcome.fieldPath} (“${outcome.message}”)`;
}

/**
 * Everything that stops a set's examples from standing as its tests: an automatic criterion with no
 * passing or no failing example, an example giving another outcome than the one it expects, and an
 * answer the example cannot give (a field a submission does not have, a value of the wrong type).
 * Empty when the set may be published as far as its examples go.
 */
export function exampleProblems(
  set: { rows: readonly CriterionRow[]; criteria: readonly Criterion[] },
  reference: ReferenceData,
): ExampleProblem[] {
  const problems: ExampleProblem[] = [];
  const compiled = new Map(set.criteria.map((criterion) => [criterion.id, criterion] as const));
  for (const row of set.rows) {
    if (row.kind !== "automatic") continue;
    const criterion = compiled.get(row.id);
    if (criterion?.kind !== "automatic") continue;
    const examples = row.examples ?? [];
    if (!examples.some((example) => example.expected === "pass")) {
      problems.push({ criterionId: row.id, message: `${row.id} has no passing example` });
    }
    if (!examples.some((example) => example.expected === "fail")) {
      problems.push({ criterionId: row.id, message: `${row.id} has no failing example` });
    }
    examples.forEach((example, index) => {
      const about = `Example ${index + 1} of ${row.id} (‘${example.name}’)`;
      const problem = (message: string) =>
        problems.push({ criterionId: row.id, exampleIndex: index, exampleName: example.name, message: `${about} ${message}` });
      const unknown = Object.keys(example.answers).filter((path) => !isKnownFieldPath(path));
      if (unknown.length > 0) {
        for (const path of unknown) problem(`answers ${path}, which is not a field of a submission`);
        return;
      }
      const { issues } = parseSubmissionContent(contentFromAnswers(example.answers));
      for (const issue of issues) problem(`has an answer at ${issue.fieldPath} that a submission cannot hold: ${issue.message}`);
      const outcome = judgeExample(criterion, example, reference);
      if (outcome.outcome !== example.expected) problem(`${SHOULD[example.expected]} but ${gives(outcome)}`);
    });
  }
  return problems;
}

/**
 * The rows with the examples kept beside them attached (the shipped sets keep theirs in
 * criteria_set.examples, by criterion id): what exampleProblems checks.
 */
export function withExamples(
  rows: readonly CriterionRow[],
  examples: Readonly<Record<string, readonly CriterionExample[]>>,
): CriterionRow[] {
  return rows.map((row) => (row.kind === "automatic" && Object.hasOwn(examples, row.id) ? { ...row, examples: examples[row.id] } : row));
}
