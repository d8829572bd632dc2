// The forms of the review workspace (/reviews/:id): one Zod schema per form, and the words their
// choices are shown with. Several forms share the page, so each posts an `intent` naming itself.
// The server parses every post with Conform (so "add another" and "remove" work without JavaScript,
// and everything typed comes back on an error); the browser does not validate first, so there is
// one set of messages and one error summary for the whole page, whichever form was used.
import type { SubmissionResult } from "@conform-to/react";
import { z } from "zod";
import { DECISIONS, type Decision, DELIVERY_CONFIDENCE, type DeliveryConfidence } from "../../../workflows/states.ts";
import { isKnownFieldPath } from "../../../workflows/submission.ts";

export const RATINGS = ["met", "partly_met", "not_met"] as const;
export type RatingValue = (typeof RATINGS)[number];

export const RATING_LABELS: Record<RatingValue, string> = {
  met: "Met",
  partly_met: "Partly met",
  not_met: "Not met",
};

/** Tag colours back the words up; the words alone carry the meaning. */
export const RATING_TAGS: Record<RatingValue, string> = {
  met: "nhsuk-tag nhsuk-tag--green",
  partly_met: "nhsuk-tag nhsuk-tag--yellow",
  not_met: "nhsuk-tag nhsuk-tag--red",
};

export const DECISION_LABELS: Record<Decision, string> = {
  proceed: "Proceed",
  proceed_with_conditions: "Proceed with conditions",
  changes_requested: "Changes requested",
  do_not_proceed: "Do not proceed",
};

export const DECISION_HINTS: Record<Decision, string> = {
  proceed: "The submission passes this checkpoint.",
  proceed_with_conditions: "It passes, but the conditions you list below must be discharged before the next checkpoint.",
  changes_requested: "It goes back to the local system to change what you list below, then returns to you.",
  do_not_proceed: "The proposal stops here and is not assured.",
};

export const CONFIDENCE_LABELS: Record<DeliveryConfidence, string> = {
  green: "Green",
  amber_green: "Amber/green",
  amber: "Amber",
  amber_red: "Amber/red",
  red: "Red",
};

export const VISIBILITY_LABELS = {
  shared: "Shared with the system lead",
  internal: "Internal to the national team",
} as const;

/** An element id for a field of one of the page's forms: `propose` + `conditions[1].text` → `propose-conditions-1-text`. */
export function fieldDomId(formId: string, name: string): string {
  const tail = name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return tail ? `${formId}-${tail}` : formId;
}

