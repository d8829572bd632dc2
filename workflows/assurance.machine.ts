import { assign, type SnapshotFrom, setup, type StateValue } from "xstate";
import { z } from "zod";
import {
  assignmentRefusal,
  type Candidate,
  decide,
  type PolicyActor,
  type Question,
  type Role,
  type SubmissionFacts,
  who,
} from "./policy.ts";
import {
  checkpointOf,
  DECISIONS,
  type Decision,
  DELIVERY_CONFIDENCE,
  type DeliveryConfidence,
  describeState,
  hasTag,
  type ReviewStep,
  STATES,
  type StateKey,
  type Turn,
  whoseTurn,
} from "./states.ts";
import { CHECKPOINTS, type Checkpoint, isKnownFieldPath, MODEL_TYPES, type ModelType } from "./submission.ts";

export type { Candidate, Checkpoint, Decision, DeliveryConfidence, ModelType, Role, StateKey, Turn };
export { checkpointOf, DECISIONS, DELIVERY_CONFIDENCE, describeState, hasTag, whoseTurn };

/**
 * The assurance workflow of one submission (product.md, "The assurance workflow"; the ISAP
 * checkpoints of domain-research.md §2.2). Pure: it decides, the runtime stores. Who may send each
 * event, and at which step, is the policy's (policy.ts); the event's content rules are here. Each
 * state carries its tags from states.ts, so code outside workflows/ asks for a tag, never a name.
 */

/** Whoever sends an event, as the server knows them (never as the browser claims). */
export type Actor = PolicyActor;

/** What a condition or change request is tied to: a field of the submission, or a criterion. */
export interface Target {
  fieldPath?: string;
  criterionId?: string;
}

export interface ConditionInput extends Target {
  id: string;
  text: string;
}

export interface Condition extends ConditionInput {
  setAtCheckpoint: Checkpoint;
  status: "open" | "evidence_submitted" | "discharged";
  evidence?: string;
  /** Why a reviewer last rejected the evidence, for the lead to act on. */
  rejectionReason?: string;
  dischargedBy?: string;
}

export interface ChangeRequest extends Target {
  id: string;
  text: string;
}

export interface Proposal {
  checkpoint: Checkpoint;
  decision: Decision;
  confidence: DeliveryConfidence;
  rationale: string;
  conditions: ConditionInput[];
  changeRequests: ChangeRequest[];
  proposedBy: string;
}

export interface DecisionRecord extends Proposal {
  /** 1-based number of the decision across the submission's life, for /decisions/:n. */
  number: number;
  countersignedBy: string;
}

export interface AssuranceContext {
  submissionId: string;
  footprintCode: string;
  modelType: ModelType;
  /** The checkpoint under review, or the last one passed (0 before the first submission). */
  checkpoint: 0 | Checkpoint;
  /** People who wrote or submitted the submission: never its reviewers. */
  authors: string[];
  reviewers: { lead: string; second: string } | null;
  proposal: Proposal | null;
  /** Countersigned decisions, oldest first. */
  decisions: DecisionRecord[];
  /** Change requests of the last "changes requested" decision, for the lead to answer. */
  changeRequests: ChangeRequest[];
  conditions: Condition[];
  /** Why the last countersigner disagreed, shown to the lead reviewer. */
  disagreement: { by: string; reason: string } | null;
  /** How many versions have been submitted (each SUBMIT or RESUBMIT freezes one). */
  versionsSubmitted: number;
  pause: { by: string; reason: string } | null;
  closure: { by: string; reason: string } | null;
}

// The context as stored in a submission's snapshot, checked when it is read back: the machine
// trusts its context, so a stored one that does not fit must stop here rather than mislead it.
const checkpointSchema = z.union(CHECKPOINTS.map((c) => z.literal(c)));
const targetShape = { fieldPath: z.string().optional(), criterionId: z.string().optional() };
const conditionInputSchema = z.object({ ...targetShape, id: z.string(), text: z.string() });
const changeRequestSchema = z.object({ ...targetShape, id: z.string(), text: z.string() });
const proposalShape = {
  checkpoint: checkpointSchema,
  decision: z.enum(DECISIONS),
  confidence: z.enum(DELIVERY_CONFIDENCE),
  rationale: z.string(),
  conditions: z.array(conditionInputSchema),
  changeRequests: z.array(changeRequestSchema),
  proposedBy: z.string(),
};
const byWhomWhy = z.object({ by: z.string(), reason: z.string() }).nullable();

