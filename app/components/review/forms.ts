// The forms of the review workspace (/reviews/:id): the words their choices are shown with, their
// element ids, and what the action replies. Several forms share the page, so each posts an `intent`
// naming itself. Their Zod schemas are in app/.server/review-forms.ts: the server parses every post
// with Conform (so "add another" and "remove" work without JavaScript, and everything typed comes
// back on an error); the browser does not validate first, so there is one set of messages and one
// error summary for the whole page, whichever form was used, and no Zod to download.
import type { SubmissionResult } from "@conform-to/react";
import type { Route } from "../../routes/+types/review";
import type { Decision, DeliveryConfidence } from "../../../workflows/states.ts";

/** What the workspace's loader sends the page: the view every section of it reads. */
export type ReviewWorkspace = Route.ComponentProps["loaderData"];

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

/** What the action sends back when a form cannot go through: which form, and Conform's reply for it. */
export interface FormReply {
  form: "rate" | "comment" | "propose" | "countersign" | "condition";
  /** For a condition's form: which condition. */
  conditionId?: string;
  result: SubmissionResult<string[]>;
}