/** The id of a field's row in the answers, so comments, checks and change requests can link to it. */
export function answerAnchor(fieldPath: string): string {
  return `answer-${fieldPath.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

const version = z.number({ error: "Reload the page and try again" }).int();
const optionalText = (max: number, message: string) => z.string().trim().max(max, message).optional();

// ---------------------------------------------------------------------------------------------

export const RateSchema = z
  .object({
    intent: z.literal("rate"),
    ratings: z
      .array(
        z.object({
          criterionId: z.string(),
          rating: z.enum(RATINGS, { error: "Choose met, partly met or not met" }).optional(),
          note: optionalText(2000, "Notes must be 2,000 characters or fewer"),
        }),
      )
      .default([]),
  })
  .superRefine((value, ctx) => {
    let noteWithoutRating = false;
    value.ratings.forEach((r, i) => {
      if (!r.rating && r.note) {
        noteWithoutRating = true;
        ctx.addIssue({ code: "custom", path: ["ratings", i, "rating"], message: `Choose a rating for ${r.criterionId}, or remove its note` });
      }
    });
    if (!noteWithoutRating && !value.ratings.some((r) => r.rating)) {
      ctx.addIssue({ code: "custom", path: ["ratings", 0, "rating"], message: "Rate at least one key line of enquiry" });
    }
  });

export const CommentSchema = z.object({
  intent: z.literal("comment"),
  body: z
    .string({ error: "Enter your comment" })
    .trim()
    .min(1, "Enter your comment")
    .max(5000, "Comments must be 5,000 characters or fewer"),
  visibility: z.enum(["shared", "internal"], { error: "Choose who can see the comment" }),
  fieldPath: z
    .string()
    .trim()
    .refine((path) => isKnownFieldPath(path), "Choose a field of the submission, or leave the comment unpinned")
    .optional(),
});

const targetRow = z.object({
  text: optionalText(2000, "Each entry must be 2,000 characters or fewer"),
  fieldPath: z.string().trim().refine((path) => isKnownFieldPath(path), "Choose a field of the submission").optional(),
  criterionId: z.string().trim().optional(),
});

/** The proposal form; criteria ids are those of the submission's pinned set, so the schema is built per page. */
export function proposeSchema(criterionIds: readonly string[]) {
  const known = new Set(criterionIds);
  return z
    .object({
      intent: z.literal("propose"),
      version,
      decision: z.enum(DECISIONS, { error: "Choose a decision" }),
      confidence: z.enum(DELIVERY_CONFIDENCE, { error: "Choose a delivery confidence rating" }),
      rationale: z
        .string({ error: "Give the rationale for the decision" })
        .trim()
        .min(1, "Give the rationale for the decision")
        .max(10_000, "The rationale must be 10,000 characters or fewer"),
      conditions: z.array(targetRow).default([]),
      changeRequests: z.array(targetRow).default([]),
    })
    .superRefine((value, ctx) => {
      const rows = [
        ["conditions", value.conditions],
        ["changeRequests", value.changeRequests],
      ] as const;
      for (const [list, entries] of rows) {
        entries.forEach((row, i) => {
          if (row.criterionId && !known.has(row.criterionId)) {
            ctx.addIssue({ code: "custom", path: [list, i, "criterionId"], message: "Choose a criterion from the list" });
          }
        });
      }
      if (value.decision === "proceed_with_conditions" && !value.conditions.some((c) => c.text)) {
        ctx.addIssue({
          code: "custom",
          path: ["conditions", 0, "text"],
          message: "Write at least one condition for a decision to proceed with conditions",
        });
      }
      if (value.decision === "changes_requested") {
        if (!value.changeRequests.some((r) => r.text)) {
          ctx.addIssue({ code: "custom", path: ["changeRequests", 0, "text"], message: "Write at least one change request" });
        }
        value.changeRequests.forEach((r, i) => {
          if (r.text && !r.fieldPath && !r.criterionId) {
            ctx.addIssue({
              code: "custom",
              path: ["changeRequests", i, "fieldPath"],
              message: "Choose the field or the criterion this change request is about",
            });
          }
        });
      }
    });
}

export const CountersignSchema = z
  .object({
    intent: z.literal("countersign"),
    version,
    agree: z.enum(["yes", "no"], { error: "Choose whether you agree with the proposed decision" }),
    reason: optionalText(5000, "Your reason must be 5,000 characters or fewer"),
  })
  .superRefine((value, ctx) => {
    if (value.agree === "no" && !value.reason) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "Give your reason for disagreeing, so the lead reviewer can reconsider" });
    }
  });

export const ConditionReviewSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("accept-condition"), conditionId: z.string().min(1), version, reason: z.string().optional() }),
  z.object({
    intent: z.literal("reject-condition"),
    conditionId: z.string().min(1),
    version,
    reason: z
      .string({ error: "Say why the evidence is not enough" })
      .trim()
      .min(1, "Say why the evidence is not enough")
      .max(5000, "Your reason must be 5,000 characters or fewer"),
  }),
]);

/** Which form of the page a post came from: the value of its `intent` field. */
export const FORM_INTENTS = ["rate", "comment", "propose", "countersign", "accept-condition", "reject-condition"] as const;
export type FormIntent = (typeof FORM_INTENTS)[number];

/** What the action sends back when a form cannot go through: which form, and Conform's reply for it. */
export interface FormReply {
  form: "rate" | "comment" | "propose" | "countersign" | "condition";
  /** For a condition's form: which condition. */
  conditionId?: string;
  result: SubmissionResult<string[]>;
}
