import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDraftSet,
  criteriaSetForAuthoring,
  criterionForEditing,
  moveCriterion,
  publishCriteriaSet,
  retireCriterion,
  saveCriterionFromForm,
} from "../../app/.server/criteria-authoring.ts";
import { loadSimulation, moveToCriteriaSet, runSimulationToEnd, startImpactSimulation } from "../../app/.server/criteria-impact.ts";
import type { Jobs } from "../../app/.server/jobs.ts";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { parseWithZod } from "@conform-to/zod/v4";
import { CriterionSchema, withoutTableForJudgement } from "../../app/forms/criterion.ts";
import { ADMIN_CHAIN, verifyAuditChains } from "../../db/audit.ts";
import { contentHash, loadCriteriaSets, publishDraftSet, readCriteriaSetRows, saveDraftRows } from "../../db/criteria-sets.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findUserProfile, type UserProfile } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { readSections } from "../../db/submissions.ts";
import { parseSubmissionContent } from "../../workflows/submission.ts";

const NOW = new Date("2026-12-03T09:00:00Z");
const queue: Pick<Jobs, "send"> = { send: async () => null };

/** The criterion's form as its page starts, changed by `edit`, then read as the action reads it. */
async function formOf(t: TestDatabase, setId: string, criterionId: string, edit: (values: Record<string, any>) => void) {
  const found = await criterionForEditing(t.db, setId, criterionId);
  if (!found) throw new Error(`no ${criterionId}`);
  const values = structuredClone(found.formValues) as Record<string, any>;
  edit(values);
  return { input: CriterionSchema.parse(values), version: found.version };
}

