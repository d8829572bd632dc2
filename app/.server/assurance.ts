import { randomUUID } from "node:crypto";
import { createActor } from "xstate";
import type { Db } from "../../db/client.ts";
import { nextAuditEntry } from "../../db/audit.ts";
import type { Role } from "../../db/schema.ts";
import { findSubmissionForEvent, insertSubmission, readSections, type Submission, stateEntries } from "../../db/submissions.ts";
import { writeWorkflowEvent } from "../../db/workflow-events.ts";
import { findUserProfile, isUserDeactivated, type UserProfile } from "../../db/users.ts";
import {
  type Actor,
  type AssuranceContext,
  type AssuranceEvent,
  assuranceMachine,
  type Checkpoint,
  checkpointOf,
  explainRefusal,
  factsFrom,
  type ModelType,
  proposalWithdrawnBy,
  stateKey,
  whoseTurn,
} from "../../workflows/assurance.machine.ts";
import { clockFor, nationalDaysKept } from "../../workflows/clock.ts";
import { decide, NOT_FOUND } from "../../workflows/policy.ts";
import { loadCriteriaSets } from "../../db/criteria-sets.ts";
import { type EvaluationSummary, evaluate, failingCriteria, summarise } from "../../workflows/evaluate.ts";
import { parseSubmissionContent, type SubmissionContent } from "../../workflows/submission.ts";
import { checkpointToJudge, STATES } from "../../workflows/states.ts";
import { env } from "./env.ts";
import { countWorkflowEvent } from "./metrics.ts";
import { deliverSoon, eventNotices } from "./notifications.ts";
import { referenceForCriteria } from "./reference.ts";

/**
 * The workflow runtime: restore the machine from the stored snapshot, let it decide, and store
 * the outcome in one transaction guarded by the submission's version, with a hash-chained audit
 * entry. Nothing here trusts what a browser sends about people or content: who the actor is,
 * who the reviewers are and whether the content passes its criteria are all read from the database.
 */

/** What a caller asks for; the runtime adds the actor and everything it must not take on trust. */
export type WorkflowCommand =
  | { type: "SUBMIT"; declaration: boolean }
  | { type: "RESUBMIT"; declaration: boolean }
  | { type: "ASSIGN"; leadReviewerId: string; secondReviewerId: string }
  | { type: "REASSIGN"; leadReviewerId: string; secondReviewerId: string; reason: string }
  | DistributiveOmit<Exclude<AssuranceEvent, { type: "SUBMIT" | "RESUBMIT" | "ASSIGN" | "REASSIGN" }>, "actor">;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type ApplyResult =
  | { ok: true; state: string; version: number; versionNumber?: number; auditHash: string }
  | { ok: false; kind: "not_found" | "refused" | "conflict"; reason: string };

export const CHANGED_BY_SOMEONE_ELSE =
  "Someone else changed this submission while you were working on it. Reload the page to see the latest, then try again.";

/** An actor with the name the audit trail records for them (read with the user, not again per event). */
export type NamedActor = Actor & { name: string };

export function actorFrom(user: Pick<UserProfile, "id" | "name" | "role" | "footprints" | "conflicts">): NamedActor {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    footprints: user.footprints.map((f) => f.code),
    conflicts: user.conflicts.map((c) => c.footprintCode),
  };
}

/** An actor for the submission's machine, restored from its stored snapshot (not yet started). */
export function restore(row: Pick<Submission, "id" | "workflow_snapshot" | "footprint_code" | "model_type" | "created_by">) {
  const snapshot = row.workflow_snapshot;
  const input = {
    submissionId: row.id,
    footprintCode: row.footprint_code,
    modelType: row.model_type as ModelType,
    createdBy: row.created_by,
  };
  return createActor(assuranceMachine, { snapshot, input });
}

export async function startSubmission(
  db: Db,
  actor: NamedActor,
  input: { footprintCode: string; title: string; modelType: ModelType; vanguardNumber?: number | null; at?: Date },
): Promise<{ ok: true; id: string } | { ok: false; reason: string }> {
  if (actor.role !== "lead" || !actor.footprints.includes(input.footprintCode)) {
    return { ok: false, reason: "Only a system lead of this footprint can start a submission for it." };
  }
  const id = randomUUID();
  const at = (input.at ?? new Date()).toISOString();
  const machine = createActor(assuranceMachine, {
    input: { submissionId: id, footprintCode: input.footprintCode, modelType: input.modelType, createdBy: actor.id },
  });
  machine.start();
  const snapshot = machine.getSnapshot();
  const persisted = JSON.stringify(machine.getPersistedSnapshot());
  machine.stop();
  const state = stateKey(snapshot.value);
  // A new submission is pinned to the latest published set as it stands now.
  const latestSet = (await loadCriteriaSets(db)).latest.id;

  await db.transaction().execute(async (trx) => {
    await insertSubmission(trx, {
      id,
      footprint_code: input.footprintCode,
      title: input.title,
      model_type: input.modelType,
      vanguard_number: input.vanguardNumber ?? null,
      criteria_set: latestSet,
      state,
      checkpoint: 0,
      whose_turn: whoseTurn(state),
      version: 1,
      workflow_snapshot: persisted,
      state_entered_at: at,
      national_days_used: 0,
      failing_blocking: 0,
      failing_warnings: 0,
      created_by: actor.id,
      created_at: at,
      updated_at: at,
    });
    // A new chain: its first entry, with no read for a last link.
    const first = nextAuditEntry(
      {
        chain: id,
        submissionId: id,
        actorId: actor.id,
        actorName: actor.name,
        action: "CREATE",
        fromState: null,
        toState: state,
        payload: { title: input.title, modelType: input.modelType, footprintCode: input.footprintCode, criteriaSet: latestSet },
        at,
      },
      null,
    );
    await trx.insertInto("audit_event").values(first).execute();
  });
  countWorkflowEvent("CREATE");
  return { ok: true, id };
}

