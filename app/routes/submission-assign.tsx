import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-assign";
import { parseForm } from "../.server/forms.ts";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { choiceId, Radios } from "../components/form/Choices.tsx";
import { FormErrors, formLevelErrors } from "../components/form/FormErrors.tsx";
import { intentField, versionField } from "../forms/hidden-fields.ts";
import { checkReviewerPair, reviewerOptionsFor } from "../.server/assignments.ts";
import { applyEvent } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { refusalOf, requireSubmission } from "../.server/submissions.ts";
import { requireRole } from "../.server/session.ts";
import { checkpointOf } from "../../workflows/states.ts";
import { findFootprint } from "../../db/reference.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireRole(request, "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const footprint = await findFootprint(db(), loaded.submission.footprint_code);
  return {
    submission: {
      id: loaded.submission.id,
      title: loaded.submission.title,
      footprintName: footprint?.name ?? "",
      state: loaded.submission.state,
      checkpoint: checkpointOf(loaded.submission.state),
      version: loaded.submission.version,
    },
    waiting: refusalOf(loaded, "assign") === null,
    /** Why reviewers cannot be assigned now, in the policy's words; null when they can. */
    notNow: refusalOf(loaded, "assign"),
    reviewers: await reviewerOptionsFor(db(), loaded),
  };
}

const AssignSchema = z.object({
  intent: intentField(["check", "assign"]),
  leadReviewerId: z.string({ error: "Choose the lead reviewer" }).min(1, "Choose the lead reviewer").max(100),
  secondReviewerId: z.string({ error: "Choose the second reviewer" }).min(1, "Choose the second reviewer").max(100),
  version: versionField,
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireRole(request, "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const form = parseForm(await request.formData(), AssignSchema);
  if (form.status !== "success") return data({ result: form.reply(), check: null }, { status: 400 });
  const { intent, leadReviewerId, secondReviewerId, version } = form.value;
  if (intent === "check") {
    // Nothing is saved: the page again, with the pair still chosen and what the check found.
    return data({ result: form.reply(), check: await checkReviewerPair(db(), loaded, leadReviewerId, secondReviewerId) });
  }
  const result = await applyEvent(
    db(),
    loaded.submission.id,
    loaded.actor,
    { type: "ASSIGN", leadReviewerId, secondReviewerId },
    { expectedVersion: version },
  );
  if (!result.ok) {
    if (result.kind === "not_found") throw data("Submission not found", { status: 404 });
    return data(
      { result: form.reply({ fieldErrors: { leadReviewerId: [result.reason] } }), check: null },
      { status: result.kind === "conflict" ? 409 : 403 },
    );
  }
  return redirect(`/admin/assignments?assigned=${encodeURIComponent(loaded.submission.title)}`);
}

export default function Assign({ loaderData: d, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "assign",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AssignSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const formErrors = formLevelErrors(form.errors, fields.intent.errors, fields.version.errors);
  const firstReviewer = d.reviewers[0]?.id ?? "";
  const errors = summaryItems([
    [formErrors, `${form.id}--error`],
    [fields.leadReviewerId.errors, choiceId(fields.leadReviewerId, firstReviewer)],
    [fields.secondReviewerId.errors, choiceId(fields.secondReviewerId, firstReviewer)],
  ]);
  const check = actionData?.check ?? null;
  const reviewers = d.reviewers.map((r) => ({
    value: r.id,
    label: r.name,
    // Two reviewers can share a name: the email says which is which, the load how busy each is.
    hint: (
      <>
        {r.email}. {r.activeReviews} active {r.activeReviews === 1 ? "review" : "reviews"}.
        {r.blockedBecause ? (
          <>
            {" "}
            <strong className="nhsuk-tag nhsuk-tag--red">Cannot review: {r.blockedBecause.toLowerCase()}</strong>
          </>
        ) : null}
      </>
    ),
  }));
  return (
    <>
      <Link className="nhsuk-back-link" to="/admin/assignments">
        Back to submissions waiting for reviewers
      </Link>
      <ErrorSummary errors={errors} title={"Assign reviewers"} />
      <span className="nhsuk-caption-l">{d.submission.footprintName}</span>
      <h1>Assign reviewers: {d.submission.title}</h1>
      {d.notNow ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>{d.notNow}</p>
        </div>
      ) : null}
      {d.submission.checkpoint ? (
        <p>
          Choose two different reviewers for checkpoint {d.submission.checkpoint}. The lead reviewer proposes the decision; the second
          reviewer countersigns it. Nobody who has declared a conflict with this footprint, or who wrote the submission, can review it.
          Check a pair before assigning if you are unsure.
        </p>
      ) : null}
      {check ? (
        <div className={check.ok ? "nhsuk-inset-text" : "nhsuk-warning-callout"} role="status">
          {check.ok ? null : (
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>This pair cannot review it
              </span>
            </h2>
          )}
          <p>{check.message}</p>
        </div>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors formId={form.id} errors={formErrors} />
        <input type="hidden" name={fields.version.name} value={d.submission.version} />
        <Radios
          field={fields.leadReviewerId}
          legend="Lead reviewer"
          legendClassName="nhsuk-fieldset__legend nhsuk-fieldset__legend--m"
          choices={reviewers}
        />
        <Radios
          field={fields.secondReviewerId}
          legend="Second reviewer"
          legendClassName="nhsuk-fieldset__legend nhsuk-fieldset__legend--m"
          choices={reviewers}
        />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--secondary" type="submit" name={fields.intent.name} value="check">
            Check for conflicts
          </button>
          {d.waiting ? (
            <button className="nhsuk-button" type="submit" name={fields.intent.name} value="assign">
              Assign reviewers
            </button>
          ) : null}
        </div>
      </Form>
    </>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
