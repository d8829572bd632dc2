import { data, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-decision";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { PrintButton } from "../components/PrintButton.tsx";
import { formatDate, formatDateTime } from "../status.ts";
import { db } from "../.server/db.ts";
import { decisionRecordFor } from "../.server/decisions.ts";
import { env } from "../.server/env.ts";
import { requireUser } from "../.server/session.ts";
import { requireSubmission } from "../.server/submissions.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const number = DecisionNumber.safeParse(params.number);
  if (!number.success) throw data("Decision not found", { status: 404 });
  const record = await decisionRecordFor(db(), loaded, number.data);
  if (!record) throw data("Decision not found", { status: 404 });
  // Printed on the letter, so its reader can open the record that checks itself.
  return { ...record, recordUrl: new URL(`/submissions/${loaded.submission.id}/decisions/${number.data}`, env().baseUrl).toString() };
}

/** `/decisions/1`, never `/decisions/01` or `/decisions/1.0`: one address per decision. */
const DecisionNumber = z
  .string()
  .regex(/^[1-9]\d{0,4}$/)
  .transform(Number);

type DecisionView = Route.ComponentProps["loaderData"];

interface RatingRow {
  criterion: string;
  reviewer: string;
  rating: string | null;
  ratingLabel: string;
  note: string | null;
}

const RATING_TAGS: { [rating: string]: string } = {
  met: "nhsuk-tag nhsuk-tag--green",
  partly_met: "nhsuk-tag nhsuk-tag--yellow",
  not_met: "nhsuk-tag nhsuk-tag--red",
};

const column = tableColumns<RatingRow>();
const criterionColumn = column.accessor("criterion", { header: "Key line of enquiry" });
const reviewerColumn = column.accessor("reviewer", { header: "Reviewer" });
const ratingColumn = column.accessor("ratingLabel", {
  header: "Rating",
  cell: (info) => {
    const rating = info.row.original.rating;
    return rating ? <strong className={RATING_TAGS[rating] ?? "nhsuk-tag nhsuk-tag--grey"}>{info.getValue()}</strong> : info.getValue();
  },
});
const noteColumn = column.accessor("note", { header: "Reviewer's note", cell: (info) => info.getValue() ?? "None" });
// Leads see the ratings; reviewers' working notes stay with the national team.
const leadColumns = column.columns([criterionColumn, reviewerColumn, ratingColumn]);
const nationalColumns = column.columns([criterionColumn, reviewerColumn, ratingColumn, noteColumn]);

function ratingRows(ratings: DecisionView["ratings"]): RatingRow[] {
  return ratings.flatMap((c): RatingRow[] => {
    const criterion = `${c.id} ${c.title}`;
    if (c.ratings.length === 0) {
      return [{ criterion, reviewer: "No reviewer had rated it", rating: null, ratingLabel: "Not rated", note: null }];
    }
    return c.ratings.map((r) => ({
      criterion,
      reviewer: r.reviewerName,
      rating: r.rating,
      ratingLabel: r.ratingLabel,
      note: r.note,
    }));
  });
}

function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split("\n")
        .filter((p) => p.trim() !== "")
        .map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of one stored text, in a fixed order
          <p key={i}>{p}</p>
        ))}
    </>
  );
}

function Target({ fieldLabel, criterionId }: { fieldLabel: string | null; criterionId: string | null }) {
  if (!fieldLabel && !criterionId) return null;
  return (
    <span className="nhsuk-body-s">
      {" "}
      ({[fieldLabel ? `about ${fieldLabel}` : null, criterionId ? `criterion ${criterionId}` : null].filter(Boolean).join(", ")})
    </span>
  );
}

function SummaryRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

function CheckList({ items }: { items: { id: string; title: string; message: string | null }[] }) {
  return (
    <ul>
      {items.map((r) => (
        <li key={r.id}>
          <strong>{r.id}</strong> {r.title}
          {r.message ? `: ${r.message}` : ""}
        </li>
      ))}
    </ul>
  );
}

