import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-conditions";
import { redirectWithFlash } from "../.server/flash.ts";
import { parseForm, refusedReply } from "../.server/forms.ts";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { FormErrors, formLevelErrors } from "../components/form/FormErrors.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { versionField } from "../forms/hidden-fields.ts";
import { applyEvent } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { requireSubmission } from "../.server/submissions.ts";
import { requireUser } from "../.server/session.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const { submission, snapshot } = await requireSubmission(db(), user, params.id);
  return {
    id: submission.id,
    title: submission.title,
    version: submission.version,
    conditions: snapshot.context.conditions.map((c) => ({
      id: c.id,
      text: c.text,
      status: c.status,
      evidence: c.evidence ?? "",
      rejectionReason: c.rejectionReason ?? null,
      setAtCheckpoint: c.setAtCheckpoint,
    })),
  };
}

const EvidenceSchema = z.object({
  conditionId: z.string({ error: "Reload the page and try again" }).max(100),
  evidence: z
    .string({ error: "Describe the evidence that the condition has been met" })
    .trim()
    .min(1, "Describe the evidence that the condition has been met")
    .max(5000, "Evidence must be 5,000 characters or fewer"),
  version: versionField,
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const { submission, actor } = await requireSubmission(db(), user, params.id);
  const form = parseForm(await request.formData(), EvidenceSchema);
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const { conditionId, evidence, version } = form.value;
  const result = await applyEvent(
    db(),
    submission.id,
    actor,
    { type: "SUBMIT_CONDITION_EVIDENCE", conditionId, evidence },
    { expectedVersion: version },
  );
  if (!result.ok) return refusedReply(form, result);
  // Every action confirms itself: the evidence is with the reviewers now.
  return redirectWithFlash(`/submissions/${submission.id}/conditions`, "Your evidence has been sent to the reviewers.");
}

const STATUS = {
  open: "Evidence needed",
  evidence_submitted: "Evidence given, awaiting review",
  discharged: "Discharged",
} as const;

/** The id of the form that sends one condition's evidence; its field ids start with it. */
const evidenceFormId = (conditionId: string) => `condition-${conditionId.replace(/[^A-Za-z0-9]+/g, "-")}`;

type Condition = Route.ComponentProps["loaderData"]["conditions"][number];

export default function Conditions({ loaderData: d, actionData }: Route.ComponentProps) {
  // Each condition has a form of its own; the reply belongs to the one whose condition it names.
  const repliedFor = actionData?.result.initialValue?.conditionId;
  const summary = summaryOf(actionData?.result, typeof repliedFor === "string" ? evidenceFormId(repliedFor) : null);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to={`/submissions/${d.id}`}>
          Back to the submission
        </Link>
        <ErrorSummary errors={summary} title={"Conditions"} />
        <span className="nhsuk-caption-l">{d.title}</span>
        <h1>Conditions to discharge</h1>
        <p>Each condition must be discharged, with evidence a reviewer accepts, before the next checkpoint.</p>
        {d.conditions.length === 0 ? <p>There are no conditions on this submission.</p> : null}
        {d.conditions.map((c) => (
          <div key={c.id} className="nhsuk-card">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading nhsuk-heading-m">{c.text}</h2>
              <p>
                Set at checkpoint {c.setAtCheckpoint}. <strong className="nhsuk-tag nhsuk-tag--white">{STATUS[c.status]}</strong>
              </p>
              {c.rejectionReason ? <p>The reviewer did not accept the last evidence: {c.rejectionReason}</p> : null}
              {c.status === "discharged" || c.status === "evidence_submitted" ? (
                <p>Evidence given: {c.evidence}</p>
              ) : (
                <EvidenceForm condition={c} version={d.version} lastResult={repliedFor === c.id ? actionData?.result : undefined} />
              )}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

/**
 * The summary of what the last post got wrong, linked into the form that sent it. The page has a
 * form per condition, so the server checks them (no Zod in the browser) and the one summary lists
 * every error of whichever form was sent. A post naming no condition (forged) still lists its
 * errors, linked to the top of the page.
 */
function summaryOf(result: SubmissionResult<string[]> | undefined, formId: string | null) {
  const error = (name: string) => result?.error?.[name] ?? undefined;
  return summaryItems([
    [formLevelErrors(error(""), error("conditionId"), error("version")), formId ? `${formId}--error` : "maincontent"],
    [error("evidence"), formId ? `${formId}-evidence` : "maincontent"],
  ]);
}

function EvidenceForm({
  condition,
  version,
  lastResult,
}: {
  condition: Condition;
  version: number;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm<z.input<typeof EvidenceSchema>>({
    id: evidenceFormId(condition.id),
    lastResult,
    defaultValue: { evidence: condition.evidence },
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <FormErrors formId={form.id} errors={formLevelErrors(form.errors, fields.conditionId.errors, fields.version.errors)} />
      <input type="hidden" name={fields.conditionId.name} value={condition.id} />
      <input type="hidden" name={fields.version.name} value={version} />
      <Textarea field={fields.evidence} label="Evidence that this condition has been met" labelClassName="nhsuk-label" />
      <button className="nhsuk-button nhsuk-button--secondary" type="submit">
        Send evidence for review
      </button>
    </Form>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
