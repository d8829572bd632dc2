import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moveToCriteriaSet } from "../../app/.server/criteria-impact.ts";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { referenceForCriteria } from "../../app/.server/reference.ts";
import { draftChecksFor, readDraft, requireSubmission, saveSubmissionSection, targetCheckpoint } from "../../app/.server/submissions.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findSubmission, type Submission } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import { hasTag } from "../../workflows/states.ts";
import { type EvaluationSummary, evaluate, summarise } from "../../workflows/evaluate.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const NOW = new Date("2026-11-24T12:00:00Z");

// The task list shows the checks stored at the last save (submission.draft_checks) while they were
// judged for the submission's set and checkpoint; these tests hold the stored figures to the draft
// judged afresh, the way the task list judged it on every request before.
describe.each(databaseKinds)("stored draft checks on $engine", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    await seedDemoSubmissions(t.db, NOW);
  }, 120_000);
  afterAll(async () => t?.destroy());

  async function fresh(submission: Submission): Promise<EvaluationSummary> {
    const { content } = await readDraft(t.db, submission.id);
    return summarise(
      evaluate(content, await pinnedCriteriaSet(t.db, submission.criteria_set), {
        checkpoint: targetCheckpoint(submission.workflow_snapshot, submission.state),
        reference: await referenceForCriteria(t.db),
      }),
    );
  }

  async function all(): Promise<Submission[]> {
    const ids = await t.db.selectFrom("submission").select("id").orderBy("id").execute();
    return Promise.all(ids.map(async ({ id }) => (await findSubmission(t.db, id))!));
  }

  /** Every submission whose stored checks are for its set and checkpoint now: those the task list reads. */
  async function storedAndCurrent() {
    return (await all()).filter(
      (s) =>
        s.draft_checks !== null &&
        s.draft_checks.criteriaSetId === s.criteria_set &&
        s.draft_checks.checkpoint === targetCheckpoint(s.workflow_snapshot, s.state),
    );
  }

  it("are written by every save and equal the draft judged afresh", async () => {
    const current = await storedAndCurrent();
    // The demo drafts are saved section by section through the real save path.
    expect(current.length).toBeGreaterThanOrEqual(10);
    for (const s of current) expect(s.draft_checks, s.title).toEqual(await fresh(s));
    // The pipeline's counts come from the same judgement while a saved draft is being prepared (once
    // submitted, they are the submitted version's, judged for the checkpoint it went to).
    const saved = new Set(
      (await t.db.selectFrom("submission_section").select("submission_id").distinct().execute()).map((r) => r.submission_id),
    );
    const preparing = current.filter((s) => (hasTag(s.state, "draft") || hasTag(s.state, "returned")) && saved.has(s.id));
    expect(preparing.length).toBeGreaterThanOrEqual(5);
    for (const s of preparing)
      expect([s.failing_blocking, s.failing_warnings], s.title).toEqual([s.draft_checks!.blocking, s.draft_checks!.warnings]);
  });

  it("are judged again by the event that moves the checkpoint they are for, so every submission's are current", async () => {
    // The demo submissions were submitted, returned, passed and closed by the real runtime: each
    // one's stored checks are for the checkpoint it is judged for now, and so no task list view
    // judges a draft.
    const every = await all();
    expect((await storedAndCurrent()).map((s) => s.title)).toEqual(every.map((s) => s.title));
    expect(every.filter((s) => s.whose_turn === "national").length).toBeGreaterThanOrEqual(5);
  });

  it("are written in the same transaction as a lead's section save", async () => {
    const draft = (await all()).find((s) => s.state === "draft" && s.draft_checks?.sections.population === "ready")!;
    const leadId = (
      await t.db
        .selectFrom("footprint_member")
        .select("user_id")
        .where("footprint_code", "=", draft.footprint_code)
        .executeTakeFirstOrThrow()
    ).user_id;
    const loaded = await requireSubmission(t.db, (await findUserProfile(t.db, leadId))!, draft.id);
    const { content } = await readDraft(t.db, draft.id);
    // Emptying the population section makes its checks fail, whatever they were.
    const saved = await saveSubmissionSection(t.db, loaded, "population", {}, { at: NOW });
    expect(saved.ok).toBe(true);
    const after = (await findSubmission(t.db, draft.id))!;
    expect(after.draft_checks).toEqual(await fresh(after));
    expect(after.draft_checks!.sections.population).not.toBe("ready");
    expect(await saveSubmissionSection(t.db, loaded, "population", content.population, { at: NOW })).toMatchObject({ ok: true });
    const restored = (await findSubmission(t.db, draft.id))!;
    expect(restored.draft_checks).toEqual(await fresh(restored));
  });

  it("are what the task list shows, and are judged afresh when stamped for another set or checkpoint", async () => {
    const [s] = await storedAndCurrent();
    const notRead = () => Promise.reject(new Error("the draft was read although its checks are stored"));
    expect(await draftChecksFor(t.db, { submission: s!, snapshot: s!.workflow_snapshot }, notRead)).toEqual(s!.draft_checks);

    const content = async () => (await readDraft(t.db, s!.id)).content;
    const otherCheckpoint = {
      ...s!.draft_checks!,
      checkpoint: s!.draft_checks!.checkpoint === 3 ? 1 : 3,
      blocking: 99,
    } as EvaluationSummary;
    const otherSet = {
      ...s!.draft_checks!,
      criteriaSetId: s!.criteria_set === "2016-17" ? "2017-19" : "2016-17",
      blocking: 99,
    } as EvaluationSummary;
    for (const stale of [otherCheckpoint, otherSet, null]) {
      const shown = await draftChecksFor(t.db, { submission: { ...s!, draft_checks: stale }, snapshot: s!.workflow_snapshot }, content);
      expect(shown).toEqual(await fresh(s!));
    }
  });

  it("are judged again for the new set when an administrator moves submissions to it", async () => {
    const adminId = (await t.db.selectFrom("user").select("id").where("email", "=", "admin@example.nhs.uk").executeTakeFirstOrThrow()).id;
    const admin = (await findUserProfile(t.db, adminId))!;
    const live = (await all()).filter((s) => s.whose_turn !== "closed" && s.criteria_set === "2017-19");
    expect(live.length).toBeGreaterThan(0);
    const { moved } = await moveToCriteriaSet(
      t.db,
      admin,
      { scope: "chosen", submission: live.map((s) => s.id), reason: "Trial of the 2016-17 rules", target: "2016-17", simulationId: null },
      NOW,
    );
    expect(moved).toBe(live.length);
    for (const { id } of live) {
      const after = (await findSubmission(t.db, id))!;
      expect(after.draft_checks?.criteriaSetId).toBe("2016-17");
      expect(after.draft_checks, after.title).toEqual(await fresh(after));
    }
  });
});
