import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-versions";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { FilterSelect } from "../components/form/FilterSelect.tsx";
import { RouteLink } from "../components/RouteLink.tsx";
import { formatDateTime } from "../status.ts";
import { db } from "../.server/db.ts";
import { requireUser } from "../.server/session.ts";
import { requireSubmission } from "../.server/submissions.ts";
import { findVersion } from "../../db/submissions.ts";
import { listVersionsWithSubmitters } from "../../db/versions.ts";
import type { ChangeKind } from "../../workflows/diff.ts";
import { type Comparison, compareVersions } from "../forms/answers.ts";
import { answerLookups } from "../.server/reference.ts";

const CompareQuery = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const { submission } = await requireSubmission(db(), user, params.id);
  const versions = await listVersionsWithSubmitters(db(), submission.id);

  const url = new URL(request.url);
  const query = CompareQuery.safeParse({
    from: url.searchParams.get("from") || undefined,
    to: url.searchParams.get("to") || undefined,
  });
  if (!query.success) throw data("Choose two versions to compare from the lists.", { status: 400 });

  let comparison: Comparison | null = null;
  if (versions.length >= 2) {
    // By default, what changed in the latest resubmission.
    const from = query.data.from ?? versions.at(-2)!.number;
    const to = query.data.to ?? versions.at(-1)!.number;
    const [before, after] = await Promise.all([findVersion(db(), submission.id, from), findVersion(db(), submission.id, to)]);
    if (!before || !after) throw data("Version not found", { status: 404 });
    comparison = compareVersions(from, to, before.content, after.content, await answerLookups(db()));
  }

  return {
    submission: { id: submission.id, title: submission.title },
    versions: versions.map((v) => ({
      submissionId: submission.id,
      number: v.number,
      checkpoint: v.checkpoint,
      submittedBy: v.submittedByName ?? "A former user",
      submittedAt: v.submittedAt,
    })),
    comparison,
  };
}

// ---------------------------------------------------------------------------------------------

type VersionRow = Route.ComponentProps["loaderData"]["versions"][number];

const column = tableColumns<VersionRow>();
const VERSION_COLUMNS = [
  column.accessor("number", { header: "Version", cell: ({ getValue }) => `Version ${getValue()}` }),
  column.accessor("checkpoint", { header: "Checkpoint", cell: ({ getValue }) => `Checkpoint ${getValue()}` }),
  column.accessor("submittedBy", { header: "Submitted by" }),
  column.accessor("submittedAt", { header: "Submitted", cell: ({ getValue }) => formatDateTime(getValue()) }),
  column.display({
    id: "document",
    header: "The proposal as a document",
    cell: ({ row }) => <VersionDocuments submissionId={row.original.submissionId} number={row.original.number} />,
  }),
];

/** A frozen version as the paper a lead takes to the boards; hidden text says which version each link is for. */
function VersionDocuments({ submissionId, number }: { submissionId: string; number: number }) {
  return (
    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
      <li>
        <a href={`/submissions/${submissionId}/proposal.docx?version=${number}`} download>
          Download<span className="nhsuk-u-visually-hidden"> version {number}</span> as a Word document
        </a>
      </li>
      <li>
        <RouteLink to={`/submissions/${submissionId}/proposal?version=${number}`}>
          Open the print view<span className="nhsuk-u-visually-hidden"> of version {number}</span>
        </RouteLink>
      </li>
    </ul>
  );
}

const changeColumn = tableColumns<Comparison["sections"][number]["changes"][number]>();

/** A section's changes: the field, its value in each of the two versions compared, and the kind of change. */
function changeColumns(from: number, to: number) {
  return [
    changeColumn.accessor("label", { header: "Field" }),
    changeColumn.accessor("before", { header: `Version ${from}`, cell: ({ getValue }) => <Lines lines={getValue()} /> }),
    changeColumn.accessor("after", { header: `Version ${to}`, cell: ({ getValue }) => <Lines lines={getValue()} /> }),
    changeColumn.accessor("kind", {
      header: "Change",
      cell: ({ getValue }) => <strong className={KIND_TAGS[getValue()].className}>{KIND_TAGS[getValue()].text}</strong>,
    }),
  ];
}

const KIND_TAGS: Record<ChangeKind, { text: string; className: string }> = {
  added: { text: "Added", className: "nhsuk-tag nhsuk-tag--green" },
  removed: { text: "Removed", className: "nhsuk-tag nhsuk-tag--red" },
  changed: { text: "Changed", className: "nhsuk-tag nhsuk-tag--blue" },
};

function Lines({ lines }: { lines: string[] | null }) {
  if (!lines || lines.length === 0) return <span className="nhsuk-u-secondary-text-colour">Not given</span>;
  if (lines.length === 1) return <>{lines[0]}</>;
  return (
    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one value, in a fixed order
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

export default function Versions({ loaderData }: Route.ComponentProps) {
  const { submission, versions, comparison } = loaderData;
  const versionOptions = versions.map((v) => ({ value: String(v.number), label: `Version ${v.number}` }));
  return (
    <>
      <Link className="nhsuk-back-link" to={`/submissions/${submission.id}`}>
        Back to the submission
      </Link>
      <span className="nhsuk-caption-l">{submission.title}</span>
      <h1>Versions</h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <p>
            Each time the submission is submitted, the whole of it is frozen as a version. Versions never change, so you can see exactly
            what the national team assessed, and compare any two.
          </p>
        </div>
      </div>

      <DataTable
        caption="Submitted versions"
        captionVisible
        columns={VERSION_COLUMNS}
        data={versions}
        getRowId={(v) => String(v.number)}
        empty={<p>Nothing has been submitted yet.</p>}
      />

      {versions.length === 1 ? <p>There is one version so far, so there is nothing to compare it with yet.</p> : null}

      {comparison ? (
        <>
          <h2 className="nhsuk-heading-m">Compare versions</h2>
          <Form method="get" className="nhsuk-u-margin-bottom-6">
            <div className="nhsuk-grid-row">
              <div className="nhsuk-grid-column-one-quarter">
                <FilterSelect id="compare-from" name="from" label="From version" value={String(comparison.from)} options={versionOptions} />
              </div>
              <div className="nhsuk-grid-column-one-quarter">
                <FilterSelect id="compare-to" name="to" label="To version" value={String(comparison.to)} options={versionOptions} />
              </div>
            </div>
            <button className="nhsuk-button nhsuk-button--secondary" type="submit">
              Compare
            </button>
          </Form>

          <h2 className="nhsuk-heading-m" id="changes">
            Changes from version {comparison.from} to version {comparison.to}
          </h2>
          {comparison.total === 0 ? (
            <p>Nothing changed between these versions.</p>
          ) : (
            <p>
              {comparison.total === 1 ? "1 change" : `${comparison.total} changes`} in{" "}
              {comparison.sections.length === 1 ? "1 section" : `${comparison.sections.length} sections`}.
            </p>
          )}
          {comparison.sections.map((section) => (
            <DataTable
              key={section.slug}
              caption={section.title}
              captionVisible
              columns={changeColumns(comparison.from, comparison.to)}
              data={section.changes}
              // A field may change more than once in one list; the order is fixed.
              getRowId={(change) => `${change.fieldPath}:${change.kind}:${section.changes.indexOf(change)}`}
              rowData={(change) => ({ "data-field-path": change.fieldPath })}
              rowHeader="label"
              empty={null}
            />
          ))}
        </>
      ) : null}
    </>
  );
}

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Versions – ${loaderData.submission.title} – NCM Assure` : "Versions – NCM Assure" },
];
