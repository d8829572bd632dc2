// The assurance process's vocabulary, without the machine: every state a submission can rest in,
// with the tags that say what it means (editable by the lead, national clock running, closed, …)
// and its words. The machine (assurance.machine.ts) takes its states' tags from this table, and a
// test holds the two equal, so nothing outside workflows/ needs to know a state's name to decide
// anything: it asks for a tag. Kept free of imports (xstate, zod) because pages ship it to the
// browser; the machine re-exports all of it.
import type { Checkpoint } from "./submission.ts";

export type { Checkpoint };

export const DECISIONS = ["proceed", "proceed_with_conditions", "changes_requested", "do_not_proceed"] as const;
export type Decision = (typeof DECISIONS)[number];

export const DELIVERY_CONFIDENCE = ["green", "amber_green", "amber", "amber_red", "red"] as const;
export type DeliveryConfidence = (typeof DELIVERY_CONFIDENCE)[number];

/** Whose turn a submission is: its authors', the national team's, nobody's while paused, or nobody's for good. */
export const TURNS = ["local", "national", "paused", "closed"] as const;
export type Turn = (typeof TURNS)[number];

/** The turns of a submission part-way through a checkpoint: every turn but closed. */
export const PART_WAY_TURNS = ["local", "national", "paused"] as const satisfies readonly Turn[];
/** The turn in which the national clock runs: the national team holds the submission (its reviewers' open work). */
export const NATIONAL_CLOCK_TURN = "national" satisfies Turn;
/** The turns of a submission whose assurance has ended. */
export const CLOSED_TURNS: readonly Turn[] = TURNS.filter((t) => !(PART_WAY_TURNS as readonly Turn[]).includes(t));

/** The four steps of each checkpoint's review, in order. */
export const REVIEW_STEPS = ["awaiting_assignment", "in_review", "awaiting_countersign", "returned"] as const;
export type ReviewStep = (typeof REVIEW_STEPS)[number];

export type StateKey =
  | "draft"
  | `checkpoint${Checkpoint}.${ReviewStep}`
  | "procurement"
  | "mobilisation"
  | "final_conditions"
  | "paused"
  | "assured"
  | "not_assured"
  | "withdrawn";

/**
 * What a state means, for the questions people and queries ask of it.
 * - `submittable`: the lead may submit the draft for the next checkpoint.
 * - `returned`: the national team asked for changes; the lead may resubmit.
 * - `editable`: the lead may change the draft (submittable or returned).
 * - `awaiting_assignment`, `in_review`, `awaiting_countersign`: the review's steps.
 * - `national_clock`: the national team holds it; its working days count against the target.
 * - `conditions`: conditions from a decision may be evidenced and judged.
 * - `draft`: not yet submitted for any checkpoint.
 * - `paused`; `closed` (assured, not assured or withdrawn), and which of the three.
 */
export const TAGS = [
  "draft",
  "submittable",
  "returned",
  "editable",
  "awaiting_assignment",
  "in_review",
  "awaiting_countersign",
  "national_clock",
  "conditions",
  "paused",
  "closed",
  "assured",
  "not_assured",
  "withdrawn",
] as const;
export type Tag = (typeof TAGS)[number];

export interface StateMeta {
  tags: readonly Tag[];
  /** The checkpoint the state belongs to, or null outside one. */
  checkpoint: Checkpoint | null;
  /** How a sentence ends: "The submission is …". */
  words: string;
  /**
   * What happens next, as the submission's page tells it: to the footprint's leads, and to anyone
   * else. Null in a submittable state, where it depends on the draft's checks (app/.server/task-list.ts).
   */
  next: { lead: string; others: string } | null;
}

const both = (text: string) => ({ lead: text, others: text });

const checkpointStates = (n: Checkpoint): Partial<Record<StateKey, StateMeta>> => ({
  [`checkpoint${n}.awaiting_assignment`]: {
    tags: ["awaiting_assignment", "national_clock"],
    checkpoint: n,
    words: `at checkpoint ${n}, waiting for reviewers to be assigned`,
    next: both(`Submitted for checkpoint ${n}. The programme team will assign two national reviewers.`),
  },
  [`checkpoint${n}.in_review`]: {
    tags: ["in_review", "national_clock"],
    checkpoint: n,
    words: `at checkpoint ${n}, in review`,
    next: both(`Checkpoint ${n} is in review by the national team. You will be told when a decision is made.`),
  },
  [`checkpoint${n}.awaiting_countersign`]: {
    tags: ["awaiting_countersign", "national_clock"],
    checkpoint: n,
    words: `at checkpoint ${n}, waiting for a countersignature`,
    next: both(`A decision for checkpoint ${n} has been proposed and is waiting for a second reviewer to countersign it.`),
  },
  [`checkpoint${n}.returned`]: {
    tags: ["returned", "editable"],
    checkpoint: n,
    words: `at checkpoint ${n}, returned for changes`,
    next: {
      lead: `The reviewers asked for changes at checkpoint ${n}. Answer each request below, then resubmit.`,
      others: `Returned to the local system for changes at checkpoint ${n}.`,
    },
  },
});

