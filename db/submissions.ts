import type { QueryCreator, Transaction, Updateable } from "kysely";
import type { ChainLink } from "./audit.ts";
import { type Db, dialectOf, preparedOnPostgres } from "./client.ts";
import type { PersistedAssuranceSnapshot } from "../workflows/assurance.machine.ts";
import { nationalClockKey } from "../workflows/clock.ts";
import type { EvaluationSummary } from "../workflows/evaluate.ts";
import type { Database, NewSubmission, SubmissionRow, SubmissionTable } from "./schema.ts";
import { readDraftChecks, readEvaluation, readSectionData, readSnapshot, readVersionContent, type StoredAnswers } from "./stored.ts";

export type { SubmissionRow };

/** A submission with its workflow snapshot and stored checks read and checked (read once here, used by the caller as is). */
export type Submission = Omit<SubmissionRow, "workflow_snapshot" | "draft_checks"> & {
  workflow_snapshot: PersistedAssuranceSnapshot;
  draft_checks: EvaluationSummary | null;
};

export async function findSubmission(db: Db, id: string): Promise<Submission | undefined> {
  const row = await db.selectFrom("submission").selectAll().where("id", "=", id).executeTakeFirst();
  return (
    row && {
      ...row,
      workflow_snapshot: readSnapshot(row.id, row.workflow_snapshot),
      draft_checks: row.draft_checks === null ? null : readDraftChecks(row.id, row.draft_checks),
    }
  );
}

/** The columns of a submission a workflow event reads. */
const EVENT_COLUMNS = [
  "id",
  "footprint_code",
  "title",
  "model_type",
  "criteria_set",
  "state",
  "checkpoint",
  "whose_turn",
  "version",
  "workflow_snapshot",
  "state_entered_at",
  "national_days_used",
  "national_clock_key",
  "failing_blocking",
  "failing_warnings",
  "created_by",
] as const;

/** A submission as a workflow event starts from, with its audit chain's last link. */
export type EventSubmission = Pick<Submission, (typeof EVENT_COLUMNS)[number]> & { lastLink: ChainLink | null };

/**
 * A submission as a workflow event starts from: the columns it needs, and its audit chain's last
 * link (the next entry's hash needs only that), in one statement (on PostgreSQL a prepared one).
 * Read outside the event's write: every entry on a submission's chain is written with a version
 * change, so if the chain moves on after this read, the event's version check refuses it (and a
 * clash on (chain, seq) would too).
 */
export async function findSubmissionForEvent(db: Db, id: string): Promise<EventSubmission | undefined> {
  const query = db
    .selectFrom("submission")
    .select(EVENT_COLUMNS)
    .select((eb) => {
      const last = eb.selectFrom("audit_event").where("chain", "=", id).orderBy("seq", "desc").limit(eb.lit(1));
      return [last.select("seq").as("last_seq"), last.select("hash").as("last_hash")];
    })
    .where("id", "=", id);
  const compiled = query.compile();
  preparedOnPostgres(compiled.sql);
  const [row] = (await db.executeQuery(compiled)).rows;
  if (!row) return undefined;
  const { last_seq, last_hash, ...submission } = row;
  return {
    ...submission,
    workflow_snapshot: readSnapshot(row.id, row.workflow_snapshot),
    lastLink: last_seq === null || last_hash === null ? null : { seq: Number(last_seq), hash: last_hash },
  };
}

/** A new submission as its creator gives it: the pipeline's stored keys are derived here. */
export type SubmissionInput = Omit<NewSubmission, "region_code" | "national_clock_key">;

/**
 * The row with the keys the pipeline's indexes read (migration 2026-12-02T0200): the footprint's
 * region, and the national clock's key while it runs. Every writer of a submission row goes
 * through this or updateSubmissionWorkflow, so the keys cannot drift from what they derive from.
 */
export function withPipelineKeys<R extends SubmissionInput>(
  row: R,
  regionCode: string,
): R & Pick<NewSubmission, "region_code" | "national_clock_key"> {
  return {
    ...row,
    region_code: regionCode,
    national_clock_key: nationalClockKey({
      whoseTurn: row.whose_turn,
      nationalDaysUsed: row.national_days_used ?? 0,
      stateEnteredAt: row.state_entered_at,
    }),
  };
}

export async function insertSubmission(trx: Transaction<Database>, row: SubmissionInput): Promise<void> {
  const footprint = await trx
    .selectFrom("footprint")
    .select("region_code")
    .where("code", "=", row.footprint_code)
    .executeTakeFirstOrThrow();
  await trx.insertInto("submission").values(withPipelineKeys(row, footprint.region_code)).execute();
}

