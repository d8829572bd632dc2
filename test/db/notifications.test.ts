import { SMTPServer } from "smtp-server";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { deliverOutbox, MAX_SEND_ATTEMPTS, retryBackoffMs, sweepClockWarnings, unreadShown } from "../../app/.server/notifications.ts";
import { countUnread, listNotifications, listOutbox, markRead, queueNotifications, UNREAD_SHOWN } from "../../db/notifications.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import type { Db } from "../../db/client.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

async function actor(db: Db, email: string): Promise<NamedActor> {
  const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(db, row.id))!);
}

/** A real SMTP server on a spare loopback port, keeping what it receives. */
async function startSmtp() {
  const received: { to: string[]; data: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (chunk) => (data += chunk));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(databaseKinds)("notifications on $engine", (kind) => {
  let t: TestDatabase;
  let lead: NamedActor, one: NamedActor, two: NamedActor, admin: NamedActor;
  let id = "";

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    [lead, one, two, admin] = (await Promise.all(
      ["lead.kent", "reviewer.one", "reviewer.two", "admin"].map((w) => actor(t.db, `${w}@example.nhs.uk`)),
    )) as [NamedActor, NamedActor, NamedActor, NamedActor];
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000032", title: "Kent MCP", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    id = started.id;
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: "Kent and Medway",
      footprintCode: "E54000032",
      seed: 3,
    }) as Record<string, unknown>;
    for (const section of SECTION_SLUGS) {
      if (content[section] !== undefined)
        await saveSection(t.db, { submissionId: id, section, data: content[section], updatedBy: lead.id, at: new Date().toISOString() });
    }
  });
  afterAll(async () => t?.destroy());

  it("tells admins of a submission, reviewers of their assignment and the second reviewer of a countersign", async () => {
    await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    expect((await listNotifications(t.db, admin.id)).map((n) => n.title)).toEqual(["Submitted for checkpoint 1: Kent MCP"]);

    await applyEvent(t.db, id, admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id });
    expect((await listNotifications(t.db, one.id)).map((n) => n.title)).toEqual(["Assigned as lead reviewer: Kent MCP"]);
    expect((await listNotifications(t.db, two.id)).map((n) => n.title)).toEqual(["Assigned as second reviewer: Kent MCP"]);
    const assignment = await t.db.selectFrom("review_assignment").selectAll().where("submission_id", "=", id).executeTakeFirstOrThrow();
    expect(assignment).toMatchObject({ checkpoint: 1, lead_reviewer_id: one.id, second_reviewer_id: two.id, assigned_by: admin.id });

    await applyEvent(t.db, id, one, {
      type: "PROPOSE_DECISION",
      decision: "changes_requested",
      confidence: "amber",
      rationale: "x",
      changeRequests: [{ id: "r1", text: "Fix hubs", fieldPath: "population.hubs" }],
    });
    expect((await listNotifications(t.db, two.id))[0]!.title).toBe("Countersign needed: Kent MCP");
    expect(await countUnread(t.db, two.id)).toBe(2);
    await markRead(t.db, two.id, new Date().toISOString());
    expect(await countUnread(t.db, two.id)).toBe(0);

    await applyEvent(t.db, id, two, { type: "COUNTERSIGN", agree: true });
    expect((await listNotifications(t.db, lead.id)).map((n) => n.title)).toEqual(["Changes requested: Kent MCP"]);
    // Nobody else's list grows: the lead of another footprint hears nothing.
    const manchester = await actor(t.db, "lead.manchester@example.nhs.uk");
    expect(await listNotifications(t.db, manchester.id)).toEqual([]);
  });

  it("keeps every email in the outbox when no SMTP server is configured", async () => {
    const outbox = await listOutbox(t.db);
    expect(outbox.length).toBe(5);
    expect(outbox.every((m) => m.sent_at === null)).toBe(true);
    expect(outbox.map((m) => m.to_address)).toContain("lead.kent@example.nhs.uk");
    expect(await deliverOutbox(t.db, null)).toEqual({ sent: 0, failed: 0 });
  });

  it("sends through a real SMTP server, and a failed send stays in the outbox to be retried", async () => {
    // First with nothing listening: every send fails, nothing is lost.
    const dead = nodemailer.createTransport({ host: "127.0.0.1", port: 1, secure: false, connectionTimeout: 2000 });
    const failed = await deliverOutbox(t.db, dead);
    expect(failed).toEqual({ sent: 0, failed: 5 });
    const afterFailure = await listOutbox(t.db);
    expect(afterFailure.every((m) => m.sent_at === null && m.attempts === 1 && m.last_error && m.next_attempt_at)).toBe(true);
    // It backs off: the next try is a minute later, not on the next run.
    expect(await deliverOutbox(t.db, dead)).toEqual({ sent: 0, failed: 0 });
    const later = new Date(Date.now() + 2 * 60_000);

    const smtp = await startSmtp();
    try {
      const live = nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true });
      expect(await deliverOutbox(t.db, live, { now: later })).toEqual({ sent: 5, failed: 0 });
      expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(
        [
          "admin@example.nhs.uk",
          "lead.kent@example.nhs.uk",
          "reviewer.one@example.nhs.uk",
          "reviewer.two@example.nhs.uk",
          "reviewer.two@example.nhs.uk",
        ].sort(),
      );
      const lead = smtp.received.find((m) => m.to[0] === "lead.kent@example.nhs.uk")!;
      expect(lead.data).toContain("Subject: NCM Assure: Changes requested: Kent MCP");
      // The body is quoted-printable: long lines are folded with a trailing "=".
      expect(lead.data.replace(/=\r?\n/g, "")).toContain(`http://localhost:3000/submissions/${id}`);
      // Sent once: a second run finds nothing to send.
      expect(await deliverOutbox(t.db, live, { now: later })).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(5);
    } finally {
      await smtp.close();
    }
  });

  it("stops trying an email after its last attempt, and leaves it failed", async () => {
    const at = new Date().toISOString();
    await t.db
      .insertInto("outbox")
      .values({
        id: "last-try",
        notification_id: null,
        to_address: "x@example.nhs.uk",
        subject: "S",
        body: "B",
        created_at: at,
        attempts: MAX_SEND_ATTEMPTS - 1,
      })
      .execute();
    const dead = nodemailer.createTransport({ host: "127.0.0.1", port: 1, secure: false, connectionTimeout: 2000 });
    expect(await deliverOutbox(t.db, dead)).toEqual({ sent: 0, failed: 1 });
    const muchLater = new Date(Date.now() + 24 * 60 * 60_000);
    expect(await deliverOutbox(t.db, dead, { now: muchLater })).toEqual({ sent: 0, failed: 0 });
    const row = (await listOutbox(t.db)).find((m) => m.id === "last-try")!;
    expect(row).toMatchObject({ attempts: MAX_SEND_ATTEMPTS, sent_at: null });
    expect(row.last_error).toBeTruthy();
    expect(retryBackoffMs(1)).toBe(60_000);
    expect(retryBackoffMs(MAX_SEND_ATTEMPTS)).toBe(60 * 60_000);
  });

  it("warns reviewers and admins once when the national clock reaches 80% of its target", async () => {
    await applyEvent(t.db, id, lead, { type: "RESUBMIT", declaration: true });
    const now = new Date(Date.now() + 40 * 86_400_000);
    const first = await sweepClockWarnings(t.db, now);
    expect(first).toBe(3);
    expect((await listNotifications(t.db, one.id))[0]!.title).toMatch(/^National clock at \d+%: Kent MCP$/);
    expect(await sweepClockWarnings(t.db, now)).toBe(0);
  });
  it("counts unread notifications only as far as the header shows them (99+)", async () => {
    const many = Array.from({ length: UNREAD_SHOWN + 5 }, (_, i) => ({
      userId: lead.id,
      email: null,
      submissionId: null,
      kind: "test",
      title: `Test ${i}`,
      body: "A test notification.",
      link: "/",
    }));
    await queueNotifications(t.db, many, new Date().toISOString(), "http://localhost");
    expect(await countUnread(t.db, lead.id)).toBe(UNREAD_SHOWN + 1);
    expect(await unreadShown(t.db, lead.id)).toBe("99+");
    await markRead(t.db, lead.id, new Date().toISOString());
    expect(await unreadShown(t.db, lead.id)).toBeNull();
  });
});
