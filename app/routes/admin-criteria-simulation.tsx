import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { createContext, useContext, useEffect } from "react";
import { data, Form, Link, redirect, useRevalidator } from "react-router";
import type { Route } from "./+types/admin-criteria-simulation";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { choiceId, Radios } from "../components/form/Choices.tsx";
import { FormErrors } from "../components/form/FormErrors.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { MoveSchema, PublishSchema } from "../forms/criteria-move.ts";
import { formatDateTime } from "../status.ts";
import { loadSimulation, moveToCriteriaSet } from "../.server/criteria-impact.ts";
import { parseForm } from "../.server/forms.ts";
import { publishCriteriaSet } from "../.server/criteria-authoring.ts";
import { redirectWithFlash } from "../.server/flash.ts";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const simulation = await loadSimulation(db(), params.id);
  if (!simulation) throw data("Simulation not found", { status: 404 });
  const moved = new URL(request.url).searchParams.get("moved");
  return { simulation, moved: moved && /^\d+$/.test(moved) ? Number(moved) : null };
}

export async function action({ request, params }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const simulation = await loadSimulation(db(), params.id);
  if (!simulation) throw data("Simulation not found", { status: 404 });
  const formData = await request.formData();
  if (simulation.targetDraft) {
    // A draft is simulated to be published; only once published can submissions move to it.
    const form = parseForm(formData, PublishSchema);
    if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
    const published = await publishCriteriaSet(db(), admin, {
      setId: simulation.targetSet,
      simulationId: simulation.id,
      reason: form.value.reason,
    });
    if (!published.ok) return data({ result: form.reply({ formErrors: published.errors }) }, { status: 409 });
    return redirectWithFlash(
      `/admin/criteria/simulations/${simulation.id}#move`,
      `${simulation.targetSet} is published. Move submissions to it below, or later from the criteria page.`,
    );
  }
  const form = parseForm(formData, MoveSchema);
  if (simulation.status !== "done") {
    return data({ result: form.reply({ formErrors: ["Wait for the simulation to finish before moving submissions"] }) }, { status: 409 });
  }
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const { moved } = await moveToCriteriaSet(db(), admin, {
    ...form.value,
    target: simulation.targetSet,
    simulationId: simulation.id,
  });
  return redirect(`/admin/criteria/simulations/${simulation.id}?moved=${moved}`);
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];

type Result = NonNullable<Route.ComponentProps["loaderData"]["simulation"]["result"]>;
const count = new Intl.NumberFormat("en-GB");

const criterion = tableColumns<Result["byCriterion"][number]>();
const criterionColumns = [
  criterion.accessor("criterionId", { header: "Criterion" }),
  criterion.accessor("title", { header: "What it checks" }),
  criterion.accessor("severity", { header: "Severity", cell: (i) => (i.getValue() === "blocking" ? "Blocking" : "Warning") }),
  criterion.accessor("passToFail", { header: "Would start failing", cell: (i) => count.format(i.getValue()) }),
  criterion.accessor("failToPass", { header: "Would stop failing", cell: (i) => count.format(i.getValue()) }),
];
const region = tableColumns<Result["byRegion"][number]>();
const regionColumns = [
  region.accessor("regionName", { header: "Region" }),
  region.accessor("submissions", { header: "Submissions affected", cell: (i) => count.format(i.getValue()) }),
  region.accessor("passToFail", { header: "Checks that would start failing", cell: (i) => count.format(i.getValue()) }),
  region.accessor("failToPass", { header: "Checks that would stop failing", cell: (i) => count.format(i.getValue()) }),
];
const state = tableColumns<Result["byState"][number]>();
const stateColumns = [
  state.accessor("stateText", { header: "State" }),
  state.accessor("submissions", { header: "Submissions affected", cell: (i) => count.format(i.getValue()) }),
  state.accessor("passToFail", { header: "Checks that would start failing", cell: (i) => count.format(i.getValue()) }),
  state.accessor("failToPass", { header: "Checks that would stop failing", cell: (i) => count.format(i.getValue()) }),
];

function ids(list: string[]) {
  return list.length === 0 ? "None" : list.join(", ");
}

