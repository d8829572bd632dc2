import { assign, type SnapshotFrom, setup, type StateValue } from "xstate";
import {
  checkpointOf,
  DECISIONS,
  type Decision,
  DELIVERY_CONFIDENCE,
  type DeliveryConfidence,
  describeState,
  STATE_WORDS,
  type Turn,
  whoseTurn,
} from "./states.ts";
import { type Checkpoint, isKnownFieldPath, type ModelType } from "./submission.ts";

export type { Checkpoint, Decision, DeliveryConfidence, ModelType, Turn };
export { checkpointOf, DECISIONS, DELIVERY_CONFIDENCE, describeState, STATE_WORDS, whoseTurn };

/**
 * The assurance workflow of one submission (product.md, "The assurance workflow"; the ISAP
 * checkpoints of domain-research.md §2.2). Pure: it decides, the runtime stores. Every rule a
 * person could break is a `check*` function that returns the reason in words or null, so the
 * same rule guards the transition and explains a refusal.
 */

export type Role = "lead" | "reviewer" | "admin";

/** Whoever sends an event, as the server knows them (never as the browser claims). */
export interface Actor {
  id: string;
  role: Role;
  /** Footprint codes a lead acts for. */
  footprints: string[];
  /** Footprint codes a reviewer has declared a conflict with. */
  conflicts: string[];
}

/** A reviewer being assigned, as the server loaded them. */
export interface Candidate {
  id: string;
  name?: string;
  role: Role;
  conflicts: string[];
}

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
// The rules, each returning the reason a person would be given, or null when the event may go on.

const isLeadOfFootprint = (ctx: AssuranceContext, actor: Actor) => actor.role === "lead" && actor.footprints.includes(ctx.footprintCode);

const isConflicted = (ctx: AssuranceContext, person: { conflicts: string[] }) => person.conflicts.includes(ctx.footprintCode);

const blank = (text: string | undefined) => !text || text.trim() === "";

export function checkSubmit(ctx: AssuranceContext, event: SubmitPayload): string | null {
  if (!isLeadOfFootprint(ctx, event.actor)) {
    return "Only a system lead of this submission's footprint can submit it.";
  }
  if (event.blockingFailures > 0) {
    return event.blockingFailures === 1
      ? "1 blocking check is still failing. Fix it before you submit."
      : `${event.blockingFailures} blocking checks are still failing. Fix them before you submit.`;
  }
  const open = ctx.conditions.filter((c) => c.status !== "discharged").length;
  if (open > 0) {
    return open === 1
      ? "1 condition from the last checkpoint has not been discharged yet. It must be before the next checkpoint."
      : `${open} conditions from the last checkpoint have not been discharged yet. They must be before the next checkpoint.`;
  }
  if (!event.declaration) return "Confirm the declaration before you submit.";
  return null;
}

export function checkAssign(ctx: AssuranceContext, event: EventOf<"ASSIGN">): string | null {
  if (event.actor.role !== "admin") return "Only a programme administrator can assign reviewers.";
  const { leadReviewer, secondReviewer } = event;
  if (leadReviewer.id === secondReviewer.id) {
    return "Choose two different reviewers: the same person cannot be both lead and second reviewer.";
  }
  for (const [person, label] of [
    [leadReviewer, "lead reviewer"],
    [secondReviewer, "second reviewer"],
  ] as const) {
    const who = person.name ?? `The ${label}`;
    if (person.role !== "reviewer" && person.role !== "admin") return `${who} is not a reviewer, so cannot be the ${label}.`;
    if (isConflicted(ctx, person)) return `${who} has declared a conflict with this footprint, so cannot be the ${label}.`;
    if (ctx.authors.includes(person.id)) return `${who} wrote or submitted this submission, so cannot be the ${label}.`;
  }
  return null;
}

