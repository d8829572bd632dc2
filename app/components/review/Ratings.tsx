import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { Form } from "react-router";
import { DataTable, tableColumns } from "../DataTable.tsx";
import type { ReviewWorkspace } from "./forms.ts";
import { Radios, TextArea } from "./fields.tsx";
import { RATING_LABELS, RATING_TAGS, RATINGS } from "./forms.ts";
import { FormErrors } from "../form/FormErrors.tsx";
import { Information } from "./WorkspaceSections.tsx";

type Data = ReviewWorkspace["ratings"];
type Rated = { rating: (typeof RATINGS)[number]; note: string } | null;

const CHOICES = RATINGS.map((value) => ({ value, label: RATING_LABELS[value] }));

function RatingCell({ rated }: { rated: Rated }) {
  if (!rated) return <>Not rated yet</>;
  return (
    <>
      <strong className={RATING_TAGS[rated.rating]}>{RATING_LABELS[rated.rating]}</strong>
      {rated.note ? <p className="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">{rated.note}</p> : null}
    </>
  );
}

type Criterion = Data["criteria"][number];
const column = tableColumns<Criterion>();

/** The ratings table's columns, headed by the two reviewers' names once they are assigned. */
function ratingColumns(reviewers: { lead: { name: string }; second: { name: string } } | null | undefined) {
  return [
    column.display({ id: "line", header: "Key line of enquiry", cell: ({ row }) => `${row.original.id} ${row.original.title}` }),
    column.display({
      id: "lead",
      header: `Lead reviewer${reviewers ? ` (${reviewers.lead.name})` : ""}`,
      cell: ({ row }) => <RatingCell rated={row.original.lead} />,
    }),
    column.display({
      id: "second",
      header: `Second reviewer${reviewers ? ` (${reviewers.second.name})` : ""}`,
      cell: ({ row }) => <RatingCell rated={row.original.second} />,
    }),
  ];
}

export function RatingsSection({
  data,
  checkpoint,
  reviewers,
  lastResult,
  busy,
}: {
  data: Data;
  checkpoint: number | null;
  reviewers: ReviewWorkspace["reviewers"];
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  // A fresh form whenever the saved ratings change, so it shows what was saved.
  const revision = data.criteria.map((c) => c.mine?.updatedAt ?? "").join("|");
  return (
    <section aria-labelledby="ratings-heading">
      <h2 id="ratings-heading">Key lines of enquiry</h2>
      {data.criteria.length === 0 ? (
        <p>There is nothing to rate until the submission is submitted for a checkpoint.</p>
      ) : (
        <>
          <p>
            Questions only a reviewer can answer. Each of the two reviewers assigned to checkpoint {checkpoint} can rate each one met,
            partly met or not met, until the decision is countersigned; the ratings go into the decision record. A decision can be proposed
            and countersigned before every line is rated, so say in the rationale why any is left unrated.
          </p>
          <DataTable
            caption="Ratings so far"
            captionVisible
            columns={ratingColumns(reviewers)}
            data={data.criteria}
            getRowId={(c) => c.id}
            rowHeader="line"
            empty={null}
          />
          {data.refusal ? (
            <Information>
              <p>{data.refusal}</p>
            </Information>
          ) : (
            <RatingsForm key={revision} criteria={data.criteria} lastResult={lastResult} busy={busy} />
          )}
        </>
      )}
    </section>
  );
}

function RatingsForm({
  criteria,
  lastResult,
  busy,
}: {
  criteria: Data["criteria"];
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const formId = "rate";
  const [form, fields] = useForm({
    id: formId,
    lastResult,
    defaultValue: {
      ratings: criteria.map((c) => ({ criterionId: c.id, rating: c.mine?.rating, note: c.mine?.note ?? "" })),
    },
  });
  const rows = fields.ratings.getFieldList();
  return (
    <Form method="post" {...getFormProps(form)} aria-labelledby="rate-heading">
      <h3 id="rate-heading">Your ratings</h3>
      <FormErrors formId={formId} errors={form.errors} />
      <input type="hidden" name="intent" value="rate" />
      {rows.map((row, i) => {
        const criterion = criteria[i];
        if (!criterion) return null;
        const f = row.getFieldset();
        return (
          <div key={criterion.id}>
            <input type="hidden" name={f.criterionId.name} value={criterion.id} />
            <Radios
              formId={formId}
              field={f.rating}
              legend={`${criterion.id} ${criterion.title}`}
              hint={criterion.rule}
              choices={CHOICES}
              inline
            />
            <TextArea formId={formId} field={f.note} label={`Note on ${criterion.id} (optional)`} rows={3} />
          </div>
        );
      })}
      <button className="nhsuk-button" type="submit" disabled={busy}>
        Save your ratings
      </button>
    </Form>
  );
}
