import { randomUUID } from "node:crypto";
import type { KyselyPlugin } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actorFrom, applyEvent, CHANGED_BY_SOMEONE_ELSE, type NamedActor, startSubmission } from "../../app/.server/assurance.ts";
import { auditTrail, nextAuditEntry, verifyAuditChains } from "../../db/audit.ts";
import { createDb, type Db } from "../../db/client.ts";
import { listOutbox } from "../../db/notifications.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findSubmission, findSubmissionForEvent, replaceFailingCriteria, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import * as pausedClockFigure from "../../db/migrations/2026-12-03T1100-paused-clock-figure.ts";
import { type EventWrite, writeWorkflowEvent } from "../../db/workflow-events.ts";
import { clockFor, liveClock } from "../../workflows/clock.ts";
import { checkpointOf } from "../../workflows/states.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

async function actorByEmail(db: Db, email: string): Promise<NamedActor> {
  const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(db, row.id))!);
}

/** The same database, running `after` once, right after the first query it sends returns. */
function afterFirstQuery(db: Db, after: () => Promise<void>): Db {
  let done = false;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    async transformResult(args) {
      if (!done) {
        done = true;
        await after();
      }
      return args.result;
    },
  };
  return db.withPlugin(plugin);
}

describe.each(databaseKinds)("a workflow event's write on $engine", (kind) => {
  let t: TestDatabase;
  let lead: NamedActor, admin: NamedActor, one: NamedActor, two: NamedActor;

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    [lead, admin, one, two] = (await Promise.all(
      ["lead.kent", "admin", "reviewer.one", "reviewer.two"].map((who) => actorByEmail(t.db, `${who}@example.nhs.uk`)),
    )) as [NamedActor, NamedActor, NamedActor, NamedActor];
  });
  afterAll(async () => t?.destroy());

  async function newSubmission(title = "Kent MCP", at?: Date) {
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000032", title, modelType: "MCP", ...(at ? { at } : {}) });
    if (!started.ok) throw new Error(started.reason);
    return started.id;
  }

  /** A write of every kind of row an event can add, for the submission as just read. */
  async function everything(id: string, at: string, options: { expectedVersion?: number } = {}): Promise<EventWrite> {
    const row = (await findSubmissionForEvent(t.db, id))!;
    return {
      change: {
        id,
        expectedVersion: options.expectedVersion ?? row.version,
        snapshot: JSON.stringify(row.workflow_snapshot),
        state: row.state,
        checkpoint: row.checkpoint,
        whoseTurn: row.whose_turn,
        stateEnteredAt: at,
        nationalDaysUsed: 0,
        failingBlocking: 1,
        failingWarnings: 1,
      },
      audit: nextAuditEntry(
        {
          chain: id,
          submissionId: id,
          actorId: admin.id,
          actorName: admin.name,
          action: "TEST",
          fromState: row.state,
          toState: null,
          payload: { why: "the writer's test" },
          at,
        },
        row.lastLink,
      ),
      version: {
        id: randomUUID(),
        submission_id: id,
        number: 1,
        checkpoint: 1,
        criteria_set: row.criteria_set,
        content: "{}",
        evaluation: "{}",
        submitted_by: lead.id,
        submitted_at: at,
      },
      failing: [
        { criterionId: "NCM-01", severity: "warning" },
        { criterionId: "NCM-02", severity: "blocking" },
      ],
      assignment: {
        id: randomUUID(),
        submission_id: id,
        checkpoint: 1,
        lead_reviewer_id: one.id,
        second_reviewer_id: two.id,
        assigned_by: admin.id,
        assigned_at: at,
      },
      notices: [
        {
          to: { role: "lead", footprint: "E54000032" },
          submissionId: id,
          kind: "test",
          title: "To Kent's leads",
          body: "Body",
          link: "/a",
        },
        { to: { ids: [one.id, two.id] }, submissionId: id, kind: "test", title: "To two reviewers", body: "Body", link: "/b" },
        { to: { ids: [] }, submissionId: id, kind: "test", title: "To nobody", body: "Body", link: "/c" },
      ],
      at,
      baseUrl: "https://assure.example",
    };
  }

  async function rowsOf(id: string) {
    const [submission, audit, versions, failing, assignments, notifications] = await Promise.all([
      t.db.selectFrom("submission").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
      t.db.selectFrom("audit_event").selectAll().where("chain", "=", id).orderBy("seq").execute(),
      t.db.selectFrom("submission_version").selectAll().where("submission_id", "=", id).execute(),
      t.db
        .selectFrom("failing_criterion")
        .select(["criterion_id", "severity"])
        .where("submission_id", "=", id)
        .orderBy("criterion_id")
        .execute(),
      t.db.selectFrom("review_assignment").selectAll().where("submission_id", "=", id).execute(),
      t.db
        .selectFrom("notification")
        .leftJoin("outbox", "outbox.notification_id", "notification.id")
        .select([
          "notification.user_id",
          "notification.kind",
          "notification.title",
          "notification.link",
          "notification.created_at",
          "outbox.to_address",
          "outbox.subject",
          "outbox.body",
          "outbox.created_at as emailed_at",
          "outbox.attempts",
        ])
        .where("notification.submission_id", "=", id)
        .orderBy("notification.title")
        .orderBy("outbox.to_address")
        .execute(),
    ]);
    return { submission, audit, versions, failing, assignments, notifications };
  }

  it("writes the change, the audit entry, the version, the assignment, the failing criteria and each notice's rows", async () => {
    const id = await newSubmission();
    // Failing before: one that stays (with a new severity), one that goes.
    await replaceFailingCriteria(t.db, id, [
      { criterionId: "NCM-02", severity: "warning" },
      { criterionId: "NCM-99", severity: "blocking" },
    ]);
    const at = "2026-03-02T10:00:00.000Z";
    const write = await everything(id, at);
    expect(await writeWorkflowEvent(t.db, write)).toBe(true);

    const rows = await rowsOf(id);
    expect(rows.submission).toMatchObject({ version: 2, updated_at: at, state_entered_at: at, failing_blocking: 1, failing_warnings: 1 });
    expect(rows.audit.at(-1)).toEqual(write.audit);
    expect(await verifyAuditChains(t.db, { chain: id })).toMatchObject({ intact: true, entries: 2 });
    expect(rows.versions).toEqual([write.version]);
    expect(rows.assignments).toEqual([write.assignment]);
    expect(rows.failing).toEqual([
      { criterion_id: "NCM-01", severity: "warning" },
      { criterion_id: "NCM-02", severity: "blocking" },
    ]);
    const email = (title: string, link: string) => ({
      subject: `NCM Assure: ${title}`,
      body: `Body\n\nOpen it in NCM Assure: https://assure.example${link}\n`,
      emailed_at: at,
      attempts: 0,
    });
    // Ids the database made for rows it found (v4 UUIDs, as randomUUID() makes), on both engines.
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = await t.db.selectFrom("notification").select("id").where("submission_id", "=", id).execute();
    expect(ids).toHaveLength(3);
    for (const notification of ids) expect(notification.id).toMatch(uuid);
    expect(rows.notifications).toEqual([
      {
        user_id: lead.id,
        kind: "test",
        title: "To Kent's leads",
        link: "/a",
        created_at: at,
        to_address: "lead.kent@example.nhs.uk",
        ...email("To Kent's leads", "/a"),
      },
      {
        user_id: one.id,
        kind: "test",
        title: "To two reviewers",
        link: "/b",
        created_at: at,
        to_address: "reviewer.one@example.nhs.uk",
        ...email("To two reviewers", "/b"),
      },
      {
        user_id: two.id,
        kind: "test",
        title: "To two reviewers",
        link: "/b",
        created_at: at,
        to_address: "reviewer.two@example.nhs.uk",
        ...email("To two reviewers", "/b"),
      },
    ]);
  });

  it("writes nothing at all when the version has moved on", async () => {
    const id = await newSubmission();
    await replaceFailingCriteria(t.db, id, [{ criterionId: "NCM-99", severity: "blocking" }]);
    const before = await rowsOf(id);
    expect(await writeWorkflowEvent(t.db, await everything(id, new Date().toISOString(), { expectedVersion: 0 }))).toBe(false);
    expect(await rowsOf(id)).toEqual(before);
  });

  it("writes nothing at all when someone appended to the chain after its last link was read", async () => {
    const id = await newSubmission();
    await replaceFailingCriteria(t.db, id, [{ criterionId: "NCM-99", severity: "blocking" }]);
    const write = await everything(id, new Date().toISOString());
    // Another entry takes the next place on the chain (without a version change, which no writer
    // in the service does, so this is the database's unique (chain, seq) at work).
    const other = nextAuditEntry(
      { chain: id, submissionId: id, actorId: null, action: "OTHER", fromState: null, toState: null, payload: {}, at: write.at },
      { seq: write.audit.seq - 1, hash: write.audit.prev_hash },
    );
    await t.db.insertInto("audit_event").values(other).execute();
    const before = await rowsOf(id);
    expect(await writeWorkflowEvent(t.db, write)).toBe(false);
    expect(await rowsOf(id)).toEqual(before);
    expect(await verifyAuditChains(t.db, { chain: id })).toMatchObject({ intact: true, entries: 2 });
  });

  it("tells the person it was changed by someone else when the chain moves between the read and the write", async () => {
    const id = await newSubmission();
    // A second app instance (on SQLite a second handle: the first holds its connection until the
    // read's result is back, so an event on it would wait for itself).
    const second = kind.engine === "sqlite" ? createDb(t.url) : t.db;
    try {
      const racing = afterFirstQuery(t.db, async () => {
        // What the second instance's event does between this one's read and its write.
        expect(await applyEvent(second, id, admin, { type: "PAUSE", reason: "The other instance" })).toMatchObject({ ok: true });
      });
      expect(await applyEvent(racing, id, admin, { type: "PAUSE", reason: "This one" })).toEqual({
        ok: false,
        kind: "conflict",
        reason: CHANGED_BY_SOMEONE_ELSE,
      });
    } finally {
      if (second !== t.db) await second.destroy();
    }
    const trail = await auditTrail(t.db, id);
    expect(trail.map((e) => [e.action, e.payload.reason])).toEqual([
      ["CREATE", undefined],
      ["PAUSE", "The other instance"],
    ]);
    expect(await verifyAuditChains(t.db, { chain: id })).toMatchObject({ intact: true });
    expect((await listOutbox(t.db)).filter((m) => m.subject === "NCM Assure: Paused: Kent MCP")).toHaveLength(1);
  });

  it("keeps the national clock figure the whole trail gives, reading only the current checkpoint's entries", async () => {
    const id = await newSubmission("Clocked MCP", new Date("2026-01-05T09:00:00.000Z"));
    const content = (checkpoint: 1 | 2) =>
      exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", checkpoint, seed: 2 }) as Record<
        string,
        unknown
      >;
    const save = async (checkpoint: 1 | 2) => {
      const answers = content(checkpoint);
      for (const section of SECTION_SLUGS) {
        if (answers[section] !== undefined)
          await saveSection(t.db, {
            submissionId: id,
            section,
            data: answers[section],
            updatedBy: lead.id,
            at: "2026-01-05T09:00:00.000Z",
          });
      }
    };
    // Times that straddle weekends and a bank holiday (Good Friday and Easter Monday 2026).
    const steps: [NamedActor, Parameters<typeof applyEvent>[3], string][] = [
      [lead, { type: "SUBMIT", declaration: true }, "2026-03-30T10:17:03.123Z"],
      [admin, { type: "PAUSE", reason: "Intervention" }, "2026-03-31T15:00:00.001Z"],
      [admin, { type: "RESUME", reason: "Released" }, "2026-04-02T08:30:00.000Z"],
      [admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id }, "2026-04-07T11:11:11.111Z"],
      [one, { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "Sound" }, "2026-04-09T16:45:00.000Z"],
      [two, { type: "COUNTERSIGN", agree: false, reason: "Not yet" }, "2026-04-10T09:00:00.000Z"],
      [admin, { type: "PAUSE", reason: "Again" }, "2026-04-13T12:00:00.000Z"],
      // An event that leaves it paused keeps the figure.
      [admin, { type: "REASSIGN", leadReviewerId: two.id, secondReviewerId: one.id, reason: "Swap" }, "2026-04-15T12:00:00.000Z"],
      [admin, { type: "RESUME", reason: "Again released" }, "2026-04-20T12:00:00.000Z"],
      [two, { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "Sound" }, "2026-04-21T10:00:00.000Z"],
      [one, { type: "COUNTERSIGN", agree: true }, "2026-04-22T10:00:00.000Z"],
      [lead, { type: "SUBMIT", declaration: true }, "2026-05-04T10:00:00.000Z"],
      [admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id }, "2026-05-06T10:00:00.000Z"],
      [admin, { type: "PAUSE", reason: "Third" }, "2026-05-07T10:00:00.000Z"],
      [admin, { type: "RESUME", reason: "Third released" }, "2026-05-08T10:00:00.000Z"],
    ];
    await save(1);
    let before = (await findSubmission(t.db, id))!;
    for (const [actor, command, at] of steps) {
      if (command.type === "SUBMIT" && at.startsWith("2026-05")) await save(2);
      const result = await applyEvent(t.db, id, actor, command, { at: new Date(at) });
      expect(result, `${command.type} at ${at}`).toMatchObject({ ok: true });
      const row = (await findSubmission(t.db, id))!;
      const trail = (await auditTrail(t.db, id)).filter((e) => e.to_state !== null).map((e) => ({ at: e.at, state: e.to_state! }));
      // As the runtime always computed it: from the whole trail, for the checkpoint of the state entered.
      const whole = clockFor(trail, new Date(at));
      if (row.state === "paused" && before.state === "paused") {
        expect(row.national_days_used, `${command.type} at ${at}, still paused`).toBe(before.national_days_used);
      } else if (row.state === "paused") {
        // Stopped where it stood: the figure the row showed as it was paused, and the trail's to a tenth.
        const shown = liveClock(
          { whoseTurn: before.whose_turn, nationalDaysUsed: before.national_days_used, stateEnteredAt: before.state_entered_at },
          new Date(at),
        ).nationalDaysUsed;
        expect(row.national_days_used, `${command.type} at ${at}`).toBe(shown);
        expect(shown).toBeGreaterThan(0);
        expect(Math.abs(shown - whole.checkpoint!.nationalWorkingDaysUsed)).toBeLessThanOrEqual(0.1);
      } else {
        expect(row.national_days_used, `${command.type} at ${at} (${row.state})`).toBe(
          checkpointOf(row.state) && whole.checkpoint ? whole.checkpoint.nationalWorkingDaysUsed : 0,
        );
      }
      before = row;
    }
    const row = (await findSubmission(t.db, id))!;
    expect(row).toMatchObject({ state: "checkpoint2.in_review", checkpoint: 2 });
    expect(row.national_days_used).toBeGreaterThan(0);
  });

  it("gives a submission paused before the pause kept its figure the figure from its trail (migration)", async () => {
    const inReview = await newSubmission("Paused in review", new Date("2026-06-01T09:00:00.000Z"));
    const answers = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", checkpoint: 1 });
    for (const section of SECTION_SLUGS) {
      const data = (answers as Record<string, unknown>)[section];
      if (data !== undefined)
        await saveSection(t.db, { submissionId: inReview, section, data, updatedBy: lead.id, at: "2026-06-01T09:00:00.000Z" });
    }
    const steps: [NamedActor, Parameters<typeof applyEvent>[3], string][] = [
      [lead, { type: "SUBMIT", declaration: true }, "2026-06-01T10:00:00.000Z"],
      [admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id }, "2026-06-03T10:00:00.000Z"],
      [admin, { type: "PAUSE", reason: "Intervention" }, "2026-06-10T15:30:00.000Z"],
    ];
    for (const [actor, command, at] of steps)
      expect(await applyEvent(t.db, inReview, actor, command, { at: new Date(at) })).toMatchObject({ ok: true });
    const inDraft = await newSubmission("Paused as a draft", new Date("2026-06-01T09:00:00.000Z"));
    expect(
      await applyEvent(t.db, inDraft, admin, { type: "PAUSE", reason: "Held" }, { at: new Date("2026-06-02T09:00:00.000Z") }),
    ).toMatchObject({
      ok: true,
    });
    const kept = (await findSubmission(t.db, inReview))!.national_days_used;
    // Monday 1 June 10:00 to Wednesday 10 June 15:30: 7 working days and 5.5 hours.
    expect(kept).toBe(7.2);
    // As a row paused before this release was stored.
    await t.db.updateTable("submission").set({ national_days_used: 0 }).where("id", "in", [inReview, inDraft]).execute();
    await pausedClockFigure.up(t.db);
    expect((await findSubmission(t.db, inReview))!.national_days_used).toBe(kept);
    expect((await findSubmission(t.db, inDraft))!.national_days_used).toBe(0);
  });
});

