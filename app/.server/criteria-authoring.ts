import { appendAdminEvent } from "../../db/audit.ts";
import type { Db } from "../../db/client.ts";
import { findSimulation } from "../../db/criteria.ts";
import {
  compiledCriteriaSetVersion,
  contentHash,
  insertDraftSet,
  loadCriteriaSets,
  publishDraftSet,
  readCriteriaSetRows,
  saveDraftRows,
  shippedExamples,
  type StoredCriteriaSet,
} from "../../db/criteria-sets.ts";
import { CriteriaDataError, compileCriteriaSet } from "../../workflows/criteria-data/engine.ts";
import { type ExampleProblem, exampleProblems, judgeExample, withExamples } from "../../workflows/criteria-data/examples.ts";
import { answersFromContent } from "../../workflows/criteria-data/answers.ts";
import {
  type AutomaticCriterion,
  type CriterionExample,
  type CriterionRow,
  isRuleGroup,
  type ReferenceData,
} from "../../workflows/criteria-data/types.ts";
import { parseSubmissionContent } from "../../workflows/submission.ts";
import type { Checkpoint } from "../../workflows/submission-vocabulary.ts";
import { findSubmission, readSections } from "../../db/submissions.ts";
import { anonymiseAnswers } from "../forms/criteria-fields.ts";
import {
  type CriterionInput,
  criterionExpressionProblems,
  criterionFormValues,
  criterionRowFrom,
  exampleAnswersText,
  readExampleAnswers,
} from "../forms/criterion.ts";
import { inAuditedTransaction } from "./admin-audit.ts";
import { referenceForCriteria } from "./reference.ts";
import type { CurrentUser } from "./session.ts";

/**
 * Writing a new version of the national criteria (issue 14, steps 3 to 5): a draft copied from a
 * published set, its criteria edited, added, reordered and retired, each with its own examples, and
 * publishing it once every example gives its outcome and an impact simulation of exactly its
 * content has run. Every change is on the admin audit chain. A draft never judges a submission:
 * nothing here is reached from judging, which reads only published sets (db/criteria-sets.ts).
 */

export type Refusal = { ok: false; error: string; field?: string };
export type Done<T = object> = ({ ok: true } & T) | Refusal;

/** The published sets a draft may start from, newest first. */
export async function publishedSetChoices(db: Db) {
  return [...(await loadCriteriaSets(db)).list].reverse().map((set) => ({ id: set.id, title: set.title }));
}

export async function createDraftSet(
  db: Db,
  admin: CurrentUser,
  input: { basedOn: string; id: string; title: string; publishedOn: string },
  now = new Date(),
): Promise<Done> {
  const base = await readCriteriaSetRows(db, input.basedOn);
  if (base?.status !== "published") return { ok: false, field: "basedOn", error: "Choose a published set to start from" };
  // The shipped sets keep their examples beside their content (published before examples were
  // required); a copy carries them in its rows, where a set published from now on keeps them.
  const rows = withExamples(base.rows, await shippedExamples(db, base.id));
  const at = now.toISOString();
  const created = await inAuditedTransaction(db, async (trx) => {
    const inserted = await insertDraftSet(trx, { ...input, basedOn: base.id, rows, createdBy: admin.id, at });
    if (inserted)
      await appendAdminEvent(
        trx,
        admin,
        "CREATE_CRITERIA_DRAFT",
        { setId: input.id, basedOn: base.id, contentHash: contentHash(rows) },
        at,
      );
    return inserted;
  });
  return created
    ? { ok: true }
    : { ok: false, field: "id", error: `There is already a criteria set called ${input.id}: choose another name` };
}

/** Compiles a draft's rows as they would be saved: the first problem, in words naming the criterion, or none. */
function compileProblem(rows: readonly CriterionRow[]): string | undefined {
  const ids = new Set<string>();
  for (const row of rows) {
    if (ids.has(row.id)) return `There is already a criterion ${row.id} in this set: choose another id`;
    ids.add(row.id);
  }
  try {
    compileCriteriaSet(rows as CriterionRow[]);
    return undefined;
  } catch (error) {
    if (error instanceof CriteriaDataError) return error.message;
    throw error;
  }
}

const CHANGED_MEANWHILE =
  "Someone else changed this draft while you were editing it. Your changes have not been saved: this is the draft as it now is.";

async function draftToChange(db: Db, setId: string): Promise<StoredCriteriaSet | Refusal> {
  const set = await readCriteriaSetRows(db, setId);
  if (!set) return { ok: false, error: "There is no such criteria set" };
  if (set.status !== "draft")
    return { ok: false, error: `${set.id} is published, so it cannot change: start a new version from it instead` };
  return set;
}