export function checkPropose(ctx: AssuranceContext, event: EventOf<"PROPOSE_DECISION">): string | null {
  if (!ctx.reviewers || event.actor.id !== ctx.reviewers.lead) {
    return "Only the lead reviewer assigned to this checkpoint can propose its decision.";
  }
  if (isConflicted(ctx, event.actor)) {
    return "You have declared a conflict with this footprint, so you cannot propose its decision.";
  }
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

export function checkCountersign(ctx: AssuranceContext, event: EventOf<"COUNTERSIGN">): string | null {
  if (ctx.proposal && event.actor.id === ctx.proposal.proposedBy) {
    return "You proposed this decision, so another reviewer must countersign it.";
  }
  if (!ctx.reviewers || event.actor.id !== ctx.reviewers.second) {
    return "Only the second reviewer assigned to this checkpoint can countersign its decision.";
  }
  if (isConflicted(ctx, event.actor)) {
    return "You have declared a conflict with this footprint, so you cannot countersign its decisions.";
  }
  if (!event.agree && blank(event.reason)) return "Give your reason for disagreeing, so the lead reviewer can reconsider.";
  return null;
}

export function checkResubmit(ctx: AssuranceContext, event: EventOf<"RESUBMIT">): string | null {
  return checkSubmit(ctx, event);
}

function findCondition(ctx: AssuranceContext, id: string) {
  return ctx.conditions.find((c) => c.id === id);
}

export function checkConditionEvidence(ctx: AssuranceContext, event: EventOf<"SUBMIT_CONDITION_EVIDENCE">): string | null {
  if (!isLeadOfFootprint(ctx, event.actor)) return "Only a system lead of this footprint can give evidence for its conditions.";
  const condition = findCondition(ctx, event.conditionId);
  if (!condition) return "That condition does not exist on this submission.";
  if (condition.status === "discharged") return "That condition has already been discharged.";
  if (blank(event.evidence)) return "Describe the evidence that the condition has been met.";
  return null;
}

function checkConditionReview(ctx: AssuranceContext, event: { actor: Actor; conditionId: string }): string | null {
  const mayReview =
    event.actor.role === "admin" ||
    (event.actor.role === "reviewer" && ctx.decisions.some((d) => d.proposedBy === event.actor.id || d.countersignedBy === event.actor.id));
  if (!mayReview) return "Only a reviewer who signed the decision that set this condition can judge its evidence.";
  if (isConflicted(ctx, event.actor)) return "You have declared a conflict with this footprint, so you cannot judge its conditions.";
  const condition = findCondition(ctx, event.conditionId);
  if (!condition) return "That condition does not exist on this submission.";
  if (condition.status !== "evidence_submitted") return "The lead has not given evidence for that condition yet.";
  return null;
}

export function checkAcceptCondition(ctx: AssuranceContext, event: EventOf<"ACCEPT_CONDITION">): string | null {
  return checkConditionReview(ctx, event);
}

export function checkRejectCondition(ctx: AssuranceContext, event: EventOf<"REJECT_CONDITION">): string | null {
  return checkConditionReview(ctx, event) ?? (blank(event.reason) ? "Say why the evidence is not enough." : null);
}

export function checkPause(_ctx: AssuranceContext, event: EventOf<"PAUSE">): string | null {
  if (event.actor.role !== "admin") return "Only a programme administrator can pause a submission.";
  if (blank(event.reason)) return "Give the reason for pausing (the national intervention).";
  return null;
}

export function checkResume(_ctx: AssuranceContext, event: EventOf<"RESUME">): string | null {
  if (event.actor.role !== "admin") return "Only a programme administrator can resume a paused submission.";
  if (blank(event.reason)) return "Give the reason for resuming.";
  return null;
}

export function checkWithdraw(ctx: AssuranceContext, event: EventOf<"WITHDRAW">): string | null {
  if (event.actor.role !== "admin" && !isLeadOfFootprint(ctx, event.actor)) {
    return "Only a system lead of this footprint or a programme administrator can withdraw the submission.";
  }
  if (blank(event.reason)) return "Give the reason for withdrawing.";
  return null;
}

/** The rule behind each event type, used both as guard and as the explanation of a refusal. */
export const RULES: { [T in AssuranceEventType]: (ctx: AssuranceContext, event: EventOf<T>) => string | null } = {
  SUBMIT: checkSubmit,
  RESUBMIT: checkResubmit,
  ASSIGN: checkAssign,
  PROPOSE_DECISION: checkPropose,
  COUNTERSIGN: checkCountersign,
  SUBMIT_CONDITION_EVIDENCE: checkConditionEvidence,
  ACCEPT_CONDITION: checkAcceptCondition,
  REJECT_CONDITION: checkRejectCondition,
  PAUSE: checkPause,
  RESUME: checkResume,
  WITHDRAW: checkWithdraw,
};

function allowed<T extends AssuranceEventType>(type: T) {
  return ({ context, event }: { context: AssuranceContext; event: AssuranceEvent }) =>
    event.type === type && RULES[type](context, event as EventOf<T>) === null;
}

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
    maySubmit: allowed("SUBMIT"),
    mayResubmit: allowed("RESUBMIT"),
    mayAssign: allowed("ASSIGN"),
    mayPropose: allowed("PROPOSE_DECISION"),
    mayGiveConditionEvidence: allowed("SUBMIT_CONDITION_EVIDENCE"),
    mayAcceptCondition: allowed("ACCEPT_CONDITION"),
    mayRejectCondition: allowed("REJECT_CONDITION"),
    mayPause: allowed("PAUSE"),
    mayResume: allowed("RESUME"),
    mayWithdraw: allowed("WITHDRAW"),
    countersignAgrees: ({ context, event }) => event.type === "COUNTERSIGN" && event.agree && checkCountersign(context, event) === null,
    countersignDisagrees: ({ context, event }) => event.type === "COUNTERSIGN" && !event.agree && checkCountersign(context, event) === null,
    decidedChanges: decidedTo("changes_requested"),
    decidedNotToProceed: decidedTo("do_not_proceed"),
    allConditionsDischarged: ({ context }) => context.conditions.every((c) => c.status === "discharged"),
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

/** One checkpoint's review: the same four steps at each of the three checkpoints. */
function checkpointState(n: Checkpoint) {
  const onward = `#assurance.active.${LOCAL_AFTER[n]}`;
  return {
    initial: "awaiting_assignment" as const,
    states: {
      awaiting_assignment: {
        on: { ASSIGN: { guard: "mayAssign" as const, target: "in_review", actions: "recordAssignment" as const } },
      },
      in_review: {
        on: { PROPOSE_DECISION: { guard: "mayPropose" as const, target: "awaiting_countersign", actions: "recordProposal" as const } },
      },
      awaiting_countersign: {
        on: {
          COUNTERSIGN: [
            { guard: "countersignDisagrees" as const, target: "in_review", actions: "recordDisagreement" as const },
            {
              guard: { type: "countersignAgrees" as const },
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
        on: {
          RESUBMIT: {
            guard: "mayResubmit" as const,
            target: "in_review",
            actions: ["recordSubmission" as const, "clearChangeRequests" as const],
          },
        },
      },
    },
  };
}

const conditionEvents = {
  SUBMIT_CONDITION_EVIDENCE: { guard: "mayGiveConditionEvidence" as const, actions: "recordConditionEvidence" as const },
  ACCEPT_CONDITION: { guard: "mayAcceptCondition" as const, actions: "recordConditionAccepted" as const },
  REJECT_CONDITION: { guard: "mayRejectCondition" as const, actions: "recordConditionRejected" as const },
};

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
      on: {
        PAUSE: { guard: "mayPause", target: "paused", actions: "recordPause" },
        WITHDRAW: { guard: "mayWithdraw", target: "withdrawn", actions: "recordClosure" },
      },
      states: {
        // Where a resumed submission goes back to: exactly the step it was paused in.
        history: { type: "history", history: "deep" },
        draft: {
          on: { SUBMIT: { guard: "maySubmit", target: "checkpoint1", actions: "recordSubmission" } },
        },
        checkpoint1: checkpointState(1),
        procurement: {
          on: { ...conditionEvents, SUBMIT: { guard: "maySubmit", target: "checkpoint2", actions: "recordSubmission" } },
        },
        checkpoint2: checkpointState(2),
        mobilisation: {
          on: { ...conditionEvents, SUBMIT: { guard: "maySubmit", target: "checkpoint3", actions: "recordSubmission" } },
        },
        checkpoint3: checkpointState(3),
        // After checkpoint 3, any conditions are discharged before the model counts as assured.
        final_conditions: {
          always: { guard: "allConditionsDischarged", target: "#assurance.assured" },
          on: conditionEvents,
        },
      },
    },
    paused: {
      on: {
        RESUME: { guard: "mayResume", target: "active.history", actions: "clearPause" },
        WITHDRAW: { guard: "mayWithdraw", target: "withdrawn", actions: ["clearPause", "recordClosure"] },
      },
    },
    assured: { type: "final" },
    not_assured: { type: "final" },
    withdrawn: { type: "final" },
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
 * Why an event cannot happen now, in words; null when it can. Either the rule behind the event
 * refuses this person or content, or the submission is not at a step where the event means anything.
 */
export function explainRefusal(snapshot: AssuranceSnapshot, event: AssuranceEvent): string | null {
  if (snapshot.can(event)) return null;
  const key = stateKey(snapshot.value);
  const accepts = snapshot._nodes.some((node) => node.ownEvents.includes(event.type));
  if (accepts) {
    const reason = (RULES[event.type] as (ctx: AssuranceContext, e: AssuranceEvent) => string | null)(snapshot.context, event);
    if (reason) return reason;
  }
  return `You cannot ${EVENT_WORDS[event.type]} while the submission is ${describeState(key)}.`;
}
