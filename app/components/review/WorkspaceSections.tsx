import type { ReviewWorkspace } from "./forms.ts";
import { formatDateTime } from "../../status.ts";
import { formatFileSize } from "../../../workflows/submission-vocabulary.ts";
import { DataTable, tableColumns } from "../DataTable.tsx";
import { EvidenceLink } from "../EvidenceLink.tsx";
import { Answers } from "../form/Answers.tsx";
import { answerAnchor } from "./forms.ts";

/** The read-only parts of the review workspace: what was submitted, how it was judged, what happened. */

type Field = { fieldPath: string; label: string; anchor: string | null } | null;
type Criterion = { id: string; title: string } | null;

/** What a condition, change request or comment is about: a link to the field's answer, and/or a criterion. */
export function TargetText({ field, criterion }: { field: Field; criterion: Criterion }) {
  if (!field && !criterion) return null;
  return (
    <span className="nhsuk-body-s">
      {field ? (
        <>
          Field: {field.anchor ? <a href={`#${field.anchor}`}>{field.label}</a> : field.label}
          {criterion ? ". " : null}
        </>
      ) : null}
      {criterion ? (
        <>
          Criterion: {criterion.id} {criterion.title !== criterion.id ? criterion.title : null}
        </>
      ) : null}
    </span>
  );
}

export function Information({ children }: { children: React.ReactNode }) {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      {children}
    </div>
  );
}

