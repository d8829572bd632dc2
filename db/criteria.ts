import type { Transaction } from "kysely";
import { PART_WAY_TURNS } from "../workflows/states.ts";
import type { Db } from "./client.ts";
import type { EvaluationSummary } from "../workflows/evaluate.ts";
import type { ImpactResult } from "../workflows/impact.ts";
import type { CriteriaSimulationRow, CriteriaSimulationUpdate, Database, NewCriteriaSimulation } from "./schema.ts";
import { readSectionData, readSimulationResult, type StoredAnswers } from "./stored.ts";

/**
 * Criteria sets in the database: the live submissions an impact simulation re-evaluates, the
 * simulations themselves, and moving submissions to another set.
 */

export interface LiveSubmissionForCriteria {
  id: string;
  title: string;
  criteriaSet: string;
  state: string;
  checkpoint: number;
  footprintName: string;
  regionCode: string;
  regionName: string;
  /** Each saved section's answers, by slug. */
  sections: Record<string, StoredAnswers>;
}

/** Submissions still in progress: not assured, not assured or withdrawn. */
export async function countLiveSubmissions(db: Db): Promise<number> {
  const row = await db
    .selectFrom("submission")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("whose_turn", "in", PART_WAY_TURNS)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many live submissions are pinned to each criteria set. */
export async function countPinnedLiveSubmissions(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("submission")
    .select(["criteria_set as set", (eb) => eb.fn.countAll<number>().as("n")])
    .where("whose_turn", "in", PART_WAY_TURNS)
    .groupBy("criteria_set")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.set, Number(r.n)]));
}

