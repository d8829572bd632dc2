import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { Form } from "react-router";
import type { ReviewWorkspace } from "./forms.ts";
import { TextArea } from "./fields.tsx";
import { FormErrors } from "../form/FormErrors.tsx";
import { Information, TargetText } from "./WorkspaceSections.tsx";

const STATUS = {
  open: { text: "Evidence needed", className: "nhsuk-tag nhsuk-tag--orange" },
  evidence_submitted: { text: "Evidence given, awaiting review", className: "nhsuk-tag nhsuk-tag--blue" },
  discharged: { text: "Discharged", className: "nhsuk-tag nhsuk-tag--green" },
} as const;

type Condition = ReviewWorkspace["conditions"][number];

/** The id of the form that judges one condition's evidence. */
export const conditionFormId = (conditionId: string) => `condition-${conditionId.replace(/[^A-Za-z0-9]+/g, "-")}`;

export function ConditionsSection({
  conditions,
  version,
  reply,
  busy,
}: {
  conditions: ReviewWorkspace["conditions"];
  version: number;
  /** The last reply of a condition's form, and which condition it was for. */
  reply: { conditionId: string; result: SubmissionResult<string[]> } | null;
  busy: boolean;
}) {
  return (
    <section aria-labelledby="conditions-heading">
      <h2 id="conditions-heading">Conditions</h2>
      {conditions.length === 0 ? (
        <p>There are no conditions on this submission.</p>
      ) : (
        conditions.map((c) => (
          <div className="nhsuk-card" key={c.id}>
            <div className="nhsuk-card__content">
              <h3 className="nhsuk-card__heading nhsuk-heading-s">{c.text}</h3>
              <p>
                <strong className={STATUS[c.status].className}>{STATUS[c.status].text}</strong>{" "}
                <span className="nhsuk-body-s">Set at checkpoint {c.setAtCheckpoint}.</span>
              </p>
              <p>
                <TargetText field={c.field} criterion={c.criterion} />
              </p>
              {c.rejectionReason ? <p>Evidence not accepted last time: {c.rejectionReason}</p> : null}
              {c.evidence ? <p>Evidence from the system lead: {c.evidence}</p> : null}
              {c.status === "evidence_submitted" ? (
                c.reviewRefusal ? (
                  <Information>
                    <p>{c.reviewRefusal}</p>
                  </Information>
                ) : (
                  <ConditionForm
                    key={version}
                    condition={c}
                    version={version}
                    lastResult={reply?.conditionId === c.id ? reply.result : undefined}
                    busy={busy}
                  />
                )
              ) : null}
            </div>
          </div>
        ))
      )}
    </section>
  );
}

function ConditionForm({
  condition,
  version,
  lastResult,
  busy,
}: {
  condition: Condition;
  version: number;
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const formId = conditionFormId(condition.id);
  const [form, fields] = useForm<{ reason: string }>({ id: formId, lastResult });
  return (
    <Form method="post" {...getFormProps(form)} aria-label={`Judge the evidence for: ${condition.text}`}>
      <FormErrors formId={formId} errors={form.errors} />
      <input type="hidden" name="conditionId" value={condition.id} />
      <input type="hidden" name="version" value={version} />
      <TextArea
        formId={formId}
        field={fields.reason}
        label="If you do not accept the evidence, why not?"
        hint="The system lead sees this and gives evidence again."
        rows={3}
      />
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="submit" name="intent" value="accept-condition" disabled={busy}>
          Accept the evidence
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit" name="intent" value="reject-condition" disabled={busy}>
          Do not accept
        </button>
      </div>
    </Form>
  );
}
