import { data } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-outbox";
import { DataTable, Pagination, tableColumns } from "../components/DataTable.tsx";
import { formatDateTime } from "../status.ts";
import { countOutbox, listOutboxPage } from "../../db/notifications.ts";
import { db } from "../.server/db.ts";
import { MAX_SEND_ATTEMPTS } from "../.server/notifications.ts";
import { env } from "../.server/env.ts";
import { requireRole } from "../.server/session.ts";

const PAGE_SIZE = 50;

/** A data page: the window's width (root Layout). */
export const handle = { fullWidth: true };

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const query = OutboxQuery.safeParse({ page: new URL(request.url).searchParams.get("page") || undefined });
  if (!query.success) throw data("The page number must be a whole number from 1.", { status: 400 });
  const { page } = query.data;
  const [emails, counts] = await Promise.all([
    listOutboxPage(db(), { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    countOutbox(db()),
  ]);
  const pages = Math.max(1, Math.ceil(counts.total / PAGE_SIZE));
  if (page > pages) throw data("There is no such page of the outbox.", { status: 404 });
  return {
    page,
    pages,
    first: (page - 1) * PAGE_SIZE + 1,
    emails: emails.map((e) => ({
      id: e.id,
      to: e.to_address,
      subject: e.subject,
      body: e.body,
      createdAt: e.created_at,
      sentAt: e.sent_at,
      attempts: e.attempts,
      lastError: e.last_error,
      // Out of tries: nobody will send it now.
      failed: e.sent_at === null && e.attempts >= MAX_SEND_ATTEMPTS,
    })),
    ...counts,
    smtpConfigured: Boolean(env().smtpUrl),
  };
}

const OutboxQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

type Email = Route.ComponentProps["loaderData"]["emails"][number];

const column = tableColumns<Email>();
const columns = column.columns([
  column.accessor("to", {
    header: "To",
    // Long addresses may wrap before the @ rather than push the table wider.
    cell: (info) => {
      const [local, ...domain] = info.getValue().split("@");
      return domain.length === 0 ? (
        local
      ) : (
        <>
          {local}
          <wbr />@{domain.join("@")}
        </>
      );
    },
  }),
  column.accessor("subject", {
    header: "Subject",
    cell: (info) => (
      <>
        {info.getValue()}
        <details className="nhsuk-details nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">
              Read the email
              <span className="nhsuk-u-visually-hidden">
                {" "}
                to {info.row.original.to}: {info.getValue()}
              </span>
            </span>
          </summary>
          <div className="nhsuk-details__text" style={{ overflowWrap: "anywhere" }}>
            {info.row.original.body
              .split("\n")
              .filter((line) => line.trim() !== "")
              .map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines of one stored email, in a fixed order
                <p key={i} className="nhsuk-body-s">
                  {line}
                </p>
              ))}
          </div>
        </details>
      </>
    ),
  }),
  column.accessor("createdAt", { header: "Created", cell: (info) => formatDateTime(info.getValue()) }),
  column.accessor("sentAt", {
    header: "Sent",
    cell: (info) => {
      const sentAt = info.getValue();
      if (sentAt) return formatDateTime(sentAt);
      return info.row.original.failed ? (
        <strong className="nhsuk-tag nhsuk-tag--red">Failed</strong>
      ) : (
        <strong className="nhsuk-tag nhsuk-tag--grey">Not sent</strong>
      );
    },
  }),
  column.accessor("attempts", { header: "Attempts", cell: (info) => String(info.getValue()) }),
  column.accessor("lastError", { header: "Last error", cell: (info) => info.getValue() ?? "None" }),
]);

export default function Outbox({ loaderData: d }: Route.ComponentProps) {
  return (
    <>
      <span className="nhsuk-caption-l">Administration</span>
      <h1>Email outbox</h1>
      <p>
        Every email the service has written, newest first: {d.total} in all, {d.unsent} not sent.
        {d.pages > 1 ? ` Showing ${d.first} to ${d.first + d.emails.length - 1}.` : ""}
      </p>
      {d.smtpConfigured ? (
        <p>Emails are sent through the mail relay after each event and retried from here when sending fails.</p>
      ) : (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            No mail relay is set (<code>SMTP_URL</code>), so emails stay here unsent. Open one to read exactly what it would say.
          </p>
        </div>
      )}
      <DataTable caption="Emails in the outbox" columns={columns} data={d.emails} empty={<p>The outbox is empty.</p>} />
      {d.pages > 1 ? <Pagination page={d.page} pages={d.pages} href={(n) => `?page=${n}`} /> : null}
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Email outbox – NCM Assure" }];
