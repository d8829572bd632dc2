import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { appendAuditEvent, auditTrail, verifyAuditChains } from "../../db/audit.ts";
import type { Db } from "../../db/client.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { CorruptStoredValueError } from "../../db/stored.ts";
import { findSubmission, findVersion, readSections, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

async function actorByEmail(db: Db, email: string): Promise<NamedActor> {
  const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(db, row.id))!);
}

describe.each(databaseKinds)("stored JSON read back through its schema on $engine", (kind) => {
  let t: TestDatabase;
  let lead: NamedActor;
  let admin: NamedActor;

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    lead = await actorByEmail(t.db, "lead.manchester@example.nhs.uk");
    admin = await actorByEmail(t.db, "admin@example.nhs.uk");
  });
  afterAll(async () => t?.destroy());

  async function newSubmission() {
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000007", title: "Salford MCP", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    return started.id;
  }

  async function storeSnapshot(id: string, json: string) {
    await t.db.updateTable("submission").set({ workflow_snapshot: json }).where("id", "=", id).execute();
  }

  it("reads a snapshot back with XState's own bookkeeping, so a paused submission resumes where it was", async () => {
    const id = await newSubmission();
    expect(await applyEvent(t.db, id, admin, { type: "PAUSE", reason: "Intervention" })).toMatchObject({ ok: true, state: "paused" });
    const raw = await t.db.selectFrom("submission").select("workflow_snapshot").where("id", "=", id).executeTakeFirstOrThrow();
    const { workflow_snapshot: snapshot } = (await findSubmission(t.db, id))!;
    expect(snapshot).toMatchObject(JSON.parse(raw.workflow_snapshot));
    expect(await applyEvent(t.db, id, admin, { type: "RESUME", reason: "Resolved" })).toMatchObject({ ok: true, state: "draft" });
  });

  it("refuses a snapshot whose context does not fit, naming the table, column and row", async () => {
    const id = await newSubmission();
    const { workflow_snapshot: snapshot } = (await findSubmission(t.db, id))!;
    await storeSnapshot(id, JSON.stringify({ ...snapshot, context: { ...snapshot.context, checkpoint: 7 } }));
    const refused = findSubmission(t.db, id);
    await expect(refused).rejects.toThrow(CorruptStoredValueError);
    await expect(refused).rejects.toThrow(`Stored submission.workflow_snapshot of row ${id} is corrupt`);
    // Every workflow event reads it first: a corrupt one stops the event instead of steering the machine.
    await expect(applyEvent(t.db, id, admin, { type: "PAUSE", reason: "Intervention" })).rejects.toThrow(/checkpoint/);
  });

  it("refuses a snapshot that is not JSON", async () => {
    const id = await newSubmission();
    await storeSnapshot(id, "{truncated");
    await expect(findSubmission(t.db, id)).rejects.toThrow(`Stored submission.workflow_snapshot of row ${id} is corrupt: it is not JSON`);
  });

  it("refuses a frozen evaluation that does not fit, naming the version", async () => {
    const id = await newSubmission();
    const versionId = crypto.randomUUID();
    await t.db
      .insertInto("submission_version")
      .values({
        id: versionId,
        submission_id: id,
        number: 1,
        checkpoint: 1,
        criteria_set: "2017-19",
        content: "{}",
        evaluation: JSON.stringify({ criteriaSetId: "2017-19", checkpoint: 1, results: "all passed" }),
        submitted_by: lead.id,
        submitted_at: new Date().toISOString(),
      })
      .execute();
    await expect(findVersion(t.db, id, 1)).rejects.toThrow(`Stored submission_version.evaluation of row ${versionId} is corrupt`);
  });

  it("shows an audit payload that is not an object as unreadable, naming the entry, and the chain check fails", async () => {
    const id = await newSubmission();
    const entry = await t.db.transaction().execute(async (trx) => {
      const written = await appendAuditEvent(trx, {
        chain: id,
        submissionId: id,
        actorId: null,
        action: "NOTE",
        fromState: null,
        toState: null,
        payload: {},
        at: new Date().toISOString(),
      });
      return written;
    });
    // Append-only: the corrupt entry is a new row written behind the service's back.
    await t.db
      .insertInto("audit_event")
      .values({ ...entry, id: crypto.randomUUID(), seq: entry.seq + 1, payload: "[1,2]", prev_hash: entry.hash })
      .execute();
    // The log is where someone goes to find out what happened: it still reads, saying which entry is unreadable.
    const trail = await auditTrail(t.db, id);
    expect(trail.at(-1)!.payload.unreadable).toMatch(/Stored audit_event\.payload of row .* is corrupt/);
    expect((await verifyAuditChains(t.db, { chain: id })).intact).toBe(false);
  });

  it("keeps a draft section's answers as typed, but refuses one that is not an object", async () => {
    const id = await newSubmission();
    const at = new Date().toISOString();
    await saveSection(t.db, { submissionId: id, section: "about", data: { title: 42, unheardOf: "kept" }, updatedBy: lead.id, at });
    expect((await readSections(t.db, id)).about).toEqual({ title: 42, unheardOf: "kept" });
    await saveSection(t.db, { submissionId: id, section: "finance", data: "just text", updatedBy: lead.id, at });
    await expect(readSections(t.db, id)).rejects.toThrow(`Stored submission_section.data of row ${id}/finance is corrupt`);
  });
});
