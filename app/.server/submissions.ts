import type { Transaction } from "kysely";
import { data } from "react-router";
import type { Db } from "../../db/client.ts";
import type { Database } from "../../db/schema.ts";
import {
  findSubmission,
  lockSubmissionForEdit,
  readSectionRows,
  saveSection,
  type Submission,
  updateDraftChecks,
  updateSubmissionSummary,
} from "../../db/submissions.ts";
import { type Checkpoint, factsFrom, type PersistedAssuranceSnapshot } from "../../workflows/assurance.machine.ts";
import { checkpointToJudge } from "../../workflows/states.ts";
import { pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import { type Evaluation, type EvaluationSummary, evaluate, failingCriteria, summarise } from "../../workflows/evaluate.ts";
import { parseSubmissionContent, type SectionSlug, sectionSchemas, type SubmissionContent } from "../../workflows/submission.ts";
import { decide, type PolicyActor, type Question, type SubmissionFacts, who } from "../../workflows/policy.ts";
import { actorFrom, type NamedActor, startSubmission } from "./assurance.ts";
import { referenceForCriteria } from "./reference.ts";
import type { CurrentUser } from "./session.ts";

/**
 * The lead's side of a submission: reading it, editing its draft, and judging the draft against
 * its criteria. Workflow changes go through applyEvent (assurance.ts); this module never moves
 * the state.
 */

export interface LoadedSubmission {
  user: CurrentUser;
  actor: NamedActor;
  submission: Submission;
  snapshot: PersistedAssuranceSnapshot;
  /** What the assurance policy needs to answer about this submission. */
  facts: SubmissionFacts;
}

/**
 * The submission, if this user may see it. An unknown id and another footprint's submission are the
 * same 404, so a guessed id confirms nothing; any other refusal (a reviewer's conflict of interest)
 * is a 403 with the policy's reason.
 */
export async function requireSubmission(db: Db, user: CurrentUser, submissionId: string | undefined): Promise<LoadedSubmission> {
  const actor = actorFrom(user);
  const submission = submissionId ? await findSubmission(db, submissionId) : undefined;
  if (!submission) throw data("Submission not found", { status: 404 });
  const snapshot = submission.workflow_snapshot;
  const facts: SubmissionFacts = {
    ...factsFrom(snapshot.context, submission.state),
    // The only footprint whose name a refusal can need: one the person is conflicted with.
    footprintName: user.conflicts.find((c) => c.footprintCode === submission.footprint_code)?.footprintName,
  };
  const verdict = decide(actor, "see-submission", facts);
  if (!verdict.allowed) throw data(verdict.hidden ? "Submission not found" : verdict.reason, { status: verdict.hidden ? 404 : 403 });
  return { user, actor, submission, snapshot, facts };
}

/**
 * The policy's refusal of a question for the loaded submission and person; null when they may.
 * `stateNow` is the state read again inside a transaction, where it may have moved on.
 */
export function refusalOf(loaded: Pick<LoadedSubmission, "actor" | "facts">, question: Question, stateNow?: string): string | null {
  const verdict = decide(loaded.actor, question, stateNow ? { ...loaded.facts, state: stateNow } : loaded.facts);
  return verdict.allowed ? null : verdict.reason;
}

/** The things a person may do to a submission now, beside its pages, as the policy allows them. */
export function actionsFor(loaded: Pick<LoadedSubmission, "actor" | "facts">) {
  const may = (question: Question) => refusalOf(loaded, question) === null;
  return {
    review: may("see-review"),
    assign: may("assign"),
    reassign: may("reassign"),
    pause: may("pause"),
    resume: may("resume"),
    withdraw: may("withdraw"),
  };
}

/**
 * What a programme administrator may do to a pipeline row now (pause, resume, withdraw), from the
 * row alone: these questions turn on the role and the state's tags, not on the submission's people.
 */
export function pipelineRowActions(actor: PolicyActor, row: { footprintCode: string; state: string; checkpoint: number }) {
  const facts: SubmissionFacts = {
    footprintCode: row.footprintCode,
    state: row.state,
    checkpoint: row.checkpoint as SubmissionFacts["checkpoint"],
    authors: [],
    reviewers: null,
    proposedBy: null,
    signers: [],
    openConditions: 0,
  };
  const may = (question: Question) => decide(actor, question, facts).allowed;
  return { pause: may("pause"), resume: may("resume"), withdraw: may("withdraw") };
}

/**
 * A 403 page with the reason (or the 404 of a submission the person may not know of) unless this
 * person may ask the question at all. Whether the submission is at a step where it means anything
 * is left to the page, which says so in place of its form (refusalOf), and to the action.
 */
export function requirePermission(loaded: Pick<LoadedSubmission, "actor" | "facts">, question: Question): void {
  const verdict = who(loaded.actor, question, loaded.facts);
  if (verdict && !verdict.allowed)
    throw data(verdict.hidden ? "Submission not found" : verdict.reason, { status: verdict.hidden ? 404 : 403 });
}

/** The checkpoint the draft is being prepared for: the next one, or the one it was returned at. */
export function targetCheckpoint(snapshot: Pick<PersistedAssuranceSnapshot, "context">, state: string): Checkpoint {
  return checkpointToJudge(snapshot.context.checkpoint, state);
}

export interface DraftSections {
  content: SubmissionContent;
  /** When each section was last saved and by whom (for "changed since you opened it"). */
  saved: Partial<Record<SectionSlug, { at: string; by: string }>>;
}

export async function readDraft(db: Db | Transaction<Database>, submissionId: string): Promise<DraftSections> {
  const rows = await readSectionRows(db, submissionId);
  const raw = Object.fromEntries(rows.map((r) => [r.section, r.data]));
  return {
    content: parseSubmissionContent(raw).content,
    saved: Object.fromEntries(rows.map((r) => [r.section, { at: r.updated_at, by: r.updated_by }])),
  };
}

/** The draft judged against the submission's pinned criteria set, for the checkpoint it is heading to. */
export async function evaluateDraft(
  db: Db,
  loaded: Pick<LoadedSubmission, "submission" | "snapshot">,
  content: SubmissionContent,
): Promise<Evaluation> {
  const set = await pinnedCriteriaSet(db, loaded.submission.criteria_set);
  return evaluate(content, set, {
    checkpoint: targetCheckpoint(loaded.snapshot, loaded.submission.state),
    reference: await referenceForCriteria(db),
  });
}

/**
 * The draft's checks as the task list shows them: the summary stored at the last save while it was
 * judged against the submission's criteria set for the checkpoint it is heading to now; otherwise
 * (never saved since the column came, the set changed, a checkpoint passed) the draft judged afresh.
 */
export async function draftChecksFor(
  db: Db,
  loaded: Pick<LoadedSubmission, "submission" | "snapshot">,
  readContent: () => Promise<SubmissionContent>,
): Promise<EvaluationSummary> {
  const { submission } = loaded;
  const stored = submission.draft_checks;
  const checkpoint = targetCheckpoint(loaded.snapshot, submission.state);
  if (stored && stored.criteriaSetId === submission.criteria_set && stored.checkpoint === checkpoint) return stored;
  return summarise(await evaluateDraft(db, loaded, await readContent()));
}

/**
 * Judges the stored draft and records its checks: the pipeline's counts, the failing criteria and
 * the task list's summary. For changes made outside saveSubmissionSection (evidence documents, the
 * demo's drafts), which records them inside its own transaction.
 */
export async function recheckDraft(db: Db, loaded: Pick<LoadedSubmission, "submission" | "snapshot">, at: string): Promise<Evaluation> {
  const draft = await readDraft(db, loaded.submission.id);
  const evaluation = await evaluateDraft(db, loaded, draft.content);
  await updateDraftChecks(db, loaded.submission.id, { failing: failingCriteria(evaluation), summary: summarise(evaluation), at });
  return evaluation;
}

export type SaveSectionResult =
  | { ok: true; evaluation: Evaluation }
  | { ok: false; kind: "refused"; reason: string }
  | { ok: false; kind: "invalid"; issues: { fieldPath: string; message: string }[] }
  | { ok: false; kind: "stale"; reason: string };

/**
 * Saves one section of the draft. The data must already be typed (the form turns "12,000" into
 * 12000); anything that still does not fit the section's schema is refused with its field paths,
 * so the stored draft is always well-typed. Completeness is not checked here: incomplete sections
 * save, and the criteria say what is missing.
 *
 * `openedAt` is when the section was last saved as the person saw it; if someone saved it since,
 * the save is refused rather than silently overwriting their work.
 */
export async function saveSubmissionSection(
  db: Db,
  loaded: LoadedSubmission,
  section: Exclude<SectionSlug, "evidence">,
  values: unknown,
  options: { openedAt?: string | null; at?: Date } = {},
): Promise<SaveSectionResult> {
  const refusal = refusalOf(loaded, "edit-draft");
  if (refusal) return { ok: false, kind: "refused", reason: refusal };

  const parsed = sectionSchemas[section].safeParse(values);
  if (!parsed.success) {
    return {
      ok: false,
      kind: "invalid",
      issues: parsed.error.issues.map((i) => ({ fieldPath: [section, ...i.path.map(String)].join("."), message: i.message })),
    };
  }

  // Everything below happens in one transaction holding the submission: the state is checked
  // again (it may have been submitted meanwhile), the stale check cannot race another save, and
  // the section, the list's title and the failing-check counts change together or not at all.
  const reference = await referenceForCriteria(db);
  const set = await pinnedCriteriaSet(db, loaded.submission.criteria_set);
  return db.transaction().execute(async (trx): Promise<SaveSectionResult> => {
    const current = await lockSubmissionForEdit(trx, loaded.submission.id);
    const nowRefused = current ? refusalOf(loaded, "edit-draft", current.state) : "Submission not found.";
    if (nowRefused) return { ok: false, kind: "refused", reason: nowRefused };

    const draft = await readDraft(trx, loaded.submission.id);
    const lastSaved = draft.saved[section]?.at ?? null;
    if (options.openedAt !== undefined && (options.openedAt || null) !== lastSaved) {
      return {
        ok: false,
        kind: "stale",
        reason:
          "Someone else saved this section after you opened it. Your changes are below but not saved: check them against the latest version, then save again.",
      };
    }

    const at = (options.at ?? new Date()).toISOString();
    // The footprint decides who may see the submission, so it is fixed when the draft starts.
    const data = section === "about" ? { ...(parsed.data as object), footprintCode: loaded.submission.footprint_code } : parsed.data;
    await saveSection(trx, { submissionId: loaded.submission.id, section, data, updatedBy: loaded.actor.id, at });
    if (section === "about") {
      const about = data as { title?: string; modelType?: "MCP" | "PACS"; vanguardNumber?: number };
      await updateSubmissionSummary(trx, loaded.submission.id, {
        title: about.title || loaded.submission.title,
        modelType: about.modelType ?? (loaded.submission.model_type as "MCP" | "PACS"),
        vanguardNumber: about.vanguardNumber ?? null,
      });
    }
    const content = { ...draft.content, [section]: data } as SubmissionContent;
    const evaluation = evaluate(content, set, { checkpoint: targetCheckpoint(loaded.snapshot, current!.state), reference });
    await updateDraftChecks(trx, loaded.submission.id, {
      failing: failingCriteria(evaluation),
      summary: summarise(evaluation),
      at,
    });
    return { ok: true, evaluation };
  });
}

/**
 * Starts a draft for one of the lead's footprints and records the first answers of "About the
 * proposal" (title, model type, footprint), so the task list starts from what they told us.
 */
export async function startSubmissionForLead(
  db: Db,
  user: CurrentUser,
  input: { footprintCode: string; modelType: "MCP" | "PACS"; title: string },
): Promise<{ ok: true; id: string } | { ok: false; reason: string }> {
  const actor = actorFrom(user);
  const started = await startSubmission(db, actor, input);
  if (!started.ok) return started;
  await saveSection(db, {
    submissionId: started.id,
    section: "about",
    data: { title: input.title.trim(), modelType: input.modelType, footprintCode: input.footprintCode },
    updatedBy: actor.id,
    at: new Date().toISOString(),
  });
  // No checks are stored until the first save: until then the task list judges the title alone.
  return started;
}
