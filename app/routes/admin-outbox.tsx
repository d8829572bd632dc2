import { data, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-outbox";
import { DataTable, plainColumns } from "../components/DataTable.tsx";
import { formatDateTime } from "../status.ts";
import { countOutbox, listOutboxPage } from "../../db/notifications.ts";
import { db } from "../.server/db.ts";
import { env } from "../.server/env.ts";
import { requireRole } from "../.server/session.ts";

const PAGE_SIZE = 50;

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
    })),
    ...counts,
    smtpConfigured: Boolean(env().smtpUrl),
  };
}

const OutboxQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

type Email = Route.ComponentProps["loaderData"]["emails"][number];

const column = plainColumns<Email>();
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
              Read the email<span className="nhsuk-u-visually-hidden"> to {info.row.original.to}: {info.getValue()}</span>
            </span>
          </summary>
          <div className="nhsuk-details__text" style={{ overflowWrap: "anywhere" }}>
            {info.row.original.body
              .split("\n")
              .filter((line) => line.trim() !== "")
              .map((line, i) => (
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
      return sentAt ? formatDateTime(sentAt) : <strong className="nhsuk-tag nhsuk-tag--grey">Not sent</strong>;
    },
  }),
  column.accessor("attempts", { header: "Attempts", cell: (info) => String(info.getValue()) }),
  column.accessor("lastError", { header: "Last error", cell: (info) => info.getValue() ?? "None" }),
]);

function Arrow({ direction }: { direction: "left" | "right" }) {
  return (
    <svg
      className={`nhsuk-icon nhsuk-icon--arrow-${direction}`}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      focusable="false"
      aria-hidden="true"
    >
      <path
        d={
          direction === "left"
            ? "M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z"
            : "m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z"
        }
      />
    </svg>
  );
}

/** The NHS pagination component: newer emails back, older ones on. */
function Pagination({ page, pages }: { page: number; pages: number }) {
  return (
    <nav className="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul className="nhsuk-list nhsuk-pagination__list">
        {page > 1 ? (
          <li className="nhsuk-pagination-item--previous">
            <Link className="nhsuk-pagination__link nhsuk-pagination__link--prev" to={`?page=${page - 1}`} rel="prev">
              <span className="nhsuk-pagination__title">Previous</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">
                Newer emails (page {page - 1} of {pages})
              </span>
              <Arrow direction="left" />
            </Link>
          </li>
        ) : null}
        {page < pages ? (
          <li className="nhsuk-pagination-item--next">
            <Link className="nhsuk-pagination__link nhsuk-pagination__link--next" to={`?page=${page + 1}`} rel="next">
              <span className="nhsuk-pagination__title">Next</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">
                Older emails (page {page + 1} of {pages})
              </span>
              <Arrow direction="right" />
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

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
            No mail relay is set (<code>SMTP_URL</code>), so emails stay here unsent. Open one to read exactly what it
            would say.
          </p>
        </div>
      )}
      <DataTable caption="Emails in the outbox" columns={columns} data={d.emails} empty={<p>The outbox is empty.</p>} />
      {d.pages > 1 ? <Pagination page={d.page} pages={d.pages} /> : null}
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Email outbox – NCM Assure" }];