/** The states of each checkpoint: the first entry into any of them starts that checkpoint's clock. */
const checkpointStates = new Map<Checkpoint, string[]>();
for (const state of Object.keys(STATES)) {
  const checkpoint = checkpointOf(state);
  if (checkpoint) checkpointStates.set(checkpoint, [...(checkpointStates.get(checkpoint) ?? []), state]);
}
const statesOfCheckpoint = (checkpoint: Checkpoint) => checkpointStates.get(checkpoint) ?? [];

/** The people named in an ASSIGN or REASSIGN, as the database knows them. */
export async function candidate(db: Db, userId: string) {
  const [profile, deactivated] = await Promise.all([findUserProfile(db, userId), isUserDeactivated(db, userId)]);
  if (!profile) return null;
  return {
    id: profile.id,
    name: profile.name,
    role: profile.role as Role,
    conflicts: profile.conflicts.map((c) => c.footprintCode),
    deactivated,
  };
}

/** What the audit trail keeps of a reassignment beyond the event: who was replaced, and any proposal withdrawn. */
function reassignmentRecord(before: AssuranceContext, event: Extract<AssuranceEvent, { type: "REASSIGN" }>) {
  const withdrawn = proposalWithdrawnBy(before, event);
  return {
    replaced: before.reviewers,
    ...(withdrawn ? { proposalWithdrawn: { decision: withdrawn.decision, proposedBy: withdrawn.proposedBy } } : {}),
  };
}

/**
 * Applies one workflow event to one submission. `expectedVersion`, when given, is the version the
 * person was looking at: if the submission has moved on since, they are told rather than overruled.
 */