export default function DecisionRecordPage({ loaderData: d }: Route.ComponentProps) {
  const s = d.submission;
  const decision = d.decision;
  return (
    <>
      <Link className="nhsuk-back-link" to={`/submissions/${s.id}`}>
        Back to the submission
      </Link>
      <article className="app-letter">
        <div className="app-letter__head">
          <address className="app-letter__from">
            NHS England
            <br />
            New Care Models Programme
          </address>
          <dl className="app-letter__details">
            <div>
              <dt>Date</dt> <dd>{formatDate(decision.decidedAt)}</dd>
            </div>
            <div>
              <dt>Our reference</dt>{" "}
              <dd>
                <code>{d.reference}</code>
              </dd>
            </div>
            <div>
              <dt>To</dt> <dd>The system leads of {s.footprintName}</dd>
            </div>
          </dl>
        </div>

        <span className="nhsuk-caption-l">
          Decision {decision.number}: {s.title}
        </span>
        <h1>
          Checkpoint {decision.checkpoint} decision: {decision.headline}
        </h1>

        <dl className="nhsuk-summary-list">
          <SummaryRow label="Submission">{s.title}</SummaryRow>
          <SummaryRow label="Footprint">
            {s.footprintName} ({s.footprintCode})
          </SummaryRow>
          <SummaryRow label="Region">{s.regionName || "Not known"}</SummaryRow>
          <SummaryRow label="Model type">{s.modelType}</SummaryRow>
          <SummaryRow label="Checkpoint">Checkpoint {decision.checkpoint}</SummaryRow>
          <SummaryRow label="Decision">{decision.headline}</SummaryRow>
          <SummaryRow label="Delivery confidence">{decision.confidenceLabel}</SummaryRow>
          <SummaryRow label="Made final">{formatDateTime(decision.decidedAt)}</SummaryRow>
        </dl>

        <h2>Rationale</h2>
        <Paragraphs text={decision.rationale} />

        {decision.conditions.length > 0 ? (
          <>
            <h2>Conditions</h2>
            <p>Each condition must be discharged before the next checkpoint.</p>
            <ol className="nhsuk-list nhsuk-list--number">
              {decision.conditions.map((c) => (
                <li key={c.id}>
                  {c.text}
                  <Target fieldLabel={c.fieldLabel} criterionId={c.criterionId} />
                </li>
              ))}
            </ol>
          </>
        ) : null}
        {decision.changeRequests.length > 0 ? (
          <>
            <h2>Changes requested</h2>
            <ol className="nhsuk-list nhsuk-list--number">
              {decision.changeRequests.map((c) => (
                <li key={c.id}>
                  {c.text}
                  <Target fieldLabel={c.fieldLabel} criterionId={c.criterionId} />
                </li>
              ))}
            </ol>
          </>
        ) : null}

        <h2>What was decided on</h2>
        <dl className="nhsuk-summary-list">
          <SummaryRow label="Version">
            {d.version ? (
              <>
                Version {d.version.number}, submitted {formatDateTime(d.version.submittedAt)} by {d.version.submittedBy}
              </>
            ) : (
              "No submitted version was found from before the decision"
            )}
          </SummaryRow>
          <SummaryRow label="Criteria set">
            {d.criteriaSet.title} ({d.criteriaSet.id})
          </SummaryRow>
        </dl>

        <h2>Automated checks{d.version ? ` of version ${d.version.number}` : ""}</h2>
        {d.results ? (
          <>
            <p>
              As recorded when the version was submitted: {d.results.blockingFailures.length} blocking{" "}
              {d.results.blockingFailures.length === 1 ? "failure" : "failures"}, {d.results.warnings.length}{" "}
              {d.results.warnings.length === 1 ? "warning" : "warnings"}, {d.results.passed} {d.results.passed === 1 ? "check" : "checks"}{" "}
              passed.
            </p>
            {d.results.blockingFailures.length > 0 ? (
              <>
                <h3>Blocking failures</h3>
                <CheckList items={d.results.blockingFailures} />
              </>
            ) : null}
            {d.results.warnings.length > 0 ? (
              <>
                <h3>Warnings</h3>
                <CheckList items={d.results.warnings} />
              </>
            ) : null}
          </>
        ) : (
          <p>No automated results were recorded with the version.</p>
        )}

        <h2>Key lines of enquiry</h2>
        <p>The reviewers' ratings at checkpoint {decision.checkpoint}, as they stood when the decision was made final.</p>
        <DataTable
          caption={`Reviewers' ratings of the key lines of enquiry at checkpoint ${decision.checkpoint}`}
          columns={d.showsInternal ? nationalColumns : leadColumns}
          data={ratingRows(d.ratings)}
          empty={<p>No key lines of enquiry apply at this checkpoint.</p>}
        />

        <h2>Comments</h2>
        {d.comments.length === 0 ? (
          <p>No {d.showsInternal ? "" : "shared "}comments had been made when the decision was made final.</p>
        ) : (
          <>
            <p>
              {d.showsInternal
                ? "Shared and internal comments made up to the decision. Internal comments are not shown to the system leads."
                : "Comments the reviewers shared with you, up to the decision."}
            </p>
            <ul className="nhsuk-list app-decision-comments">
              {d.comments.map((c) => (
                <li key={c.id} className="nhsuk-inset-text">
                  <p className="nhsuk-body-s">
                    <strong>{c.authorName}</strong>, {formatDateTime(c.createdAt)}, checkpoint {c.checkpoint}
                    {c.versionNumber ? `, version ${c.versionNumber}` : ""}
                    {c.fieldLabel ? `, about ${c.fieldLabel}` : ""}{" "}
                    {d.showsInternal ? (
                      <strong className={c.visibility === "internal" ? "nhsuk-tag nhsuk-tag--grey" : "nhsuk-tag nhsuk-tag--blue"}>
                        {c.visibility === "internal" ? "Internal" : "Shared"}
                      </strong>
                    ) : null}
                  </p>
                  <Paragraphs text={c.body} />
                </li>
              ))}
            </ul>
          </>
        )}

        <h2>Signed by</h2>
        <dl className="nhsuk-summary-list">
          <SummaryRow label="Proposed by">
            {d.signers.proposer.name}, lead reviewer
            {d.signers.proposer.at ? `, ${formatDateTime(d.signers.proposer.at)}` : ""}
          </SummaryRow>
          <SummaryRow label="Countersigned by">
            {d.signers.countersigner.name}, second reviewer, {formatDateTime(d.signers.countersigner.at)}
          </SummaryRow>
        </dl>

        <h2>Audit record</h2>
        <dl className="nhsuk-summary-list">
          <SummaryRow label="Audit entry">Entry {d.audit.seq} of this submission's audit log</SummaryRow>
          <SummaryRow label="Hash of the decision event">
            <code className="app-decision-hash">{d.audit.hash}</code>
          </SummaryRow>
        </dl>
        <p>
          The countersignature that made this decision final is entry {d.audit.seq} of the submission's audit log. Each entry is sealed with
          a hash of its contents and of the entry before it, so changing any entry afterwards breaks every seal after it.
        </p>
        {d.audit.check.intact ? (
          <div className="nhsuk-inset-text" data-testid="audit-check">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              Checked {formatDateTime(d.audit.check.at)}: each of the {d.audit.check.entries} entries of this submission's audit log matches
              its seal and the entry before it, and the decision shown is the one that was proposed and countersigned.
            </p>
          </div>
        ) : (
          <div className="nhsuk-warning-callout" data-testid="audit-check">
            <h3 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>
                The audit log does not check out
              </span>
            </h3>
            <p>
              Checked {formatDateTime(d.audit.check.at)}:{" "}
              {d.audit.check.brokenAt === null ? "" : `entry ${d.audit.check.brokenAt} of this submission's audit log fails its check: `}
              {d.audit.check.problem}. This record may have been changed after it was made. Do not rely on it; tell the programme team.
            </p>
          </div>
        )}
        <p>
          To check this record again, open it in NCM Assure: <a href={d.recordUrl}>{d.recordUrl}</a>. The page checks the audit log every
          time it is opened.
        </p>
      </article>

      <div className="app-no-print">
        <p>This page prints as a decision letter, without the service's menus and buttons.</p>
        <PrintButton>Print this decision</PrintButton>
      </div>
    </>
  );
}

export const meta: Route.MetaFunction = ({ data }) => [
  {
    title: data ? `Checkpoint ${data.decision.checkpoint} decision: ${data.submission.title} – NCM Assure` : "Decision record – NCM Assure",
  },
];
