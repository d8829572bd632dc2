import { useMemo } from "react";
import { Form, Link } from "react-router";
import type { Route } from "./+types/pipeline-regions";
import { BarChart } from "../components/BarChart.tsx";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { db } from "../.server/db.ts";
import { loadRegionsOverview, type StageRow } from "../.server/regions.ts";
import { requireRole } from "../.server/session.ts";

/** A data page: the window's width (root Layout). */
export const handle = { fullWidth: true };

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "reviewer", "admin");
  const region = new URL(request.url).searchParams.get("failing");
  return loadRegionsOverview(db(), { region });
}

export const meta: Route.MetaFunction = () => [{ title: "Pipeline by region – NCM Assure" }];

type Data = Route.ComponentProps["loaderData"];
const count = new Intl.NumberFormat("en-GB");

function CountLink({ cell, label }: { cell: { count: number; href: string }; label: string }) {
  return cell.count === 0 ? (
    <span>
      0<span className="nhsuk-u-visually-hidden"> ({label}: none)</span>
    </span>
  ) : (
    <Link to={cell.href} aria-label={`${label}: ${count.format(cell.count)}`}>
      {count.format(cell.count)}
    </Link>
  );
}

function useStageColumns(regions: Data["regions"]) {
  return useMemo(() => {
    const column = tableColumns<StageRow>();
    return [
      column.accessor("label", { id: "stage", header: "Stage" }),
      ...regions.map((region) =>
        column.display({
          id: region.code,
          header: region.name,
          cell: (info) => {
            const cell = info.row.original.cells.find((c) => c.regionCode === region.code)!;
            return <CountLink cell={cell} label={`${info.row.original.label}, ${region.name}`} />;
          },
        }),
      ),
      column.display({
        id: "england",
        header: "England",
        cell: (info) => (
          <strong>
            <CountLink cell={info.row.original.total} label={`${info.row.original.label}, England`} />
          </strong>
        ),
      }),
    ];
  }, [regions]);
}

type FunnelRow = Data["funnel"]["rows"][number];
const funnelColumn = tableColumns<FunnelRow>();
const funnelColumns = [
  funnelColumn.accessor("label", { header: "Point reached" }),
  funnelColumn.accessor("count", { header: "Submissions", cell: (i) => count.format(i.getValue()) }),
  funnelColumn.accessor("share", { header: "Share of all started" }),
];

type ClockRow = Data["clock"]["rows"][number];
const clockColumn = tableColumns<ClockRow>();
const clockColumns = [
  clockColumn.accessor("regionName", { header: "Region" }),
  ...[1, 2, 3].map((n) =>
    clockColumn.display({
      id: `checkpoint${n}`,
      header: `Checkpoint ${n}`,
      cell: (info) => {
        const c = info.row.original.checkpoints[n - 1]!;
        return c.n === 0 ? "None in progress" : `${c.median} (${count.format(c.n)} ${c.n === 1 ? "submission" : "submissions"})`;
      },
    }),
  ),
];

type FailingRow = Data["failing"]["rows"][number];
const failingColumn = tableColumns<FailingRow>();
const failingColumns = [
  failingColumn.accessor("criterionId", { header: "Criterion" }),
  failingColumn.accessor("title", { header: "What it checks" }),
  failingColumn.accessor("severity", { header: "Severity" }),
  failingColumn.accessor("count", { header: "Open submissions failing it", cell: (i) => count.format(i.getValue()) }),
  failingColumn.accessor("share", { header: "Share of open submissions" }),
];

export default function PipelineRegions({ loaderData: d }: Route.ComponentProps) {
  const stageColumns = useStageColumns(d.regions);
  return (
    <>
      <h1>Pipeline by region</h1>
      <p>
        Where submissions stand in each NHS region. Every number links to the <Link to="/pipeline">pipeline</Link> list of the submissions
        it counts, longest waiting first.
      </p>

      <h2 id="where">Where submissions are</h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard (axe scrollable-region-focusable) */}
      <section aria-labelledby="where" tabIndex={0} style={{ overflowX: "auto" }}>
        <DataTable
          caption="Number of submissions at each stage, by region"
          columns={stageColumns}
          data={[d.nationalByRegion, ...d.stages]}
          rowHeader="stage"
          empty={<p>There are no submissions yet.</p>}
        />
      </section>

      <h2 id="funnel">How far submissions get</h2>
      <p>
        Of every submission started, how many have reached each point (a submission later withdrawn still counts as reaching its
        checkpoint).
      </p>
      <figure className="nhsuk-u-margin-0">
        <BarChart
          layout={d.funnel.chart}
          title="Submissions reaching each point"
          description="A funnel: the number of submissions that reached each point, from started to assured."
        />
      </figure>
      <DataTable caption="Submissions reaching each point" columns={funnelColumns} data={d.funnel.rows} rowHeader="label" empty={null} />

      <h2 id="clock">National working days in the current checkpoint</h2>
      <p>
        The median number of national working days used so far by submissions part-way through each checkpoint (how many in brackets),
        against the target of {d.clock.target}. The clock runs only while a submission is with the national team.
      </p>
      {d.clock.charts.map((c) => (
        <figure key={c.checkpoint} className="nhsuk-u-margin-0">
          <figcaption>
            <h3 className="nhsuk-heading-s">Checkpoint {c.checkpoint}</h3>
          </figcaption>
          <BarChart
            layout={c.chart}
            title={`Checkpoint ${c.checkpoint}: median national working days by region`}
            description={c.description}
          />
        </figure>
      ))}
      <DataTable
        caption="Median national working days used so far, by region and checkpoint"
        columns={clockColumns}
        data={d.clock.rows}
        rowHeader="regionName"
        empty={null}
      />

      <h2 id="failing">Criteria failing most</h2>
      <Form method="get" className="nhsuk-u-margin-bottom-4" preventScrollReset>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="failing-region">
            Region
          </label>
          <select
            className="nhsuk-select"
            id="failing-region"
            name="failing"
            defaultValue={d.failing.regionCode ?? ""}
            key={d.failing.regionCode ?? ""}
          >
            <option value="">England (all regions)</option>
            {d.regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit" data-module="nhsuk-button">
          Show criteria
        </button>
      </Form>
      <p role="status">
        The ten automatic criteria failed by most of the {count.format(d.failing.openSubmissions)} open submissions in{" "}
        {d.failing.regionName}, as of each one's last save.
      </p>
      {d.failing.rows.length > 0 ? (
        <figure className="nhsuk-u-margin-0">
          <BarChart
            layout={d.failing.chart}
            title={`Criteria failing most in ${d.failing.regionName}`}
            description="Open submissions failing each criterion, most first; the table below names each criterion."
          />
        </figure>
      ) : null}
      <DataTable
        caption={`Criteria failing most in ${d.failing.regionName}`}
        columns={failingColumns}
        data={d.failing.rows}
        rowHeader="criterionId"
        empty={<p>No open submission in {d.failing.regionName} fails an automatic criterion.</p>}
      />
    </>
  );
}
