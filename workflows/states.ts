// The assurance process's vocabulary, without the machine: state names in words, whose turn a
// state is, its checkpoint, and the decision and confidence scales. Kept free of imports (xstate,
// zod) because pages ship it to the browser, where the machine itself is never needed; the machine
// re-exports all of it, so server code keeps one place to import from.
import type { Checkpoint } from "./submission.ts";

export const DECISIONS = ["proceed", "proceed_with_conditions", "changes_requested", "do_not_proceed"] as const;
export type Decision = (typeof DECISIONS)[number];

export const DELIVERY_CONFIDENCE = ["green", "amber_green", "amber", "amber_red", "red"] as const;
export type DeliveryConfidence = (typeof DELIVERY_CONFIDENCE)[number];

export type Turn = "local" | "national" | "paused" | "closed";

const NATIONAL_STEPS = new Set(["awaiting_assignment", "in_review", "awaiting_countersign"]);

/** Whose move it is in a state: the local system, the national team, nobody (paused), or it is over. */
export function whoseTurn(key: string): Turn {
  if (key === "paused") return "paused";
  if (key === "assured" || key === "not_assured" || key === "withdrawn") return "closed";
  const step = key.split(".")[1];
  return step && NATIONAL_STEPS.has(step) ? "national" : "local";
}

/** The checkpoint a state belongs to (1–3), or null outside a checkpoint. */
export function checkpointOf(key: string): Checkpoint | null {
  const match = /^checkpoint([123])\b/.exec(key);
  return match ? (Number(match[1]) as Checkpoint) : null;
}

export const STATE_WORDS: Record<string, string> = {
  draft: "a draft",
  procurement: "in procurement",
  mobilisation: "mobilising",
  final_conditions: "discharging its final conditions",
  paused: "paused",
  assured: "assured",
  not_assured: "not assured",
  withdrawn: "withdrawn",
  awaiting_assignment: "waiting for reviewers to be assigned",
  in_review: "in review",
  awaiting_countersign: "waiting for a countersignature",
  returned: "returned for changes",
};

export function describeState(key: string): string {
  const [top, step] = key.split(".");
  if (step) return `at checkpoint ${top!.slice(-1)}, ${STATE_WORDS[step] ?? step}`;
  return STATE_WORDS[top!] ?? top!;
}