export const AssuranceContextSchema: z.ZodType<AssuranceContext> = z.object({
  submissionId: z.string(),
  footprintCode: z.string(),
  modelType: z.enum(MODEL_TYPES),
  checkpoint: z.union([z.literal(0), checkpointSchema]),
  authors: z.array(z.string()),
  reviewers: z.object({ lead: z.string(), second: z.string() }).nullable(),
  proposal: z.object(proposalShape).nullable(),
  decisions: z.array(z.object({ ...proposalShape, number: z.number().int(), countersignedBy: z.string() })),
  changeRequests: z.array(changeRequestSchema),
  conditions: z.array(
    conditionInputSchema.extend({
      setAtCheckpoint: checkpointSchema,
      status: z.enum(["open", "evidence_submitted", "discharged"]),
      evidence: z.string().optional(),
      rejectionReason: z.string().optional(),
      dischargedBy: z.string().optional(),
    }),
  ),
  disagreement: byWhomWhy,
  versionsSubmitted: z.number().int(),
  pause: byWhomWhy,
  closure: byWhomWhy,
});

const stateValueSchema: z.ZodType<StateValue> = z.union([
  z.string(),
  z.record(
    z.string(),
    z.lazy(() => stateValueSchema),
  ),
]);

/**
 * A submission's machine as stored (`getPersistedSnapshot`): what is restored on every event. The
 * context and state are checked; XState's own bookkeeping (history, children) is kept as it is.
 * Only running and finished machines are stored (a machine that threw is never saved), and this
 * machine has no output, so JSON's missing `output` and `error` are read back as undefined.
 */
export const PersistedAssuranceSnapshotSchema = z
  .looseObject({
    status: z.enum(["active", "done"]),
    value: stateValueSchema,
    context: AssuranceContextSchema,
  })
  .transform((snapshot) => ({ ...snapshot, output: undefined, error: undefined }));
export type PersistedAssuranceSnapshot = z.infer<typeof PersistedAssuranceSnapshotSchema>;

export interface AssuranceInput {
  submissionId: string;
  footprintCode: string;
  modelType: ModelType;
  createdBy: string;
}

interface SubmitPayload {
  actor: Actor;
  /** Failing blocking criteria of the content being submitted, counted by the runtime's evaluator. */
  blockingFailures: number;
  /** The lead's declaration that the content is accurate and approved locally. */
  declaration: boolean;
}

export type AssuranceEvent =
  | ({ type: "SUBMIT" } & SubmitPayload)
  | ({ type: "RESUBMIT" } & SubmitPayload)
  | { type: "ASSIGN"; actor: Actor; leadReviewer: Candidate; secondReviewer: Candidate }
  | { type: "REASSIGN"; actor: Actor; leadReviewer: Candidate; secondReviewer: Candidate; reason: string }
  | {
      type: "PROPOSE_DECISION";
      actor: Actor;
      decision: Decision;
      confidence: DeliveryConfidence;
      rationale: string;
      conditions?: ConditionInput[];
      changeRequests?: ChangeRequest[];
    }
  | { type: "COUNTERSIGN"; actor: Actor; agree: boolean; reason?: string }
  | { type: "SUBMIT_CONDITION_EVIDENCE"; actor: Actor; conditionId: string; evidence: string }
  | { type: "ACCEPT_CONDITION"; actor: Actor; conditionId: string }
  | { type: "REJECT_CONDITION"; actor: Actor; conditionId: string; reason: string }
  | { type: "PAUSE"; actor: Actor; reason: string }
  | { type: "RESUME"; actor: Actor; reason: string }
  | { type: "WITHDRAW"; actor: Actor; reason: string };

export type AssuranceEventType = AssuranceEvent["type"];
type EventOf<T extends AssuranceEventType> = Extract<AssuranceEvent, { type: T }>;