describe.each(databaseKinds.filter((k) => k.engine === "postgres"))("round trips of a workflow event on $engine", (kind) => {
  let t: TestDatabase;
  let lead: NamedActor, admin: NamedActor;

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    [lead, admin] = (await Promise.all(["lead.kent", "admin"].map((who) => actorByEmail(t.db, `${who}@example.nhs.uk`)))) as [
      NamedActor,
      NamedActor,
    ];
  });
  afterAll(async () => t?.destroy());

  it("sends a PAUSE or RESUME as two prepared statements: the read, and one that writes all of it", async () => {
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000032", title: "Kent MCP", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    // Every statement sent to the server, BEGIN and COMMIT included, is one pg Query submitted.
    const sent = vi.spyOn(pg.Query.prototype, "submit");
    try {
      expect(await applyEvent(t.db, started.id, admin, { type: "PAUSE", reason: "Count" })).toMatchObject({ ok: true });
      expect(sent).toHaveBeenCalledTimes(2);
      // Both as named (prepared) statements: parsed and planned once per connection, not per event.
      expect(sent.mock.contexts.map((query) => typeof (query as { name?: string }).name)).toEqual(["string", "string"]);
      sent.mockClear();
      expect(await applyEvent(t.db, started.id, admin, { type: "RESUME", reason: "Count" })).toMatchObject({ ok: true });
      expect(sent).toHaveBeenCalledTimes(2);
    } finally {
      sent.mockRestore();
    }
    expect((await listOutbox(t.db)).map((m) => m.subject).sort()).toEqual([
      "NCM Assure: Paused: Kent MCP",
      "NCM Assure: Resumed: Kent MCP",
    ]);
  });

  it("reads the checkpoint's state entries as a third, for an event into a checkpoint's state", async () => {
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000032", title: "Kent PACS", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    const answers = exampleSubmission({
      modelType: "MCP",
      footprintName: "Kent and Medway",
      footprintCode: "E54000032",
      seed: 4,
    }) as Record<string, unknown>;
    for (const section of SECTION_SLUGS) {
      if (answers[section] !== undefined)
        await saveSection(t.db, {
          submissionId: started.id,
          section,
          data: answers[section],
          updatedBy: lead.id,
          at: new Date().toISOString(),
        });
    }
    expect(await applyEvent(t.db, started.id, lead, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });
    const sent = vi.spyOn(pg.Query.prototype, "submit");
    try {
      expect(await applyEvent(t.db, started.id, admin, { type: "PAUSE", reason: "Count" })).toMatchObject({ ok: true, state: "paused" });
      expect(sent).toHaveBeenCalledTimes(2);
      sent.mockClear();
      expect(await applyEvent(t.db, started.id, admin, { type: "RESUME", reason: "Count" })).toMatchObject({
        ok: true,
        state: "checkpoint1.awaiting_assignment",
      });
      expect(sent).toHaveBeenCalledTimes(3);
    } finally {
      sent.mockRestore();
    }
  });
});