const listed = tableColumns<Result["listed"][number]>();
const listedColumns = [
  listed.display({
    id: "choose",
    header: "Move",
    cell: (i) => <MoveCheckbox id={i.row.original.id} title={i.row.original.title} />,
  }),
  listed.accessor("title", {
    header: "Submission",
    cell: (i) => <Link to={`/reviews/${i.row.original.id}`}>{i.getValue()}</Link>,
  }),
  listed.accessor("regionName", { header: "Region" }),
  listed.accessor("stateText", { header: "State" }),
  listed.accessor("newFailures", {
    header: "Would start failing",
    cell: (i) => (
      <>
        {ids(i.getValue())}
        {i.row.original.newlyBlocked ? (
          <>
            <br />
            <strong className="nhsuk-tag nhsuk-tag--red">Newly blocked</strong>
          </>
        ) : null}
      </>
    ),
  }),
  listed.accessor("fixed", { header: "Would stop failing", cell: (i) => ids(i.getValue()) }),
];

/** The ticks to start from: none, or those of a post sent back. */
const ChosenSubmissions = createContext<ReadonlySet<string>>(new Set());

// A component of its own, defined once: the table's cells must keep their identity between renders,
// or the browser's check of the form (which re-renders the page) would redraw them and lose the ticks.
function MoveCheckbox({ id, title }: { id: string; title: string }) {
  const chosen = useContext(ChosenSubmissions);
  return (
    <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
      <div className="nhsuk-checkboxes__item">
        <input
          className="nhsuk-checkboxes__input"
          id={`submission-${id}`}
          name="submission"
          type="checkbox"
          value={id}
          defaultChecked={chosen.has(id)}
        />
        <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`submission-${id}`}>
          <span className="nhsuk-u-visually-hidden">Move {title}</span>
        </label>
      </div>
    </div>
  );
}

