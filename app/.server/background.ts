import { reportJobStatsWith } from "./metrics.ts";
import { setTimeout as pause } from "node:timers/promises";
import { runSimulationBatch, SIMULATION_JOB } from "./criteria-impact.ts";
import { db } from "./db.ts";
import { env } from "./env.ts";
import { createJobs, type Jobs } from "./jobs.ts";
import { logInfo } from "./log.ts";
import { sweepUnreferencedEvidence } from "./evidence-store.ts";
import { evidenceStore } from "./evidence.ts";
import { deliverOutbox, OUTBOX_JOB, sweepClockWarnings } from "./notifications.ts";

/**
 * The service's background work, as jobs (decision 009): the national clock sweep and the email
 * outbox, each once a minute across all instances; email sent soon after the event that wrote it;
 * and impact simulations, a batch per job.
 */

export const CLOCK_SWEEP_JOB = "clock-sweep";
export const EVIDENCE_SWEEP_JOB = "evidence-sweep";

// One queue per process, kept on globalThis as the database pool is.
const holder = globalThis as typeof globalThis & { __ncmJobs?: Jobs };

export function jobs(): Jobs {
  holder.__ncmJobs ??= createJobs(db(), env().databaseUrl, env().jobs);
  return holder.__ncmJobs;
}

/** Declares every queue, its handler and the schedules on `queue` (server start, and the tests' instances). */
export function declareBackgroundWork(queue: Jobs, database = db()): void {
  queue.work(
    CLOCK_SWEEP_JOB,
    async (job) => {
      const warned = await sweepClockWarnings(database);
      // One line per run, with the minute it is the one sweep for: the two-instance test counts them.
      logInfo("clock sweep", { jobId: job.id, minute: (job.singletonOn ?? new Date().toISOString()).slice(0, 16), clockWarnings: warned });
    },
    { singletons: true },
  );
  queue.schedule(CLOCK_SWEEP_JOB, "* * * * *");

  queue.work(
    OUTBOX_JOB,
    async () => {
      const { sent, failed } = await deliverOutbox(database);
      if (sent || failed) logInfo("email outbox", { emailsSent: sent, emailsFailed: failed });
    },
    { singletons: true },
  );
  queue.schedule(OUTBOX_JOB, "* * * * *");

  // Evidence no draft or version names any more, once an hour between all instances; bytes stored
  // in the last day are never touched, so an upload not yet saved to its draft is never raced.
  queue.work(
    EVIDENCE_SWEEP_JOB,
    async () => {
      const swept = await sweepUnreferencedEvidence(database, evidenceStore(database));
      if (swept.removed || swept.abandoned) logInfo("evidence sweep", { ...swept });
    },
    { singletons: true },
  );
  queue.schedule(EVIDENCE_SWEEP_JOB, "17 * * * *");

  const { batchSize, batchPauseMs } = env().simulation;
  queue.work<{ simulationId: string }>(
    SIMULATION_JOB,
    async (job) => {
      const next = await runSimulationBatch(database, job.data.simulationId, { size: batchSize });
      if (batchPauseMs > 0) await pause(batchPauseMs);
      // The next batch is its own job, so a restart loses at most the batch in hand.
      if (next === "more") await queue.send(SIMULATION_JOB, job.data, { singletonKey: job.data.simulationId });
    },
    // A batch takes well under a second; a job still active after this was on an instance that died,
    // and is tried again (up to five times) from the last completed batch.
    { singletons: true, expireInSeconds: 30, retryLimit: 5, retryDelay: 1 },
  );
}

/** Starts this instance's job runner; the function it returns stops it, resolving when running jobs have finished. */
export async function startJobs(): Promise<() => Promise<void>> {
  const queue = jobs();
  declareBackgroundWork(queue);
  await queue.start();
  // /metrics reads the queues at each scrape: depth and failures per queue, from pg-boss or the SQLite runner.
  reportJobStatsWith(async () => (await queue.stats()).map(({ name, ...counts }) => ({ queue: name, ...counts })));
  return () => queue.stop();
}
