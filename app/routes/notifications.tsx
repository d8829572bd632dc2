import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/notifications";
import { formatDateTime } from "../status.ts";
import { listNotifications, markRead } from "../../db/notifications.ts";
import { db } from "../.server/db.ts";
import { parseForm } from "../.server/forms.ts";
import { requireUser } from "../.server/session.ts";

const SHOWN = 100;

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const notifications = await listNotifications(db(), user.id, SHOWN);
  const url = new URL(request.url);
  return {
    notifications,
    unread: notifications.filter((n) => n.readAt === null).length,
    limited: notifications.length === SHOWN,
    markedRead: url.searchParams.has("read"),
  };
}

const NotificationsSchema = z.object({ intent: z.literal("mark-all-read") });

export async function action({ request }: Route.ActionArgs) {
  const user = await requireUser(request);
  // One button and nothing to type: a post this page did not make is refused, not answered with errors.
  if (parseForm(await request.formData(), NotificationsSchema).status !== "success")
    throw data("That is not something this page can do.", { status: 400 });
  // Only the signed-in user's own notifications: markRead puts the owner in its where.
  await markRead(db(), user.id, new Date().toISOString());
  return redirect("/notifications?read=1");
}

export default function Notifications({ loaderData: d }: Route.ComponentProps) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {d.markedRead ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>All your notifications are marked as read.</p>
          </div>
        ) : null}
        <h1>Notifications</h1>
        {d.notifications.length === 0 ? (
          <p>You have no notifications. You will be told here, and by email, when something needs you.</p>
        ) : (
          <>
            <p>
              {d.unread === 0
                ? "You have no unread notifications."
                : `You have ${d.unread} unread ${d.unread === 1 ? "notification" : "notifications"}.`}{" "}
              Newest first{d.limited ? `; the latest ${d.notifications.length} are shown` : ""}.
            </p>
            {d.unread > 0 ? (
              <Form method="post">
                <input type="hidden" name="intent" value="mark-all-read" />
                <button className="nhsuk-button nhsuk-button--secondary" type="submit">
                  Mark all as read
                </button>
              </Form>
            ) : null}
            <ul className="nhsuk-list">
              {d.notifications.map((n) => (
                <li key={n.id}>
                  <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                    <Link to={n.link}>{n.title}</Link>
                  </h2>
                  <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
                    {formatDateTime(n.createdAt)} {n.readAt === null ? <strong className="nhsuk-tag nhsuk-tag--blue">Unread</strong> : null}
                  </p>
                  <p className="nhsuk-u-margin-bottom-0">{n.body}</p>
                  <hr className="nhsuk-section-break nhsuk-section-break--m nhsuk-section-break--visible" />
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Notifications – NCM Assure" }];