async function saveRows(
  db: Db,
  admin: CurrentUser,
  set: StoredCriteriaSet,
  expectedVersion: number,
  rows: CriterionRow[],
  change: { criterionId: string; change: "added" | "edited" | "moved up" | "moved down" | "retired" },
  now: Date,
): Promise<Done> {
  const problem = compileProblem(rows);
  if (problem) return { ok: false, error: problem };
  const at = now.toISOString();
  const saved = await inAuditedTransaction(db, async (trx) => {
    const ok = await saveDraftRows(trx, set.id, expectedVersion, rows);
    if (ok) await appendAdminEvent(trx, admin, "EDIT_CRITERIA_DRAFT", { setId: set.id, ...change, contentHash: contentHash(rows) }, at);
    return ok;
  });
  return saved ? { ok: true } : { ok: false, error: CHANGED_MEANWHILE };
}

/** Saves one criterion, new (`criterionId` null, added at the end) or changed in place. */
export async function saveCriterion(
  db: Db,
  admin: CurrentUser,
  input: { setId: string; version: number; criterionId: string | null; row: CriterionRow },
  now = new Date(),
): Promise<Done> {
  const set = await draftToChange(db, input.setId);
  if ("ok" in set) return set;
  const position = input.criterionId === null ? -1 : set.rows.findIndex((row) => row.id === input.criterionId);
  if (input.criterionId !== null && position < 0) return { ok: false, error: `${input.criterionId} is not in this draft any more` };
  const rows = [...set.rows];
  if (position < 0) rows.push(input.row);
  else rows[position] = input.row;
  return saveRows(db, admin, set, input.version, rows, { criterionId: input.row.id, change: position < 0 ? "added" : "edited" }, now);
}

export async function moveCriterion(
  db: Db,
  admin: CurrentUser,
  input: { setId: string; version: number; criterionId: string; direction: "up" | "down" },
  now = new Date(),
): Promise<Done> {
  const set = await draftToChange(db, input.setId);
  if ("ok" in set) return set;
  const from = set.rows.findIndex((row) => row.id === input.criterionId);
  const to = from + (input.direction === "up" ? -1 : 1);
  if (from < 0 || to < 0 || to >= set.rows.length)
    return { ok: false, error: `${input.criterionId} cannot move ${input.direction} from where it is` };
  const rows = [...set.rows];
  [rows[from], rows[to]] = [rows[to]!, rows[from]!];
  return saveRows(db, admin, set, input.version, rows, { criterionId: input.criterionId, change: `moved ${input.direction}` }, now);
}

/** Takes a criterion out of the draft: the published sets before it keep it, and history shows it retired. */
export async function retireCriterion(
  db: Db,
  admin: CurrentUser,
  input: { setId: string; version: number; criterionId: string },
  now = new Date(),
): Promise<Done> {
  const set = await draftToChange(db, input.setId);
  if ("ok" in set) return set;
  const rows = set.rows.filter((row) => row.id !== input.criterionId);
  if (rows.length === set.rows.length) return { ok: false, error: `${input.criterionId} is not in this draft any more` };
  if (rows.length === 0) return { ok: false, error: "A set needs at least one criterion" };
  return saveRows(db, admin, set, input.version, rows, { criterionId: input.criterionId, change: "retired" }, now);
}

/** Each example's outcome under a criterion as it is saved: what the set page shows beside it. */
export function exampleOutcomes(criterion: AutomaticCriterion, row: CriterionRow, reference: ReferenceData) {
  if (row.kind !== "automatic") return [];
  return (row.examples ?? []).map((example) => {
    const outcome = judgeExample(criterion, example, reference);
    return { name: example.name, expected: example.expected, outcome: outcome.outcome, right: outcome.outcome === example.expected };
  });
}

/** A version of a set for its page: its criteria with their examples' outcomes, and what stops publishing it. */
export async function criteriaSetForAuthoring(db: Db, setId: string) {
  const found = await readCriteriaSetRows(db, setId);
  if (!found) return undefined;
  // A shipped set keeps its examples beside its rows: shown with them, as a copy will carry them.
  const stored = { ...found, rows: withExamples(found.rows, await shippedExamples(db, setId)) };
  const compiled = await compiledCriteriaSetVersion(db, setId);
  if (!compiled) return undefined;
  const reference = await referenceForCriteria(db);
  const problems: ExampleProblem[] =
    stored.status === "draft" ? exampleProblems({ rows: stored.rows, criteria: compiled.set.criteria }, reference) : [];
  const criteria = stored.rows.map((row, index) => {
    const criterion = compiled.set.criteria[index];
    const outcomes = criterion?.kind === "automatic" ? exampleOutcomes(criterion, row, reference) : [];
    return {
      id: row.id,
      title: row.title,
      kind: row.kind,
      severity: row.severity,
      checkpoints: row.appliesTo.checkpoints.join(", "),
      models: row.appliesTo.modelTypes.join(", "),
      examples: outcomes.length,
      wrongExamples: outcomes.filter((o) => !o.right).length,
      problems: problems.filter((p) => p.criterionId === row.id).map((p) => p.message),
    };
  });
  return { ...stored, rows: undefined, criteria, problems: problems.map((p) => ({ criterionId: p.criterionId, message: p.message })) };
}

