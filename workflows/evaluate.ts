// Checks a submission's content against a criteria set at one checkpoint. Pure and deterministic: the
// same content, set and options always give a deep-equal Evaluation (no clock, no randomness, results
// in the set's order), so an evaluation can be stored with a decision and replayed exactly.
import { z } from "zod";
import {
  CHECKPOINTS,
  MODEL_TYPES,
  SECTION_SLUGS,
  sectionOfFieldPath,
  type Checkpoint,
  type ModelType,
  type SectionSlug,
  type SubmissionContent,
} from "./submission.ts";
import type {
  AutomaticCriterion,
  CheckContext,
  CheckOutcome,
  CriteriaSet,
  CriteriaSetId,
  CriterionDomain,
  ReferenceData,
  Severity,
} from "./criteria-data/types.ts";

export type SectionStatus = "not_started" | "in_progress" | "has_failing_checks" | "ready";

export interface EvaluateOptions {
  checkpoint: Checkpoint;
  reference?: ReferenceData | undefined;
  /**
   * Outcomes already judged for this same content, checkpoint and reference, by criterion: given to
   * several evaluations of one submission (under two sets), a criterion the sets share is judged once.
   */
  outcomes?: Map<AutomaticCriterion, CheckOutcome> | undefined;
}

export interface CriterionResult {
  id: string;
  title: string;
  severity: Severity;
  domain: CriterionDomain;
  outcome: "pass" | "fail" | "not_applicable";
  message: string | null;
  /** The field at fault when the criterion fails; null otherwise. */
  fieldPath: string | null;
  /**
   * The section to show the result in: that of `fieldPath` when failing, else that of the first field
   * the criterion declares, so a passing check still sits beside the section it is about.
   */
  section: SectionSlug | null;
  /** A failure because a field is still empty rather than wrong (see CheckOutcome). */
  missing: boolean;
}

export interface Evaluation {
  criteriaSetId: CriteriaSetId;
  checkpoint: Checkpoint;
  modelType: ModelType | null;
  /** One per automatic criterion that applies to this checkpoint and model type, in the set's order. */
  results: CriterionResult[];
  blockingFailures: CriterionResult[];
  /** Failing warnings: shown to the lead and the reviewers, never in the way of submitting. */
  warnings: CriterionResult[];
  /** True when no blocking criterion fails: the submission may be submitted at this checkpoint. */
  passed: boolean;
  sections: Record<SectionSlug, SectionStatus>;
}

// A frozen evaluation as stored with a submitted version: read back for reviews and decision records.
const criterionResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: z.enum(["blocking", "warning"]),
  domain: z.enum(["isap", "proposal", "better-care-fund", "judgement"]),
  outcome: z.enum(["pass", "fail", "not_applicable"]),
  message: z.string().nullable(),
  fieldPath: z.string().nullable(),
  section: z.enum(SECTION_SLUGS).nullable(),
  missing: z.boolean(),
}) satisfies z.ZodType<CriterionResult>;

export const EvaluationSchema: z.ZodType<Evaluation> = z.object({
  criteriaSetId: z.string().min(1),
  checkpoint: z.union(CHECKPOINTS.map((c) => z.literal(c))),
  modelType: z.enum(MODEL_TYPES).nullable(),
  results: z.array(criterionResultSchema),
  blockingFailures: z.array(criterionResultSchema),
  warnings: z.array(criterionResultSchema),
  passed: z.boolean(),
  sections: z.record(z.enum(SECTION_SLUGS), z.enum(["not_started", "in_progress", "has_failing_checks", "ready"])),
});

/**
 * A criterion tied to one model type cannot be judged until the lead says which model it is; one that
 * applies to both can. ISAP-01 is what fails in the meantime.
 */
function appliesToModel(criterion: AutomaticCriterion, modelType: ModelType | undefined): boolean {
  return modelType === undefined
    ? MODEL_TYPES.every((type) => criterion.appliesTo.modelTypes.includes(type))
    : criterion.appliesTo.modelTypes.includes(modelType);
}

/**
 * Whether `evaluate()` judges a criterion at this checkpoint for this model type (undefined: not yet
 * chosen). One it skips gives no result at all; a criterion's examples read that as not applicable.
 */
export function criterionApplies(criterion: AutomaticCriterion, checkpoint: Checkpoint, modelType: ModelType | undefined): boolean {
  return criterion.appliesTo.checkpoints.includes(checkpoint) && appliesToModel(criterion, modelType);
}

