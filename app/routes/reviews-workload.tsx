import { redirect } from "react-router";
import type { Route } from "./+types/reviews-workload";
import { DataTable } from "../components/DataTable.tsx";
import { openReviewColumns, ownWorkloadColumns } from "../components/Workload.tsx";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";
import { workloadView } from "../.server/workload.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  // Administrators see everyone's, on their own page.
  if (user.role === "admin") throw redirect("/admin/workload");
  // Only the signed-in reviewer's own: nobody else's load is read, let alone sent.
  const view = await workloadView(db(), { order: { sort: "reviewer", dir: "asc" }, userId: user.id });
  return { target: view.target, rows: view.rows };
}

export default function ReviewerWorkload({ loaderData: d }: Route.ComponentProps) {
  const own = d.rows[0];
  return (
    <>
      <h1>Your workload</h1>
      <p>
        The reviews you hold at their current checkpoint until each is decided, and how near each national clock is to the target of{" "}
        {d.target} working days. The clock stops while a submission is returned to the local system or paused.
      </p>
      <DataTable caption="Your workload" columns={ownWorkloadColumns} data={d.rows} rowHeader="reviewer" empty={null} />
      <h2>Your open reviews</h2>
      <DataTable
        caption="Your open reviews, the clock nearest its target first"
        columns={openReviewColumns}
        data={own?.reviews ?? []}
        rowHeader="submission"
        empty={<p>You have no open reviews.</p>}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Your workload – NCM Assure" }];
