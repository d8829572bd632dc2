import { Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-audit";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { describeAuditEntry, formatDateTime, stateLabel } from "../status.ts";
import { listAuditActions, listAuditEvents, verifyAuditChains } from "../../db/audit.ts";
import { db } from "../.server/db.ts";
import { requireRole } from "../.server/session.ts";

const PAGE_SIZE = 50;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

// Filters come from the URL, so a view can be bookmarked; anything malformed is ignored, never a 500.
const FiltersSchema = z.object({
  submission: z.string().trim().max(100).optional().catch(undefined),
  actor: z.string().trim().max(100).optional().catch(undefined),
  action: z.string().trim().max(60).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** A data page: the window's width (root Layout). */
export const handle = { fullWidth: true };

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const f = FiltersSchema.parse({ ...params, page: params.page ?? 1 });
  const filters = {
    submissionId: f.submission || undefined,
    actorId: f.actor || undefined,
    action: f.action || undefined,
    from: f.from,
    to: f.to,
  };
  const [{ rows, total }, actions, actors] = await Promise.all([
    listAuditEvents(db(), filters, { offset: (f.page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
    listAuditActions(db()),
    db().selectFrom("user").select(["id", "name"]).orderBy("name").execute(),
  ]);
  return {
    filters: { submission: f.submission ?? "", actor: f.actor ?? "", action: f.action ?? "", from: f.from ?? "", to: f.to ?? "" },
    page: f.page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    pageSize: PAGE_SIZE,
    total,
    actions,
    actors,
    entries: rows.map((r) => ({
      ...r,
      description: describeAuditEntry(r.action, r.payload),
    })),
  };
}

/** "Verify chain": recomputes every hash chain and reports intact or the first broken link. */
export async function action({ request }: Route.ActionArgs) {
  await requireRole(request, "admin");
  const verdict = await verifyAuditChains(db());
  return { verdict, checkedAt: new Date().toISOString() };
}

type Entry = Route.ComponentProps["loaderData"]["entries"][number];
const column = tableColumns<Entry>();
const columns = column.columns([
  column.accessor("at", { header: "When", cell: (info) => formatDateTime(info.getValue()) }),
  column.accessor("actorName", { header: "Who", cell: (info) => info.getValue() ?? "NCM Assure" }),
  column.accessor("description", {
    header: "What",
    cell: (info) => (
      <>
        {info.getValue()}
        <br />
        <span className="nhsuk-body-s">
          <code>{info.row.original.action}</code>
          {info.row.original.toState && info.row.original.toState !== info.row.original.fromState
            ? ` ${info.row.original.fromState ? `from ${stateLabel(info.row.original.fromState)} ` : ""}to ${stateLabel(info.row.original.toState)}`
            : ""}
        </span>
      </>
    ),
  }),
  column.accessor("submissionTitle", {
    header: "Submission",
    cell: (info) =>
      info.row.original.submissionId ? (
        <Link to={`/submissions/${info.row.original.submissionId}`}>{info.getValue()}</Link>
      ) : (
        "None (administration)"
      ),
  }),
  column.accessor("hash", {
    header: "Entry",
    cell: (info) => (
      <span className="nhsuk-body-s">
        {info.row.original.chain === "admin" ? "admin" : "submission"} #{info.row.original.seq}
        <br />
        <code>{info.getValue().slice(0, 12)}…</code>
      </span>
    ),
  }),
]);

export default function Audit({ loaderData: d, actionData }: Route.ComponentProps) {
  const query = (page: number) => {
    const p = new URLSearchParams(Object.entries(d.filters).filter(([, v]) => v));
    p.set("page", String(page));
    return `?${p}`;
  };
  return (
    <>
      <h1>Audit log</h1>
      <p>
        Every workflow event and administrative action, append-only. Each entry's hash covers its contents and the entry before it, so a
        changed or missing entry breaks the chain.
      </p>
      <Form method="post">
        <button className="nhsuk-button nhsuk-button--secondary" type="submit">
          Verify chain
        </button>
      </Form>
      {actionData ? (
        actionData.verdict.intact ? (
          <div className="nhsuk-inset-text" role="status">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              <strong className="nhsuk-tag nhsuk-tag--green">Intact</strong> All {actionData.verdict.entries} entries in{" "}
              {actionData.verdict.chains} chains verify.
            </p>
          </div>
        ) : (
          <div className="nhsuk-warning-callout" role="alert">
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>The audit chain is broken
              </span>
            </h2>
            <p>
              First broken link: chain {actionData.verdict.firstBroken.chain}, entry {actionData.verdict.firstBroken.seq} (id{" "}
              {actionData.verdict.firstBroken.id}): {actionData.verdict.firstBroken.problem}.
            </p>
          </div>
        )
      ) : null}

      <Form method="get" className="nhsuk-u-margin-bottom-5">
        <h2 className="nhsuk-heading-s">Filter the log</h2>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-half">
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="submission">
                Submission ID
              </label>
              <input className="nhsuk-input" id="submission" name="submission" defaultValue={d.filters.submission} />
            </div>
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="actor">
                Who
              </label>
              <select className="nhsuk-select" id="actor" name="actor" defaultValue={d.filters.actor}>
                <option value="">Anyone</option>
                {d.actors.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="action">
                Action
              </label>
              <select className="nhsuk-select" id="action" name="action" defaultValue={d.filters.action}>
                <option value="">Any action</option>
                {d.actions.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="nhsuk-grid-column-one-half">
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="from">
                From (YYYY-MM-DD)
              </label>
              <input className="nhsuk-input nhsuk-input--width-10" id="from" name="from" defaultValue={d.filters.from} />
            </div>
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="to">
                To (YYYY-MM-DD)
              </label>
              <input className="nhsuk-input nhsuk-input--width-10" id="to" name="to" defaultValue={d.filters.to} />
            </div>
          </div>
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit">
            Apply filters
          </button>
          <Link to="/admin/audit">Clear filters</Link>
        </div>
      </Form>

      <p>
        {d.total} {d.total === 1 ? "entry" : "entries"}. Page {d.page} of {d.pages}.
      </p>
      <DataTable
        caption="Audit log entries"
        columns={columns}
        data={d.entries}
        empty={<p>No entries match these filters.</p>}
        pagination={{ page: d.page, size: d.pageSize, total: d.total, href: query }}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Audit log – NCM Assure" }];