export async function applyEvent(
  db: Db,
  submissionId: string,
  actor: NamedActor,
  command: WorkflowCommand,
  options: { expectedVersion?: number; at?: Date } = {},
): Promise<ApplyResult> {
  const row = await findSubmissionForEvent(db, submissionId);
  if (!row) return { ok: false, kind: "not_found", reason: NOT_FOUND };
  const verdict = decide(actor, "see-submission", factsFrom(row.workflow_snapshot.context, row.state));
  if (!verdict.allowed) return { ok: false, kind: verdict.hidden ? "not_found" : "refused", reason: verdict.reason };
  if (options.expectedVersion !== undefined && options.expectedVersion !== row.version) {
    return { ok: false, kind: "conflict", reason: CHANGED_BY_SOMEONE_ELSE };
  }

  const machine = restore(row);
  machine.start();
  try {
    const before = machine.getSnapshot();
    const fromState = stateKey(before.value);

    let event: AssuranceEvent;
    let frozen: { content: SubmissionContent; evaluation: ReturnType<typeof evaluate>; checkpoint: Checkpoint } | null = null;
    if (command.type === "SUBMIT" || command.type === "RESUBMIT") {
      const checkpoint = (command.type === "SUBMIT" ? before.context.checkpoint + 1 : before.context.checkpoint) as Checkpoint;
      // Drafts keep whatever was typed; only the part that fits the schemas is judged and frozen.
      const { content } = parseSubmissionContent(await readSections(db, submissionId));
      const set = (await loadCriteriaSets(db)).byId.get(row.criteria_set);
      if (!set)
        return { ok: false, kind: "refused", reason: `This submission is pinned to an unknown criteria set (${row.criteria_set}).` };
      const evaluation = evaluate(content, set, {
        checkpoint: Math.min(Math.max(checkpoint, 1), 3) as Checkpoint,
        reference: await referenceForCriteria(db),
      });
      frozen = { content, evaluation, checkpoint };
      event = { type: command.type, actor, declaration: command.declaration, blockingFailures: evaluation.blockingFailures.length };
    } else if (command.type === "ASSIGN" || command.type === "REASSIGN") {
      const [leadReviewer, secondReviewer] = await Promise.all([
        candidate(db, command.leadReviewerId),
        candidate(db, command.secondReviewerId),
      ]);
      if (!leadReviewer || !secondReviewer) return { ok: false, kind: "refused", reason: "Choose reviewers who have accounts." };
      event =
        command.type === "ASSIGN"
          ? { type: "ASSIGN", actor, leadReviewer, secondReviewer }
          : { type: "REASSIGN", actor, leadReviewer, secondReviewer, reason: command.reason.trim() };
    } else {
      event = { ...command, actor } as AssuranceEvent;
    }

    const refusal = explainRefusal(before, event);
    if (refusal) return { ok: false, kind: "refused", reason: refusal };

    machine.send(event);
    const after = machine.getSnapshot();
    const toState = stateKey(after.value);
    const changedState = toState !== fromState;
    const at = (options.at ?? new Date()).toISOString();

    // A checkpoint's figure counts only the entries since that checkpoint began: no trail is read
    // for any other state (nationalDaysKept says what those keep).
    const checkpoint = checkpointOf(toState);
    let nationalDaysUsed =
      nationalDaysKept(
        { whoseTurn: row.whose_turn, nationalDaysUsed: row.national_days_used, stateEnteredAt: row.state_entered_at },
        toState,
        new Date(at),
      ) ?? 0;
    if (checkpoint) {
      let trail = await stateEntries(db, submissionId, { since: statesOfCheckpoint(checkpoint) });
      // A trail that never entered the state the row is in (not written by this runtime): all of it, as before.
      if (trail.length === 0 && !changedState) trail = await stateEntries(db, submissionId);
      const clock = clockFor([...trail, ...(changedState ? [{ at, state: toState }] : [])], new Date(at));
      nationalDaysUsed = clock.checkpoint?.nationalWorkingDaysUsed ?? 0;
    }

    // The task list shows the draft's checks for the checkpoint it is judged for: when the event
    // moves that (a submission, a return, a checkpoint passed), they are judged again for the new
    // one and written with the event, so the task list never judges the draft on a page view.
    const judgedNow = checkpointToJudge(after.context.checkpoint, toState);
    let draftChecks: EvaluationSummary | undefined;
    if (judgedNow !== checkpointToJudge(before.context.checkpoint, fromState)) {
      const set = (await loadCriteriaSets(db)).byId.get(row.criteria_set);
      if (set) {
        const content = frozen?.content ?? parseSubmissionContent(await readSections(db, submissionId)).content;
        draftChecks = summarise(evaluate(content, set, { checkpoint: judgedNow, reference: await referenceForCriteria(db) }));
      }
    }

    const versionNumber = frozen ? after.context.versionsSubmitted : undefined;
    const { actor: _actor, ...details } = event as AssuranceEvent & Record<string, unknown>;
    // Hashed onto the chain's last link as read with the row; the write refuses it if the chain moved since.
    const audit = nextAuditEntry(
      {
        chain: submissionId,
        submissionId,
        actorId: actor.id,
        actorName: actor.name,
        action: event.type,
        fromState,
        toState: changedState ? toState : null,
        payload: {
          ...details,
          actorRole: actor.role,
          ...(versionNumber ? { versionNumber } : {}),
          ...(event.type === "REASSIGN" ? reassignmentRecord(before.context, event) : {}),
        },
        at,
      },
      row.lastLink,
    );
    const written = await writeWorkflowEvent(db, {
      change: {
        id: submissionId,
        expectedVersion: row.version,
        snapshot: JSON.stringify(machine.getPersistedSnapshot()),
        state: toState,
        checkpoint: after.context.checkpoint,
        whoseTurn: whoseTurn(toState),
        stateEnteredAt: changedState ? at : row.state_entered_at,
        nationalDaysUsed,
        ...(frozen
          ? { failingBlocking: frozen.evaluation.blockingFailures.length, failingWarnings: frozen.evaluation.warnings.length }
          : {}),
        ...(draftChecks ? { draftChecks } : {}),
        from: row,
      },
      audit,
      ...(frozen && versionNumber
        ? {
            failing: failingCriteria(frozen.evaluation),
            version: {
              id: randomUUID(),
              submission_id: submissionId,
              number: versionNumber,
              checkpoint: frozen.checkpoint,
              criteria_set: row.criteria_set,
              content: JSON.stringify(frozen.content),
              evaluation: JSON.stringify(frozen.evaluation),
              submitted_by: actor.id,
              submitted_at: at,
            },
          }
        : {}),
      ...(event.type === "ASSIGN" || event.type === "REASSIGN"
        ? {
            assignment: {
              id: randomUUID(),
              submission_id: submissionId,
              checkpoint: after.context.checkpoint,
              lead_reviewer_id: event.leadReviewer.id,
              second_reviewer_id: event.secondReviewer.id,
              assigned_by: actor.id,
              assigned_at: at,
            },
          }
        : {}),
      // Written with the event: a notification exists exactly when its event does.
      notices: eventNotices({ submission: row, event, before: before.context, after: after.context }),
      at,
      baseUrl: env().baseUrl,
    });

    if (!written) return { ok: false, kind: "conflict", reason: CHANGED_BY_SOMEONE_ELSE };
    countWorkflowEvent(event.type);
    deliverSoon();
    return { ok: true, state: toState, version: row.version + 1, versionNumber, auditHash: audit.hash };
  } finally {
    machine.stop();
  }
}
