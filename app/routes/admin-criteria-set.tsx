import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-criteria-set";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
import { criteriaSetForAuthoring, moveCriterion, retireCriterion } from "../.server/criteria-authoring.ts";
import { startImpactSimulation } from "../.server/criteria-impact.ts";
import { jobs } from "../.server/background.ts";
import { db } from "../.server/db.ts";
import { redirectWithFlash } from "../.server/flash.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const set = await criteriaSetForAuthoring(db(), params.setId);
  if (!set) throw data("Criteria set not found", { status: 404 });
  return { set };
}

const ChangeSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("move"),
    criterionId: z.string().max(20),
    direction: z.enum(["up", "down"]),
    version: z.coerce.number().int(),
  }),
  z.object({ intent: z.literal("retire"), criterionId: z.string().max(20), version: z.coerce.number().int() }),
  z.object({ intent: z.literal("simulate") }),
]);

export async function action({ request, params }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const parsed = ChangeSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return data({ errors: ["That change could not be made: reload the page and try again"], at: "criteria" }, { status: 400 });
  const change = parsed.data;
  const setId = params.setId;
  if (change.intent === "simulate") {
    // Publishing starts here: refused while an example is wrong or missing, before anything runs.
    const set = await criteriaSetForAuthoring(db(), setId);
    if (!set) throw data("Criteria set not found", { status: 404 });
    if (set.status !== "draft") return data({ errors: [`${setId} is already published`], at: "criteria" }, { status: 409 });
    if (set.problems.length > 0) return data({ errors: set.problems.map((p) => p.message), at: "publish" }, { status: 400 });
    const started = await startImpactSimulation(db(), jobs(), admin, setId);
    if (!started.ok) return data({ errors: [started.error], at: "publish" }, { status: 400 });
    return redirect(`/admin/criteria/simulations/${started.id}`);
  }
  const done =
    change.intent === "move"
      ? await moveCriterion(db(), admin, { setId, ...change })
      : await retireCriterion(db(), admin, { setId, ...change });
  if (!done.ok) {
    const row = (await criteriaSetForAuthoring(db(), setId))?.criteria.some((c) => c.id === change.criterionId);
    return data({ errors: [done.error], at: row ? `criterion-${change.criterionId}` : "criteria" }, { status: 409 });
  }
  return change.intent === "retire"
    ? redirectWithFlash(`/admin/criteria/sets/${setId}`, `${change.criterionId} retired from ${setId}`)
    : redirect(`/admin/criteria/sets/${setId}#criterion-${change.criterionId}`);
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];

