import { z } from "zod";
import { type PersistedAssuranceSnapshot, PersistedAssuranceSnapshotSchema } from "../workflows/assurance.machine.ts";
import { type Evaluation, EvaluationSchema, type EvaluationSummary, EvaluationSummarySchema } from "../workflows/evaluate.ts";
import { type ImpactResult, ImpactResultSchema } from "../workflows/impact.ts";
import { parseSubmissionContent, type SubmissionContent } from "../workflows/submission.ts";

/**
 * The JSON columns, read back through their schemas. Everything here was written by the service
 * itself, so a value that is not JSON or does not fit is corrupt data (a hand edit, a bad restore,
 * a shape changed without a migration): it stops the request, naming the row, rather than letting
 * the workflow or a decision record go on from something it never wrote.
 */

interface StoredAt {
  table: string;
  column: string;
  /** The row's id, or its key columns joined with "/" where the table has no id. */
  id: string;
}

export class CorruptStoredValueError extends Error {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
  constructor(at: StoredAt, problem: string) {
    super(`Stored ${at.table}.${at.column} of row ${at.id} is corrupt: ${problem}`);
    this.name = "CorruptStoredValueError";
    this.table = at.table;
    this.column = at.column;
    this.rowId = at.id;
  }
}

function readStored<T>(schema: z.ZodType<T>, at: StoredAt, json: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CorruptStoredValueError(at, "it is not JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new CorruptStoredValueError(at, z.prettifyError(parsed.error).replaceAll("\n", "; "));
  return parsed.data;
}

/** Answers as typed: a draft may hold anything a lead entered, so only "an object" is checked here. */
const AnswersSchema = z.record(z.string(), z.unknown());
export type StoredAnswers = z.infer<typeof AnswersSchema>;

export const AuditPayloadSchema = z.record(z.string(), z.unknown());
export type AuditPayload = z.infer<typeof AuditPayloadSchema>;

export function readSnapshot(submissionId: string, json: string): PersistedAssuranceSnapshot {
  return readStored(PersistedAssuranceSnapshotSchema, { table: "submission", column: "workflow_snapshot", id: submissionId }, json);
}

/** A draft section's answers as saved; the content parser decides later what of it fits. */
export function readSectionData(submissionId: string, section: string, json: string): StoredAnswers {
  return readStored(AnswersSchema, { table: "submission_section", column: "data", id: `${submissionId}/${section}` }, json);
}

/**
 * A version's frozen content. It was parsed when frozen; it goes through the same tolerant parser
 * again so that a field a later release dropped or tightened is left out rather than refused.
 */
export function readVersionContent(versionId: string, json: string): SubmissionContent {
  return parseSubmissionContent(readStored(AnswersSchema, { table: "submission_version", column: "content", id: versionId }, json)).content;
}

export function readEvaluation(versionId: string, json: string): Evaluation {
  return readStored(EvaluationSchema, { table: "submission_version", column: "evaluation", id: versionId }, json);
}

export function readDraftChecks(submissionId: string, json: string): EvaluationSummary {
  return readStored(EvaluationSummarySchema, { table: "submission", column: "draft_checks", id: submissionId }, json);
}

export function readAuditPayload(eventId: string, json: string): AuditPayload {
  return readStored(AuditPayloadSchema, { table: "audit_event", column: "payload", id: eventId }, json);
}

/**
 * An audit payload for reading back: one that is not a JSON object is shown as unreadable rather
 * than failing the page, since the audit log is where someone goes to find out what happened (the
 * chain check reports the entry as changed).
 */
export function showAuditPayload(eventId: string, json: string): AuditPayload {
  try {
    return readAuditPayload(eventId, json);
  } catch (error) {
    if (error instanceof CorruptStoredValueError) return { unreadable: error.message };
    throw error;
  }
}

export function readSimulationResult(simulationId: string, json: string): ImpactResult {
  return readStored(ImpactResultSchema, { table: "criteria_simulation", column: "result", id: simulationId }, json);
}

/** A running simulation's tally so far, to carry on from after a restart. */
export function readSimulationPartial(simulationId: string, json: string): ImpactResult {
  return readStored(ImpactResultSchema, { table: "criteria_simulation", column: "partial", id: simulationId }, json);
}
