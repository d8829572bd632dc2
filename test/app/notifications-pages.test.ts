import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.ts";
import { countUnread, markOutboxSent, queueNotifications } from "../../db/notifications.ts";
import { appRequest, BASE_URL, context, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["lead.kent", "reviewer.one", "admin"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    ids[who] = (await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow()).id;
  }
  const notify = (who: string, title: string, at: string, email = true) =>
    queueNotifications(
      database,
      [
        {
          userId: ids[who]!,
          email: email ? `${who}@example.nhs.uk` : null,
          submissionId: null,
          kind: "test",
          title,
          body: `${title}, in full.`,
          link: "/",
        },
      ],
      at,
      BASE_URL,
    );
  await notify("admin", "Older for the admin", "2026-01-05T09:00:00.000Z");
  await notify("admin", "Newer for the admin", "2026-01-06T09:00:00.000Z");
  await notify("reviewer.one", "Only for the reviewer", "2026-01-07T09:00:00.000Z");
  await notify("admin", "In-app only", "2026-01-04T09:00:00.000Z", false);
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request) => ({ request, params: {}, context }) as never;

async function notificationsFor(who: string) {
  const { loader } = await import("../../app/routes/notifications.tsx");
  return loader(args(appRequest("/notifications", { cookie: cookies[who] })));
}

describe("/notifications", () => {
  it("lists a user's own notifications, newest first, with which are unread", async () => {
    const admin = await notificationsFor("admin");
    expect(admin.notifications.map((n) => n.title)).toEqual(["Newer for the admin", "Older for the admin", "In-app only"]);
    expect(admin.notifications[0]).toMatchObject({ body: "Newer for the admin, in full.", link: "/", readAt: null });
    expect(admin.unread).toBe(3);

    const reviewer = await notificationsFor("reviewer.one");
    expect(reviewer.notifications.map((n) => n.title)).toEqual(["Only for the reviewer"]);
    const lead = await notificationsFor("lead.kent");
    expect(lead.notifications).toEqual([]);
  });

  it("marks all of the user's own notifications read, and nobody else's", async () => {
    const { action } = await import("../../app/routes/notifications.tsx");
    const response = (await settle(() =>
      action(args(formPost("/notifications", { intent: "mark-all-read" }, { cookie: cookies.admin }))),
    )) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/notifications?read=1");
    expect(await countUnread(database, ids.admin!)).toBe(0);
    expect(await countUnread(database, ids["reviewer.one"]!)).toBe(1);

    const { loader } = await import("../../app/routes/notifications.tsx");
    const page = await loader(args(appRequest("/notifications?read=1", { cookie: cookies.admin })));
    expect(page.unread).toBe(0);
    expect(page.markedRead).toBe(true);
    expect(page.notifications.every((n) => n.readAt !== null)).toBe(true);
  });

  it("refuses an unknown intent with 400 and sends anonymous visitors to sign in", async () => {
    const { action, loader } = await import("../../app/routes/notifications.tsx");
    const bad = await settle(() =>
      action(args(formPost("/notifications", { intent: "delete-everything" }, { cookie: cookies["reviewer.one"] }))),
    );
    expect(bad).toMatchObject({ init: { status: 400 } });
    expect(await countUnread(database, ids["reviewer.one"]!)).toBe(1);
    const anonymous = (await settle(() => loader(args(appRequest("/notifications"))))) as Response;
    expect(anonymous.status).toBe(302);
  });
});

describe("/admin/outbox", () => {
  it("shows an admin every email, newest first, sent or not", async () => {
    const sent = await database
      .selectFrom("outbox")
      .select("id")
      .where("subject", "=", "NCM Assure: Older for the admin")
      .executeTakeFirstOrThrow();
    await markOutboxSent(database, sent.id, "2026-01-05T09:01:00.000Z");

    const { loader } = await import("../../app/routes/admin-outbox.tsx");
    const page = await loader(args(appRequest("/admin/outbox", { cookie: cookies.admin })));
    expect(page.emails.map((e) => [e.to, e.subject, e.sentAt])).toEqual([
      ["reviewer.one@example.nhs.uk", "NCM Assure: Only for the reviewer", null],
      ["admin@example.nhs.uk", "NCM Assure: Newer for the admin", null],
      ["admin@example.nhs.uk", "NCM Assure: Older for the admin", "2026-01-05T09:01:00.000Z"],
    ]);
    expect(page.emails[0]!.body).toBe(`Only for the reviewer, in full.\n\nOpen it in NCM Assure: ${BASE_URL}/\n`);
    expect(page.emails[0]).toMatchObject({ attempts: 0, lastError: null });
    expect(page).toMatchObject({ total: 3, unsent: 2, smtpConfigured: false });
  });

  it("pages through every email, fifty at a time, and refuses a bad page number", async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      userId: ids["lead.kent"]!,
      email: "lead.kent@example.nhs.uk",
      submissionId: null,
      kind: "test",
      title: `Bulk ${i}`,
      body: "Bulk",
      link: "/",
    }));
    await queueNotifications(database, many, "2026-01-08T09:00:00.000Z", BASE_URL);

    const { loader } = await import("../../app/routes/admin-outbox.tsx");
    const first = await loader(args(appRequest("/admin/outbox", { cookie: cookies.admin })));
    const second = await loader(args(appRequest("/admin/outbox?page=2", { cookie: cookies.admin })));
    expect(first).toMatchObject({ page: 1, pages: 2, first: 1, total: 63 });
    expect(first.emails).toHaveLength(50);
    expect(second).toMatchObject({ page: 2, pages: 2, first: 51 });
    expect(second.emails).toHaveLength(13);
    const seen = new Set([...first.emails, ...second.emails].map((e) => e.id));
    expect(seen.size).toBe(63);
    expect(second.emails.at(-1)!.subject).toBe("NCM Assure: Older for the admin");

    expect(await settle(() => loader(args(appRequest("/admin/outbox?page=3", { cookie: cookies.admin }))))).toMatchObject({
      init: { status: 404 },
    });
    expect(await settle(() => loader(args(appRequest("/admin/outbox?page=two", { cookie: cookies.admin }))))).toMatchObject({
      init: { status: 400 },
    });
  });

  it("refuses reviewers and leads with 403", async () => {
    const { loader } = await import("../../app/routes/admin-outbox.tsx");
    for (const who of ["reviewer.one", "lead.kent"]) {
      const refused = (await settle(() => loader(args(appRequest("/admin/outbox", { cookie: cookies[who] }))))) as Response;
      expect(refused).toBeInstanceOf(Response);
      expect(refused.status).toBe(403);
    }
  });
});
