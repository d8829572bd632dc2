import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-criteria";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { choiceId, Radios } from "../components/form/Choices.tsx";
import { formatDateTime } from "../status.ts";
import { criteriaCatalogue, listSimulations, pinnedCounts, startImpactSimulation } from "../.server/criteria-impact.ts";
import { jobs } from "../.server/background.ts";
import { db } from "../.server/db.ts";
import { listCriteriaSetVersions } from "../../db/criteria-sets.ts";
import { parseForm } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const [pinned, simulations, versions] = await Promise.all([pinnedCounts(db()), listSimulations(db()), listCriteriaSetVersions(db())]);
  return {
    sets: (await criteriaCatalogue(db())).map((s) => ({ ...s, pinned: pinned[s.id] ?? 0 })),
    drafts: versions.filter((v) => v.status === "draft"),
    simulations,
  };
}

const CHOOSE_SET = "Choose the criteria set to simulate";

// Which sets exist is the server's to say (startImpactSimulation), so an unknown one is refused there.
const SimulateSchema = z.object({ target: z.string({ error: CHOOSE_SET }).max(100, CHOOSE_SET) });

export async function action({ request }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const form = parseForm(await request.formData(), SimulateSchema);
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const started = await startImpactSimulation(db(), jobs(), admin, form.value.target);
  if (!started.ok) return data({ result: form.reply({ fieldErrors: { target: [started.error] } }) }, { status: 400 });
  return redirect(`/admin/criteria/simulations/${started.id}`);
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];

type Data = Route.ComponentProps["loaderData"];
type CriterionRow = Data["sets"][number]["criteria"][number];
const criterion = tableColumns<CriterionRow>();
const criterionColumns = [
  criterion.accessor("id", { header: "Criterion" }),
  criterion.display({
    id: "rule",
    header: "Rule",
    cell: (i) => (
      <>
        <strong>{i.row.original.title}</strong>
        <br />
        {i.row.original.rule}
      </>
    ),
  }),
  criterion.accessor("kind", {
    header: "How judged",
    cell: (i) => (i.getValue() === "automatic" ? "Automatic check" : "Reviewers' judgement"),
  }),
  criterion.accessor("severity", { header: "Severity", cell: (i) => (i.getValue() === "blocking" ? "Blocking" : "Warning") }),
  criterion.accessor("checkpoints", { header: "Checkpoints" }),
  criterion.accessor("models", { header: "Models" }),
  criterion.accessor("source", { header: "Source" }),
];

type SimulationRow = Data["simulations"][number];
const simulation = tableColumns<SimulationRow>();
const simulationColumns = [
  simulation.accessor("startedAt", {
    header: "Started",
    cell: (i) => <Link to={`/admin/criteria/simulations/${i.row.original.id}`}>{formatDateTime(i.getValue())}</Link>,
  }),
  simulation.accessor("targetSet", { header: "Target set" }),
  simulation.accessor("startedBy", { header: "By" }),
  simulation.accessor("status", {
    header: "Status",
    cell: (i) =>
      i.getValue() === "running"
        ? `Running (${i.row.original.processed} of ${i.row.original.total})`
        : i.getValue() === "done"
          ? "Finished"
          : "Failed",
  }),
];

export default function AdminCriteria({ loaderData: d, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "simulation",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SimulateSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const summary = summaryItems([[fields.target.errors, choiceId(fields.target, d.sets[0]?.id ?? "")]]);
  return (
    <>
      <ErrorSummary errors={summary} title={"Criteria"} />
      <h1>National criteria</h1>
      <p>
        Each submission is pinned to the criteria set it started under. A new set changes nothing until you move submissions to it: first
        run an impact simulation to see which checks would start or stop failing.
      </p>

      <p>
        <Link className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-right-3" to="/admin/criteria/sets/new">
          Start a new version
        </Link>
        <Link to="/admin/criteria/history">Compare versions</Link>
      </p>

      {d.drafts.length > 0 ? (
        <section className="nhsuk-u-margin-bottom-6" aria-labelledby="drafts">
          <h2 id="drafts">Drafts</h2>
          <ul className="nhsuk-list">
            {d.drafts.map((draft) => (
              <li key={draft.id}>
                <Link to={`/admin/criteria/sets/${draft.id}`}>{draft.title}</Link> (draft, based on {draft.basedOn ?? "nothing"})
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.sets.map((set) => (
        <section key={set.id} className="nhsuk-u-margin-bottom-6" aria-labelledby={`set-${set.id}`}>
          <h2 id={`set-${set.id}`}>
            <Link to={`/admin/criteria/sets/${set.id}`}>{set.title}</Link>{" "}
            {set.latest ? <strong className="nhsuk-tag nhsuk-tag--blue">Latest</strong> : null}
          </h2>
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Published</dt>
              <dd className="nhsuk-summary-list__value">{set.publishedOn}</dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Criteria</dt>
              <dd className="nhsuk-summary-list__value">
                {set.criteria.length} ({set.criteria.filter((c) => c.kind === "automatic").length} checked automatically)
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Live submissions pinned to it</dt>
              <dd className="nhsuk-summary-list__value">{set.pinned}</dd>
            </div>
          </dl>
          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">Every criterion in {set.id}</span>
            </summary>
            <div className="nhsuk-details__text">
              <DataTable caption={`Criteria in ${set.title}`} columns={criterionColumns} data={set.criteria} rowHeader="id" empty={null} />
            </div>
          </details>
        </section>
      ))}

      <h2 id="simulate">Simulate moving live submissions to a set</h2>
      <Form method="post" {...getFormProps(form)}>
        <Radios
          field={fields.target}
          legend="Which set would they move to?"
          choices={d.sets.map((set) => ({ value: set.id, label: set.title }))}
        />
        <p>Every live submission not already on that set is checked against it. Nothing is changed until you choose to move them.</p>
        <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
          Run impact simulation
        </button>
      </Form>

      <h2>Recent simulations</h2>
      <DataTable
        caption="Recent impact simulations"
        columns={simulationColumns}
        data={d.simulations}
        empty={<p>No simulation has been run yet.</p>}
      />
    </>
  );
}