export default function CriteriaSetPage({ loaderData: d, actionData }: Route.ComponentProps) {
  const set = d.set;
  const draft = set.status === "draft";
  const errors = (actionData?.errors ?? []).map((message) => ({ message, fieldId: actionData?.at ?? "criteria" }));
  const automatic = set.criteria.filter((c) => c.kind === "automatic");
  return (
    <>
      <Link className="nhsuk-back-link" to="/admin/criteria">
        Back to criteria
      </Link>
      <ErrorSummary errors={errors} title={set.title} />
      <span className="nhsuk-caption-l">{draft ? "Draft criteria set" : "Published criteria set"}</span>
      <h1>{set.title}</h1>
      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Name</dt>
          <dd className="nhsuk-summary-list__value">{set.id}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Based on</dt>
          <dd className="nhsuk-summary-list__value">{set.basedOn ?? "Shipped with NCM Assure"}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Date of the national guidance</dt>
          <dd className="nhsuk-summary-list__value">{set.publishedOn}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Criteria</dt>
          <dd className="nhsuk-summary-list__value">
            {set.criteria.length} ({automatic.length} checked automatically)
          </dd>
        </div>
      </dl>
      <p>
        <Link to={`/admin/criteria/history?${new URLSearchParams({ compare: set.id, with: set.basedOn ?? set.id })}`}>
          Compare {set.id} with {set.basedOn ?? "another version"}
        </Link>
      </p>
      {draft ? (
        <p>
          A draft judges nobody. Change its criteria below; each automatic criterion needs at least one passing and one failing example, and
          every example must give the outcome it expects before the set can be published.
        </p>
      ) : (
        <p>A published set never changes. To change a criterion, start a new version from it.</p>
      )}

      <h2 id="criteria" tabIndex={-1}>
        Criteria
      </h2>
      {draft ? (
        <p>
          <Link className="nhsuk-button nhsuk-button--secondary" to={`/admin/criteria/sets/${set.id}/criteria/new`}>
            Add a criterion
          </Link>
        </p>
      ) : null}
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Criteria in {set.title}, in the order they are checked</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th scope="col" className="nhsuk-table__header">
              Criterion
            </th>
            <th scope="col" className="nhsuk-table__header">
              Applies to
            </th>
            <th scope="col" className="nhsuk-table__header">
              Examples
            </th>
            {draft ? (
              <th scope="col" className="nhsuk-table__header">
                Change
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {set.criteria.map((c, index) => (
            <tr className="nhsuk-table__row" key={c.id} id={`criterion-${c.id}`}>
              <th scope="row" className="nhsuk-table__cell">
                <Link to={`/admin/criteria/sets/${set.id}/criteria/${c.id}`}>
                  {c.id}: {c.title}
                </Link>
                <br />
                <span className="nhsuk-body-s">
                  {c.kind === "automatic" ? "Automatic check" : "Reviewers' judgement"},{" "}
                  {c.severity === "blocking" ? "blocking" : "warning"}
                </span>
              </th>
              <td className="nhsuk-table__cell">
                {c.models}; checkpoints {c.checkpoints}
              </td>
              <td className="nhsuk-table__cell">
                {c.kind !== "automatic" ? (
                  "Not needed"
                ) : c.problems.length === 0 ? (
                  <strong className="nhsuk-tag nhsuk-tag--green">{c.examples} right</strong>
                ) : (
                  <>
                    <strong className="nhsuk-tag nhsuk-tag--red">Needs attention</strong>
                    <ul className="nhsuk-list nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">
                      {c.problems.map((p) => (
                        <li key={p}>{p}</li>
                      ))}
                    </ul>
                  </>
                )}
              </td>
              {draft ? (
                <td className="nhsuk-table__cell">
                  <div className="app-button-row">
                    {index > 0 ? (
                      <ChangeButton setVersion={set.version} criterionId={c.id} intent="move" direction="up" label="Up" />
                    ) : null}
                    {index < set.criteria.length - 1 ? (
                      <ChangeButton setVersion={set.version} criterionId={c.id} intent="move" direction="down" label="Down" />
                    ) : null}
                    <ChangeButton setVersion={set.version} criterionId={c.id} intent="retire" label="Retire" />
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>

      {draft ? (
        <>
          <h2 id="publish">Publish {set.id}</h2>
          <p>
            Publishing first runs the impact simulation over every live submission, so you see which checks would start or stop failing, by
            region, before you give your reason and publish. A published set cannot change.
          </p>
          {set.problems.length > 0 ? (
            <p>
              <strong>
                {set.problems.length} {set.problems.length === 1 ? "problem" : "problems"} with examples must be fixed first.
              </strong>
            </p>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="simulate" />
            <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
              Check examples and run the impact simulation
            </button>
          </Form>
        </>
      ) : null}
    </>
  );
}

function ChangeButton({
  setVersion,
  criterionId,
  intent,
  direction,
  label,
}: {
  setVersion: number;
  criterionId: string;
  intent: "move" | "retire";
  direction?: "up" | "down";
  label: string;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="criterionId" value={criterionId} />
      <input type="hidden" name="version" value={setVersion} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-1" type="submit">
        {label}
        <span className="nhsuk-u-visually-hidden"> {criterionId}</span>
      </button>
    </Form>
  );
}