// ---------------------------------------------------------------------------------------------
// The rules. Who may send an event, and at which step, is the policy's (workflows/policy.ts): the
// machine asks it with the state each transition leaves from, so the machine, the pages and the
// refusals answer alike. What is left here is about the event's own content, each rule returning
// the reason a person would be given, or null when the content will do.

const blank = (text: string | undefined) => !text || text.trim() === "";

/** The policy's facts about a submission, from its machine's context and state. */
export function factsFrom(ctx: AssuranceContext, state: string): SubmissionFacts {
  return {
    footprintCode: ctx.footprintCode,
    state,
    checkpoint: ctx.checkpoint,
    authors: ctx.authors,
    reviewers: ctx.reviewers,
    proposedBy: ctx.proposal?.proposedBy ?? null,
    signers: ctx.decisions.flatMap((d) => [d.proposedBy, d.countersignedBy]),
    openConditions: ctx.conditions.filter((c) => c.status !== "discharged").length,
    reviewDecided: ctx.decisions.some((d) => d.checkpoint === ctx.checkpoint && d.decision !== "changes_requested"),
  };
}

/**
 * The proposal a reassignment withdraws: one proposed by a reviewer who is no longer the lead
 * (their successor proposes afresh); null when the proposer stays lead or nothing is proposed.
 */
export function proposalWithdrawnBy(ctx: AssuranceContext, event: { leadReviewer: Candidate }): Proposal | null {
  return ctx.proposal && ctx.proposal.proposedBy !== event.leadReviewer.id ? ctx.proposal : null;
}

/** The policy's question behind each event. */
export const QUESTION_OF: Record<AssuranceEventType, Question> = {
  SUBMIT: "submit",
  RESUBMIT: "submit",
  ASSIGN: "assign",
  REASSIGN: "reassign",
  PROPOSE_DECISION: "propose",
  COUNTERSIGN: "countersign",
  SUBMIT_CONDITION_EVIDENCE: "give-condition-evidence",
  ACCEPT_CONDITION: "judge-condition",
  REJECT_CONDITION: "judge-condition",
  PAUSE: "pause",
  RESUME: "resume",
  WITHDRAW: "withdraw",
};

function checkSubmit(_ctx: AssuranceContext, event: SubmitPayload): string | null {
  if (event.blockingFailures > 0) {
    return event.blockingFailures === 1
      ? "1 blocking check is still failing. Fix it before you submit."
      : `${event.blockingFailures} blocking checks are still failing. Fix them before you submit.`;
  }
  if (!event.declaration) return "Confirm the declaration before you submit.";
  return null;
}

function checkAssign(ctx: AssuranceContext, event: EventOf<"ASSIGN">): string | null {
  const { leadReviewer, secondReviewer } = event;
  if (leadReviewer.id === secondReviewer.id) {
    return "Choose two different reviewers: the same person cannot be both lead and second reviewer.";
  }
  const facts = factsFrom(ctx, "");
  return assignmentRefusal(leadReviewer, "lead reviewer", facts) ?? assignmentRefusal(secondReviewer, "second reviewer", facts);
}

function checkReassign(ctx: AssuranceContext, event: EventOf<"REASSIGN">): string | null {
  if (blank(event.reason)) return "Give the reason for changing the reviewers.";
  if (ctx.reviewers?.lead === event.leadReviewer.id && ctx.reviewers.second === event.secondReviewer.id) {
    return "These are the reviewers already assigned. Choose at least one different reviewer.";
  }
  return checkAssign(ctx, { ...event, type: "ASSIGN" });
}

function checkPropose(_ctx: AssuranceContext, event: EventOf<"PROPOSE_DECISION">): string | null {
  if (!DECISIONS.includes(event.decision)) return "Choose a decision.";
  if (!DELIVERY_CONFIDENCE.includes(event.confidence)) return "Choose a delivery confidence rating.";
  if (blank(event.rationale)) return "Give the rationale for the decision.";
  if (event.decision === "proceed_with_conditions" && (event.conditions ?? []).filter((c) => !blank(c.text)).length === 0) {
    return "Write at least one condition for a decision to proceed with conditions.";
  }
  if (event.decision === "changes_requested" && (event.changeRequests ?? []).filter((c) => !blank(c.text)).length === 0) {
    return "Write at least one change request, tied to a field or a criterion.";
  }
  if (event.decision === "changes_requested" && (event.changeRequests ?? []).some((c) => !c.fieldPath && !c.criterionId)) {
    return "Tie each change request to a field or a criterion, so the lead knows what to change.";
  }
  const targets = [...(event.conditions ?? []), ...(event.changeRequests ?? [])];
  const unknown = targets.find((t) => t.fieldPath !== undefined && !isKnownFieldPath(t.fieldPath));
  if (unknown) return `"${unknown.fieldPath}" is not a field of the submission. Choose the field the request is about.`;
  return null;
}

