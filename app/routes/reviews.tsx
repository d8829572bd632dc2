import { Link } from "react-router";
import type { Route } from "./+types/reviews";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { stateTagClass } from "../status.ts";
import { db } from "../.server/db.ts";
import { parseReviewListQuery, type ReviewRow, reviewListFor } from "../.server/review-list.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const order = parseReviewListQuery(new URL(request.url));
  const reviews = await reviewListFor(db(), user.id, order);
  return { order, reviews };
}

const days = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

const SLA_TAG = {
  within: null,
  at_risk: { text: "At risk", className: "nhsuk-tag nhsuk-tag--orange" },
  breached: { text: "Over target", className: "nhsuk-tag nhsuk-tag--red" },
} as const;

const column = tableColumns<ReviewRow>();
const columns = column.columns([
  column.accessor("title", {
    id: "submission",
    header: "Submission",
    cell: (info) => {
      const r = info.row.original;
      return (
        <>
          <Link to={`/reviews/${r.id}`}>{r.title}</Link>
          {r.action ? (
            <>
              <br />
              <strong className="nhsuk-tag nhsuk-tag--yellow">Your action: {r.action}</strong>
            </>
          ) : null}
        </>
      );
    },
  }),
  column.accessor("footprintName", { id: "footprint", header: "Footprint" }),
  column.accessor("regionName", { id: "region", header: "Region" }),
  column.accessor("modelType", { id: "model", header: "Model" }),
  column.accessor("checkpoint", { id: "checkpoint", header: "Checkpoint" }),
  column.accessor("stateLabel", {
    id: "state",
    header: "State",
    cell: (info) => <strong className={stateTagClass(info.row.original.state)}>{info.getValue()}</strong>,
  }),
  column.accessor("role", {
    id: "role",
    header: "Your role",
    cell: (info) => (info.getValue() === "lead" ? "Lead reviewer" : "Second reviewer"),
  }),
  column.accessor("daysUsed", {
    id: "days",
    header: "National working days used",
    sortDescFirst: true,
    cell: (info) => {
      const r = info.row.original;
      const tag = SLA_TAG[r.sla];
      return (
        <>
          {days.format(r.daysUsed)} of {r.targetDays}
          {tag ? (
            <>
              {" "}
              <strong className={tag.className}>{tag.text}</strong>
            </>
          ) : null}
        </>
      );
    },
  }),
  column.accessor("failingWarnings", {
    id: "warnings",
    header: "Failing warnings",
    sortDescFirst: true,
    cell: (info) => (info.getValue() === 0 ? "None" : String(info.getValue())),
  }),
]);

export default function Reviews({ loaderData }: Route.ComponentProps) {
  const { reviews, order } = loaderData;
  const waiting = reviews.filter((r) => r.action);
  return (
    <>
      <h1>Your reviews</h1>
      <p>
        Submissions you are assigned to review at their current checkpoint. The national target is {reviews[0]?.targetDays ?? 20} working
        days per checkpoint; the clock stops while a submission is with the local system or paused.
      </p>
      {waiting.length > 0 ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <h2 className="nhsuk-heading-s">
            {waiting.length === 1 ? "1 review needs your action" : `${waiting.length} reviews need your action`}
          </h2>
          <ul className="nhsuk-list">
            {waiting.map((r) => (
              <li key={r.id}>
                <Link to={`/reviews/${r.id}`}>{r.title}</Link>: {r.action}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <DataTable
        caption="Your assigned reviews"
        columns={columns}
        data={reviews}
        sort={{ id: order.sort, dir: order.dir, href: (id, dir) => `?sort=${id}&dir=${dir}` }}
        empty={<p>You have no reviews assigned at the moment.</p>}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Your reviews – NCM Assure" }];
