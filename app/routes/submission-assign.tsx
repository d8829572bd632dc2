import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-assign";
import { parseForm } from "../.server/forms.ts";
import { redirectWithFlash } from "../.server/flash.ts";
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
import { userNames } from "../../db/users.ts";
import { Textarea } from "../components/form/Textarea.tsx";
import { type SuggestionsView, suggestionsFor } from "../.server/suggestions.ts";
import { reviewerLoads } from "../../db/workload.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireRole(request, "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const footprint = await findFootprint(db(), loaded.submission.footprint_code);
  const { context } = loaded.snapshot;
  // In review, the same page changes the reviewers (an audited reassignment with a reason).
  const reassigning = refusalOf(loaded, "reassign") === null;
  const current = reassigning ? context.reviewers : null;
  const url = new URL(request.url);
  const loads = await reviewerLoads(db(), new Date());
  const [suggestions, names] = await Promise.all([
    suggestionsFor(
      db(),
      {
        id: loaded.submission.id,
        footprintCode: loaded.submission.footprint_code,
        footprintName: footprint?.name ?? loaded.submission.footprint_code,
        checkpoint: context.checkpoint,
        authors: context.authors,
      },
      current,
      loads,
    ),
    current ? userNames(db(), [current.lead, current.second]) : new Map<string, string>(),
  ]);
  return {
    reassigning,
    current: current
      ? { lead: current.lead, leadName: names.get(current.lead) ?? "", second: current.second, secondName: names.get(current.second) ?? "" }
      : null,
    /** A suggested pair chosen by its link, or the reviewers now: what the choices start from. */
    chosen: {
      lead: url.searchParams.get("lead") ?? current?.lead ?? "",
      second: url.searchParams.get("second") ?? current?.second ?? "",
    },
    suggestions,
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
    notNow: reassigning ? null : refusalOf(loaded, "assign"),
    reviewers: reviewerOptionsFor(loaded, loads),
  };
}

