import { Link } from "react-router";
import type { Route } from "./+types/submissions";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { formatDateTime, stateLabel, stateTagClass, turnLabel } from "../status.ts";
import { listSubmissionsForFootprints, type SubmissionListItem } from "../../db/submissions.ts";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireRole(request, "lead");
  const codes = user.footprints.map((f) => f.code);
  return {
    footprints: user.footprints,
    submissions: await listSubmissionsForFootprints(db(), codes),
  };
}

const column = tableColumns<SubmissionListItem>();
const columns = column.columns([
  column.accessor("title", {
    header: "Submission",
    cell: (info) => (
      <>
        <Link to={`/submissions/${info.row.original.id}`}>{info.getValue()}</Link>
        <br />
        <span className="nhsuk-body-s">
          {info.row.original.modelType}, {info.row.original.footprintName}
        </span>
      </>
    ),
  }),
  column.accessor("state", {
    header: "Where it is",
    cell: (info) => <strong className={stateTagClass(info.getValue())}>{stateLabel(info.getValue())}</strong>,
  }),
  column.accessor("whoseTurn", { header: "Whose turn", cell: (info) => turnLabel(info.getValue()) }),
  column.accessor("failingBlocking", {
    header: "Blocking checks failing",
    cell: (info) => (info.getValue() === 0 ? "None" : String(info.getValue())),
  }),
  column.accessor("updatedAt", { header: "Last change", cell: (info) => formatDateTime(info.getValue()) }),
]);

export default function Submissions({ loaderData }: Route.ComponentProps) {
  const { submissions, footprints } = loaderData;
  return (
    <>
      <h1>Your submissions</h1>
      <p>
        Proposals for {footprints.map((f) => f.name).join(" and ") || "your footprints"}. Each one goes through three national assurance
        checkpoints.
      </p>
      {footprints.length > 0 ? (
        <Link className="nhsuk-button" to="/submissions/new" role="button" draggable={false}>
          Start a new submission
        </Link>
      ) : (
        <p>You are not a member of any footprint yet. Ask your programme administrator to add you.</p>
      )}
      <DataTable
        caption="Your footprints' submissions"
        columns={columns}
        data={submissions}
        empty={<p>There are no submissions for your footprints yet.</p>}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Your submissions – NCM Assure" }];