/** A workflow change to a submission, made only if it is still at `expectedVersion`. */
export interface WorkflowChange {
  id: string;
  expectedVersion: number;
  snapshot: string;
  state: string;
  checkpoint: number;
  whoseTurn: SubmissionRow["whose_turn"];
  stateEnteredAt: string;
  nationalDaysUsed: number;
  failingBlocking?: number;
  failingWarnings?: number;
  /** The draft's checks for the checkpoint it is judged for now, when the event moved that checkpoint. */
  draftChecks?: EvaluationSummary;
  /**
   * The row as read at `expectedVersion`, when the caller has it: a column whose value does not
   * change is then left out of the UPDATE, so the indexes on it are not rewritten (SQLite rewrites
   * an index entry for every column set, changed or not: 2 of an event's 33 pages). The row that
   * results is the same, since the version check means the row is still as read.
   */
  from?: Pick<
    SubmissionRow,
    | "state"
    | "checkpoint"
    | "whose_turn"
    | "state_entered_at"
    | "national_days_used"
    | "national_clock_key"
    | "failing_blocking"
    | "failing_warnings"
  >;
}

/**
 * The version-checked UPDATE of a workflow change, not yet run: updateSubmissionWorkflow runs it
 * alone, and on PostgreSQL the event's single statement embeds it (db/workflow-events.ts).
 */
export function workflowUpdate(db: QueryCreator<Database>, change: WorkflowChange) {
  const set: Updateable<SubmissionTable> = {
    workflow_snapshot: change.snapshot,
    state: change.state,
    checkpoint: change.checkpoint,
    whose_turn: change.whoseTurn,
    state_entered_at: change.stateEnteredAt,
    national_days_used: change.nationalDaysUsed,
    national_clock_key: nationalClockKey(change),
    ...(change.failingBlocking === undefined ? {} : { failing_blocking: change.failingBlocking }),
    ...(change.failingWarnings === undefined ? {} : { failing_warnings: change.failingWarnings }),
    ...(change.draftChecks === undefined ? {} : { draft_checks: JSON.stringify(change.draftChecks) }),
    updated_at: change.stateEnteredAt,
    version: change.expectedVersion + 1,
  };
  const from = change.from;
  if (from) {
    for (const column of Object.keys(from) as (keyof typeof from)[]) {
      if (column in set && set[column] === from[column]) delete set[column];
    }
  }
  return db.updateTable("submission").set(set).where("id", "=", change.id).where("version", "=", change.expectedVersion);
}

/**
 * Writes the workflow's new state only if nobody changed the submission since `expectedVersion`
 * was read. Returns false when someone else got there first: the caller must not overwrite.
 */
export async function updateSubmissionWorkflow(trx: Transaction<Database>, change: WorkflowChange): Promise<boolean> {
  const result = await workflowUpdate(trx, change).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The working draft: each saved section's answers, keyed by section slug. */
export async function readSections(db: Db | Transaction<Database>, submissionId: string): Promise<Record<string, StoredAnswers>> {
  const rows = await db.selectFrom("submission_section").select(["section", "data"]).where("submission_id", "=", submissionId).execute();
  return Object.fromEntries(rows.map((r) => [r.section, readSectionData(submissionId, r.section, r.data)]));
}

export async function saveSection(
  db: Db | Transaction<Database>,
  input: { submissionId: string; section: string; data: unknown; updatedBy: string; at: string },
): Promise<void> {
  const row = {
    submission_id: input.submissionId,
    section: input.section,
    data: JSON.stringify(input.data),
    updated_by: input.updatedBy,
    updated_at: input.at,
  };
  await db
    .insertInto("submission_section")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["submission_id", "section"]).doUpdateSet({ data: row.data, updated_by: row.updated_by, updated_at: row.updated_at }),
    )
    .execute();
}

export async function listVersions(db: Db, submissionId: string) {
  return db
    .selectFrom("submission_version")
    .select(["id", "number", "checkpoint", "criteria_set", "submitted_by", "submitted_at"])
    .where("submission_id", "=", submissionId)
    .orderBy("number")
    .execute();
}

/** One frozen version, its content and criteria results read back. */
export async function findVersion(db: Db, submissionId: string, number: number) {
  const row = await db
    .selectFrom("submission_version")
    .selectAll()
    .where("submission_id", "=", submissionId)
    .where("number", "=", number)
    .executeTakeFirst();
  return row && { ...row, content: readVersionContent(row.id, row.content), evaluation: readEvaluation(row.id, row.evaluation) };
}

/**
 * The state entries of a submission's trail (for its clock), oldest first. With `since`, only
 * those from the first entry into one of those states on (none if it was never entered): a
 * checkpoint's clock needs only the entries since the checkpoint began, not the whole trail.
 */
export async function stateEntries(
  db: Db | Transaction<Database>,
  submissionId: string,
  options: { since?: readonly string[] } = {},
): Promise<{ at: string; state: string }[]> {
  let query = db
    .selectFrom("audit_event")
    .select(["at", "to_state as state"])
    .where("chain", "=", submissionId)
    .where("to_state", "is not", null);
  const since = options.since;
  if (since?.length === 0) return [];
  if (since) {
    query = query.where("seq", ">=", (eb) =>
      eb
        .selectFrom("audit_event")
        .select((eb) => eb.fn.min<number>("seq").as("first"))
        .where("chain", "=", submissionId)
        .where("to_state", "in", [...since]),
    );
  }
  const compiled = query.orderBy("seq").compile();
  // A workflow event into a checkpoint's state reads this: on PostgreSQL a prepared statement.
  preparedOnPostgres(compiled.sql);
  return (await db.executeQuery(compiled)).rows as { at: string; state: string }[];
}