function checkCountersign(_ctx: AssuranceContext, event: EventOf<"COUNTERSIGN">): string | null {
  if (!event.agree && blank(event.reason)) return "Give your reason for disagreeing, so the lead reviewer can reconsider.";
  return null;
}

function findCondition(ctx: AssuranceContext, id: string) {
  return ctx.conditions.find((c) => c.id === id);
}

function checkConditionEvidence(ctx: AssuranceContext, event: EventOf<"SUBMIT_CONDITION_EVIDENCE">): string | null {
  const condition = findCondition(ctx, event.conditionId);
  if (!condition) return "That condition does not exist on this submission.";
  if (condition.status === "discharged") return "That condition has already been discharged.";
  if (blank(event.evidence)) return "Describe the evidence that the condition has been met.";
  return null;
}

function checkConditionReview(ctx: AssuranceContext, event: { conditionId: string }): string | null {
  const condition = findCondition(ctx, event.conditionId);
  if (!condition) return "That condition does not exist on this submission.";
  if (condition.status !== "evidence_submitted") return "The lead has not given evidence for that condition yet.";
  return null;
}

const needsReason = (what: string) => (_ctx: AssuranceContext, event: { reason: string }) => (blank(event.reason) ? what : null);

/** The content rule behind each event type, used both in the guard and to explain a refusal. */
export const RULES: { [T in AssuranceEventType]: (ctx: AssuranceContext, event: EventOf<T>) => string | null } = {
  SUBMIT: checkSubmit,
  RESUBMIT: checkSubmit,
  ASSIGN: checkAssign,
  REASSIGN: checkReassign,
  PROPOSE_DECISION: checkPropose,
  COUNTERSIGN: checkCountersign,
  SUBMIT_CONDITION_EVIDENCE: checkConditionEvidence,
  ACCEPT_CONDITION: checkConditionReview,
  REJECT_CONDITION: (ctx, event) =>
    checkConditionReview(ctx, event) ?? (blank(event.reason) ? "Say why the evidence is not enough." : null),
  PAUSE: needsReason("Give the reason for pausing (the national intervention)."),
  RESUME: needsReason("Give the reason for resuming."),
  WITHDRAW: needsReason("Give the reason for withdrawing."),
};

/**
 * Why the event cannot be sent from `state` (null: it can): the policy's answer for the person and
 * the step, then the event's content. With no state (an event every live state accepts, such as
 * PAUSE), only who is asking is checked.
 */
function refusalFor(ctx: AssuranceContext, event: AssuranceEvent, state: string | null): string | null {
  const facts = factsFrom(ctx, state ?? "");
  const question = QUESTION_OF[event.type];
  const verdict = state === null ? who(event.actor, question, facts) : decide(event.actor, question, facts);
  if (verdict && !verdict.allowed) return verdict.reason;
  return (RULES[event.type] as (c: AssuranceContext, e: AssuranceEvent) => string | null)(ctx, event);
}

type GuardParams = { state: StateKey | null };

/** What the decision just countersigned was: it decides where the submission goes next. */
const decidedTo =
  (decision: Decision) =>
  ({ context }: { context: AssuranceContext }) =>
    context.decisions.at(-1)?.decision === decision;

// ---------------------------------------------------------------------------------------------

