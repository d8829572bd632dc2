import { Link } from "react-router";
import type { Route } from "./+types/admin-users";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ROLE_LABELS } from "../navigation.ts";
import { formatDateTime } from "../status.ts";
import { listUsersForAdmin } from "../../db/users.ts";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";

/** A data page: the window's width (root Layout). */
export const handle = { fullWidth: true };

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const users = await listUsersForAdmin(db());
  return {
    users,
    counts: {
      total: users.length,
      deactivated: users.filter((u) => u.status === "deactivated").length,
      invited: users.filter((u) => u.status === "invited").length,
    },
  };
}

type User = Route.ComponentProps["loaderData"]["users"][number];

const STATUS_TAGS: Record<User["status"], { text: string; className: string }> = {
  active: { text: "Active", className: "nhsuk-tag nhsuk-tag--green" },
  invited: { text: "Invited", className: "nhsuk-tag nhsuk-tag--blue" },
  deactivated: { text: "Deactivated", className: "nhsuk-tag nhsuk-tag--grey" },
};

const column = tableColumns<User>();
const columns = column.columns([
  column.accessor("name", {
    header: "Name",
    cell: (info) => <Link to={`/admin/users/${info.row.original.id}`}>{info.getValue()}</Link>,
  }),
  column.accessor("email", {
    header: "Email",
    // Long addresses wrap (before the @ where they can) rather than push the table off the page.
    cell: (info) => {
      const [local, ...domain] = info.getValue().split("@");
      return (
        <span style={{ overflowWrap: "anywhere" }}>
          {local}
          <wbr />@{domain.join("@")}
        </span>
      );
    },
  }),
  column.accessor("role", { header: "Role", cell: (info) => ROLE_LABELS[info.getValue()] }),
  column.accessor("footprints", {
    header: "Footprints",
    cell: (info) =>
      info.getValue().length === 0
        ? "None"
        : info
            .getValue()
            .map((f) => f.name)
            .join(", "),
  }),
  column.accessor("conflictCount", { header: "Conflicts", cell: (info) => String(info.getValue()) }),
  column.accessor("status", {
    header: "Status",
    cell: (info) => <strong className={STATUS_TAGS[info.getValue()].className}>{STATUS_TAGS[info.getValue()].text}</strong>,
  }),
  column.accessor("lastSignInAt", {
    header: "Last signed in",
    cell: (info) => {
      const at = info.getValue();
      return at ? formatDateTime(at) : "Never";
    },
  }),
]);

export default function Users({ loaderData: d }: Route.ComponentProps) {
  return (
    <>
      <span className="nhsuk-caption-l">Administration</span>
      <h1>Users</h1>
      <p>
        {d.counts.total} accounts: {d.counts.invited} invited and not yet signed up, {d.counts.deactivated} deactivated. Open an account to
        change its role, footprints or conflicts, or to deactivate it.
      </p>
      <Link className="nhsuk-button" to="/admin/users/invite" role="button" draggable={false} data-module="nhsuk-button">
        Invite a user
      </Link>
      <DataTable caption="Users" columns={columns} data={d.users} empty={<p>There are no accounts yet.</p>} />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Users – NCM Assure" }];