export default function Simulation({ loaderData: d, actionData }: Route.ComponentProps) {
  const s = d.simulation;
  const revalidator = useRevalidator();
  useEffect(() => {
    if (s.status !== "running") return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [s.status, revalidator]);

  const [publishForm, publishFields] = useForm({
    id: "publish-set",
    lastResult: s.targetDraft ? actionData?.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PublishSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [form, fields] = useForm({
    id: "move-submissions",
    lastResult: s.targetDraft ? undefined : actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MoveSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const ticked = fields.submission.initialValue;
  const chosen = new Set([ticked].flat().filter((id): id is string => typeof id === "string"));
  const errors = summaryItems([
    [publishForm.errors, `${publishForm.id}--error`],
    [publishFields.reason.errors, publishFields.reason.id],
    [form.errors, `${form.id}--error`],
    [fields.scope.errors, choiceId(fields.scope, "all")],
    [fields.submission.errors, fields.submission.id],
    [fields.reason.errors, fields.reason.id],
  ]);

  return (
    <>
      <Link className="nhsuk-back-link" to="/admin/criteria">
        Back to criteria
      </Link>
      <ErrorSummary errors={errors} title={"Impact simulation"} />
      <span className="nhsuk-caption-l">Impact simulation, started {formatDateTime(s.startedAt)}</span>
      <h1>{s.targetDraft ? `Publishing ${s.targetTitle}` : `Moving live submissions to ${s.targetTitle}`}</h1>
      {s.targetDraft ? (
        <p>
          {s.targetSet} is a draft: this is what publishing it and moving every live submission to it would change.{" "}
          <Link to={`/admin/criteria/sets/${s.targetSet}`}>Back to the draft</Link>
        </p>
      ) : null}

      {d.moved !== null ? (
        <div className="nhsuk-card nhsuk-card--feature nhsuk-u-margin-top-6" role="status">
          <div className="nhsuk-card__content nhsuk-card__content--feature">
            <h2 className="nhsuk-card__heading nhsuk-card__heading--feature">Submissions moved</h2>
            <p className="nhsuk-card__description">
              {count.format(d.moved)} {d.moved === 1 ? "submission was" : "submissions were"} moved to {s.targetSet}, each with an entry in
              its audit log. Run a new simulation to see where things stand now.
            </p>
          </div>
        </div>
      ) : null}

      {s.status === "running" ? (
        <div role="status" aria-live="polite">
          {/* Without JavaScript the page reloads itself until the simulation is done. */}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a fixed string; React cannot render <meta> inside <noscript> otherwise */}
          <noscript dangerouslySetInnerHTML={{ __html: '<meta http-equiv="refresh" content="2">' }} />
          <label className="nhsuk-label" htmlFor="simulation-progress">
            Checked {count.format(s.processed)} of {count.format(s.total)} live submissions ({s.percent}%)
          </label>
          <progress id="simulation-progress" className="ncm-progress" max={s.total || 1} value={s.processed}>
            {s.percent}%
          </progress>
          <p>This page updates itself. You can leave it and come back from the criteria page.</p>
        </div>
      ) : null}

      {s.status === "failed" || s.status === "abandoned" ? (
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>The simulation did not finish
            </span>
          </h2>
          <p>{s.error ?? "It stopped before finishing, perhaps because the server restarted."}</p>
          <p>
            <Link to="/admin/criteria#simulate">Run it again</Link>
          </p>
        </div>
      ) : null}

      {s.result ? (
        <>
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Live submissions checked</dt>
              <dd className="nhsuk-summary-list__value">
                {count.format(s.result.live)} ({count.format(s.result.alreadyOnTarget)} already on {s.targetSet})
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Would change</dt>
              <dd className="nhsuk-summary-list__value">
                {count.format(s.result.affected)} {s.result.affected === 1 ? "submission" : "submissions"} would start or stop failing a
                check
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Newly blocked</dt>
              <dd className="nhsuk-summary-list__value">
                {count.format(s.result.newlyBlocked)} could be submitted now but not under {s.targetSet}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Finished</dt>
              <dd className="nhsuk-summary-list__value">{s.finishedAt ? formatDateTime(s.finishedAt) : ""}</dd>
            </div>
          </dl>

          <h2>By criterion</h2>
          <DataTable
            caption="Checks that would flip, by criterion"
            columns={criterionColumns}
            data={s.result.byCriterion}
            rowHeader="criterionId"
            empty={<p>No check would flip.</p>}
          />
          <h2>By region</h2>
          <DataTable
            caption="Checks that would flip, by region"
            columns={regionColumns}
            data={s.result.byRegion}
            rowHeader="regionName"
            empty={<p>No region is affected.</p>}
          />
          <h2>By state</h2>
          <DataTable
            caption="Checks that would flip, by state"
            columns={stateColumns}
            data={s.result.byState}
            rowHeader="stateText"
            empty={<p>No state is affected.</p>}
          />

          {s.targetDraft ? (
            <>
              <h2 id="publish">Publish {s.targetSet}</h2>
              {s.ofCurrentContent ? (
                <Form method="post" aria-labelledby="publish" {...getFormProps(publishForm)}>
                  <FormErrors formId={publishForm.id} errors={publishForm.errors} />
                  <p>
                    Once published, {s.targetSet} never changes, and new submissions start under it if its guidance is the newest. Live
                    submissions stay where they are until you move them.
                  </p>
                  <Textarea field={publishFields.reason} label="Why is it being published?" />
                  <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
                    Publish {s.targetSet}
                  </button>
                </Form>
              ) : (
                <p>
                  {s.targetSet} has changed since this simulation.{" "}
                  <Link to={`/admin/criteria/sets/${s.targetSet}#publish`}>Run it again</Link> to publish it.
                </p>
              )}
            </>
          ) : (
            <>
              <h2 id="move">Move submissions to {s.targetSet}</h2>
              <Form method="post" aria-labelledby="move" {...getFormProps(form)}>
                <FormErrors formId={form.id} errors={form.errors} />
                <Radios
                  field={fields.scope}
                  legend="Which submissions?"
                  choices={[
                    {
                      value: "all",
                      label: `All ${count.format(s.result.live - s.result.alreadyOnTarget)} live submissions not yet on ${s.targetSet}`,
                    },
                    { value: "chosen", label: "Only the ones I tick below" },
                  ]}
                />
                <div
                  className={`nhsuk-form-group${fields.submission.errors ? " nhsuk-form-group--error" : ""}`}
                  id={fields.submission.id}
                  tabIndex={-1}
                >
                  <h3 className="nhsuk-heading-s">
                    Submissions that would change
                    {s.result.affected > s.result.listed.length
                      ? ` (the ${s.result.listed.length} most affected of ${count.format(s.result.affected)})`
                      : ""}
                  </h3>
                  {fields.submission.errors ? (
                    <span className="nhsuk-error-message" id={fields.submission.errorId}>
                      <span className="nhsuk-u-visually-hidden">Error:</span> {fields.submission.errors.join(". ")}
                    </span>
                  ) : null}
                  <ChosenSubmissions.Provider value={chosen}>
                    <DataTable
                      caption="Submissions that would change"
                      columns={listedColumns}
                      data={s.result.listed}
                      empty={<p>No submission would change.</p>}
                    />
                  </ChosenSubmissions.Provider>
                </div>
                <Textarea field={fields.reason} label="Why are they being moved?" />
                <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
                  Move submissions to {s.targetSet}
                </button>
              </Form>
            </>
          )}
        </>
      ) : null}
    </>
  );
}
