// The Zod schemas of the review workspace's forms (/reviews/:id), one per form; the words and ids
// the page shows them with are in app/components/review/forms.ts. Server-only: the browser does not
// validate these forms first (see that file), so Zod never ships to the review page.
import { z } from "zod";
import { RATINGS } from "../components/review/forms.ts";
import { DECISIONS, type Decision, DELIVERY_CONFIDENCE, type DeliveryConfidence } from "../../workflows/states.ts";
import { isKnownFieldPath } from "../../workflows/submission.ts";

const version = z.number({ error: "Reload the page and try again" }).int();

/**
 * The rows of a list as a check across fields sees them. Those checks run even when a field has
 * failed its own schema (`when: () => true`), so every mistake is reported at once; a forged post
 * can then make the list something else, or a row not an object.
 */
function rowsOf<Row extends object>(value: readonly Row[] | undefined): Partial<Row>[] {
  return Array.isArray(value) ? value.filter((row): row is Row => typeof row === "object" && row !== null) : [];
}
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
  .superRefine(
    (value, ctx) => {
      let noteWithoutRating = false;
      const ratings = rowsOf(value.ratings);
      ratings.forEach((r, i) => {
        if (!r.rating && r.note) {
          noteWithoutRating = true;
          ctx.addIssue({
            code: "custom",
            path: ["ratings", i, "rating"],
            message: `Choose a rating for ${r.criterionId}, or remove its note`,
          });
        }
      });
      if (!noteWithoutRating && !ratings.some((r) => r.rating)) {
        ctx.addIssue({ code: "custom", path: ["ratings", 0, "rating"], message: "Rate at least one key line of enquiry" });
      }
    },
    { when: () => true },
  );

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
  fieldPath: z
    .string()
    .trim()
    .refine((path) => isKnownFieldPath(path), "Choose a field of the submission")
    .optional(),
  criterionId: z.string().trim().optional(),
});

/** The proposal form; criteria ids are those of the submission's pinned set, so the schema is built per page. */
export function proposeSchema(criterionIds: readonly string[]) {
  const known = new Set(criterionIds);
  return z
    .object({
      intent: z.literal("propose"),
      version,
      // Optional here, and required below: a missing field that failed its own schema would stop
      // the checks across fields, so a person fixed one error only to be shown the next.
      decision: z.enum(DECISIONS, { error: "Choose a decision" }).optional(),
      confidence: z.enum(DELIVERY_CONFIDENCE, { error: "Choose a delivery confidence rating" }).optional(),
      rationale: optionalText(10_000, "The rationale must be 10,000 characters or fewer"),
      conditions: z.array(targetRow).default([]),
      changeRequests: z.array(targetRow).default([]),
    })
    .superRefine(
      (value, ctx) => {
        const missing = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
        if (!value.decision) missing("decision", "Choose a decision");
        if (!value.confidence) missing("confidence", "Choose a delivery confidence rating");
        if (!value.rationale) missing("rationale", "Give the rationale for the decision");
        const conditions = rowsOf(value.conditions);
        const changeRequests = rowsOf(value.changeRequests);
        const rows = [
          ["conditions", conditions],
          ["changeRequests", changeRequests],
        ] as const;
        for (const [list, entries] of rows) {
          entries.forEach((row, i) => {
            if (row.criterionId && !known.has(row.criterionId)) {
              ctx.addIssue({ code: "custom", path: [list, i, "criterionId"], message: "Choose a criterion from the list" });
            }
          });
        }
        if (value.decision === "proceed_with_conditions" && !conditions.some((c) => c.text)) {
          ctx.addIssue({
            code: "custom",
            path: ["conditions", 0, "text"],
            message: "Write at least one condition for a decision to proceed with conditions",
          });
        }
        if (value.decision === "changes_requested") {
          if (!changeRequests.some((r) => r.text)) {
            ctx.addIssue({ code: "custom", path: ["changeRequests", 0, "text"], message: "Write at least one change request" });
          }
          changeRequests.forEach((r, i) => {
            if (r.text && !r.fieldPath && !r.criterionId) {
              ctx.addIssue({
                code: "custom",
                path: ["changeRequests", i, "fieldPath"],
                message: "Choose the field or the criterion this change request is about",
              });
            }
          });
        }
      },
      // A stale version or a rationale too long must not hide a missing condition until it is fixed.
      { when: () => true },
    )
    .transform((value) => value as typeof value & { decision: Decision; confidence: DeliveryConfidence; rationale: string });
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
