import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { actorFrom, applyEvent, type NamedActor, startSubmission } from "../../app/.server/assurance.ts";
import { auditTrail, verifyAuditChains } from "../../db/audit.ts";
import type { Db } from "../../db/client.ts";
import { listNotifications } from "../../db/notifications.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile, markUserDeactivated } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

async function actorByEmail(db: Db, email: string): Promise<NamedActor> {
  const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(db, row.id))!);
}

/**
 * Changing a checkpoint's reviewers part-way (issue 16): one audited event per submission, the
 * checkpoint's one assignment replaced, everyone it changes something for told, the national clock
 * untouched, and a decision proposed by a lead who leaves withdrawn.
 */
describe.each(databaseKinds)("reassigning a review on $engine", (kind) => {
  let t: TestDatabase;
  let lead: NamedActor, one: NamedActor, two: NamedActor, four: NamedActor, admin: NamedActor;

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    [lead, one, two, four, admin] = (await Promise.all(
      [
        "lead.manchester@example.nhs.uk",
        "reviewer.one@example.nhs.uk",
        "reviewer.two@example.nhs.uk",
        "reviewer.four@example.nhs.uk",
        "admin@example.nhs.uk",
      ].map((email) => actorByEmail(t.db, email)),
    )) as [NamedActor, NamedActor, NamedActor, NamedActor, NamedActor];
  });
  afterAll(async () => t?.destroy());

  async function inReview(at: Date) {
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000007", title: "Salford MCP", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: "Greater Manchester",
      footprintCode: "E54000007",
      checkpoint: 1,
      seed: 3,
    }) as Record<string, unknown>;
    for (const section of SECTION_SLUGS) {
      if (content[section] !== undefined) {
        await saveSection(t.db, { submissionId: started.id, section, data: content[section], updatedBy: lead.id, at: at.toISOString() });
      }
    }
    expect(await applyEvent(t.db, started.id, lead, { type: "SUBMIT", declaration: true }, { at })).toMatchObject({ ok: true });
    expect(
      await applyEvent(t.db, started.id, admin, { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id }, { at }),
    ).toMatchObject({ ok: true, state: "checkpoint1.in_review" });
    return started.id;
  }

  const assignmentsOf = (id: string) =>
    t.db
      .selectFrom("review_assignment")
      .select(["checkpoint", "lead_reviewer_id", "second_reviewer_id", "assigned_by"])
      .where("submission_id", "=", id)
      .execute();

  it("withdraws the leaving lead's proposal, keeps one assignment row, notifies each person, and leaves the clock running as it was", async () => {
    const monday = new Date("2026-11-02T09:00:00Z");
    const id = await inReview(monday);
    expect(
      await applyEvent(
        t.db,
        id,
        one,
        { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "Credible and locally owned." },
        { at: new Date("2026-11-04T09:00:00Z") },
      ),
    ).toMatchObject({ ok: true, state: "checkpoint1.awaiting_countersign" });
    const before = await findSubmission(t.db, id);

    const at = new Date("2026-11-06T09:00:00Z");
    const result = await applyEvent(
      t.db,
      id,
      admin,
      { type: "REASSIGN", leadReviewerId: four.id, secondReviewerId: two.id, reason: "Rowan is on long-term leave" },
      { at, expectedVersion: before!.version },
    );
    expect(result).toMatchObject({ ok: true, state: "checkpoint1.in_review" });

    expect(await assignmentsOf(id)).toEqual([
      { checkpoint: 1, lead_reviewer_id: four.id, second_reviewer_id: two.id, assigned_by: admin.id },
    ]);
    const after = await findSubmission(t.db, id);
    // Four working days on the national side (Monday 09:00 to Friday 09:00), as before the change.
    expect(after).toMatchObject({ whose_turn: "national", national_days_used: 4 });
    expect(after!.workflow_snapshot.context.proposal).toBeNull();

    const last = (await auditTrail(t.db, id)).at(-1)!;
    expect(last).toMatchObject({ action: "REASSIGN", from_state: "checkpoint1.awaiting_countersign", to_state: "checkpoint1.in_review" });
    expect(last.payload).toMatchObject({
      reason: "Rowan is on long-term leave",
      replaced: { lead: one.id, second: two.id },
      proposalWithdrawn: { decision: "proceed", proposedBy: one.id },
    });
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });

    const latest = async (who: NamedActor) =>
      (await listNotifications(t.db, who.id)).find((n) => n.link.includes(id) || n.title.includes("Salford"));
    expect((await listNotifications(t.db, one.id))[0]).toMatchObject({
      kind: "unassigned",
      title: "No longer reviewing: Salford MCP",
    });
    expect((await listNotifications(t.db, one.id))[0]?.body).toContain("Rowan is on long-term leave");
    expect(await latest(four)).toMatchObject({ kind: "assigned", title: "Assigned as lead reviewer: Salford MCP" });
    expect((await latest(four))?.body).toContain("withdrawn");
    expect((await listNotifications(t.db, two.id))[0]).toMatchObject({ kind: "reviewers_changed" });
    expect((await listNotifications(t.db, two.id))[0]?.body).toContain("Quinn Reviewer is now the lead reviewer");

    // The new lead proposes, the second reviewer countersigns: the checkpoint passes as usual.
    expect(
      await applyEvent(t.db, id, one, { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "x" }),
    ).toMatchObject({ ok: false, reason: "Only the lead reviewer assigned to this checkpoint can propose its decision." });
    expect(
      await applyEvent(t.db, id, four, { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "Agreed." }),
    ).toMatchObject({ ok: true });
    expect(await applyEvent(t.db, id, two, { type: "COUNTERSIGN", agree: true })).toMatchObject({ ok: true, state: "procurement" });
  });

  it("refuses a deactivated reviewer, and the person's own account by any route", async () => {
    const id = await inReview(new Date());
    await t.db
      .transaction()
      .execute((trx) => markUserDeactivated(trx, { userId: four.id, by: admin.id, reason: "Left", at: new Date().toISOString() }));
    expect(
      await applyEvent(t.db, id, admin, { type: "REASSIGN", leadReviewerId: four.id, secondReviewerId: two.id, reason: "Cover" }),
    ).toEqual({ ok: false, kind: "refused", reason: "Quinn Reviewer's account is deactivated, so cannot be the lead reviewer." });
    expect(
      await applyEvent(t.db, id, two, { type: "REASSIGN", leadReviewerId: two.id, secondReviewerId: one.id, reason: "Swap" }),
    ).toMatchObject({ ok: false, reason: "Only a programme administrator can change a checkpoint's reviewers." });
    expect(await assignmentsOf(id)).toEqual([
      { checkpoint: 1, lead_reviewer_id: one.id, second_reviewer_id: two.id, assigned_by: admin.id },
    ]);
  });
});
