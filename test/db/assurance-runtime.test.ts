import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AssuranceSnapshot, stateKey } from "../../workflows/assurance.machine.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { actorFrom, applyEvent, CHANGED_BY_SOMEONE_ELSE, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { auditTrail, verifyAuditChains } from "../../db/audit.ts";
import { createDb, type Db } from "../../db/client.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findSubmission, listVersions, readSections, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

async function actorByEmail(db: Db, email: string): Promise<NamedActor> {
  const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(db, row.id))!);
}

async function saveExample(db: Db, submissionId: string, actor: NamedActor, checkpoint: 1 | 2 | 3, seed = 1) {
  const content = exampleSubmission({
    modelType: "MCP",
    footprintName: "Greater Manchester",
    footprintCode: "E54000007",
    checkpoint,
    seed,
  }) as Record<string, unknown>;
  for (const section of SECTION_SLUGS) {
    if (content[section] !== undefined) {
      await saveSection(db, { submissionId, section, data: content[section], updatedBy: actor.id, at: new Date().toISOString() });
    }
  }
}

describe.each(databaseKinds)("the workflow runtime on $engine", (kind) => {
  let t: TestDatabase;
  let lead: NamedActor, otherLead: NamedActor, one: NamedActor, two: NamedActor, three: NamedActor, admin: NamedActor;

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    const actors = await Promise.all(
      [
        "lead.manchester@example.nhs.uk",
        "lead.kent@example.nhs.uk",
        "reviewer.one@example.nhs.uk",
        "reviewer.two@example.nhs.uk",
        "reviewer.three@example.nhs.uk",
        "admin@example.nhs.uk",
      ].map((email) => actorByEmail(t.db, email)),
    );
    [lead, otherLead, one, two, three, admin] = actors as [NamedActor, NamedActor, NamedActor, NamedActor, NamedActor, NamedActor];
  });
  afterAll(async () => t?.destroy());

  async function newSubmission() {
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000007", title: "Salford MCP", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    return started.id;
  }

  it("starts a draft for the lead's own footprint only, with a first audit entry", async () => {
    const refused = await startSubmission(t.db, otherLead, { footprintCode: "E54000007", title: "x", modelType: "MCP" });
    expect(refused).toEqual({ ok: false, reason: "Only a system lead of this footprint can start a submission for it." });
    const id = await newSubmission();
    const row = await findSubmission(t.db, id);
    expect(row).toMatchObject({ state: "draft", checkpoint: 0, version: 1, whose_turn: "local", criteria_set: "2017-19" });
    expect((await auditTrail(t.db, id)).map((e) => [e.seq, e.action, e.to_state])).toEqual([[1, "CREATE", "draft"]]);
  });

  it("refuses to submit while blocking criteria fail, and writes nothing", async () => {
    const id = await newSubmission();
    await saveSection(t.db, {
      submissionId: id,
      section: "about",
      data: { title: "Half done" },
      updatedBy: lead.id,
      at: new Date().toISOString(),
    });
    // Saved exactly as typed, wrong types included: the runtime must judge it, not crash on it.
    await saveSection(t.db, {
      submissionId: id,
      section: "population",
      data: { registeredPopulation: "lots", practices: "none" },
      updatedBy: lead.id,
      at: new Date().toISOString(),
    });
    const result = await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(result.ok ? "" : result.reason).toMatch(/^\d+ blocking checks? (is|are) still failing/);
    expect(await findSubmission(t.db, id)).toMatchObject({ state: "draft", version: 1 });
    expect(await auditTrail(t.db, id)).toHaveLength(1);
    expect(await listVersions(t.db, id)).toEqual([]);
  });

  it("takes a submission through checkpoint 1 with four eyes, freezing a version and chaining the audit log", async () => {
    const id = await newSubmission();
    await saveExample(t.db, id, lead, 1);

    const submitted = await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    expect(submitted).toMatchObject({ ok: true, state: "checkpoint1.awaiting_assignment", version: 2, versionNumber: 1 });
    const [version] = await listVersions(t.db, id);
    expect(version).toMatchObject({ number: 1, checkpoint: 1, criteria_set: "2017-19", submitted_by: lead.id });

    // Someone who may not see the submission gets "not found", not a hint that it exists.
    expect(await applyEvent(t.db, id, otherLead, { type: "WITHDRAW", reason: "x" })).toMatchObject({ ok: false, kind: "not_found" });

    const conflicted = await applyEvent(t.db, id, admin, { type: "ASSIGN", leadReviewerId: three.id, secondReviewerId: two.id });
    expect(conflicted).toEqual({
      ok: false,
      kind: "refused",
      reason: "Riley Reviewer has declared a conflict with this footprint, so cannot be the lead reviewer.",
    });
    const author = await applyEvent(t.db, id, admin, { type: "ASSIGN", leadReviewerId: lead.id, secondReviewerId: two.id });
    expect(author).toMatchObject({ ok: false, kind: "refused" });

    expect(await applyEvent(t.db, id, admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id })).toMatchObject({
      ok: true,
      state: "checkpoint1.in_review",
    });
    const proposal = {
      type: "PROPOSE_DECISION" as const,
      decision: "proceed_with_conditions" as const,
      confidence: "amber" as const,
      rationale: "Credible, but the acute risk share is not yet agreed.",
      conditions: [{ id: "c1", text: "Agree the acute risk share", fieldPath: "finance.riskGainShare.description" }],
    };
    expect(await applyEvent(t.db, id, two, proposal)).toMatchObject({
      ok: false,
      reason: "Only the lead reviewer assigned to this checkpoint can propose its decision.",
    });
    expect(await applyEvent(t.db, id, one, proposal)).toMatchObject({ ok: true, state: "checkpoint1.awaiting_countersign" });
    expect(await applyEvent(t.db, id, one, { type: "COUNTERSIGN", agree: true })).toEqual({
      ok: false,
      kind: "refused",
      reason: "You proposed this decision, so another reviewer must countersign it.",
    });
    const signed = await applyEvent(t.db, id, two, { type: "COUNTERSIGN", agree: true });
    expect(signed).toMatchObject({ ok: true, state: "procurement" });

    const row = await findSubmission(t.db, id);
    expect(row).toMatchObject({ state: "procurement", checkpoint: 1, whose_turn: "local", version: 5 });
    const snapshot = row!.workflow_snapshot;
    expect(snapshot.context.conditions).toMatchObject([{ id: "c1", status: "open" }]);

    const trail = await auditTrail(t.db, id);
    expect(trail.map((e) => [e.seq, e.action, e.actor_id, e.from_state, e.to_state])).toEqual([
      [1, "CREATE", lead.id, null, "draft"],
      [2, "SUBMIT", lead.id, "draft", "checkpoint1.awaiting_assignment"],
      [3, "ASSIGN", admin.id, "checkpoint1.awaiting_assignment", "checkpoint1.in_review"],
      [4, "PROPOSE_DECISION", one.id, "checkpoint1.in_review", "checkpoint1.awaiting_countersign"],
      [5, "COUNTERSIGN", two.id, "checkpoint1.awaiting_countersign", "procurement"],
    ]);
    for (let i = 1; i < trail.length; i++) expect(trail[i]!.prev_hash).toBe(trail[i - 1]!.hash);
    expect(signed.ok && signed.auditHash).toBe(trail.at(-1)!.hash);
    expect(await verifyAuditChains(t.db, { chain: id })).toEqual({ intact: true, chains: 1, entries: 5 });

    // A condition event changes no state: the trail records it without a to_state.
    await applyEvent(t.db, id, lead, { type: "SUBMIT_CONDITION_EVIDENCE", conditionId: "c1", evidence: "Signed agreement" });
    expect((await auditTrail(t.db, id)).at(-1)).toMatchObject({
      action: "SUBMIT_CONDITION_EVIDENCE",
      from_state: "procurement",
      to_state: null,
    });
  });

  it("the frozen version keeps what was submitted after the draft changes", async () => {
    const id = await newSubmission();
    await saveExample(t.db, id, lead, 1);
    await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    const before = (await readSections(t.db, id)).about;
    await saveSection(t.db, {
      submissionId: id,
      section: "about",
      data: { ...(before as object), title: "Renamed" },
      updatedBy: lead.id,
      at: new Date().toISOString(),
    });
    const frozen = await t.db.selectFrom("submission_version").select("content").where("submission_id", "=", id).executeTakeFirstOrThrow();
    expect(JSON.parse(frozen.content).about).toEqual(before);
  });

  it("tells a person working from an old page that someone else changed it", async () => {
    const id = await newSubmission();
    const result = await applyEvent(t.db, id, admin, { type: "PAUSE", reason: "Intervention" }, { expectedVersion: 0 });
    expect(result).toEqual({ ok: false, kind: "conflict", reason: CHANGED_BY_SOMEONE_ELSE });
    expect(await findSubmission(t.db, id)).toMatchObject({ state: "draft", version: 1 });
  });

  it("applies exactly one of many conflicting events sent at once, from two app instances", async () => {
    const id = await newSubmission();
    await saveExample(t.db, id, lead, 1);
    await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    await applyEvent(t.db, id, admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id });
    await applyEvent(t.db, id, one, { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "Sound" });

    // Two connection pools, as two app instances would have. better-sqlite3 is synchronous, so two
    // handles on one file inside one process would block each other's event loop; on SQLite the
    // race is between interleaved transactions on one handle (separate processes are proved by
    // the reliability suite).
    const second = kind.engine === "postgres" ? createDb(t.url) : t.db;
    try {
      const instances = [t.db, second];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 === 0
            ? applyEvent(instances[i % 2]!, id, two, { type: "COUNTERSIGN", agree: true })
            : applyEvent(instances[i % 2]!, id, two, { type: "COUNTERSIGN", agree: false, reason: "Not yet" }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const r of results.filter((r) => !r.ok)) expect(["conflict", "refused"]).toContain(!r.ok && r.kind);
      const trail = await auditTrail(t.db, id);
      expect(trail.filter((e) => e.action === "COUNTERSIGN")).toHaveLength(1);
      expect(await verifyAuditChains(t.db, { chain: id })).toMatchObject({ intact: true });
      const row = await findSubmission(t.db, id);
      expect(row!.version).toBe(5);
    } finally {
      if (second !== t.db) await second.destroy();
    }
  });

  it("pauses and resumes where it was; the state column follows the machine", async () => {
    const id = await newSubmission();
    await saveExample(t.db, id, lead, 1);
    await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    expect(await applyEvent(t.db, id, admin, { type: "PAUSE", reason: "National intervention" })).toMatchObject({
      ok: true,
      state: "paused",
    });
    expect(await findSubmission(t.db, id)).toMatchObject({ whose_turn: "paused" });
    expect(await applyEvent(t.db, id, admin, { type: "RESUME", reason: "Released" })).toMatchObject({
      ok: true,
      state: "checkpoint1.awaiting_assignment",
    });
  });

  it("refuses updates and deletes of audit entries in the database itself", async () => {
    const id = await newSubmission();
    await expect(t.db.updateTable("audit_event").set({ action: "FORGED" }).where("chain", "=", id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.deleteFrom("audit_event").where("chain", "=", id).execute()).rejects.toThrow(/append-only/);
  });

  it("verification finds the first broken link when an entry is tampered with or removed", async () => {
    const id = await newSubmission();
    await saveExample(t.db, id, lead, 1);
    await applyEvent(t.db, id, lead, { type: "SUBMIT", declaration: true });
    await applyEvent(t.db, id, admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id });
    const trail = await auditTrail(t.db, id);
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });

    // Someone with direct database access switches the guard off and edits history.
    const unguard =
      kind.engine === "postgres"
        ? sql`alter table audit_event disable trigger audit_event_no_update`
        : sql`drop trigger audit_event_no_update`;
    await unguard.execute(t.db);
    await t.db
      .updateTable("audit_event")
      .set({ payload: JSON.stringify({ declaration: false }) })
      .where("id", "=", trail[1]!.id)
      .execute();
    const verdict = await verifyAuditChains(t.db);
    expect(verdict).toMatchObject({
      intact: false,
      firstBroken: { chain: id, seq: 2, id: trail[1]!.id, problem: "its content does not match its hash (it was changed)" },
    });

    const unguardDelete = kind.engine === "postgres" ? sql`select 1` : sql`drop trigger audit_event_no_delete`;
    await unguardDelete.execute(t.db);
    await t.db
      .updateTable("audit_event")
      .set({ payload: JSON.stringify(trail[1]!.payload) })
      .where("id", "=", trail[1]!.id)
      .execute();
    expect(await verifyAuditChains(t.db, { chain: id })).toMatchObject({ intact: true });
    await t.db.deleteFrom("audit_event").where("id", "=", trail[1]!.id).execute();
    expect(await verifyAuditChains(t.db, { chain: id })).toMatchObject({
      intact: false,
      firstBroken: { seq: 3, problem: "entry 2 is missing (found 3 next)" },
    });
  });

  it("records the state of the machine as a plain, queryable column", async () => {
    const rows = await t.db.selectFrom("submission").select(["state", "workflow_snapshot"]).execute();
    for (const row of rows) expect(stateKey((JSON.parse(row.workflow_snapshot) as AssuranceSnapshot).value)).toBe(row.state);
  });
});
