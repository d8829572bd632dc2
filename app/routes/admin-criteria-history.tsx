import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-criteria-history";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { FilterSelect } from "../components/form/FilterSelect.tsx";
import { criteriaHistory } from "../.server/criteria-history.ts";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";
import type { Sentence } from "../../workflows/criteria-data/compare.ts";

// Version ids are short ("2017-19"); anything longer names no version, and says so like any unknown id.
const HistoryQuery = z.object({
  compare: z.string().trim().max(100).optional().catch(undefined),
  with: z.string().trim().max(100).optional().catch(undefined),
});

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const url = new URL(request.url);
  const query = HistoryQuery.parse({
    compare: url.searchParams.get("compare") || undefined,
    with: url.searchParams.get("with") || undefined,
  });
  const history = await criteriaHistory(db(), query);
  return data(history, { status: history.errors.compare || history.errors.with ? 400 : 200 });
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];

/** A sentence with its FEEL expressions (and constants) shown verbatim as code. */
function SentenceText({ sentence }: { sentence: Sentence }) {
  return (
    <>
      {sentence.map((words, i) =>
        typeof words === "string" ? (
          words
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one sentence, in a fixed order
          <code key={i} className="app-feel">
            {words.code}
          </code>
        ),
      )}
    </>
  );
}

export default function AdminCriteriaHistory({ loaderData: d }: Route.ComponentProps) {
  const summary = summaryItems([
    [d.errors.compare ? [d.errors.compare] : undefined, "compare"],
    [d.errors.with ? [d.errors.with] : undefined, "with"],
  ]);
  const c = d.comparison;
  return (
    <>
      <Link className="nhsuk-back-link" to="/admin/criteria">
        Back to national criteria
      </Link>
      <ErrorSummary errors={summary} title="Criteria history" />
      <h1>Criteria history</h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <p>
            Every version of the national criteria is kept, published or draft. Choose two to see what changed from one to the other,
            criterion by criterion. Criteria that did not change are counted but not listed.
          </p>
        </div>
      </div>

      <Form method="get" className="nhsuk-u-margin-bottom-6">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-half">
            <FilterSelect id="compare" label="Compare" value={d.chosen.compare} options={d.versions} error={d.errors.compare} />
          </div>
          <div className="nhsuk-grid-column-one-half">
            <FilterSelect id="with" label="with" value={d.chosen.with} options={d.versions} error={d.errors.with} />
          </div>
        </div>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit" data-module="nhsuk-button">
          Show changes
        </button>
      </Form>

      {d.versions.length < 2 ? <p>There is only one version of the criteria so far, so there is nothing to compare it with.</p> : null}

      {c ? (
        <>
          <h2 id="changes">
            Changes from {c.with.label} to {c.compare.label}
          </h2>
          <p className="nhsuk-body-l" role="status">
            {c.summary}.
          </p>
          {c.changes.map((change) => (
            <section key={change.id} aria-labelledby={`criterion-${change.id}`} className="nhsuk-u-margin-bottom-5">
              <h3 id={`criterion-${change.id}`} className="nhsuk-heading-s">
                {change.id}: {change.title}
              </h3>
              <ul className="nhsuk-list nhsuk-list--bullet">
                {change.sentences.map((sentence, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a criterion's sentences, in a fixed order
                  <li key={i}>
                    <SentenceText sentence={sentence} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      ) : null}
    </>
  );
}