const machineSetup = setup({
  types: {
    context: {} as AssuranceContext,
    events: {} as AssuranceEvent,
    input: {} as AssuranceInput,
  },
  guards: {
    // Each transition passes the state it leaves from, so the policy can answer for that step.
    may: ({ context, event }, params: GuardParams) => refusalFor(context, event, params.state) === null,
    countersignAgrees: ({ context, event }, params: GuardParams) =>
      event.type === "COUNTERSIGN" && event.agree && refusalFor(context, event, params.state) === null,
    countersignDisagrees: ({ context, event }, params: GuardParams) =>
      event.type === "COUNTERSIGN" && !event.agree && refusalFor(context, event, params.state) === null,
    decidedChanges: decidedTo("changes_requested"),
    decidedNotToProceed: decidedTo("do_not_proceed"),
    allConditionsDischarged: ({ context }) => context.conditions.every((c) => c.status === "discharged"),
    nothingProposed: ({ context }) => context.proposal === null,
  },
  actions: {
    recordSubmission: assign(({ context, event }) => {
      if (event.type !== "SUBMIT" && event.type !== "RESUBMIT") return {};
      const next = event.type === "SUBMIT" ? ((context.checkpoint + 1) as Checkpoint) : context.checkpoint;
      return {
        checkpoint: next,
        authors: context.authors.includes(event.actor.id) ? context.authors : [...context.authors, event.actor.id],
        versionsSubmitted: context.versionsSubmitted + 1,
        // A new checkpoint gets new reviewers; a resubmission keeps the same ones.
        reviewers: event.type === "SUBMIT" ? null : context.reviewers,
        proposal: null,
        disagreement: null,
      };
    }),
    recordAssignment: assign(({ event }) =>
      event.type === "ASSIGN" ? { reviewers: { lead: event.leadReviewer.id, second: event.secondReviewer.id } } : {},
    ),
    // A new reviewer takes the part from now on; a decision the leaving lead proposed is withdrawn
    // (the new lead proposes their own), so a countersignature step without one goes back to review.
    recordReassignment: assign(({ context, event }) =>
      event.type === "REASSIGN"
        ? {
            reviewers: { lead: event.leadReviewer.id, second: event.secondReviewer.id },
            proposal: proposalWithdrawnBy(context, event) ? null : context.proposal,
            disagreement: null,
          }
        : {},
    ),
    recordProposal: assign(({ context, event }) => {
      if (event.type !== "PROPOSE_DECISION") return {};
      return {
        disagreement: null,
        proposal: {
          checkpoint: context.checkpoint as Checkpoint,
          decision: event.decision,
          confidence: event.confidence,
          rationale: event.rationale.trim(),
          conditions: event.decision === "proceed_with_conditions" ? (event.conditions ?? []).filter((c) => !blank(c.text)) : [],
          changeRequests: event.decision === "changes_requested" ? (event.changeRequests ?? []).filter((c) => !blank(c.text)) : [],
          proposedBy: event.actor.id,
        },
      };
    }),
    recordDisagreement: assign(({ event }) =>
      event.type === "COUNTERSIGN" ? { proposal: null, disagreement: { by: event.actor.id, reason: event.reason ?? "" } } : {},
    ),
    recordDecision: assign(({ context, event }) => {
      if (event.type !== "COUNTERSIGN" || !context.proposal) return {};
      const proposal = context.proposal;
      const record: DecisionRecord = { ...proposal, number: context.decisions.length + 1, countersignedBy: event.actor.id };
      return {
        decisions: [...context.decisions, record],
        proposal: null,
        changeRequests: proposal.changeRequests,
        conditions: [
          ...context.conditions,
          ...proposal.conditions.map((c): Condition => ({ ...c, setAtCheckpoint: proposal.checkpoint, status: "open" })),
        ],
      };
    }),
    clearChangeRequests: assign({ changeRequests: () => [] }),
    recordConditionEvidence: assign(({ context, event }) =>
      event.type === "SUBMIT_CONDITION_EVIDENCE"
        ? {
            conditions: context.conditions.map((c) =>
              c.id === event.conditionId ? { ...c, status: "evidence_submitted" as const, evidence: event.evidence.trim() } : c,
            ),
          }
        : {},
    ),
    recordConditionAccepted: assign(({ context, event }) =>
      event.type === "ACCEPT_CONDITION"
        ? {
            conditions: context.conditions.map((c) =>
              c.id === event.conditionId
                ? { ...c, status: "discharged" as const, dischargedBy: event.actor.id, rejectionReason: undefined }
                : c,
            ),
          }
        : {},
    ),
    recordConditionRejected: assign(({ context, event }) =>
      event.type === "REJECT_CONDITION"
        ? {
            conditions: context.conditions.map((c) =>
              c.id === event.conditionId ? { ...c, status: "open" as const, rejectionReason: event.reason.trim() } : c,
            ),
          }
        : {},
    ),
    recordPause: assign(({ event }) => (event.type === "PAUSE" ? { pause: { by: event.actor.id, reason: event.reason.trim() } } : {})),
    clearPause: assign({ pause: () => null }),
    recordClosure: assign(({ event }) =>
      event.type === "WITHDRAW" ? { closure: { by: event.actor.id, reason: event.reason.trim() } } : {},
    ),
  },
});

