import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent } from "../../app/.server/assurance.ts";
import { declareBackgroundWork } from "../../app/.server/background.ts";
import {
  loadSimulation,
  moveToCriteriaSet,
  runSimulationBatch,
  runSimulationToEnd,
  simulateCriteriaImpact,
  startImpactSimulation,
} from "../../app/.server/criteria-impact.ts";
import { createJobs, type Jobs } from "../../app/.server/jobs.ts";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { referenceForCriteria } from "../../app/.server/reference.ts";
import { readDraft } from "../../app/.server/submissions.ts";
import { checkpointToJudge } from "../../workflows/states.ts";
import { ADMIN_CHAIN, verifyAuditChains } from "../../db/audit.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findUserProfile, type UserProfile } from "../../db/users.ts";
import { pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import { evaluate } from "../../workflows/evaluate.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const NOW = new Date("2026-11-24T12:00:00Z");

describe.each(databaseKinds)("criteria impact simulation and moves on $engine", (kind) => {
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

  const live = () =>
    t.db
      .selectFrom("submission")
      .select(["id", "criteria_set", "checkpoint", "state", "version"])
      .where("whose_turn", "<>", "closed")
      .orderBy("id")
      .execute();

  /** The same question answered the plain way: evaluate each draft under both sets. */
  async function expectedFlips(target: string) {
    const reference = await referenceForCriteria(t.db);
    const flips = new Map<string, { passToFail: string[]; failToPass: string[] }>();
    for (const s of await live()) {
      if (s.criteria_set === target) continue;
      const { content } = await readDraft(t.db, s.id);
      const options = { checkpoint: checkpointToJudge(s.checkpoint, s.state), reference };
      const failing = async (set: string) =>
        new Set(
          evaluate(content, await pinnedCriteriaSet(t.db, set), options)
            .results.filter((r) => r.outcome === "fail")
            .map((r) => r.id),
        );
      const before = await failing(s.criteria_set);
      const after = await failing(target);
      const f = { passToFail: [...after].filter((id) => !before.has(id)), failToPass: [...before].filter((id) => !after.has(id)) };
      if (f.passToFail.length + f.failToPass.length > 0) flips.set(s.id, f);
    }
    return flips;
  }

  it("re-evaluates every live submission and finds exactly the checks that flip", async () => {
    const progress: number[] = [];
    const result = await simulateCriteriaImpact(t.db, "2016-17", (n) => {
      progress.push(n);
    });
    const submissions = await live();
    expect(result.live).toBe(submissions.length);
    expect(result.alreadyOnTarget).toBe(submissions.filter((s) => s.criteria_set === "2016-17").length);
    expect(progress.at(-1)).toBe(submissions.length);

    const expected = await expectedFlips("2016-17");
    expect(expected.size).toBeGreaterThan(0);
    expect(result.affected).toBe(expected.size);
    for (const listed of result.listed) {
      expect(listed.newFailures.sort(), listed.id).toEqual(expected.get(listed.id)!.passToFail.sort());
      expect(listed.fixed.sort(), listed.id).toEqual(expected.get(listed.id)!.failToPass.sort());
    }
    const sum = (pick: (f: { passToFail: string[]; failToPass: string[] }) => string[]) =>
      [...expected.values()].reduce((n, f) => n + pick(f).length, 0);
    expect(result.byCriterion.reduce((n, c) => n + c.passToFail, 0)).toBe(sum((f) => f.passToFail));
    expect(result.byCriterion.reduce((n, c) => n + c.failToPass, 0)).toBe(sum((f) => f.failToPass));
    expect(result.byRegion.reduce((n, r) => n + r.submissions, 0)).toBe(expected.size);
    expect(result.byState.reduce((n, r) => n + r.passToFail, 0)).toBe(sum((f) => f.passToFail));
  });

  it("runs as a job with its progress and findings in the database, and audits the run", async () => {
    const queue = createJobs(t.db, t.url, { pollSeconds: 0.5, maintenanceSeconds: 60 });
    declareBackgroundWork(queue, t.db);
    let started: Awaited<ReturnType<typeof startImpactSimulation>>;
    try {
      await queue.start();
      started = await startImpactSimulation(t.db, queue, admin, "2016-17", NOW);
      if (!started.ok) throw new Error(started.error);
      const first = await loadSimulation(t.db, started.id, NOW);
      expect(first).toMatchObject({ targetSet: "2016-17", total: (await live()).length });
      // The request only queued it; this instance's runner takes the job and finishes it.
      for (;;) {
        const now = await loadSimulation(t.db, started.id, NOW);
        if (now!.status !== "running") break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await queue.stop();
    }
    const done = await loadSimulation(t.db, started.id, NOW);
    expect(done).toMatchObject({ status: "done", processed: done!.total, percent: 100 });
    expect(done!.result!.affected).toBe((await expectedFlips("2016-17")).size);
    const audit = await t.db
      .selectFrom("audit_event")
      .selectAll()
      .where("chain", "=", ADMIN_CHAIN)
      .where("action", "=", "SIMULATE_CRITERIA_SET")
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.payload)).toMatchObject({ simulationId: started.id, targetSet: "2016-17" });

    const unused: Pick<Jobs, "send"> = { send: async () => null };
    expect(await startImpactSimulation(t.db, unused, admin, "2099-00")).toEqual({
      ok: false,
      error: "Choose the criteria set to simulate",
    });
    // A run that lost its job altogether is reported as abandoned, not as running for ever.
    const later = new Date(Date.parse(done!.startedAt) + 16 * 60_000);
    await t.db.updateTable("criteria_simulation").set({ status: "running" }).where("id", "=", started.id).execute();
    expect((await loadSimulation(t.db, started.id, later))!.status).toBe("abandoned");
  });

  it("carries on from its last completed batch after a restart, counting each submission once", async () => {
    const whole = await simulateCriteriaImpact(t.db, "2016-17");
    const ids: string[] = [];
    const queue: Pick<Jobs, "send"> = { send: async () => null };
    for (let i = 0; i < 2; i++) {
      const started = await startImpactSimulation(t.db, queue, admin, "2016-17", NOW);
      if (!started.ok) throw new Error(started.error);
      ids.push(started.id);
    }
    // Two batches of three, then the instance "dies": all it leaves is what the database holds.
    const [resumed, raced] = ids as [string, string];
    expect(await runSimulationBatch(t.db, resumed, { size: 3 })).toBe("more");
    expect(await runSimulationBatch(t.db, resumed, { size: 3 })).toBe("more");
    expect(await loadSimulation(t.db, resumed, NOW)).toMatchObject({ status: "running", processed: 6 });
    await runSimulationToEnd(t.db, resumed, { size: 3 });
    const done = await loadSimulation(t.db, resumed, NOW);
    expect(done).toMatchObject({ status: "done", processed: whole.live });
    expect({ ...done!.result, byState: undefined, listed: undefined }).toEqual({ ...whole, byState: undefined, listed: undefined });
    expect(done!.result!.listed.map((s) => s.id)).toEqual(whole.listed.map((s) => s.id));

    // The same batch run twice at once (a job taken up again while its first run went on): one counts.
    const twice = await Promise.all([runSimulationBatch(t.db, raced, { size: 3 }), runSimulationBatch(t.db, raced, { size: 3 })]);
    expect(twice.sort()).toEqual(["finished", "more"]);
    await runSimulationToEnd(t.db, raced, { size: 3 });
    expect((await loadSimulation(t.db, raced, NOW))!.result!.live).toBe(whole.live);
  });

  it("moves chosen submissions with a reason: re-evaluated, version moved on, audited, and only live ones", async () => {
    const before = await live();
    const chosen = before[0]!;
    const closed = await t.db
      .selectFrom("submission")
      .select(["id", "criteria_set"])
      .where("whose_turn", "=", "closed")
      .executeTakeFirstOrThrow();
    const { moved } = await moveToCriteriaSet(
      t.db,
      admin,
      { scope: "chosen", submission: [chosen.id, closed.id], reason: "Trial of the 2016-17 rules", target: "2016-17", simulationId: null },
      NOW,
    );
    expect(moved).toBe(1);
    const after = await t.db.selectFrom("submission").selectAll().where("id", "=", chosen.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ criteria_set: "2016-17", version: chosen.version + 1 });
    expect(
      (await t.db.selectFrom("submission").select("criteria_set").where("id", "=", closed.id).executeTakeFirstOrThrow()).criteria_set,
    ).toBe(closed.criteria_set);

    const { content } = await readDraft(t.db, chosen.id);
    const evaluation = evaluate(content, await pinnedCriteriaSet(t.db, "2016-17"), {
      checkpoint: checkpointToJudge(chosen.checkpoint, chosen.state),
      reference: await referenceForCriteria(t.db),
    });
    expect(after.failing_blocking).toBe(evaluation.blockingFailures.length);
    const failing = await t.db.selectFrom("failing_criterion").select("criterion_id").where("submission_id", "=", chosen.id).execute();
    expect(failing.map((f) => f.criterion_id).sort()).toEqual(
      [...evaluation.blockingFailures, ...evaluation.warnings].map((r) => r.id).sort(),
    );

    const trail = await t.db
      .selectFrom("audit_event")
      .selectAll()
      .where("chain", "=", chosen.id)
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(trail.action).toBe("CHANGE_CRITERIA_SET");
    expect(JSON.parse(trail.payload)).toMatchObject({ from: chosen.criteria_set, to: "2016-17", reason: "Trial of the 2016-17 rules" });
    const adminEntry = await t.db
      .selectFrom("audit_event")
      .selectAll()
      .where("chain", "=", ADMIN_CHAIN)
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(adminEntry.action).toBe("MOVE_CRITERIA_SET");
    expect(JSON.parse(adminEntry.payload)).toMatchObject({ moved: 1, scope: "chosen" });

    // Someone acting on the submission as it was is told it changed, not overruled.
    const reviewer = (await findUserProfile(t.db, trail.actor_id!))!;
    const stale = await applyEvent(
      t.db,
      chosen.id,
      actorFrom(reviewer),
      { type: "WITHDRAW", reason: "x" },
      { expectedVersion: chosen.version },
    );
    expect(stale).toMatchObject({ ok: false, kind: "conflict" });
    expect((await verifyAuditChains(t.db)).intact).toBe(true);
  });

  it("moves all live submissions, and a simulation afterwards finds nothing left to move", async () => {
    const { moved } = await moveToCriteriaSet(
      t.db,
      admin,
      { scope: "all", submission: [], reason: "Adopting 2016-17 everywhere", target: "2016-17", simulationId: null },
      NOW,
    );
    const rows = await live();
    expect(moved).toBe(rows.length - 1);
    expect(rows.every((r) => r.criteria_set === "2016-17")).toBe(true);
    const result = await simulateCriteriaImpact(t.db, "2016-17");
    expect(result).toMatchObject({ alreadyOnTarget: rows.length, affected: 0 });
    expect((await verifyAuditChains(t.db)).intact).toBe(true);
  });
});