export function evaluate(content: SubmissionContent, set: CriteriaSet, options: EvaluateOptions): Evaluation {
  const modelType = content.about?.modelType;
  const ctx: CheckContext = { checkpoint: options.checkpoint, modelType, reference: options.reference };
  const results: CriterionResult[] = [];
  for (const criterion of set.criteria) {
    if (criterion.kind !== "automatic") continue;
    if (!criterionApplies(criterion, options.checkpoint, modelType)) continue;
    const outcome = options.outcomes?.get(criterion) ?? criterion.check(content, ctx);
    options.outcomes?.set(criterion, outcome);
    const failed = outcome.outcome === "fail";
    const fieldPath = failed ? outcome.fieldPath : null;
    const sectionPath = fieldPath ?? criterion.fieldPaths[0];
    results.push({
      id: criterion.id,
      title: criterion.title,
      severity: criterion.severity,
      domain: criterion.domain,
      outcome: outcome.outcome,
      message: outcome.message ?? null,
      fieldPath,
      section: sectionPath === undefined ? null : (sectionOfFieldPath(sectionPath) ?? null),
      missing: failed && outcome.missing,
    });
  }
  const failures = results.filter((r) => r.outcome === "fail");
  const blockingFailures = failures.filter((r) => r.severity === "blocking");
  return {
    criteriaSetId: set.id,
    checkpoint: options.checkpoint,
    modelType: modelType ?? null,
    results,
    blockingFailures,
    warnings: failures.filter((r) => r.severity === "warning"),
    passed: blockingFailures.length === 0,
    sections: sectionStatuses(content, failures),
  };
}

// A section's status on the task list comes from the checks, never from a lead ticking "completed":
// - not_started: nothing has been entered in the section (an answered "No" counts as something).
// - has_failing_checks: a blocking criterion fails on something entered in it that is wrong.
// - in_progress: nothing there is wrong, but a criterion (blocking or warning) still wants a field of
//   it filled in. Warnings count here because an empty field is unfinished work either way.
// - ready: entered, nothing blocking wrong, nothing the criteria want still empty. A failing warning on
//   a value that *is* filled in (a population under 30,000) leaves the section ready: the lead may
//   knowingly go ahead, and the warning is shown beside it.
// A failure belongs to the section of the field it points at, which may not be the criterion's own
// section (an approval dated after the checkpoint is a governance problem whatever the criterion).
function sectionStatuses(content: SubmissionContent, failures: readonly CriterionResult[]): Record<SectionSlug, SectionStatus> {
  const statuses = {} as Record<SectionSlug, SectionStatus>;
  for (const slug of SECTION_SLUGS) {
    const here = failures.filter((r) => r.section === slug);
    statuses[slug] = !hasData(content[slug])
      ? "not_started"
      : here.some((r) => r.severity === "blocking" && !r.missing)
        ? "has_failing_checks"
        : here.some((r) => r.missing)
          ? "in_progress"
          : "ready";
  }
  return statuses;
}

function hasData(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.some(hasData);
  if (typeof value === "object") return Object.values(value).some(hasData);
  return true;
}

/** The automatic criteria an evaluation fails, each once, as the pipeline records them. */
/**
 * What a draft's task list shows of its evaluation: the counts and each section's status, with the
 * criteria set and checkpoint it was judged for. Stored at each save (submission.draft_checks) and
 * read back while the set and checkpoint are still the submission's, instead of judging the whole
 * draft again on every request.
 */
export interface EvaluationSummary {
  criteriaSetId: CriteriaSetId;
  checkpoint: Checkpoint;
  blocking: number;
  warnings: number;
  sections: Record<SectionSlug, SectionStatus>;
}

export const EvaluationSummarySchema: z.ZodType<EvaluationSummary> = z.object({
  criteriaSetId: z.string().min(1),
  checkpoint: z.union(CHECKPOINTS.map((c) => z.literal(c))),
  blocking: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  sections: z.record(z.enum(SECTION_SLUGS), z.enum(["not_started", "in_progress", "has_failing_checks", "ready"])),
});

export function summarise(evaluation: Evaluation): EvaluationSummary {
  return {
    criteriaSetId: evaluation.criteriaSetId,
    checkpoint: evaluation.checkpoint,
    blocking: evaluation.blockingFailures.length,
    warnings: evaluation.warnings.length,
    sections: evaluation.sections,
  };
}

export function failingCriteria(evaluation: Evaluation): { criterionId: string; severity: Severity }[] {
  return [...evaluation.blockingFailures, ...evaluation.warnings].map((r) => ({ criterionId: r.id, severity: r.severity }));
}