/** Every state a submission can rest in, in the order of the process. */
export const STATES = {
  draft: { tags: ["draft", "submittable", "editable"], checkpoint: null, words: "a draft", next: null },
  ...checkpointStates(1),
  procurement: { tags: ["submittable", "editable", "conditions"], checkpoint: null, words: "in procurement", next: null },
  ...checkpointStates(2),
  mobilisation: { tags: ["submittable", "editable", "conditions"], checkpoint: null, words: "mobilising", next: null },
  ...checkpointStates(3),
  final_conditions: {
    tags: ["conditions"],
    checkpoint: null,
    words: "discharging its final conditions",
    next: both("Checkpoint 3 was passed with conditions. Give evidence for each condition; the model is assured when all are discharged."),
  },
  paused: {
    tags: ["paused"],
    checkpoint: null,
    words: "paused",
    next: both("The national team has paused this submission. Nothing can move until it is resumed."),
  },
  assured: {
    tags: ["closed", "assured"],
    checkpoint: null,
    words: "assured",
    next: both("The care model has passed all three checkpoints and is assured."),
  },
  not_assured: {
    tags: ["closed", "not_assured"],
    checkpoint: null,
    words: "not assured",
    next: both("The national team decided the proposal should not proceed."),
  },
  withdrawn: {
    tags: ["closed", "withdrawn"],
    checkpoint: null,
    words: "withdrawn",
    next: both("The submission was withdrawn. Its history is kept."),
  },
} as Readonly<Record<StateKey, StateMeta>>;

export const STATE_KEYS = Object.keys(STATES) as StateKey[];

export function isStateKey(value: string): value is StateKey {
  return Object.hasOwn(STATES, value);
}

/** Whether a stored state carries a tag; an unknown state carries none. */
export function hasTag(state: string, tag: Tag): boolean {
  return isStateKey(state) && STATES[state].tags.includes(tag);
}

/**
 * The checkpoint a submission's draft is judged for now: the one it was returned at, or the next
 * (from its stored checkpoint, the last it reached). The task list's checks are for this one, so
 * they are judged again whenever an event moves it.
 */
export function checkpointToJudge(checkpoint: number, state: string): Checkpoint {
  if (hasTag(state, "returned")) return checkpoint as Checkpoint;
  return Math.min(Math.max(checkpoint + 1, 1), 3) as Checkpoint;
}

/** The one state that carries a tag (`draft`, `assured`, …), for a link that lists it. */
export function onlyStateTagged(tag: Tag): StateKey {
  const [only, ...more] = statesTagged(tag);
  if (!only || more.length > 0) throw new Error(`More than one state, or none, is tagged ${tag}.`);
  return only;
}

/** The states that carry a tag, for queries that filter on it. */
export function statesTagged(tag: Tag): StateKey[] {
  return STATE_KEYS.filter((key) => STATES[key].tags.includes(tag));
}

/** Whose move it is in a state: the local system, the national team, nobody (paused), or it is over. */
export function whoseTurn(state: string): Turn {
  if (hasTag(state, "paused")) return "paused";
  if (hasTag(state, "closed")) return "closed";
  return hasTag(state, "national_clock") ? NATIONAL_CLOCK_TURN : "local";
}

/** The checkpoint a state belongs to (1–3), or null outside a checkpoint. */
export function checkpointOf(state: string): Checkpoint | null {
  return isStateKey(state) ? STATES[state].checkpoint : null;
}

/** What happens next in a state that is not submittable, for the footprint's leads or anyone else. */
export function whatHappensNext(state: string, to: "lead" | "others"): string | null {
  return isStateKey(state) ? (STATES[state].next?.[to] ?? null) : null;
}

/** The state in words, to end a sentence: "The submission is at checkpoint 1, in review." */
export function describeState(state: string): string {
  return isStateKey(state) ? STATES[state].words : state;
}
