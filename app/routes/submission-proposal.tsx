import { Link } from "react-router";
import type { Route } from "./+types/submission-proposal";
import { Answers } from "../components/form/Answers.tsx";
import { PrintButton } from "../components/PrintButton.tsx";
import { db } from "../.server/db.ts";
import { requireProposal } from "../.server/proposal.ts";
import { requireUser } from "../.server/session.ts";
import { requireSubmission } from "../.server/submissions.ts";

/** The proposal as a paper to print: the current draft, or a frozen version with `?version=N`. */
export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  return requireProposal(db(), loaded, new URL(request.url).searchParams);
}

export default function ProposalPrintView({ loaderData: p }: Route.ComponentProps) {
  const query = p.version === null ? "" : `?version=${p.version}`;
  return (
    <>
      <Link
        className="nhsuk-back-link"
        to={p.version === null ? `/submissions/${p.submissionId}` : `/submissions/${p.submissionId}/versions`}
      >
        {p.version === null ? "Back to the submission" : "Back to the versions"}
      </Link>
      <article className="app-paper">
        <div className="app-paper__title-page">
          <span className="nhsuk-caption-l">{p.subtitle}</span>
          <h1>{p.title}</h1>
          <dl className="nhsuk-summary-list">
            {p.particulars.map((row) => (
              <div className="nhsuk-summary-list__row" key={row.label}>
                <dt className="nhsuk-summary-list__key">{row.label}</dt>
                <dd className="nhsuk-summary-list__value">{row.value}</dd>
              </div>
            ))}
          </dl>
        </div>

        {p.sections.map((section) => (
          <section key={section.slug} aria-labelledby={`section-${section.slug}`}>
            <h2 id={`section-${section.slug}`}>{section.title}</h2>
            {section.blocks.length === 0 ? <p>Not started.</p> : <Answers blocks={section.blocks} headingLevel={3} />}
          </section>
        ))}

        <section aria-labelledby="checks">
          <h2 id="checks">{p.checks.heading}</h2>
          {p.checks.summary.map((line) => (
            <p key={line}>{line}</p>
          ))}
          {p.checks.groups.map((group) => (
            <div key={group.heading}>
              <h3>{group.heading}</h3>
              <ul>
                {group.checks.map((c) => (
                  <li key={c.id}>
                    <strong>{c.id}</strong> {c.title}
                    {c.message ? `: ${c.message}` : ""}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>

        <section aria-labelledby="evidence">
          <h2 id="evidence">Evidence</h2>
          {p.evidence.length === 0 ? <p>No documents uploaded.</p> : <Answers blocks={p.evidence} headingLevel={3} />}
        </section>
      </article>

      <div className="app-no-print">
        <p>This page prints as the proposal, without the service's menus and buttons.</p>
        <p>
          <a href={`/submissions/${p.submissionId}/proposal.docx${query}`} download>
            Download as a Word document
          </a>
        </p>
        <PrintButton>Print this proposal</PrintButton>
      </div>
    </>
  );
}

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `${loaderData.title}: ${loaderData.versionName.toLowerCase()} – NCM Assure` : "The proposal – NCM Assure" },
];
