import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-check";
import { parseForm, refusedReply } from "../.server/forms.ts";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { FormErrors, formLevelErrors } from "../components/form/FormErrors.tsx";
import { versionField } from "../forms/hidden-fields.ts";
import { sectionAnswers } from "../forms/answers.ts";
import { Answers } from "../components/form/Answers.tsx";
import { answerLookups } from "../.server/reference.ts";
import { applyEvent } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { evaluateDraft, readDraft, requireSubmission } from "../.server/submissions.ts";
import { hasTag } from "../../workflows/states.ts";
import { requireUser } from "../.server/session.ts";
import { fieldLink, reasonsNotToSubmit, taskListFor } from "../.server/task-list.ts";
import { FieldLink } from "../components/FieldLink.tsx";
import { SECTION_SLUGS, SECTION_TITLES } from "../../workflows/submission-vocabulary.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const draft = await readDraft(db(), loaded.submission.id);
  const evaluation = await evaluateDraft(db(), loaded, draft.content);
  const summary = await taskListFor(db(), loaded);
  const lookups = await answerLookups(db());
  const id = loaded.submission.id;
  const withLink = (r: (typeof evaluation.results)[number]) => ({
    id: r.id,
    title: r.title,
    message: r.message,
    link: r.fieldPath ? fieldLink(id, r.fieldPath) : null,
  });
  return {
    submission: summary.submission,
    canSubmit: summary.canSubmit,
    resubmission: summary.resubmission,
    checkpoint: summary.targetCheckpoint,
    changeRequests: summary.changeRequests,
    sections: SECTION_SLUGS.filter((s) => s !== "evidence").map((slug) => ({
      slug,
      title: SECTION_TITLES[slug],
      blocks: sectionAnswers(slug, draft.content, lookups),
    })),
    evidence: (draft.content.evidence?.documents ?? []).map((d) => ({
      id: d.id,
      fileName: d.fileName,
      section: SECTION_TITLES[d.section],
    })),
    blocking: evaluation.blockingFailures.map(withLink),
    /** Why it cannot be submitted now, every reason at once; empty when it can. */
    notYet: reasonsNotToSubmit(loaded, evaluation.blockingFailures.length),
    warnings: evaluation.warnings.map(withLink),
    passed: evaluation.results.filter((r) => r.outcome === "pass").map((r) => ({ id: r.id, title: r.title })),
  };
}