export function ResubmissionSection({ data: d }: { data: NonNullable<ReviewWorkspace["resubmission"]> }) {
  return (
    <section aria-labelledby="changes-heading">
      <h2 id="changes-heading">Changes asked for, and what changed</h2>
      <p>
        This version was resubmitted after changes were requested. Each request shows whether its field changed since version{" "}
        {d.previousNumber}.
      </p>
      {d.requests.length === 0 ? (
        <p>No change requests were recorded.</p>
      ) : (
        <ul className="nhsuk-list nhsuk-list--border">
          {d.requests.map((r) => (
            <li key={r.id}>
              <p className="nhsuk-u-margin-bottom-1">{r.text}</p>
              <TargetText field={r.field} criterion={r.criterion} />{" "}
              {r.changed === null ? (
                <strong className="nhsuk-tag nhsuk-tag--white">Tied to a criterion: check by hand</strong>
              ) : r.changed ? (
                <strong className="nhsuk-tag nhsuk-tag--green">Changed since the request</strong>
              ) : (
                <strong className="nhsuk-tag nhsuk-tag--grey">Not changed</strong>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Check = { id: string; title: string; message: string | null; fieldPath: string | null; anchor: string | null };

function CheckList({ checks }: { checks: Check[] }) {
  return (
    <ul>
      {checks.map((c) => {
        const anchor = c.anchor;
        return (
          <li key={`${c.id}:${c.fieldPath ?? ""}`}>
            <strong>{c.id}</strong> {c.title}
            {c.message ? <>: {anchor ? <a href={`#${anchor}`}>{c.message}</a> : c.message}</> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function ChecksSection({ version }: { version: NonNullable<ReviewWorkspace["version"]> }) {
  const { blocking, warnings, passed } = version.checks;
  return (
    <section aria-labelledby="checks-heading">
      <h2 id="checks-heading">Automated checks on version {version.number}</h2>
      <p>The national criteria results this version was judged on when it was submitted.</p>
      {blocking.length > 0 ? (
        <div className="nhsuk-warning-callout">
          <h3 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              {blocking.length} blocking {blocking.length === 1 ? "check failed" : "checks failed"}
            </span>
          </h3>
          <CheckList checks={blocking} />
        </div>
      ) : (
        <p>
          <strong className="nhsuk-tag nhsuk-tag--green">No blocking check failed</strong>
        </p>
      )}
      {warnings.length > 0 ? (
        <>
          <h3>
            {warnings.length} {warnings.length === 1 ? "warning" : "warnings"}
          </h3>
          <CheckList checks={warnings} />
        </>
      ) : (
        <p>No warnings.</p>
      )}
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">{passed.length} checks passed</span>
        </summary>
        <div className="nhsuk-details__text">
          <CheckList checks={passed} />
        </div>
      </details>
    </section>
  );
}

export function AnswersSection({ version }: { version: NonNullable<ReviewWorkspace["version"]> }) {
  return (
    <section aria-labelledby="answers-heading">
      <h2 id="answers-heading">Answers in version {version.number}</h2>
      <p>
        Submitted by {version.submittedBy} on {formatDateTime(version.submittedAt)} for checkpoint {version.checkpoint}.
      </p>
      {version.sections.map((section) => (
        <details className="nhsuk-details" key={section.slug} id={`section-${section.slug}`}>
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">{section.title}</span>
          </summary>
          <div className="nhsuk-details__text">
            {section.blocks.length === 0 ? (
              <p>Not answered.</p>
            ) : (
              <Answers blocks={section.blocks} headingLevel={3} anchorOf={answerAnchor} />
            )}
          </div>
        </details>
      ))}
    </section>
  );
}

type SubmittedDocument = NonNullable<ReviewWorkspace["version"]>["evidence"][number] & { href: string };
const evidenceColumn = tableColumns<SubmittedDocument>();
const EVIDENCE_COLUMNS = [
  evidenceColumn.accessor("fileName", {
    header: "File",
    cell: ({ row: { original: e } }) => <EvidenceLink href={e.href} fileName={e.fileName} description={e.description} />,
  }),
  evidenceColumn.accessor("section", { header: "Section it supports" }),
  evidenceColumn.accessor("sizeBytes", { header: "Size", cell: ({ getValue }) => formatFileSize(getValue()) }),
];

export function EvidenceSection({ submissionId, version }: { submissionId: string; version: NonNullable<ReviewWorkspace["version"]> }) {
  return (
    <section aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">Evidence</h2>
      <DataTable
        caption={`Documents submitted with version ${version.number}`}
        columns={EVIDENCE_COLUMNS}
        data={version.evidence.map((e) => ({ ...e, href: `/submissions/${submissionId}/evidence/${e.id}` }))}
        getRowId={(e) => e.id}
        empty={<p>No documents were submitted with this version.</p>}
      />
    </section>
  );
}

export function ProposalDetails({ proposal }: { proposal: NonNullable<ReviewWorkspace["proposal"]> }) {
  return (
    <dl className="nhsuk-summary-list">
      <div className="nhsuk-summary-list__row">
        <dt className="nhsuk-summary-list__key">Decision</dt>
        <dd className="nhsuk-summary-list__value">{proposal.decisionText}</dd>
      </div>
      <div className="nhsuk-summary-list__row">
        <dt className="nhsuk-summary-list__key">Delivery confidence</dt>
        <dd className="nhsuk-summary-list__value">{proposal.confidence}</dd>
      </div>
      <div className="nhsuk-summary-list__row">
        <dt className="nhsuk-summary-list__key">Rationale</dt>
        <dd className="nhsuk-summary-list__value">{proposal.rationale}</dd>
      </div>
      <div className="nhsuk-summary-list__row">
        <dt className="nhsuk-summary-list__key">Proposed by</dt>
        <dd className="nhsuk-summary-list__value">{proposal.proposedBy}</dd>
      </div>
      <TargetedListRow heading="Conditions" items={proposal.conditions} />
      <TargetedListRow heading="Changes requested" items={proposal.changeRequests} />
    </dl>
  );
}

/** A summary-list row of numbered conditions or change requests, each with what it is pinned to; none, no row. */
function TargetedListRow({
  heading,
  items,
}: {
  heading: string;
  items: { id: string; text: string; field: Field; criterion: Criterion }[];
}) {
  if (items.length === 0) return null;
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{heading}</dt>
      <dd className="nhsuk-summary-list__value">
        <ol className="nhsuk-list nhsuk-list--number">
          {items.map((item) => (
            <li key={item.id}>
              {item.text} <TargetText field={item.field} criterion={item.criterion} />
            </li>
          ))}
        </ol>
      </dd>
    </div>
  );
}

export function DecisionsSection({ submissionId, decisions }: { submissionId: string; decisions: ReviewWorkspace["decisions"] }) {
  return (
    <section aria-labelledby="decisions-heading">
      <h2 id="decisions-heading">Earlier decisions</h2>
      {decisions.length === 0 ? (
        <p>No decision has been made on this submission yet.</p>
      ) : (
        decisions.map((d) => (
          <div className="nhsuk-card" key={d.number}>
            <div className="nhsuk-card__content">
              <h3 className="nhsuk-card__heading nhsuk-heading-s">
                Checkpoint {d.checkpoint}: {d.decisionText}
              </h3>
              <p className="nhsuk-body-s">
                Delivery confidence {d.confidence}. Proposed by {d.proposedBy}, countersigned by {d.countersignedBy}.
              </p>
              <p>{d.rationale}</p>
              <p className="nhsuk-body-s">
                <a href={`/submissions/${submissionId}/decisions/${d.number}`}>
                  Decision record<span className="nhsuk-u-visually-hidden"> for checkpoint {d.checkpoint}</span>
                </a>
              </p>
              {d.conditions.length > 0 ? (
                <>
                  <p className="nhsuk-u-margin-bottom-1">Conditions:</p>
                  <ul>
                    {d.conditions.map((text) => (
                      <li key={text}>{text}</li>
                    ))}
                  </ul>
                </>
              ) : null}
              {d.changeRequests.length > 0 ? (
                <>
                  <p className="nhsuk-u-margin-bottom-1">Changes requested:</p>
                  <ul>
                    {d.changeRequests.map((text) => (
                      <li key={text}>{text}</li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          </div>
        ))
      )}
    </section>
  );
}

export function HistorySection({ timeline }: { timeline: ReviewWorkspace["timeline"] }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <ol className="nhsuk-list">
        {timeline.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries of an append-only trail, in a fixed order
          <li key={`${e.at}-${i}`}>
            <span className="nhsuk-body-s">{formatDateTime(e.at)}</span>
            <br />
            <strong>{e.who}</strong>: {e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
