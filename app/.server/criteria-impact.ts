import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { dialectOf } from "../../db/client.ts";
import { ADMIN_CHAIN, appendAuditEvent } from "../../db/audit.ts";
import type { StoredAnswers } from "../../db/stored.ts";
import {
  countLiveSubmissions,
  countPinnedLiveSubmissions,
  finishSimulation,
  findSimulation,
  insertSimulation,
  listSimulations,
  liveSubmissionBatches,
  pinCriteriaSet,
  recordSimulationProgress,
  submissionsToMove,
} from "../../db/criteria.ts";
import { replaceFailingCriteria } from "../../db/submissions.ts";
import { loadCriteriaSets, pinnedCriteriaSet } from "../../db/criteria-sets.ts";
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
    processed += batch.length;
    await onProgress(processed);
  }
  return tally.result();
}

export type StartResult = { ok: true; id: string; finished: Promise<void> } | { ok: false; error: string };

/**
 * Starts a simulation in the background of this instance and returns at once; its progress and
 * findings are kept in the database for whichever instance serves the page. `finished` settles
 * when it is done (the page does not wait for it; tests and the benchmark do).
 */
export async function startImpactSimulation(db: Db, admin: CurrentUser, target: string, now = new Date()): Promise<StartResult> {
  if (!(await loadCriteriaSets(db)).byId.has(target)) return { ok: false, error: "Choose the criteria set to simulate" };
  const id = randomUUID();
  const at = now.toISOString();
  const total = await countLiveSubmissions(db);
  await inAuditedTransaction(db, async (trx) => {
    await insertSimulation(trx, { id, target_set: target, total, started_by: admin.id, started_at: at });
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: admin.id,
      actorName: admin.name,
      action: "SIMULATE_CRITERIA_SET",
      fromState: null,
      toState: null,
      payload: { simulationId: id, targetSet: target, liveSubmissions: total },
      at,
    });
  });
  let lastReported = 0;
  const finished = simulateCriteriaImpact(db, target, async (processed) => {
    // A progress write per few hundred submissions is plenty for a bar that refreshes each second.
    if (processed - lastReported >= 500 || processed === total) {
      lastReported = processed;
      await recordSimulationProgress(db, id, processed);
    }
  }).then(
    (result) =>
      finishSimulation(db, id, { status: "done", processed: result.live, result: JSON.stringify(result), at: new Date().toISOString() }),
    async (error: unknown) => {
      const errorId = randomUUID();
      logError("criteria impact simulation failed", { errorId, simulationId: id, error });
      await finishSimulation(db, id, {
        status: "failed",
        error: `The simulation stopped with an error (reference ${errorId}).`,
        at: new Date().toISOString(),
      });
    },
  );
  running.set(id, finished);
  void finished.finally(() => running.delete(id));
  return { ok: true, id, finished };
}

const running = new Map<string, Promise<void>>();

/** Settles when a simulation this instance is running has finished (at once if it is not running here). */
export async function simulationFinished(id: string): Promise<void> {
  await running.get(id);
}

// A simulation still "running" this long after it started died with its server.
const ABANDONED_AFTER_MS = 15 * 60_000;

export async function loadSimulation(db: Db, id: string, now = new Date()) {
  const row = await findSimulation(db, id);
  if (!row) return null;
  const abandoned = row.status === "running" && now.getTime() - Date.parse(row.started_at) > ABANDONED_AFTER_MS;
  const result = row.result;
  return {
    id: row.id,
    targetSet: row.target_set,
    targetTitle: (await loadCriteriaSets(db)).byId.get(row.target_set)?.title ?? row.target_set,
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
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: admin.id,
      actorName: admin.name,
      action: "MOVE_CRITERIA_SET",
      fromState: null,
      toState: null,
      payload: { targetSet: input.target, scope: input.scope, moved: rows.length, reason: input.reason, simulationId: input.simulationId },
      at,
    });
    return { moved: rows.length };
  });
}