const LOCAL_AFTER: Record<Checkpoint, string> = { 1: "procurement", 2: "mobilisation", 3: "final_conditions" };

/** A guard that asks the policy about the event as sent from `state`. */
const may = (state: StateKey | null) => ({ type: "may" as const, params: { state } });
/** A resting state's tags, from the one table in states.ts. */
const tagged = (state: StateKey) => ({ tags: [...STATES[state].tags] });

/** One checkpoint's review: the same four steps at each of the three checkpoints. */
function checkpointState(n: Checkpoint) {
  const onward = `#assurance.active.${LOCAL_AFTER[n]}`;
  const key = (step: ReviewStep): StateKey => `checkpoint${n}.${step}`;
  return {
    initial: "awaiting_assignment" as const,
    states: {
      awaiting_assignment: {
        ...tagged(key("awaiting_assignment")),
        on: { ASSIGN: { guard: may(key("awaiting_assignment")), target: "in_review", actions: "recordAssignment" as const } },
      },
      in_review: {
        ...tagged(key("in_review")),
        on: {
          PROPOSE_DECISION: { guard: may(key("in_review")), target: "awaiting_countersign", actions: "recordProposal" as const },
          REASSIGN: { guard: may(key("in_review")), actions: "recordReassignment" as const },
        },
      },
      awaiting_countersign: {
        ...tagged(key("awaiting_countersign")),
        // Reached without a proposal only when a reassignment withdrew it (now, or while paused).
        always: { guard: "nothingProposed" as const, target: "in_review" },
        on: {
          REASSIGN: { guard: may(key("awaiting_countersign")), actions: "recordReassignment" as const },
          COUNTERSIGN: [
            {
              guard: { type: "countersignDisagrees" as const, params: { state: key("awaiting_countersign") } },
              target: "in_review",
              actions: "recordDisagreement" as const,
            },
            {
              guard: { type: "countersignAgrees" as const, params: { state: key("awaiting_countersign") } },
              target: "decided",
              actions: "recordDecision" as const,
            },
          ],
        },
      },
      // A transient step: the countersigned decision sends the submission on.
      decided: {
        always: [
          { guard: "decidedChanges" as const, target: "returned" },
          { guard: "decidedNotToProceed" as const, target: "#assurance.not_assured" },
          { target: onward },
        ],
      },
      returned: {
        ...tagged(key("returned")),
        on: {
          RESUBMIT: {
            guard: may(key("returned")),
            target: "in_review",
            actions: ["recordSubmission" as const, "clearChangeRequests" as const],
          },
          REASSIGN: { guard: may(key("returned")), actions: "recordReassignment" as const },
        },
      },
    },
  };
}

const conditionEvents = (state: StateKey) => ({
  SUBMIT_CONDITION_EVIDENCE: { guard: may(state), actions: "recordConditionEvidence" as const },
  ACCEPT_CONDITION: { guard: may(state), actions: "recordConditionAccepted" as const },
  REJECT_CONDITION: { guard: may(state), actions: "recordConditionRejected" as const },
});