const SubmitSchema = z.object({
  declaration: z.literal("yes", { error: "Confirm the declaration before you submit" }),
  version: versionField,
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const form = parseForm(await request.formData(), SubmitSchema);
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const type = hasTag(loaded.submission.state, "returned") ? "RESUBMIT" : "SUBMIT";
  const result = await applyEvent(
    db(),
    loaded.submission.id,
    loaded.actor,
    { type, declaration: true },
    { expectedVersion: form.value.version },
  );
  if (!result.ok) return refusedReply(form, result);
  return redirect(`/submissions/${loaded.submission.id}/submitted?version=${result.versionNumber ?? ""}`);
}

export default function CheckAnswers({ loaderData: d, actionData }: Route.ComponentProps) {
  const id = d.submission.id;
  const [form, fields] = useForm({
    id: "submit",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SubmitSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const formErrors = formLevelErrors(form.errors, fields.version.errors);
  const declaration = fields.declaration;
  // Without the form on the page (a check now fails, or someone else submitted it), a refusal
  // links to the checks instead.
  const formShown = d.canSubmit && d.blocking.length === 0;
  const errors = summaryItems([
    [formErrors, formShown ? `${form.id}--error` : "maincontent"],
    [declaration.errors, declaration.id],
  ]);
  const verb = d.resubmission ? "Resubmit" : `Submit for checkpoint ${d.checkpoint}`;
  return (
    <>
      <Link className="nhsuk-back-link" to={`/submissions/${id}`}>
        Back to the task list
      </Link>
      <ErrorSummary errors={errors} title={"Check your answers"} />
      <span className="nhsuk-caption-l">{d.submission.title}</span>
      <h1>Check your answers before {d.resubmission ? "resubmitting" : "submitting"}</h1>

      {!d.canSubmit && d.notYet.length > 0 ? (
        <div className="nhsuk-warning-callout" data-testid="not-yet">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              You cannot submit yet
            </span>
          </h2>
          <ul>
            {d.notYet.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <h2>National checks ({d.submission.criteriaSet})</h2>
      {d.blocking.length > 0 ? (
        <div className="nhsuk-warning-callout">
          <h3 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              {d.blocking.length} blocking {d.blocking.length === 1 ? "check fails" : "checks fail"}
            </span>
          </h3>
          <p>You cannot submit until {d.blocking.length === 1 ? "it passes" : "they pass"}. Each link opens the field to fix.</p>
          <ul>
            {d.blocking.map((r) => (
              <li key={r.id}>
                <strong>{r.id}</strong> {r.title}: {r.link ? <FieldLink to={r.link}>{r.message}</FieldLink> : r.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p>
          <strong className="nhsuk-tag nhsuk-tag--green">No blocking check fails</strong>
        </p>
      )}
      {d.warnings.length > 0 ? (
        <details className="nhsuk-details" open>
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">
              {d.warnings.length} {d.warnings.length === 1 ? "warning" : "warnings"} (you can still submit; reviewers will see them)
            </span>
          </summary>
          <div className="nhsuk-details__text">
            <ul>
              {d.warnings.map((r) => (
                <li key={r.id}>
                  <strong>{r.id}</strong> {r.title}: {r.link ? <FieldLink to={r.link}>{r.message}</FieldLink> : r.message}
                </li>
              ))}
            </ul>
          </div>
        </details>
      ) : null}
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">{d.passed.length} checks passed</span>
        </summary>
        <div className="nhsuk-details__text">
          <ul>
            {d.passed.map((r) => (
              <li key={r.id}>
                <strong>{r.id}</strong> {r.title}
              </li>
            ))}
          </ul>
        </div>
      </details>

      {d.sections.map((section) => (
        <section key={section.slug}>
          <h2>{section.title}</h2>
          {section.blocks.length === 0 ? (
            <p>
              Not started. <Link to={`/submissions/${id}/sections/${section.slug}`}>Answer {section.title.toLowerCase()}</Link>
            </p>
          ) : (
            <Answers
              blocks={section.blocks}
              headingLevel={3}
              changeHref={(fieldPath) => `/submissions/${id}/sections/${section.slug}?field=${encodeURIComponent(fieldPath)}`}
            />
          )}
        </section>
      ))}
      <h2>Evidence</h2>
      {d.evidence.length === 0 ? (
        <p>No documents uploaded.</p>
      ) : (
        <ul className="nhsuk-list nhsuk-list--bullet">
          {d.evidence.map((e) => (
            <li key={e.id}>
              {e.fileName} ({e.section})
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={`/submissions/${id}/sections/evidence`}>Change the evidence</Link>
      </p>

      {formShown ? (
        <Form method="post" {...getFormProps(form)}>
          <FormErrors formId={form.id} errors={formErrors} />
          <input type="hidden" name={fields.version.name} value={d.submission.version} />
          <h2>Declaration</h2>
          <div className={`nhsuk-form-group${declaration.errors ? " nhsuk-form-group--error" : ""}`}>
            <fieldset className="nhsuk-fieldset" aria-describedby={declaration.errors ? declaration.errorId : undefined}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Confirm before you submit</legend>
              {declaration.errors ? (
                <span className="nhsuk-error-message" id={declaration.errorId}>
                  <span className="nhsuk-u-visually-hidden">Error:</span> {declaration.errors.join(". ")}
                </span>
              ) : null}
              <div className="nhsuk-checkboxes">
                <div className="nhsuk-checkboxes__item">
                  <input
                    key={declaration.key}
                    className="nhsuk-checkboxes__input"
                    id={declaration.id}
                    name={declaration.name}
                    type="checkbox"
                    value="yes"
                    defaultChecked={declaration.initialValue === "yes"}
                  />
                  <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={declaration.id}>
                    I confirm these answers are accurate, and that the commissioners' governing bodies have approved the proposal as
                    described.
                  </label>
                </div>
              </div>
            </fieldset>
          </div>
          <p>
            Submitting sends these answers to the national team as a frozen version. Later edits start a new draft, and any two versions can
            be compared.
          </p>
          <button className="nhsuk-button" type="submit">
            {verb}
          </button>
        </Form>
      ) : null}
    </>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
