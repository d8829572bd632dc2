import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { Form } from "react-router";
import type { ReviewWorkspace } from "./forms.ts";
import { formatDateTime } from "../../status.ts";
import { Radios, Select, TextArea } from "./fields.tsx";
import { VISIBILITY_LABELS } from "./forms.ts";
import { FormErrors } from "../form/FormErrors.tsx";
import { Information, TargetText } from "./WorkspaceSections.tsx";

const VISIBILITY_TAGS = {
  shared: "nhsuk-tag nhsuk-tag--blue",
  internal: "nhsuk-tag nhsuk-tag--grey",
} as const;

export function CommentsSection({
  data,
  fieldOptions,
  lastResult,
  busy,
}: {
  data: ReviewWorkspace["comments"];
  fieldOptions: ReviewWorkspace["fieldOptions"];
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  return (
    <section aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments</h2>
      {data.items.length === 0 ? (
        <p>No comments yet.</p>
      ) : (
        <ul className="nhsuk-list nhsuk-list--border">
          {data.items.map((c) => (
            <li key={c.id}>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
                <strong>{c.author}</strong>, {formatDateTime(c.createdAt)}
                {c.versionNumber ? `, on version ${c.versionNumber}` : ""}{" "}
                <strong className={VISIBILITY_TAGS[c.visibility]}>{VISIBILITY_LABELS[c.visibility]}</strong>
                {c.changedSince ? (
                  <>
                    {" "}
                    <strong className="nhsuk-tag nhsuk-tag--orange">Field changed since this comment</strong>
                  </>
                ) : null}
              </p>
              {c.field ? (
                <p className="nhsuk-u-margin-bottom-2">
                  <TargetText field={c.field} criterion={null} />
                </p>
              ) : null}
              <p className="nhsuk-u-margin-bottom-0">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
      {data.refusal ? (
        <Information>
          <p>{data.refusal}</p>
        </Information>
      ) : (
        <CommentForm key={data.items.length} fieldOptions={fieldOptions} lastResult={lastResult} busy={busy} />
      )}
    </section>
  );
}

function CommentForm({
  fieldOptions,
  lastResult,
  busy,
}: {
  fieldOptions: ReviewWorkspace["fieldOptions"];
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const formId = "comment";
  const [form, fields] = useForm<{ body: string; visibility: string; fieldPath: string }>({ id: formId, lastResult });
  return (
    <Form method="post" {...getFormProps(form)} aria-labelledby="comment-heading">
      <h3 id="comment-heading">Add a comment</h3>
      <FormErrors formId={formId} errors={form.errors} />
      <input type="hidden" name="intent" value="comment" />
      <TextArea formId={formId} field={fields.body} label="Comment" rows={5} />
      <Radios
        formId={formId}
        field={fields.visibility}
        legend="Who can see it?"
        choices={[
          { value: "shared", label: VISIBILITY_LABELS.shared, hint: "The system leads of the footprint can see it." },
          { value: "internal", label: VISIBILITY_LABELS.internal, hint: "Only reviewers and programme administrators see it." },
        ]}
      />
      <Select
        formId={formId}
        field={fields.fieldPath}
        label="Pin it to a field (optional)"
        hint="Readers can go straight to the answer, and see when a later version changes it."
        emptyLabel="Not pinned to a field"
        groups={fieldOptions}
      />
      <button className="nhsuk-button nhsuk-button--secondary" type="submit" disabled={busy}>
        Add comment
      </button>
    </Form>
  );
}