const AssignSchema = z.object({
  intent: intentField(["check", "assign", "reassign"]),
  leadReviewerId: z.string({ error: "Choose the lead reviewer" }).min(1, "Choose the lead reviewer").max(100),
  secondReviewerId: z.string({ error: "Choose the second reviewer" }).min(1, "Choose the second reviewer").max(100),
  version: versionField,
  reason: z.string().trim().max(2000).optional(),
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
  const { reason } = form.value;
  if (intent === "reassign" && !reason) {
    return data(
      { result: form.reply({ fieldErrors: { reason: ["Give the reason for changing the reviewers"] } }), check: null },
      { status: 400 },
    );
  }
  const result = await applyEvent(
    db(),
    loaded.submission.id,
    loaded.actor,
    intent === "reassign"
      ? { type: "REASSIGN", leadReviewerId, secondReviewerId, reason: reason ?? "" }
      : { type: "ASSIGN", leadReviewerId, secondReviewerId },
    { expectedVersion: version },
  );
  if (!result.ok) {
    if (result.kind === "not_found") throw data("Submission not found", { status: 404 });
    return data(
      { result: form.reply({ fieldErrors: { leadReviewerId: [result.reason] } }), check: null },
      { status: result.kind === "conflict" ? 409 : 403 },
    );
  }
  if (intent === "reassign") {
    return redirectWithFlash(
      `/submissions/${loaded.submission.id}`,
      "The reviewers were changed. They have been told, and the change is in the audit trail.",
    );
  }
  return redirect(`/admin/assignments?assigned=${encodeURIComponent(loaded.submission.title)}`);
}

export default function Assign(props: Route.ComponentProps) {
  // A suggestion's link changes the address, not the page: the form starts again from the pair it chose.
  const { chosen } = props.loaderData;
  return <AssignPage key={`${chosen.lead}:${chosen.second}`} {...props} />;
}

function AssignPage({ loaderData: d, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "assign",
    lastResult: actionData?.result,
    defaultValue: { leadReviewerId: d.chosen.lead, secondReviewerId: d.chosen.second },
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
    [fields.reason.errors, fields.reason.id],
  ]);
  const check = actionData?.check ?? null;
  const reviewers = d.reviewers.map((r) => ({
    value: r.id,
    label: r.name,
    // Two reviewers can share a name: the email says which is which, the load how busy each is.
    hint: (
      <>
        {r.email}. {r.openReviews} open {r.openReviews === 1 ? "review" : "reviews"}.
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
      {d.reassigning ? (
        <Link className="nhsuk-back-link" to={`/submissions/${d.submission.id}`}>
          Back to the submission
        </Link>
      ) : (
        <Link className="nhsuk-back-link" to="/admin/assignments">
          Back to submissions waiting for reviewers
        </Link>
      )}
      <ErrorSummary errors={errors} title={d.reassigning ? "Change reviewers" : "Assign reviewers"} />
      <span className="nhsuk-caption-l">{d.submission.footprintName}</span>
      <h1>
        {d.reassigning ? "Change reviewers" : "Assign reviewers"}: {d.submission.title}
      </h1>
      {d.notNow ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>{d.notNow}</p>
        </div>
      ) : null}
      {d.current ? (
        <p>
          {d.current.leadName} is the lead reviewer and {d.current.secondName} the second reviewer at checkpoint {d.submission.checkpoint}.
          Changing them is recorded with your reason and the reviewers are told. The national clock is not affected. A decision already
          proposed by a lead reviewer who leaves is withdrawn, and the new lead reviewer proposes afresh.
        </p>
      ) : d.submission.checkpoint ? (
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
      <Suggestions suggestions={d.suggestions} />
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
        {d.reassigning ? (
          <Textarea
            field={fields.reason}
            label="Reason for the change"
            hint="Recorded with the change and sent to a reviewer taken off."
            rows={3}
          />
        ) : null}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--secondary" type="submit" name={fields.intent.name} value="check">
            Check for conflicts
          </button>
          {d.waiting ? (
            <button className="nhsuk-button" type="submit" name={fields.intent.name} value="assign">
              Assign reviewers
            </button>
          ) : null}
          {d.reassigning ? (
            <button className="nhsuk-button" type="submit" name={fields.intent.name} value="reassign">
              Change reviewers
            </button>
          ) : null}
        </div>
      </Form>
    </>
  );
}

/** The ranked pairs with their reasons, each a link that fills in the choice (no JavaScript needed), and who was not suggested. */
function Suggestions({ suggestions }: { suggestions: SuggestionsView }) {
  return (
    <>
      <h2>Suggested reviewers</h2>
      {suggestions.pairs.length === 0 ? (
        <p>No pair of reviewers can take this submission. Invite or reactivate a reviewer first.</p>
      ) : (
        <ol className="nhsuk-list app-suggestions">
          {suggestions.pairs.map((p, i) => (
            <li key={`${p.leadId}:${p.secondId}`} className="nhsuk-card nhsuk-u-margin-bottom-3">
              <div className="nhsuk-card__content">
                <h3 className="nhsuk-card__heading nhsuk-heading-s">
                  {i + 1}. {p.leadName} (lead) and {p.secondName} (second)
                </h3>
                <ul className="nhsuk-list nhsuk-list--bullet">
                  {p.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
                <Link
                  to={`?lead=${encodeURIComponent(p.leadId)}&second=${encodeURIComponent(p.secondId)}#assign`}
                  replace
                  preventScrollReset
                >
                  Choose this pair
                  <span className="nhsuk-u-visually-hidden">
                    : {p.leadName} and {p.secondName}
                  </span>
                </Link>
              </div>
            </li>
          ))}
        </ol>
      )}
      {suggestions.notSuggested.length > 0 ? (
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">Not suggested ({suggestions.notSuggested.length})</span>
          </summary>
          <div className="nhsuk-details__text">
            <ul className="nhsuk-list nhsuk-list--bullet">
              {suggestions.notSuggested.map((n) => (
                <li key={n.name}>
                  {n.name}: {n.why}
                </li>
              ))}
            </ul>
          </div>
        </details>
      ) : null}
    </>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
