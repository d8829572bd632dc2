import { Link } from "react-router";
import type { Route } from "./+types/admin-workload";
import { BarChart } from "../components/BarChart.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { adminWorkloadColumns, SlaKey } from "../components/Workload.tsx";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";
import { parseWorkloadOrder, workloadView } from "../.server/workload.ts";

/** A data page: the window's width (root Layout). */
export const handle = { fullWidth: true };

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  return workloadView(db(), { order: parseWorkloadOrder(new URL(request.url)) });
}

export default function AdminWorkload({ loaderData: d }: Route.ComponentProps) {
  const toReassign = d.rows.filter((r) => r.reassign);
  return (
    <>
      <span className="nhsuk-caption-l">Administration</span>
      <h1>Reviewer workload</h1>
      <p>
        Who is carrying how many open reviews, and how near their national clocks are to the target of {d.target} working days per
        checkpoint. A review is open from assignment until its checkpoint is decided; the clock stops while a submission is returned to the
        local system or paused. Use this when you <Link to="/admin/assignments">assign reviewers</Link>.
      </p>
      {toReassign.length > 0 ? (
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Open reviews to reassign
            </span>
          </h2>
          <ul className="nhsuk-list">
            {toReassign.map((r) => (
              <li key={r.id}>
                <Link to={`/admin/users/${r.id}`}>{r.name}</Link>: {r.reassign}.{" "}
                <Link to={`/admin/reassignments?user=${encodeURIComponent(r.id)}`}>
                  Reassign<span className="nhsuk-u-visually-hidden"> {r.name}'s reviews</span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {d.chart ? (
        <>
          <h2 id="chart">Open reviews by person</h2>
          <figure className="nhsuk-u-margin-0">
            <BarChart layout={d.chart.layout} title="Open reviews by person, by national clock" description={d.chart.description} />
            <figcaption>
              <SlaKey bands={d.chart.key} />
            </figcaption>
          </figure>
        </>
      ) : null}
      <DataTable
        caption="Open reviews and national clocks, by reviewer"
        captionVisible
        columns={adminWorkloadColumns}
        data={d.rows}
        rowHeader="reviewer"
        scrollLabel="Open reviews and national clocks, by reviewer"
        sort={{ id: d.order.sort, dir: d.order.dir, href: (id, dir) => `?sort=${id}&dir=${dir}` }}
        empty={<p>There are no reviewers yet.</p>}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Reviewer workload – NCM Assure" }];
