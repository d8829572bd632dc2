import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { dialectOf } from "../../db/client.ts";
import { appendAdminEvent, appendAuditEvent } from "../../db/audit.ts";
import { readSimulationPartial, type StoredAnswers } from "../../db/stored.ts";
import {
  countLiveSubmissions,
  countPinnedLiveSubmissions,
  finishSimulation,
  findSimulation,
  insertSimulation,
  listSimulations,
  liveSubmissionBatches,
  pinCriteriaSet,
  type LiveSubmissionForCriteria,
  recordSimulationBatch,
  submissionsToMove,
} from "../../db/criteria.ts";
import { replaceFailingCriteria } from "../../db/submissions.ts";
import { compiledCriteriaSetVersion, loadCriteriaSets, pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import type { CriteriaSets } from "../../workflows/criteria-data/sets.ts";
import type { CriteriaSet, ReferenceData } from "../../workflows/criteria-data/types.ts";
import { evaluate, failingCriteria, summarise } from "../../workflows/evaluate.ts";
import { createImpactTally, criterionFlips, type ImpactResult } from "../../workflows/impact.ts";
import { parseSubmissionContent } from "../../workflows/submission.ts";
import { stateLabel } from "../status.ts";
import { inAuditedTransaction } from "./admin-audit.ts";
import { logError } from "./log.ts";
import { referenceForCriteria } from "./reference.ts";
import type { CurrentUser } from "./session.ts";
import type { Jobs } from "./jobs.ts";
import { checkpointToJudge } from "../../workflows/states.ts";
import type { MoveInput } from "../forms/criteria-move.ts";

/**
 * Publishing criteria (/admin/criteria): the sets and their rules, the impact simulation of moving
 * live submissions to another set, and the audited move itself. A submission stays pinned to the
 * set it started under until an administrator moves it, after seeing what the move would change.
 */

export async function criteriaCatalogue(db: Db) {
  const sets = await loadCriteriaSets(db);
  return sets.list.map((set) => {
    return {
      id: set.id,
      title: set.title,
      publishedOn: set.publishedOn,
      latest: set === sets.latest,
      criteria: set.criteria.map((c) => ({
        id: c.id,
        title: c.title,
        rule: c.rule,
        source: c.source,
        severity: c.severity,
        kind: c.kind,
        checkpoints: c.appliesTo.checkpoints.join(", "),
        models: c.appliesTo.modelTypes.join(", "),
      })),
    };
  });
}

function judge(
  sets: CriteriaSets,
  sections: Record<string, StoredAnswers>,
  setId: string,
  checkpoint: number,
  state: string,
  reference: ReferenceData,
) {
  const { content } = parseSubmissionContent(sections);
  // One submission under two sets: a criterion both share is judged once.
  const options = { checkpoint: checkpointToJudge(checkpoint, state), reference, outcomes: new Map() };
  return (target: CriteriaSet) => ({
    current: evaluate(content, sets.byId.get(setId) ?? target, options),
    target: evaluate(content, target, options),
  });
}

function tallyBatch(
  tally: ReturnType<typeof createImpactTally>,
  batch: LiveSubmissionForCriteria[],
  sets: CriteriaSets,
  target: CriteriaSet,
  reference: ReferenceData,
) {
  for (const s of batch) {
    const submission = {
      id: s.id,
      title: s.title,
      footprintName: s.footprintName,
      regionCode: s.regionCode,
      regionName: s.regionName,
      state: s.state,
      criteriaSet: s.criteriaSet,
    };
    if (s.criteriaSet === target.id) {
      tally.add(submission, null, null, null);
      continue;
    }
    const both = judge(sets, s.sections, s.criteriaSet, s.checkpoint, s.state, reference)(target);
    tally.add(submission, criterionFlips(both.current, both.target), both.current, both.target);
  }
}

/**
 * Re-evaluates every live submission under `target` and tallies what would flip. Reads in
 * batches (memory holds one), reporting progress after each.
 */
export async function simulateCriteriaImpact(
  db: Db,
  targetId: string,
  onProgress: (processed: number) => Promise<void> | void = () => {},
): Promise<ImpactResult> {
  const reference = await referenceForCriteria(db);
  const sets = await loadCriteriaSets(db);
  const target = await pinnedCriteriaSet(db, targetId);
  const tally = createImpactTally(target.id);
  let processed = 0;
  for await (const batch of liveSubmissionBatches(db)) {
    tallyBatch(tally, batch, sets, target, reference);
    processed += batch.length;
    await onProgress(processed);
  }
  return tally.result();
}

/** The job that carries a simulation on, one batch per run (app/.server/background.ts). */
export const SIMULATION_JOB = "criteria-simulation";

export type StartResult = { ok: true; id: string } | { ok: false; error: string };

/**
 * Records a simulation and queues it as a job, and returns at once: whichever instance takes the
 * job works through the live submissions a batch at a time, keeping its progress and tally in the
 * database, so any instance can show the page and a restart carries on from the last batch.
 */
export async function startImpactSimulation(
  db: Db,
  queue: Pick<Jobs, "send">,
  admin: CurrentUser,
  target: string,
  now = new Date(),
): Promise<StartResult> {
  // A draft may be simulated (that is how it is checked before publishing), never moved to.
  const version = await compiledCriteriaSetVersion(db, target);
  if (!version) return { ok: false, error: "Choose the criteria set to simulate" };
  const id = randomUUID();
  const at = now.toISOString();
  const total = await countLiveSubmissions(db);
  await inAuditedTransaction(db, async (trx) => {
    await insertSimulation(trx, { id, target_set: target, target_hash: version.contentHash, total, started_by: admin.id, started_at: at });
    await appendAdminEvent(
      trx,
      admin,
      "SIMULATE_CRITERIA_SET",
      {
        simulationId: id,
        targetSet: target,
        contentHash: version.contentHash,
        draft: version.status === "draft",
        liveSubmissions: total,
      },
      at,
    );
  });
  await queue.send(SIMULATION_JOB, { simulationId: id }, { singletonKey: id });
  return { ok: true, id };
}

export interface BatchOptions {
  /** Submissions per batch (SIMULATION_BATCH_SIZE). */
  size?: number;
}

/**
 * One batch of a running simulation, from where its last completed batch left off: tallied onto
 * the tally so far and recorded with the new cursor in one statement; the last batch finishes it.
 * "more" when batches remain. An error fails the simulation with a reference the page shows.
 */
export async function runSimulationBatch(db: Db, id: string, options: BatchOptions = {}): Promise<"more" | "finished"> {
  const size = options.size ?? 500;
  const row = await findSimulation(db, id);
  if (row?.status !== "running") return "finished";
  try {
    const sets = await loadCriteriaSets(db);
    const version = await compiledCriteriaSetVersion(db, row.target_set);
    if (!version) throw new Error(`Criteria set ${row.target_set} is gone`);
    if (row.target_hash !== null && version.contentHash !== row.target_hash) {
      await finishSimulation(db, id, {
        status: "failed",
        error: `${row.target_set} was changed while it was being simulated: run the simulation again.`,
        at: new Date().toISOString(),
      });
      return "finished";
    }
    const target = version.set;
    const tally = createImpactTally(target.id, row.partial ? readSimulationPartial(id, row.partial) : undefined);
    const reference = await referenceForCriteria(db);
    const batch = (await liveSubmissionBatches(db, size, row.cursor ?? "").next()).value ?? [];
    tallyBatch(tally, batch, sets, target, reference);
    const result = tally.result();
    if (batch.length < size) {
      await finishSimulation(db, id, {
        status: "done",
        processed: result.live,
        result: JSON.stringify(result),
        at: new Date().toISOString(),
      });
      return "finished";
    }
    const recorded = await recordSimulationBatch(db, id, {
      fromCursor: row.cursor,
      cursor: batch.at(-1)!.id,
      processed: result.live,
      partial: JSON.stringify(result),
    });
    // Another run recorded this batch first (this job was taken up again after its instance died
    // while the first went on): that run carries the simulation on.
    return recorded ? "more" : "finished";
  } catch (error) {
    const errorId = randomUUID();
    logError("criteria impact simulation failed", { errorId, simulationId: id, error });
    await finishSimulation(db, id, {
      status: "failed",
      error: `The simulation stopped with an error (reference ${errorId}).`,
      at: new Date().toISOString(),
    });
    return "finished";
  }
}

/** Runs a simulation's remaining batches here and now, without the queue (tests, the benchmark). */
export async function runSimulationToEnd(db: Db, id: string, options: BatchOptions = {}): Promise<void> {
  while ((await runSimulationBatch(db, id, options)) === "more") {}
}

// A simulation still "running" this long after it started has lost its job (its retries used up
// by instances dying under it): it is shown as abandoned, to be run again.
const ABANDONED_AFTER_MS = 15 * 60_000;

export async function loadSimulation(db: Db, id: string, now = new Date()) {
  const row = await findSimulation(db, id);
  if (!row) return null;
  const abandoned = row.status === "running" && now.getTime() - Date.parse(row.started_at) > ABANDONED_AFTER_MS;
  const result = row.result;
  const target = await compiledCriteriaSetVersion(db, row.target_set);
  return {
    id: row.id,
    targetSet: row.target_set,
    targetTitle: target?.set.title ?? row.target_set,
    /** Whether the set simulated is still a draft, and whether this simulation is of its content as it now is. */
    targetDraft: target?.status === "draft",
    targetHash: row.target_hash,
    ofCurrentContent: row.target_hash === null || row.target_hash === target?.contentHash,
    status: abandoned ? ("abandoned" as const) : row.status,
    processed: row.processed,
    total: row.total,
    percent: row.total === 0 ? 100 : Math.min(100, Math.round((row.processed / row.total) * 100)),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    result: result
      ? {
          ...result,
          byState: result.byState.map((s) => ({ ...s, stateText: stateLabel(s.state) })),
          listed: result.listed.map((s) => ({ ...s, stateText: stateLabel(s.state) })),
        }
      : null,
  };
}

export { listSimulations };
export { countPinnedLiveSubmissions as pinnedCounts };

/**
 * Moves live submissions to `target` in one transaction: each is re-evaluated under it, its
 * failing checks updated, its version moved on (anyone looking at the old basis is told), and
 * the move written to its own audit chain and, once, to the admin chain with the reason.
 */
export async function moveToCriteriaSet(
  db: Db,
  admin: CurrentUser,
  input: MoveInput & { target: string; simulationId: string | null },
  now = new Date(),
): Promise<{ moved: number }> {
  const at = now.toISOString();
  const reference = await referenceForCriteria(db);
  const sets = await loadCriteriaSets(db);
  const target = await pinnedCriteriaSet(db, input.target);
  return inAuditedTransaction(db, async (trx) => {
    const chosen = input.scope === "chosen" ? [...new Set(input.submission)] : null;
    const rows = await submissionsToMove(trx, input.target, chosen, dialectOf(db));
    for (const row of rows) {
      const evaluation = judge(sets, row.sections, row.criteriaSet, row.checkpoint, row.state, reference)(target).target;
      await pinCriteriaSet(trx, {
        id: row.id,
        expectedVersion: row.version,
        target: input.target,
        summary: summarise(evaluation),
        at,
      });
      await replaceFailingCriteria(trx, row.id, failingCriteria(evaluation));
      await appendAuditEvent(trx, {
        chain: row.id,
        submissionId: row.id,
        actorId: admin.id,
        actorName: admin.name,
        action: "CHANGE_CRITERIA_SET",
        fromState: null,
        toState: null,
        payload: { from: row.criteriaSet, to: input.target, reason: input.reason, simulationId: input.simulationId, actorRole: "admin" },
        at,
      });
    }
    await appendAdminEvent(
      trx,
      admin,
      "MOVE_CRITERIA_SET",
      { targetSet: input.target, scope: input.scope, moved: rows.length, reason: input.reason, simulationId: input.simulationId },
      at,
    );
    return { moved: rows.length };
  });
}
