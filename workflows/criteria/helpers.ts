// Small pieces the rule functions share. Formatting is done by hand rather than with
// Intl/toLocaleString so that messages are identical whatever ICU data the runtime carries.
import type { Checkpoint, ModelType } from "../submission.ts";
import type { AppliesTo, CheckOutcome } from "./types.ts";

export const BOTH_MODELS: readonly ModelType[] = ["MCP", "PACS"];
export const ALL_CHECKPOINTS: readonly Checkpoint[] = [1, 2, 3];

export function appliesTo(modelTypes: readonly ModelType[] = BOTH_MODELS, checkpoints: readonly Checkpoint[] = ALL_CHECKPOINTS): AppliesTo {
  return { modelTypes, checkpoints };
}

export const pass = (message?: string): CheckOutcome => (message === undefined ? { outcome: "pass" } : { outcome: "pass", message });

export const notApplicable = (message?: string): CheckOutcome =>
  message === undefined ? { outcome: "not_applicable" } : { outcome: "not_applicable", message };

/** The field is still empty. */
export const missing = (fieldPath: string, message: string): CheckOutcome => ({
  outcome: "fail",
  message,
  fieldPath,
  missing: true,
});

/** The field holds something the rule does not accept. */
export const invalid = (fieldPath: string, message: string): CheckOutcome => ({
  outcome: "fail",
  message,
  fieldPath,
  missing: false,
});

/**
 * Of several failures found in one pass, report a wrong value before an empty one: it is the more
 * serious, and the one a lead would not otherwise notice.
 */
export function firstFailure(failures: readonly CheckOutcome[]): CheckOutcome | undefined {
  return failures.find((f) => f.outcome === "fail" && !f.missing) ?? failures[0];
}

export { capitalise, formatCount, formatDate, formatPence, formatPercent, isBlank, rowName } from "../criteria-data/format.ts";