/** The draft's section rows: the answers, who saved them and when. */
export async function readSectionRows(db: Db | Transaction<Database>, submissionId: string) {
  const rows = await db
    .selectFrom("submission_section")
    .select(["section", "data", "updated_by", "updated_at"])
    .where("submission_id", "=", submissionId)
    .execute();
  return rows.map((r) => ({ ...r, data: readSectionData(submissionId, r.section, r.data) }));
}

export interface FailingCriterion {
  criterionId: string;
  severity: "blocking" | "warning";
}

/**
 * Keeps the pipeline's figures in step with the draft after each save: the counts of failing
 * checks, which criteria they are (for the regional view's "fails most"), and what the task list
 * shows of them.
 */
export async function updateDraftChecks(
  db: Db | Transaction<Database>,
  submissionId: string,
  checks: { failing: FailingCriterion[]; summary: EvaluationSummary; at: string },
): Promise<void> {
  await db
    .updateTable("submission")
    .set({
      failing_blocking: checks.failing.filter((f) => f.severity === "blocking").length,
      failing_warnings: checks.failing.filter((f) => f.severity === "warning").length,
      draft_checks: JSON.stringify(checks.summary),
      updated_at: checks.at,
    })
    .where("id", "=", submissionId)
    .execute();
  await replaceFailingCriteria(db, submissionId, checks.failing);
}

/** The criteria a submission fails now, replacing what was recorded before. */
export async function replaceFailingCriteria(
  db: Db | Transaction<Database>,
  submissionId: string,
  failing: FailingCriterion[],
): Promise<void> {
  await db.deleteFrom("failing_criterion").where("submission_id", "=", submissionId).execute();
  if (failing.length === 0) return;
  const { region_code } = await db.selectFrom("submission").select("region_code").where("id", "=", submissionId).executeTakeFirstOrThrow();
  await db
    .insertInto("failing_criterion")
    .values(failing.map((f) => ({ submission_id: submissionId, criterion_id: f.criterionId, severity: f.severity, region_code })))
    .execute();
}

/** The warnings a submission's draft fails, by criterion id, as last recorded with its checks. */
export async function failingWarnings(db: Db, submissionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("failing_criterion")
    .select("criterion_id")
    .where("submission_id", "=", submissionId)
    .where("severity", "=", "warning")
    .orderBy("criterion_id")
    .execute();
  return rows.map((r) => r.criterion_id);
}

export interface SubmissionListItem {
  id: string;
  title: string;
  footprintCode: string;
  footprintName: string;
  modelType: string;
  state: string;
  checkpoint: number;
  whoseTurn: string;
  failingBlocking: number;
  updatedAt: string;
}

/** A lead's list: the submissions of their footprints, most recently changed first. */
export async function listSubmissionsForFootprints(db: Db, footprintCodes: string[]): Promise<SubmissionListItem[]> {
  if (footprintCodes.length === 0) return [];
  return db
    .selectFrom("submission")
    .innerJoin("footprint", "footprint.code", "submission.footprint_code")
    .select([
      "submission.id",
      "submission.title",
      "submission.footprint_code as footprintCode",
      "footprint.name as footprintName",
      "submission.model_type as modelType",
      "submission.state",
      "submission.checkpoint",
      "submission.whose_turn as whoseTurn",
      "submission.failing_blocking as failingBlocking",
      "submission.updated_at as updatedAt",
    ])
    .where("submission.footprint_code", "in", footprintCodes)
    .orderBy("submission.updated_at", "desc")
    .execute();
}

/** The list columns that mirror "About the proposal". */
export async function updateSubmissionSummary(
  db: Db | Transaction<Database>,
  submissionId: string,
  summary: { title: string; modelType: "MCP" | "PACS"; vanguardNumber: number | null },
): Promise<void> {
  await db
    .updateTable("submission")
    .set({ title: summary.title, model_type: summary.modelType, vanguard_number: summary.vanguardNumber })
    .where("id", "=", submissionId)
    .execute();
}

/**
 * The submission's footprint and state, read inside the transaction that edits its draft and, on
 * PostgreSQL, locked until it ends: two saves to one draft cannot interleave, and a draft submitted
 * meanwhile is seen as submitted. (SQLite transactions here begin IMMEDIATE: one writer at a time.)
 */
export async function lockSubmissionForEdit(
  trx: Transaction<Database>,
  submissionId: string,
): Promise<{ footprint_code: string; state: string } | undefined> {
  const query = trx.selectFrom("submission").select(["footprint_code", "state"]).where("id", "=", submissionId);
  return (dialectOf(trx) === "postgres" ? query.forUpdate() : query).executeTakeFirst();
}
