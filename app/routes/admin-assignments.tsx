import { Link } from "react-router";
import { ReviewsToReassign } from "../components/ReviewsToReassign.tsx";
import type { Route } from "./+types/admin-assignments";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { formatDate } from "../status.ts";
import { type AssignmentQueueItem, listAwaitingAssignment } from "../../db/reviews.ts";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";
import { countReviewsToReassign } from "../.server/suggestions.ts";
import { workingDaysBetween } from "../../workflows/clock.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const now = new Date();
  const [queue, toReassign] = await Promise.all([listAwaitingAssignment(db()), countReviewsToReassign(db())]);
  return {
    toReassign,
    assigned: new URL(request.url).searchParams.get("assigned"),
    queue: queue.map((q) => ({ ...q, waitingWorkingDays: Math.floor(workingDaysBetween(new Date(q.stateEnteredAt), now)) })),
  };
}

type Row = AssignmentQueueItem & { waitingWorkingDays: number };
const column = tableColumns<Row>();
const columns = column.columns([
  column.accessor("title", {
    header: "Submission",
    cell: (info) => <Link to={`/submissions/${info.row.original.id}/assign`}>{info.getValue()}</Link>,
  }),
  column.accessor("footprintName", { header: "Footprint" }),
  column.accessor("regionName", { header: "Region" }),
  column.accessor("modelType", { header: "Model" }),
  column.accessor("checkpoint", { header: "Checkpoint" }),
  column.accessor("stateEnteredAt", { header: "Submitted", cell: (info) => formatDate(info.getValue()) }),
  column.accessor("waitingWorkingDays", {
    header: "Working days waiting",
    cell: (info) => `${info.getValue()} of 20`,
  }),
]);

export default function Assignments({ loaderData: d }: Route.ComponentProps) {
  return (
    <>
      {d.assigned ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>Reviewers assigned to {d.assigned}. They have been told.</p>
        </div>
      ) : null}
      <h1>Submissions waiting for reviewers</h1>
      <ReviewsToReassign count={d.toReassign} />
      <p>The national clock is running for each of these. Longest waiting first.</p>
      <DataTable
        caption="Submissions waiting for reviewers"
        columns={columns}
        data={d.queue}
        empty={<p>No submission is waiting for reviewers.</p>}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Assign reviewers – NCM Assure" }];
