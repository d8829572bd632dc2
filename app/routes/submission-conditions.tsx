import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-conditions";
import { clipToSchema } from "../.server/forms.ts";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
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
  conditionId: z.string().min(1),
  evidence: z
    .string({ error: "Describe the evidence that the condition has been met" })
    .trim()
    .min(1, "Describe the evidence that the condition has been met")
    .max(5000, "Evidence must be 5,000 characters or fewer"),
  version: z.coerce.number().int(),
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const { submission, actor } = await requireSubmission(db(), user, params.id);
  const form = Object.fromEntries(await request.formData());
  const parsed = EvidenceSchema.safeParse(form);
  const conditionId = String(form.conditionId ?? "");
  if (!parsed.success) {
    return data(
      {
        conditionId,
        error: parsed.error.issues[0]!.message,
        evidence: clipToSchema(String(form.evidence ?? ""), EvidenceSchema.shape.evidence) as string,
      },
      { status: 400 },
    );
  }
  const result = await applyEvent(
    db(),
    submission.id,
    actor,
    { type: "SUBMIT_CONDITION_EVIDENCE", conditionId: parsed.data.conditionId, evidence: parsed.data.evidence },
    { expectedVersion: parsed.data.version },
  );
  if (!result.ok) {
    if (result.kind === "not_found") throw data("Submission not found", { status: 404 });
    return data({ conditionId, error: result.reason, evidence: parsed.data.evidence }, { status: result.kind === "conflict" ? 409 : 403 });
  }
  return redirect(`/submissions/${submission.id}/conditions`);
}

const STATUS = {
  open: "Evidence needed",
  evidence_submitted: "Evidence given, awaiting review",
  discharged: "Discharged",
} as const;

export default function Conditions({ loaderData: d, actionData }: Route.ComponentProps) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to={`/submissions/${d.id}`}>
          Back to the submission
        </Link>
        <ErrorSummary errors={actionData ? [{ fieldId: `evidence-${actionData.conditionId}`, message: actionData.error }] : []} />
        <span className="nhsuk-caption-l">{d.title}</span>
        <h1>Conditions to discharge</h1>
        <p>Each condition must be discharged, with evidence a reviewer accepts, before the next checkpoint.</p>
        {d.conditions.length === 0 ? <p>There are no conditions on this submission.</p> : null}
        {d.conditions.map((c) => {
          const error = actionData?.conditionId === c.id ? actionData : null;
          return (
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
                  <Form method="post">
                    <input type="hidden" name="conditionId" value={c.id} />
                    <input type="hidden" name="version" value={d.version} />
                    <div className={`nhsuk-form-group${error ? " nhsuk-form-group--error" : ""}`}>
                      <label className="nhsuk-label" htmlFor={`evidence-${c.id}`}>
                        Evidence that this condition has been met
                      </label>
                      {error ? (
                        <span className="nhsuk-error-message" id={`evidence-${c.id}-error`}>
                          <span className="nhsuk-u-visually-hidden">Error:</span> {error.error}
                        </span>
                      ) : null}
                      <textarea
                        className={`nhsuk-textarea${error ? " nhsuk-textarea--error" : ""}`}
                        id={`evidence-${c.id}`}
                        name="evidence"
                        rows={4}
                        defaultValue={error?.evidence ?? c.evidence}
                        aria-describedby={error ? `evidence-${c.id}-error` : undefined}
                      />
                    </div>
                    <button className="nhsuk-button nhsuk-button--secondary" type="submit">
                      Send evidence for review
                    </button>
                  </Form>
                )}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Conditions – NCM Assure" }];
