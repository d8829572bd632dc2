import type { OpenReviewLine, WorkloadRow } from "../.server/workload.ts";
import { ROLE_LABELS } from "../navigation.ts";
import { tableColumns } from "./DataTable.tsx";
import { RouteLink } from "./RouteLink.tsx";

/**
 * The workload tables: one row per reviewer (the administrators' page links each to their
 * account), and one row per open review (a reviewer's own page). Shared so both say the same
 * thing in the same words.
 */

const days = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

const SLA_TAG = {
  within: null,
  at_risk: { text: "At risk", className: "nhsuk-tag nhsuk-tag--orange" },
  breached: { text: "Over target", className: "nhsuk-tag nhsuk-tag--red" },
} as const;

export function SlaTag({ sla }: { sla: OpenReviewLine["sla"] }) {
  const tag = SLA_TAG[sla];
  return tag ? (
    <>
      {" "}
      <strong className={tag.className}>{tag.text}</strong>
    </>
  ) : null;
}

function DaysAgainstTarget({ review }: { review: OpenReviewLine }) {
  return (
    <>
      {days.format(review.nationalDaysUsed)} of {review.target}
      <SlaTag sla={review.sla} />
    </>
  );
}

function workloadColumns(linkToAccount: boolean) {
  const column = tableColumns<WorkloadRow>();
  return column.columns([
    column.accessor("name", {
      id: "reviewer",
      header: "Reviewer",
      cell: (info) => {
        const r = info.row.original;
        return (
          <>
            {linkToAccount ? <RouteLink to={`/admin/users/${r.id}`}>{r.name}</RouteLink> : r.name}
            {r.role !== "reviewer" && !r.reassign ? <span className="nhsuk-body-s"> ({ROLE_LABELS[r.role]})</span> : null}
            {r.reassign ? (
              <>
                <br />
                <strong className="nhsuk-tag nhsuk-tag--red">{r.reassign}</strong>
              </>
            ) : null}
          </>
        );
      },
    }),
    column.accessor("open", {
      id: "open",
      header: "Open reviews",
      sortDescFirst: true,
      cell: (info) => {
        const r = info.row.original;
        if (r.open === 0) return "None";
        return (
          <>
            <strong>{r.open}</strong>
            <ul className="nhsuk-list nhsuk-body-s nhsuk-u-margin-bottom-0">
              {r.breakdown.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          </>
        );
      },
    }),
    column.accessor((r) => r.nearest?.nationalDaysUsed ?? null, {
      id: "days",
      header: "National working days, nearest clock",
      sortDescFirst: true,
      cell: (info) => {
        const nearest = info.row.original.nearest;
        if (!nearest) return "No clock";
        return (
          <>
            <DaysAgainstTarget review={nearest} />
            <br />
            <span className="nhsuk-body-s">{nearest.title}</span>
          </>
        );
      },
    }),
    column.accessor((r) => r.nextBreach?.breachOn ?? null, {
      id: "breach",
      header: "Next clock to reach the target",
      sortDescFirst: false,
      cell: (info) => {
        const next = info.row.original.nextBreach;
        if (!next) return info.row.original.open > 0 ? "None running" : "None";
        return (
          <>
            <RouteLink to={`/reviews/${next.submissionId}`}>{next.title}</RouteLink>
            <br />
            <span className="nhsuk-body-s">{next.breachWords}</span>
          </>
        );
      },
    }),
    column.accessor("completedLast90Days", { id: "completed", header: "Decisions in the last 90 days", sortDescFirst: true }),
    column.accessor("conflicts", {
      id: "conflicts",
      header: "Declared conflicts",
      enableSorting: false,
      cell: (info) => (info.getValue().length === 0 ? "None" : info.getValue().join(", ")),
    }),
  ]);
}

/** For administrators: each reviewer's name opens their account. */
export const adminWorkloadColumns = workloadColumns(true);
/** For a reviewer's own row. */
export const ownWorkloadColumns = workloadColumns(false);

const reviewColumn = tableColumns<OpenReviewLine>();
export const openReviewColumns = reviewColumn.columns([
  reviewColumn.accessor("title", {
    id: "submission",
    header: "Submission",
    cell: (info) => <RouteLink to={`/reviews/${info.row.original.submissionId}`}>{info.getValue()}</RouteLink>,
  }),
  reviewColumn.accessor("footprintName", { id: "footprint", header: "Footprint" }),
  reviewColumn.accessor("stepWords", {
    id: "step",
    header: "Where it is",
    cell: (info) => `Checkpoint ${info.row.original.checkpoint}, ${info.getValue()}`,
  }),
  reviewColumn.accessor("as", {
    id: "as",
    header: "Your part",
    cell: (info) => (info.getValue() === "lead" ? "Lead reviewer" : "Second reviewer"),
  }),
  reviewColumn.accessor("nationalDaysUsed", {
    id: "days",
    header: "National working days used",
    cell: (info) => <DaysAgainstTarget review={info.row.original} />,
  }),
  reviewColumn.accessor("breachWords", { id: "breach", header: "Target" }),
]);

/** The chart's key: which fill is which band, in the order the bars are drawn. */
export function SlaKey({ bands }: { bands: { band: string; words: string }[] }) {
  return (
    <ul className="nhsuk-list nhsuk-body-s" aria-label="Key to the chart">
      {bands.map((b) => (
        <li key={b.band} className="nhsuk-u-margin-bottom-1">
          <span className={`ncm-chart__key ncm-chart__key--${b.band}`} aria-hidden="true" />
          Open reviews {b.words}
        </li>
      ))}
    </ul>
  );
}