describe.each(databaseKinds)("writing and publishing a criteria set on $engine", (kind) => {
  let t: TestDatabase;
  let admin: UserProfile;
  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    await seedDemoSubmissions(t.db, NOW);
    const row = await t.db.selectFrom("user").select("id").where("email", "=", "admin@example.nhs.uk").executeTakeFirstOrThrow();
    admin = (await findUserProfile(t.db, row.id))!;
  }, 120_000);
  afterAll(async () => t?.destroy());

  it("copies a published set with its examples into a draft that judges nobody", async () => {
    const created = await createDraftSet(t.db, admin, {
      basedOn: "2017-19",
      id: "2018-19",
      title: "New care models assurance criteria 2018-19",
      publishedOn: "2018-04-01",
    });
    expect(created).toEqual({ ok: true });
    const draft = (await readCriteriaSetRows(t.db, "2018-19"))!;
    const base = (await readCriteriaSetRows(t.db, "2017-19"))!;
    expect(draft.status).toBe("draft");
    expect(draft.rows.map((r) => r.id)).toEqual(base.rows.map((r) => r.id));
    const ncm05 = draft.rows.find((r) => r.id === "NCM-05");
    expect(ncm05?.kind === "automatic" && ncm05.examples?.length).toBeGreaterThanOrEqual(2);
    expect(draft.contentHash).toBe(contentHash(draft.rows));
    // Drafts never judge: the published sets are unchanged, and 2017-19 is still the latest.
    const sets = await loadCriteriaSets(t.db);
    expect(sets.byId.has("2018-19")).toBe(false);
    expect(sets.latest.id).toBe("2017-19");
    expect(
      await createDraftSet(t.db, admin, { basedOn: "2017-19", id: "2018-19", title: "Again", publishedOn: "2018-04-01" }),
    ).toMatchObject({
      ok: false,
      field: "id",
    });
    // A shipped set shows the examples kept beside it, all right.
    const shipped = (await criteriaSetForAuthoring(t.db, "2017-19"))!;
    expect(shipped.criteria.find((c) => c.id === "NCM-05")).toMatchObject({ examples: 3, wrongExamples: 0 });
    // The copy is checked: every example of 2017-19 still gives its outcome.
    expect((await criteriaSetForAuthoring(t.db, "2018-19"))!.problems).toEqual([]);
  });

  it("copies an example from a live submission, anonymised: names replaced, figures kept", async () => {
    const live = await t.db
      .selectFrom("submission")
      .select("id")
      .where("whose_turn", "<>", "closed")
      .where("model_type", "=", "MCP")
      .orderBy("id")
      .execute();
    let from: { id: string; practices: { name?: string; listSize?: number }[] } | undefined;
    for (const s of live) {
      const { content } = parseSubmissionContent(await readSections(t.db, s.id));
      if ((content.population?.practices?.length ?? 0) > 1) {
        from = { id: s.id, practices: content.population!.practices! };
        break;
      }
    }
    if (!from) throw new Error("the demo has no live MCP with practices");
    const { input, version } = await formOf(t, "2018-19", "NCM-02", () => {});
    const before = input.examples.length;
    const refused = await saveCriterionFromForm(t.db, admin, {
      setId: "2018-19",
      criterionId: "NCM-02",
      version,
      input,
      copyFrom: "no-such-submission",
    });
    expect(refused).toMatchObject({ ok: false, copyError: expect.stringMatching(/reference of a submission/) });
    const copied = await saveCriterionFromForm(t.db, admin, {
      setId: "2018-19",
      criterionId: "NCM-02",
      version,
      input,
      copyFrom: `https://assure.example/reviews/${from.id}`,
    });
    expect(copied).toMatchObject({ ok: true, copied: expect.stringMatching(/anonymised/) });
    const row = (await readCriteriaSetRows(t.db, "2018-19"))!.rows.find((r) => r.id === "NCM-02");
    if (row?.kind !== "automatic") throw new Error("NCM-02 is automatic");
    expect(row.examples).toHaveLength(before + 1);
    const example = row.examples!.at(-1)!;
    const text = JSON.stringify(example.answers);
    from.practices.forEach((practice, i) => {
      if (practice.name) expect(text).not.toContain(JSON.stringify(practice.name));
      expect(example.answers[`population.practices[${i}].name`]).toBe(`Practice ${i + 1}`);
      expect(example.answers[`population.practices[${i}].listSize`]).toBe(practice.listSize);
    });
    // It expects what it gets now, so the draft stays publishable.
    expect((await criteriaSetForAuthoring(t.db, "2018-19"))!.problems).toEqual([]);
  });

  it("refuses a condition naming an unknown field, beside that rule, and saves nothing", async () => {
    const { input, version } = await formOf(t, "2018-19", "NCM-05", (v) => {
      v.rules[1].when = "population.registeredPopulaton < 200000";
    });
    const before = (await readCriteriaSetRows(t.db, "2018-19"))!;
    const refused = await saveCriterionFromForm(t.db, admin, { setId: "2018-19", criterionId: "NCM-05", version, input, copyFrom: null });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.fieldErrors?.["rules[1].when"]?.join(" ")).toMatch(/registeredPopulation/);
    expect((await readCriteriaSetRows(t.db, "2018-19"))!.contentHash).toBe(before.contentHash);
  });

  it("refuses an example's answer it cannot read, naming the line", async () => {
    const { input, version } = await formOf(t, "2018-19", "NCM-05", (v) => {
      v.examples[0].answers = "about.modelType = PACS\npopulation.registeredPopulation = lots";
    });
    const refused = await saveCriterionFromForm(t.db, admin, { setId: "2018-19", criterionId: "NCM-05", version, input, copyFrom: null });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.fieldErrors?.["examples[0].answers"]?.[0]).toMatch(/^Line 2: /);
  });

  let simulationId = "";
  it("lowers the PACS population warning, and publishing is refused while an example then gives the wrong outcome", async () => {
    const { input, version } = await formOf(t, "2018-19", "NCM-05", (v) => {
      v.title = "PACS covers at least 200,000 people";
      v.rules[1].when = "population.registeredPopulation < 200000";
      v.rules[1].message = v.rules[1].message.replace("250,000", "200,000");
    });
    expect(await saveCriterionFromForm(t.db, admin, { setId: "2018-19", criterionId: "NCM-05", version, input, copyFrom: null })).toEqual({
      ok: true,
    });
    const set = (await criteriaSetForAuthoring(t.db, "2018-19"))!;
    expect(set.problems.map((p) => p.message)).toEqual([expect.stringMatching(/NCM-05.*200,000 people.*should fail but passes/)]);

    const started = await startImpactSimulation(t.db, queue, admin, "2018-19", NOW);
    if (!started.ok) throw new Error(started.error);
    simulationId = started.id;
    await runSimulationToEnd(t.db, started.id);
    const refused = await publishCriteriaSet(t.db, admin, { setId: "2018-19", simulationId, reason: "2018-19 guidance" });
    expect(refused).toMatchObject({ ok: false, errors: [expect.stringMatching(/should fail but passes/)] });
    expect((await readCriteriaSetRows(t.db, "2018-19"))!.status).toBe("draft");
  });

  it("adds a criterion with its examples, reorders and retires, each audited", async () => {
    const fixed = await formOf(t, "2018-19", "NCM-05", (v) => {
      v.examples[1] = {
        name: "A PACS of 180,000 people",
        expected: "fail",
        checkpoint: "1",
        answers: "about.modelType = PACS\npopulation.registeredPopulation = 180,000",
      };
    });
    expect(await saveCriterionFromForm(t.db, admin, { setId: "2018-19", criterionId: "NCM-05", ...fixed, copyFrom: null })).toEqual({
      ok: true,
    });

    const added = await formOf(t, "2018-19", "new", (v) => {
      Object.assign(v, {
        id: "NCM-15",
        title: "Fully integrated MCP contract of at least 10 years",
        rule: "A fully integrated MCP has a contract term of at least 10 years.",
        source: "S33",
        domain: "proposal",
        severity: "warning",
        modelTypes: ["MCP"],
        fieldPaths: "contract.contractTermYears",
        rules: [
          {
            kind: "rule",
            when: 'contract.contractOption = "fully_integrated" and contract.contractTermYears < 10',
            outcome: "fail",
            message: '"A fully integrated MCP needs a contract term of at least 10 years"',
            fieldPath: '"contract.contractTermYears"',
            missing: "no",
          },
        ],
        examples: [
          {
            name: "Fully integrated for 15 years",
            expected: "pass",
            checkpoint: "1",
            answers: "about.modelType = MCP\ncontract.contractOption = fully_integrated\ncontract.contractTermYears = 15",
          },
          {
            name: "Fully integrated for 7 years",
            expected: "fail",
            checkpoint: "1",
            answers: "about.modelType = MCP\ncontract.contractOption = Fully integrated\ncontract.contractTermYears = 7",
          },
        ],
      });
    });
    expect(await saveCriterionFromForm(t.db, admin, { setId: "2018-19", criterionId: null, ...added, copyFrom: null })).toEqual({
      ok: true,
    });
    let set = (await criteriaSetForAuthoring(t.db, "2018-19"))!;
    expect(set.problems).toEqual([]);
    expect(set.criteria.at(-1)).toMatchObject({ id: "NCM-15", examples: 2, wrongExamples: 0 });

    // A stale version is refused rather than overwriting someone else's change.
    expect(
      await moveCriterion(t.db, admin, { setId: "2018-19", version: set.version - 1, criterionId: "NCM-15", direction: "up" }),
    ).toMatchObject({ ok: false });
    expect(await moveCriterion(t.db, admin, { setId: "2018-19", version: set.version, criterionId: "NCM-15", direction: "up" })).toEqual({
      ok: true,
    });
    set = (await criteriaSetForAuthoring(t.db, "2018-19"))!;
    expect(set.criteria.at(-2)?.id).toBe("NCM-15");
    expect(await retireCriterion(t.db, admin, { setId: "2018-19", version: set.version, criterionId: "BCF-15" })).toEqual({ ok: true });
    expect((await readCriteriaSetRows(t.db, "2018-19"))!.rows.some((r) => r.id === "BCF-15")).toBe(false);

    const actions = await t.db.selectFrom("audit_event").select(["action", "payload"]).where("chain", "=", ADMIN_CHAIN).execute();
    const edits = actions.filter((a) => a.action === "EDIT_CRITERIA_DRAFT").map((a) => JSON.parse(a.payload));
    expect(edits.map((e) => `${e.criterionId} ${e.change}`)).toEqual(
      expect.arrayContaining(["NCM-05 edited", "NCM-15 added", "NCM-15 moved up", "BCF-15 retired"]),
    );
  });

  it("adds a key line of enquiry, ignoring the table and examples the form still held for it", async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({
      id: "KLOE-09",
      kind: "judgement",
      title: "Workforce plan",
      rule: "Is there a credible plan for the workforce the model needs?",
      source: "S33",
      domain: "judgement",
      severity: "warning",
      modelTypes: "MCP",
      checkpoints: "2",
      "rules[0].kind": "rule",
      "rules[0].outcome": "fail",
      "examples[0].expected": "pass",
      "examples[0].checkpoint": "1",
    }))
      form.append(name, value);
    const parsed = parseWithZod(withoutTableForJudgement(form), { schema: CriterionSchema });
    if (parsed.status !== "success") throw new Error(JSON.stringify(parsed.error));
    const { version } = (await readCriteriaSetRows(t.db, "2018-19"))!;
    expect(
      await saveCriterionFromForm(t.db, admin, { setId: "2018-19", criterionId: null, version, input: parsed.value, copyFrom: null }),
    ).toEqual({
      ok: true,
    });
    const saved = (await readCriteriaSetRows(t.db, "2018-19"))!.rows.find((r) => r.id === "KLOE-09");
    expect(saved).toMatchObject({ kind: "judgement", appliesTo: { modelTypes: ["MCP"], checkpoints: [2] } });
    expect(saved && "table" in saved).toBe(false);
  });

  it("refuses to publish on a simulation of older content, then publishes exactly what was simulated, audited with its hash", async () => {
    expect(await publishCriteriaSet(t.db, admin, { setId: "2018-19", simulationId, reason: "2018-19 guidance" })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/changed since this simulation/)],
    });
    const started = await startImpactSimulation(t.db, queue, admin, "2018-19", NOW);
    if (!started.ok) throw new Error(started.error);
    await runSimulationToEnd(t.db, started.id);
    const simulation = (await loadSimulation(t.db, started.id, NOW))!;
    expect(simulation).toMatchObject({ status: "done", targetDraft: true, ofCurrentContent: true });
    expect(simulation.result!.live).toBeGreaterThan(0);

    const draft = (await readCriteriaSetRows(t.db, "2018-19"))!;
    // Publishing is conditional on the content that was checked: any other content is not published.
    expect(await publishDraftSet(t.db, "2018-19", contentHash([]), { by: admin.id, at: NOW.toISOString(), reason: "stale" })).toBe(false);
    expect(
      await publishCriteriaSet(t.db, admin, { setId: "2018-19", simulationId: started.id, reason: "The 2018-19 planning guidance" }),
    ).toEqual({
      ok: true,
    });
    const published = (await readCriteriaSetRows(t.db, "2018-19"))!;
    expect(published.status).toBe("published");
    expect(published.contentHash).toBe(draft.contentHash);
    const audit = await t.db
      .selectFrom("audit_event")
      .select("payload")
      .where("chain", "=", ADMIN_CHAIN)
      .where("action", "=", "PUBLISH_CRITERIA_SET")
      .execute();
    expect(JSON.parse(audit[0]!.payload)).toMatchObject({
      setId: "2018-19",
      contentHash: draft.contentHash,
      reason: "The 2018-19 planning guidance",
    });

    // Immutable from now on, whoever asks.
    expect(await saveDraftRows(t.db, "2018-19", published.version, published.rows.slice(1))).toBe(false);
    expect(await retireCriterion(t.db, admin, { setId: "2018-19", version: published.version, criterionId: "NCM-05" })).toMatchObject({
      ok: false,
    });
    // Published, it judges: it is the latest set, and submissions can move to it.
    const sets = await loadCriteriaSets(t.db);
    expect(sets.latest.id).toBe("2018-19");
    const moved = await moveToCriteriaSet(t.db, admin, {
      scope: "all",
      submission: [],
      reason: "New round",
      target: "2018-19",
      simulationId: started.id,
    });
    expect(moved.moved).toBe(simulation.result!.live - simulation.result!.alreadyOnTarget);
    expect((await verifyAuditChains(t.db)).intact).toBe(true);
  });
});