/**
 * Whether a draft may be published now, and if not why: every criterion's examples right, and an
 * impact simulation of exactly this content finished.
 */
export async function publishRefusal(
  db: Db,
  setId: string,
  simulationId: string,
): Promise<{ reasons: string[]; checked?: { contentHash: string; basedOn: string | null } }> {
  const set = await criteriaSetForAuthoring(db, setId);
  if (!set) return { reasons: ["There is no such criteria set"] };
  if (set.status !== "draft") return { reasons: [`${set.id} is already published`] };
  const reasons = set.problems.map((p) => p.message);
  const simulation = await findSimulation(db, simulationId);
  if (simulation?.target_set !== setId || simulation.target_hash !== set.contentHash) {
    reasons.push(`${set.id} has changed since this simulation: run the impact simulation again before publishing`);
  } else if (simulation.status !== "done") reasons.push("Wait for the impact simulation to finish before publishing");
  return { reasons, checked: { contentHash: set.contentHash, basedOn: set.basedOn } };
}

/**
 * Publishes a draft exactly as it was checked and simulated: refused while any example is wrong or
 * missing, or when the content changed since the simulation; the update is conditional on the hash
 * that was checked, so a save in between refuses the publish rather than slipping through unchecked.
 * Audited with the whole set's content hash.
 */
export async function publishCriteriaSet(
  db: Db,
  admin: CurrentUser,
  input: { setId: string; simulationId: string; reason: string },
  now = new Date(),
): Promise<{ ok: true } | { ok: false; errors: string[] }> {
  const { reasons, checked } = await publishRefusal(db, input.setId, input.simulationId);
  if (reasons.length > 0 || !checked) return { ok: false, errors: reasons };
  const stored = { id: input.setId, ...checked };
  const at = now.toISOString();
  const published = await inAuditedTransaction(db, async (trx) => {
    const ok = await publishDraftSet(trx, stored.id, stored.contentHash, { by: admin.id, at, reason: input.reason });
    if (ok) {
      await appendAdminEvent(
        trx,
        admin,
        "PUBLISH_CRITERIA_SET",
        {
          setId: stored.id,
          contentHash: stored.contentHash,
          basedOn: stored.basedOn,
          reason: input.reason,
          simulationId: input.simulationId,
        },
        at,
      );
    }
    return ok;
  });
  return published
    ? { ok: true }
    : { ok: false, errors: [`${input.setId} changed or was published while you were publishing it: nothing was published`] };
}

/** One criterion of a set as its editing page starts: the form's values and what the page shows beside them. */
export async function criterionForEditing(db: Db, setId: string, criterionId: string) {
  const set = await readCriteriaSetRows(db, setId);
  if (!set) return undefined;
  const isNew = criterionId === "new";
  if (isNew && set.status !== "draft") return undefined;
  const rows = withExamples(set.rows, await shippedExamples(db, set.id));
  const saved = isNew ? undefined : rows.find((row) => row.id === criterionId);
  if (!isNew && !saved) return undefined;
  const table = saved?.kind === "automatic" ? saved.table : undefined;
  return {
    setId: set.id,
    criterionId: saved?.id ?? null,
    isNew,
    draft: set.status === "draft",
    version: set.version,
    kind: saved?.kind ?? "automatic",
    title: saved?.title ?? "",
    formValues: criterionFormValues(saved, exampleAnswersText),
    saved: saved ?? null,
    reference: await referenceForCriteria(db),
    tableNames: [
      ...Object.entries(table?.constants ?? {}).map(([name, value]) => ({ name, value: JSON.stringify(value) })),
      ...(table?.let ?? []).map((binding) => ({ name: binding.name, value: binding.value })),
    ],
    groups: Object.fromEntries(
      (table?.rules ?? []).flatMap((entry, index) =>
        isRuleGroup(entry) ? [[index, { list: entry.forEach.list, rules: entry.rules.length }]] : [],
      ),
    ) as Record<number, { list: string; rules: number }>,
  };
}