/** Every live submission with its draft, `size` at a time in id order (keyset, so each batch is one index range). */
export async function* liveSubmissionBatches(db: Db, size = 500, from = ""): AsyncGenerator<LiveSubmissionForCriteria[]> {
  let after = from;
  for (;;) {
    const rows = await db
      .selectFrom("submission")
      .innerJoin("footprint", "footprint.code", "submission.footprint_code")
      .innerJoin("region", "region.code", "footprint.region_code")
      .select([
        "submission.id",
        "submission.title",
        "submission.criteria_set as criteriaSet",
        "submission.state",
        "submission.checkpoint",
        "footprint.name as footprintName",
        "region.code as regionCode",
        "region.name as regionName",
      ])
      .where("submission.whose_turn", "in", PART_WAY_TURNS)
      .where("submission.id", ">", after)
      .orderBy("submission.id")
      .limit(size)
      .execute();
    if (rows.length === 0) return;
    const sections = await db
      .selectFrom("submission_section")
      .select(["submission_id", "section", "data"])
      .where(
        "submission_id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    const bySubmission = new Map<string, Record<string, StoredAnswers>>();
    for (const s of sections) {
      const mine = bySubmission.get(s.submission_id) ?? {};
      mine[s.section] = readSectionData(s.submission_id, s.section, s.data);
      bySubmission.set(s.submission_id, mine);
    }
    yield rows.map((r) => ({ ...r, sections: bySubmission.get(r.id) ?? {} }));
    if (rows.length < size) return;
    after = rows.at(-1)!.id;
  }
}

export async function insertSimulation(
  db: Db | Transaction<Database>,
  row: Pick<NewCriteriaSimulation, "id" | "target_set" | "target_hash" | "total" | "started_by" | "started_at">,
): Promise<void> {
  await db
    .insertInto("criteria_simulation")
    .values({ ...row, status: "running", processed: 0, result: null, error: null, finished_at: null, cursor: null, partial: null })
    .execute();
}

/**
 * Records a completed batch: how far it got and the tally so far, only if nobody recorded a batch
 * since `fromCursor` was read (a job run again after its instance died, while the one that took it
 * over goes on). False when someone had: this run's batch is dropped.
 */
export async function recordSimulationBatch(
  db: Db,
  id: string,
  batch: { fromCursor: string | null; cursor: string; processed: number; partial: string },
): Promise<boolean> {
  const result = await db
    .updateTable("criteria_simulation")
    .set({ processed: batch.processed, cursor: batch.cursor, partial: batch.partial })
    .where("id", "=", id)
    .where("status", "=", "running")
    .where((eb) => (batch.fromCursor === null ? eb("cursor", "is", null) : eb("cursor", "=", batch.fromCursor)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function finishSimulation(
  db: Db,
  id: string,
  outcome: { status: "done"; processed: number; result: string; at: string } | { status: "failed"; error: string; at: string },
): Promise<void> {
  const change: CriteriaSimulationUpdate =
    outcome.status === "done"
      ? { status: "done", processed: outcome.processed, result: outcome.result, finished_at: outcome.at, partial: null }
      : { status: "failed", error: outcome.error, finished_at: outcome.at, partial: null };
  await db.updateTable("criteria_simulation").set(change).where("id", "=", id).where("status", "=", "running").execute();
}

export type Simulation = Omit<CriteriaSimulationRow, "result"> & { result: ImpactResult | null };

export async function findSimulation(db: Db, id: string): Promise<Simulation | undefined> {
  const row = await db.selectFrom("criteria_simulation").selectAll().where("id", "=", id).executeTakeFirst();
  return row && { ...row, result: row.result === null ? null : readSimulationResult(row.id, row.result) };
}

/** The latest simulations, newest first, with who ran them. */
export async function listSimulations(db: Db, limit = 10) {
  return db
    .selectFrom("criteria_simulation")
    .leftJoin("user", "user.id", "criteria_simulation.started_by")
    .select([
      "criteria_simulation.id",
      "criteria_simulation.target_set as targetSet",
      "criteria_simulation.status",
      "criteria_simulation.processed",
      "criteria_simulation.total",
      "criteria_simulation.started_at as startedAt",
      "criteria_simulation.finished_at as finishedAt",
      "user.name as startedBy",
    ])
    .orderBy("criteria_simulation.started_at", "desc")
    .limit(limit)
    .execute();
}

export interface SubmissionToMove {
  id: string;
  criteriaSet: string;
  state: string;
  checkpoint: number;
  version: number;
  /** Each saved section's answers, by slug. */
  sections: Record<string, StoredAnswers>;
}

/**
 * The live submissions not yet on `target`, all of them or those named, locked for the move
 * (`for update` on PostgreSQL; SQLite's write transaction already holds the database).
 */
export async function submissionsToMove(
  trx: Transaction<Database>,
  target: string,
  only: string[] | null,
  dialect: "sqlite" | "postgres",
): Promise<SubmissionToMove[]> {
  let query = trx
    .selectFrom("submission")
    .select(["id", "criteria_set as criteriaSet", "state", "checkpoint", "version"])
    .where("whose_turn", "in", PART_WAY_TURNS)
    .where("criteria_set", "<>", target)
    .orderBy("id");
  if (only) query = query.where("id", "in", only.length > 0 ? only : [""]);
  const rows = await (dialect === "postgres" ? query.forUpdate() : query).execute();
  const sections = new Map<string, Record<string, StoredAnswers>>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const s of await trx
      .selectFrom("submission_section")
      .select(["submission_id", "section", "data"])
      .where("submission_id", "in", ids)
      .execute()) {
      const mine = sections.get(s.submission_id) ?? {};
      mine[s.section] = readSectionData(s.submission_id, s.section, s.data);
      sections.set(s.submission_id, mine);
    }
  }
  return rows.map((r) => ({ ...r, sections: sections.get(r.id) ?? {} }));
}

/** Pins one submission to another set with the checks it now fails; a workflow-level change, so its version moves on. */
export async function pinCriteriaSet(
  trx: Transaction<Database>,
  change: { id: string; expectedVersion: number; target: string; summary: EvaluationSummary; at: string },
): Promise<boolean> {
  const result = await trx
    .updateTable("submission")
    .set({
      criteria_set: change.target,
      failing_blocking: change.summary.blocking,
      failing_warnings: change.summary.warnings,
      draft_checks: JSON.stringify(change.summary),
      version: change.expectedVersion + 1,
      updated_at: change.at,
    })
    .where("id", "=", change.id)
    .where("version", "=", change.expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
