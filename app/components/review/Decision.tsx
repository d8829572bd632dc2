import { type FieldMetadata, getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { Form } from "react-router";
import type { ReviewWorkspace } from "./forms.ts";
import { DECISIONS, DELIVERY_CONFIDENCE } from "../../../workflows/states.ts";
import { type FieldLike, Radios, Select, TextArea } from "./fields.tsx";
import { CONFIDENCE_LABELS, DECISION_HINTS, DECISION_LABELS } from "./forms.ts";
import { FormErrors } from "../form/FormErrors.tsx";
import { Information, ProposalDetails } from "./WorkspaceSections.tsx";

const DECISION_CHOICES = DECISIONS.map((value) => ({ value, label: DECISION_LABELS[value], hint: DECISION_HINTS[value] }));
const CONFIDENCE_CHOICES = DELIVERY_CONFIDENCE.map((value) => ({ value, label: CONFIDENCE_LABELS[value] }));

type Options = Pick<ReviewWorkspace, "fieldOptions" | "criterionOptions">;

export function ProposeSection({
  data,
  lastResult,
  busy,
}: {
  data: Pick<ReviewWorkspace, "proposeRefusal" | "disagreement" | "fieldOptions" | "criterionOptions" | "submission">;
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  return (
    <section aria-labelledby="propose-heading">
      <h2 id="propose-heading">Propose a decision</h2>
      {data.disagreement ? (
        <div className="nhsuk-warning-callout">
          <h3 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>The last proposal was not countersigned
            </span>
          </h3>
          <p>
            {data.disagreement.by} disagreed: {data.disagreement.reason}
          </p>
        </div>
      ) : null}
      {data.proposeRefusal ? (
        <Information>
          <p>{data.proposeRefusal}</p>
        </Information>
      ) : (
        <ProposeForm key={data.submission.version} options={data} version={data.submission.version} lastResult={lastResult} busy={busy} />
      )}
    </section>
  );
}

/** A condition or change request row: what to do, and the field and/or criterion it is about. */
function TargetRow({
  formId,
  row,
  noun,
  index,
  options,
  removeButton,
}: {
  formId: string;
  row: { text: FieldLike; fieldPath: FieldLike; criterionId: FieldLike };
  noun: string;
  index: number;
  options: Options;
  removeButton: React.ReactNode;
}) {
  return (
    <div className="nhsuk-u-margin-bottom-4">
      <TextArea formId={formId} field={row.text} label={`${noun} ${index + 1}`} rows={3} />
      <Select
        formId={formId}
        field={row.fieldPath}
        label="Field it is about"
        emptyLabel="No particular field"
        groups={options.fieldOptions}
      />
      <Select
        formId={formId}
        field={row.criterionId}
        label="Criterion it is about"
        emptyLabel="No particular criterion"
        options={options.criterionOptions}
      />
      {removeButton}
    </div>
  );
}

type TargetFields = { text: string; fieldPath: string; criterionId: string };

/** The rows of a list, or one blank row when it has none, so there is always somewhere to type. */
function rowsOf(list: FieldMetadata<TargetFields[] | undefined>, name: string): Record<keyof TargetFields, FieldLike>[] {
  const rows = list.getFieldList().map((row) => row.getFieldset());
  if (rows.length > 0) return rows;
  return [
    { text: { name: `${name}[0].text` }, fieldPath: { name: `${name}[0].fieldPath` }, criterionId: { name: `${name}[0].criterionId` } },
  ];
}

function ProposeForm({
  options,
  version,
  lastResult,
  busy,
}: {
  options: Options;
  version: number;
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const formId = "propose";
  const [form, fields] = useForm<{
    decision: string;
    confidence: string;
    rationale: string;
    conditions: TargetFields[];
    changeRequests: TargetFields[];
  }>({
    id: formId,
    lastResult,
    defaultValue: { conditions: [{ text: "" }], changeRequests: [{ text: "" }] },
  });
  const conditions = rowsOf(fields.conditions, "conditions");
  const requests = rowsOf(fields.changeRequests, "changeRequests");
  const remove = (name: string, index: number, label: string) => (
    <button
      className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
      {...form.remove.getButtonProps({ name: name as never, index })}
      disabled={busy}
    >
      Remove<span className="nhsuk-u-visually-hidden"> {label}</span>
    </button>
  );
  return (
    <Form method="post" {...getFormProps(form)} aria-labelledby="propose-heading">
      <FormErrors formId={formId} errors={form.errors} />
      <input type="hidden" name="intent" value="propose" />
      <input type="hidden" name="version" value={version} />
      <Radios formId={formId} field={fields.decision} legend="Decision" legendSize="m" choices={DECISION_CHOICES} />
      <Radios formId={formId} field={fields.confidence} legend="Delivery confidence" legendSize="m" choices={CONFIDENCE_CHOICES} />
      <TextArea
        formId={formId}
        field={fields.rationale}
        label="Rationale"
        labelClassName="nhsuk-label nhsuk-label--m"
        hint="Why you propose this decision. The second reviewer sees it when countersigning, and it is kept in the decision record."
        rows={6}
      />

      <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-6" aria-describedby="propose-conditions--hint">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Conditions</legend>
        <div className="nhsuk-hint" id="propose-conditions--hint">
          Only for a decision to proceed with conditions. Each must be discharged, with evidence a reviewer accepts, before the next
          checkpoint. Leave blank otherwise.
        </div>
        {conditions.map((row, i) => (
          <TargetRow
            key={row.text.key ?? `row-${i}`}
            formId={formId}
            row={row}
            noun="Condition"
            index={i}
            options={options}
            removeButton={conditions.length > 1 ? remove(fields.conditions.name, i, `condition ${i + 1}`) : null}
          />
        ))}
        <button
          className="nhsuk-button nhsuk-button--secondary"
          {...form.insert.getButtonProps({ name: fields.conditions.name })}
          disabled={busy}
        >
          Add another condition
        </button>
      </fieldset>

      <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-6" aria-describedby="propose-changeRequests--hint">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Changes requested</legend>
        <div className="nhsuk-hint" id="propose-changeRequests--hint">
          Only for a decision of changes requested. Tie each request to a field or a criterion, so the lead knows what to change. Leave
          blank otherwise.
        </div>
        {requests.map((row, i) => (
          <TargetRow
            key={row.text.key ?? `row-${i}`}
            formId={formId}
            row={row}
            noun="Change request"
            index={i}
            options={options}
            removeButton={requests.length > 1 ? remove(fields.changeRequests.name, i, `change request ${i + 1}`) : null}
          />
        ))}
        <button
          className="nhsuk-button nhsuk-button--secondary"
          {...form.insert.getButtonProps({ name: fields.changeRequests.name })}
          disabled={busy}
        >
          Add another change request
        </button>
      </fieldset>

      <button className="nhsuk-button" type="submit" disabled={busy}>
        Propose the decision
      </button>
    </Form>
  );
}

export function CountersignSection({
  data,
  lastResult,
  busy,
}: {
  data: Pick<ReviewWorkspace, "proposal" | "countersignRefusal" | "submission">;
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const { proposal } = data;
  return (
    <section aria-labelledby="countersign-heading">
      <h2 id="countersign-heading">Countersign the decision</h2>
      {proposal ? (
        <>
          <p>
            {proposal.proposedBy} proposed this decision for checkpoint {proposal.checkpoint}. It becomes final only when the second
            reviewer countersigns it.
          </p>
          <ProposalDetails proposal={proposal} />
        </>
      ) : null}
      {data.countersignRefusal ? (
        <Information>
          <p>{data.countersignRefusal}</p>
        </Information>
      ) : (
        <CountersignForm key={data.submission.version} version={data.submission.version} lastResult={lastResult} busy={busy} />
      )}
    </section>
  );
}

function CountersignForm({
  version,
  lastResult,
  busy,
}: {
  version: number;
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const formId = "countersign";
  const [form, fields] = useForm<{ agree: string; reason: string }>({ id: formId, lastResult });
  return (
    <Form method="post" {...getFormProps(form)} aria-label="Countersign the decision">
      <FormErrors formId={formId} errors={form.errors} />
      <input type="hidden" name="intent" value="countersign" />
      <input type="hidden" name="version" value={version} />
      <Radios
        formId={formId}
        field={fields.agree}
        legend="Do you agree with the proposed decision?"
        choices={[
          { value: "yes", label: "Yes, countersign the decision", hint: "The decision becomes final." },
          { value: "no", label: "No, I disagree", hint: "It goes back to the lead reviewer with your reason." },
        ]}
      />
      <TextArea formId={formId} field={fields.reason} label="If you disagree, why?" hint="The lead reviewer will see this." rows={4} />
      <button className="nhsuk-button" type="submit" disabled={busy}>
        Confirm
      </button>
    </Form>
  );
}