export type SaveRefusal = {
  ok: false;
  formErrors?: string[];
  fieldErrors?: Record<string, string[]>;
  conflict?: boolean;
  /** Why an example could not be copied from the submission named (nothing was saved). */
  copyError?: string;
};

/**
 * Saves a criterion as its form describes it: each example's answers read and each expression
 * checked (unknown field, wrong type, syntax) with the problem beside its field; then the whole draft
 * compiled, so nothing that would not load is ever saved. With `copyFrom`, also adds an example
 * copied, anonymised, from that live submission.
 */
export async function saveCriterionFromForm(
  db: Db,
  admin: CurrentUser,
  input: { setId: string; criterionId: string | null; version: number; input: CriterionInput; copyFrom: string | null },
  now = new Date(),
): Promise<{ ok: true; copied?: string } | SaveRefusal> {
  const set = await readCriteriaSetRows(db, input.setId);
  if (!set) return { ok: false, formErrors: ["There is no such criteria set"] };
  if (set.status !== "draft")
    return { ok: false, formErrors: [`${set.id} is published, so it cannot change: start a new version from it`] };
  const saved = input.criterionId === null ? undefined : set.rows.find((row) => row.id === input.criterionId);
  if (input.criterionId !== null && !saved) return { ok: false, formErrors: [`${input.criterionId} is not in this draft any more`] };
  if (input.criterionId !== null && input.input.id !== input.criterionId) {
    return { ok: false, fieldErrors: { id: ["A criterion's id cannot change"] } };
  }

  const fieldErrors: Record<string, string[]> = {};
  const examples: CriterionExample[] = [];
  input.input.examples.forEach((example, index) => {
    const read = readExampleAnswers(example.answers ?? "");
    if (!read.ok) fieldErrors[`examples[${index}].answers`] = read.errors;
    else
      examples.push({
        name: example.name,
        expected: example.expected,
        checkpoint: Number(example.checkpoint) as Checkpoint,
        answers: read.answers,
      });
  });
  const row = criterionRowFrom(input.input, saved, examples);
  Object.assign(fieldErrors, criterionExpressionProblems(input.input, saved));
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };

  let copied: string | undefined;
  if (input.copyFrom !== null) {
    const from = await copiedExample(db, row, input.copyFrom.trim().split("/").at(-1) ?? "");
    if (!from.ok) return { ok: false, copyError: from.error };
    if (row.kind === "automatic") row.examples = [...(row.examples ?? []), from.example];
    copied = `Example copied from a live submission, anonymised, as example ${row.kind === "automatic" ? row.examples?.length : 0}: check what it must give`;
  }

  const done = await saveCriterion(db, admin, { setId: set.id, version: input.version, criterionId: input.criterionId, row }, now);
  if (!done.ok) return { ok: false, formErrors: [done.error], conflict: done.error.startsWith("Someone else") };
  return copied ? { ok: true, copied } : { ok: true };
}

/** An example made from a live submission's answers at the criterion's fields, anonymised, expecting what it gives now. */
async function copiedExample(
  db: Db,
  row: CriterionRow,
  submissionId: string,
): Promise<{ ok: true; example: CriterionExample } | { ok: false; error: string }> {
  const submission = submissionId ? await findSubmission(db, submissionId) : undefined;
  if (!submission) return { ok: false, error: "Enter the reference of a submission, from its address after /reviews/" };
  if (row.kind !== "automatic") return { ok: false, error: "Only an automatic check has examples" };
  const { content } = parseSubmissionContent(await readSections(db, submissionId));
  const paths = [...new Set(["about.modelType", ...row.fieldPaths])];
  const answers = anonymiseAnswers(answersFromContent(content, paths));
  const checkpoint = Math.min(3, Math.max(1, submission.checkpoint)) as Checkpoint;
  const draft: CriterionExample = { name: "Copied from a live submission, anonymised", expected: "pass", checkpoint, answers };
  let outcome: CriterionExample["expected"];
  try {
    const compiled = compileCriteriaSet([row]).criteria[0];
    if (compiled?.kind !== "automatic") return { ok: false, error: "Only an automatic check has examples" };
    outcome = judgeExample(compiled, draft, await referenceForCriteria(db)).outcome;
  } catch (error) {
    if (error instanceof CriteriaDataError) return { ok: false, error: `Fix the rules before copying an example: ${error.message}` };
    return { ok: false, error: "That submission's answers cannot be made into an example of this criterion" };
  }
  return { ok: true, example: { ...draft, expected: outcome } };
}