export const assuranceMachine = machineSetup.createMachine({
  id: "assurance",
  context: ({ input }) => ({
    submissionId: input.submissionId,
    footprintCode: input.footprintCode,
    modelType: input.modelType,
    checkpoint: 0,
    authors: [input.createdBy],
    reviewers: null,
    proposal: null,
    decisions: [],
    changeRequests: [],
    conditions: [],
    disagreement: null,
    versionsSubmitted: 0,
    pause: null,
    closure: null,
  }),
  initial: "active",
  states: {
    active: {
      initial: "draft",
      // Accepted in every live step, which the policy allows alike: only who is asking is checked.
      on: {
        PAUSE: { guard: may(null), target: "paused", actions: "recordPause" },
        WITHDRAW: { guard: may(null), target: "withdrawn", actions: "recordClosure" },
      },
      states: {
        // Where a resumed submission goes back to: exactly the step it was paused in.
        history: { type: "history", history: "deep" },
        draft: {
          ...tagged("draft"),
          on: { SUBMIT: { guard: may("draft"), target: "checkpoint1", actions: "recordSubmission" } },
        },
        checkpoint1: checkpointState(1),
        procurement: {
          ...tagged("procurement"),
          on: {
            ...conditionEvents("procurement"),
            SUBMIT: { guard: may("procurement"), target: "checkpoint2", actions: "recordSubmission" },
          },
        },
        checkpoint2: checkpointState(2),
        mobilisation: {
          ...tagged("mobilisation"),
          on: {
            ...conditionEvents("mobilisation"),
            SUBMIT: { guard: may("mobilisation"), target: "checkpoint3", actions: "recordSubmission" },
          },
        },
        checkpoint3: checkpointState(3),
        // After checkpoint 3, any conditions are discharged before the model counts as assured.
        final_conditions: {
          ...tagged("final_conditions"),
          always: { guard: "allConditionsDischarged", target: "#assurance.assured" },
          on: conditionEvents("final_conditions"),
        },
      },
    },
    paused: {
      ...tagged("paused"),
      on: {
        RESUME: { guard: may("paused"), target: "active.history", actions: "clearPause" },
        REASSIGN: { guard: may("paused"), actions: "recordReassignment" },
        WITHDRAW: { guard: may("paused"), target: "withdrawn", actions: ["clearPause", "recordClosure"] },
      },
    },
    assured: { ...tagged("assured"), type: "final" },
    not_assured: { ...tagged("not_assured"), type: "final" },
    withdrawn: { ...tagged("withdrawn"), type: "final" },
  },
});

export type AssuranceSnapshot = SnapshotFrom<typeof assuranceMachine>;

// ---------------------------------------------------------------------------------------------
// Reading a snapshot the way people and queries need it.

/** The state as one queryable string: `draft`, `checkpoint1.in_review`, `paused`, `assured`, … */
export function stateKey(value: StateValue): string {
  const parts: string[] = [];
  let v: StateValue = value;
  for (;;) {
    if (typeof v === "string") {
      parts.push(v);
      break;
    }
    const [key, child] = Object.entries(v)[0] as [string, StateValue];
    parts.push(key);
    v = child;
  }
  return parts.filter((p) => p !== "active").join(".");
}

const EVENT_WORDS: Record<AssuranceEventType, string> = {
  SUBMIT: "submit it",
  RESUBMIT: "resubmit it",
  ASSIGN: "assign reviewers",
  REASSIGN: "change the reviewers",
  PROPOSE_DECISION: "propose a decision",
  COUNTERSIGN: "countersign a decision",
  SUBMIT_CONDITION_EVIDENCE: "give evidence for a condition",
  ACCEPT_CONDITION: "accept a condition's evidence",
  REJECT_CONDITION: "reject a condition's evidence",
  PAUSE: "pause it",
  RESUME: "resume it",
  WITHDRAW: "withdraw it",
};

/**
 * Why an event cannot happen now, in words; null when it can: the policy's sentence for this person
 * at this step, then the event's content rule; failing both, the step does not take the event.
 */
export function explainRefusal(snapshot: AssuranceSnapshot, event: AssuranceEvent): string | null {
  const key = stateKey(snapshot.value);
  const verdict = decide(event.actor, QUESTION_OF[event.type], factsFrom(snapshot.context, key));
  if (!verdict.allowed) return verdict.reason;
  if (snapshot.can(event)) return null;
  const accepts = snapshot._nodes.some((node) => node.ownEvents.includes(event.type));
  const content = accepts
    ? (RULES[event.type] as (c: AssuranceContext, e: AssuranceEvent) => string | null)(snapshot.context, event)
    : null;
  return content ?? `You cannot ${EVENT_WORDS[event.type]} while the submission is ${describeState(key)}.`;
}
