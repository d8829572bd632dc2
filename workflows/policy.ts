// The assurance policy: who may see or do what to a submission, and the sentence that tells a
// person why not. Pure data and functions, no I/O: the server loads the facts (who the person is,
// which footprints they act for or are conflicted with, the submission's state and people) and
// asks here. Loaders use the answers to decide what to show, actions to refuse, and the workflow
// machine's guards ask the same `who` rules, so a page, a refusal and the machine cannot disagree.
//
// Each answer is `who` (may this person, by role, footprint, conflict, assignment, authorship)
// then `when` (is the submission at a step where this means anything, from its state's tags).
import { type Checkpoint, checkpointOf, hasTag } from "./states.ts";

export const ROLES = ["lead", "reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The person asking, as the server knows them (never as the browser claims). */
export interface PolicyActor {
  id: string;
  role: Role;
  /** Footprint codes a lead acts for. */
  footprints: readonly string[];
  /** Footprint codes the person has a conflict of interest with (declared or recorded). */
  conflicts: readonly string[];
}

/** What the policy needs to know of a submission. */
export interface SubmissionFacts {
  footprintCode: string;
  /** For refusal sentences; the code is used when the name is not known. */
  footprintName?: string;
  /** The stored state key (`checkpoint1.in_review`). */
  state: string;
  /** The checkpoint under review, or the last one passed (0 before the first submission). */
  checkpoint: 0 | Checkpoint;
  /** People who wrote or submitted it: never its reviewers. */
  authors: readonly string[];
  /** The current checkpoint's reviewers, once assigned. */
  reviewers: { lead: string; second: string } | null;
  /** Who proposed the decision now waiting for a countersignature. */
  proposedBy: string | null;
  /** Everyone who proposed or countersigned a decision on it. */
  signers: readonly string[];
  /** Conditions not yet discharged. */
  openConditions: number;
  /**
   * Whether the current checkpoint's review has ended in a countersigned decision other than a
   * request for changes (its reviewers' work is done). Only a paused submission needs it: every
   * other state says by its tags whether a review is under way.
   */
  reviewDecided?: boolean;
}

/**
 * An answer: allowed, or refused with the sentence shown to the person. `hidden` refusals are
 * answered exactly as "does not exist" (404), so a guessed id confirms nothing; the others are a
 * 403 that says why.
 */
export type Verdict = { allowed: true } | { allowed: false; hidden: boolean; reason: string };

export const ALLOWED: Verdict = { allowed: true };
const refuse = (reason: string): Verdict => ({ allowed: false, hidden: false, reason });
const hide = (reason: string): Verdict => ({ allowed: false, hidden: true, reason });

export const NOT_FOUND = "Submission not found.";

/** Every question the service asks of a person and a submission. */
export const QUESTIONS = [
  "see-submission",
  "see-review",
  "edit-draft",
  "submit",
  "give-condition-evidence",
  "judge-condition",
  "rate",
  "comment",
  "propose",
  "countersign",
  "assign",
  "reassign",
  "pause",
  "resume",
  "withdraw",
  "read-decisions",
  "move-criteria-set",
] as const;
export type Question = (typeof QUESTIONS)[number];

const isLeadOf = (actor: PolicyActor, s: SubmissionFacts) => actor.role === "lead" && actor.footprints.includes(s.footprintCode);
const isConflicted = (person: { conflicts: readonly string[] }, s: SubmissionFacts) => person.conflicts.includes(s.footprintCode);
const footprintOf = (s: SubmissionFacts) => s.footprintName ?? s.footprintCode;
const assignedAs = (actor: PolicyActor, s: SubmissionFacts): "lead" | "second" | null =>
  s.reviewers?.lead === actor.id ? "lead" : s.reviewers?.second === actor.id ? "second" : null;

const CONFLICT_SEEING = (s: SubmissionFacts) =>
  `You have declared a conflict of interest with ${footprintOf(s)}, so you cannot see its submissions. Ask a programme administrator if this is wrong.`;
const conflictActing = (what: string) => `You have declared a conflict with this footprint, so you cannot ${what}.`;

/** Whether the person may see anything of the submission beyond its pipeline row. */
function seeing(actor: PolicyActor, s: SubmissionFacts): Verdict {
  switch (actor.role) {
    case "lead":
      return isLeadOf(actor, s) ? ALLOWED : hide(NOT_FOUND);
    case "reviewer":
      // A conflict is about what you know as much as what you sign.
      return isConflicted(actor, s) ? refuse(CONFLICT_SEEING(s)) : ALLOWED;
    case "admin":
      // Administrators manage the conflicts and assignments: a recorded conflict stops them being assigned, not seeing.
      return ALLOWED;
  }
}

const onlyAdmins = (actor: PolicyActor, sentence: string): Verdict | null => (actor.role === "admin" ? null : refuse(sentence));

/**
 * Who may ask, by role, footprint, conflict, assignment and authorship: null when this person
 * may (the submission's step is `when`'s). The machine's guards ask this for its events.
 */
export function who(actor: PolicyActor, question: Question, s: SubmissionFacts): Verdict | null {
  const seen = seeing(actor, s);
  if (!seen.allowed) return seen;
  switch (question) {
    case "see-submission":
    case "read-decisions":
      return null;
    case "see-review":
      return actor.role === "lead" ? refuse("The review is for the national team. Your account is a system lead's.") : null;
    case "edit-draft":
      return isLeadOf(actor, s) ? null : refuse("Only a system lead of this footprint can change the submission.");
    case "submit":
      return isLeadOf(actor, s) ? null : refuse("Only a system lead of this submission's footprint can submit it.");
    case "give-condition-evidence":
      return isLeadOf(actor, s) ? null : refuse("Only a system lead of this footprint can give evidence for its conditions.");
    case "judge-condition":
      // Accepting evidence can discharge the last condition and assure the model: a conflict
      // bars administrators from it as it bars reviewers.
      if (isConflicted(actor, s)) return refuse(conflictActing("judge its conditions"));
      if (actor.role === "admin") return null;
      return actor.role === "reviewer" && s.signers.includes(actor.id)
        ? null
        : refuse("Only a reviewer who signed the decision that set this condition can judge its evidence.");
    case "rate":
      if (!assignedAs(actor, s)) return refuse("Only the two reviewers assigned to this checkpoint can rate its key lines of enquiry.");
      return isConflicted(actor, s) ? refuse(conflictActing("assess it")) : null;
    case "comment":
      if (actor.role === "admin") return null;
      if (actor.role !== "reviewer" || !assignedAs(actor, s)) {
        return refuse("Only the reviewers assigned to this checkpoint and programme administrators can comment on it.");
      }
      return isConflicted(actor, s) ? refuse(conflictActing("comment on it")) : null;
    case "propose":
      if (assignedAs(actor, s) !== "lead") return refuse("Only the lead reviewer assigned to this checkpoint can propose its decision.");
      return isConflicted(actor, s) ? refuse(conflictActing("propose its decision")) : null;
    case "countersign":
      if (s.proposedBy === actor.id) return refuse("You proposed this decision, so another reviewer must countersign it.");
      if (assignedAs(actor, s) !== "second")
        return refuse("Only the second reviewer assigned to this checkpoint can countersign its decision.");
      return isConflicted(actor, s) ? refuse(conflictActing("countersign its decisions")) : null;
    case "assign":
      return onlyAdmins(actor, "Only a programme administrator can assign reviewers.");
    case "reassign":
      return onlyAdmins(actor, "Only a programme administrator can change a checkpoint's reviewers.");
    case "pause":
      return onlyAdmins(actor, "Only a programme administrator can pause a submission.");
    case "resume":
      return onlyAdmins(actor, "Only a programme administrator can resume a paused submission.");
    case "move-criteria-set":
      return onlyAdmins(actor, "Only a programme administrator can move a submission to another criteria set.");
    case "withdraw":
      return actor.role === "admin" || isLeadOf(actor, s)
        ? null
        : refuse("Only a system lead of this footprint or a programme administrator can withdraw the submission.");
  }
}

/** Why the submission is not at a step where this means anything; null when it is. */
export function when(question: Question, s: SubmissionFacts): string | null {
  const cp = checkpointOf(s.state) ?? s.checkpoint;
  const closed = hasTag(s.state, "closed");
  const paused = hasTag(s.state, "paused");
  const stuck = closed
    ? "The submission is closed, so nothing more can be done to it."
    : paused
      ? "The submission is paused, so nothing can move until a programme administrator resumes it."
      : null;
  switch (question) {
    case "see-submission":
    case "see-review":
    case "read-decisions":
      return null;
    case "edit-draft":
      if (hasTag(s.state, "editable")) return null;
      return (
        stuck ?? "The submission is with the national team now, so it cannot be changed until they return it or it passes the checkpoint."
      );
    case "submit":
      if (hasTag(s.state, "returned")) return null;
      if (!hasTag(s.state, "submittable")) {
        return (
          stuck ??
          "The submission is with the national team, so there is nothing to submit until they return it or it passes the checkpoint."
        );
      }
      // Conditions set at a checkpoint are discharged before the next one.
      if (s.openConditions === 1)
        return "1 condition from the last checkpoint has not been discharged yet. It must be before the next checkpoint.";
      if (s.openConditions > 1) {
        return `${s.openConditions} conditions from the last checkpoint have not been discharged yet. They must be before the next checkpoint.`;
      }
      return null;
    case "give-condition-evidence":
    case "judge-condition":
      if (!hasTag(s.state, "conditions")) return stuck ?? "Conditions are evidenced between checkpoints, not while one is under way.";
      return s.openConditions > 0 ? null : "There are no open conditions on this submission.";
    case "rate":
      return hasTag(s.state, "in_review") || hasTag(s.state, "awaiting_countersign")
        ? null
        : `The key lines of enquiry can be rated only while checkpoint ${cp || 1} is in review.`;
    case "comment":
      if (s.checkpoint === 0) return "The submission has not been submitted yet, so there is nothing to comment on.";
      return closed ? "The submission is closed, so no more comments can be added." : null;
    case "propose":
      return hasTag(s.state, "in_review") ? null : (stuck ?? "There is no decision to propose at this step.");
    case "countersign":
      return hasTag(s.state, "awaiting_countersign") ? null : (stuck ?? "There is no proposed decision waiting for a countersignature.");
    case "assign":
      return hasTag(s.state, "awaiting_assignment")
        ? null
        : (stuck ?? "Reviewers are assigned only when a checkpoint is waiting for them.");
    case "reassign":
      // Reviewers are changed while their review is under way, paused or not: the pause stops the
      // clock, not the programme team's work.
      if (closed) return stuck;
      if (hasTag(s.state, "in_review") || hasTag(s.state, "awaiting_countersign") || hasTag(s.state, "returned")) return null;
      if (paused && s.reviewers && !s.reviewDecided) return null;
      if (hasTag(s.state, "awaiting_assignment")) return "No reviewers have been assigned to this checkpoint yet: assign them instead.";
      return "Reviewers can be changed only while a checkpoint is in review.";
    case "pause":
      return stuck === null ? null : paused ? "The submission is already paused." : stuck;
    case "resume":
      return paused ? null : "The submission is not paused.";
    case "withdraw":
    case "move-criteria-set":
      return closed ? "The submission is closed, so nothing more can be done to it." : null;
  }
}

/** The policy's answer: may this person do this to this submission now, and if not, why not. */
export function decide(actor: PolicyActor, question: Question, s: SubmissionFacts): Verdict {
  const byWho = who(actor, question, s);
  if (byWho) return byWho;
  const notNow = when(question, s);
  return notNow ? refuse(notNow) : ALLOWED;
}

/** Every question at once, for a page that shows what a person may do. */
export function answers(actor: PolicyActor, s: SubmissionFacts): Record<Question, Verdict> {
  return Object.fromEntries(QUESTIONS.map((q) => [q, decide(actor, q, s)])) as Record<Question, Verdict>;
}

/** A person who might be assigned to review, as the server loaded them. */
export interface Candidate {
  id: string;
  name?: string;
  role: Role;
  conflicts: readonly string[];
  /** An account an administrator deactivated (someone on leave or gone): it cannot sign in, so cannot review. */
  deactivated?: boolean;
}

/** Why a person could not review a submission at all, if anything: the rule behind every assignment. */
export type ReviewBarrier = "not-a-reviewer" | "deactivated" | "conflicted" | "author";

export function reviewBarrier(candidate: Candidate, s: Pick<SubmissionFacts, "footprintCode" | "authors">): ReviewBarrier | null {
  if (candidate.role !== "reviewer" && candidate.role !== "admin") return "not-a-reviewer";
  if (candidate.deactivated) return "deactivated";
  if (candidate.conflicts.includes(s.footprintCode)) return "conflicted";
  if (s.authors.includes(candidate.id)) return "author";
  return null;
}

/** The barrier as a short label beside a reviewer's name, before anyone is chosen. */
export const REVIEW_BARRIER_LABELS: Record<ReviewBarrier, string> = {
  "not-a-reviewer": "Not a national reviewer",
  deactivated: "Account deactivated",
  conflicted: "Declared a conflict with this footprint",
  author: "Wrote or submitted this submission",
};

/** Why this person cannot be assigned as a checkpoint's lead or second reviewer; null when they can. */
export function assignmentRefusal(candidate: Candidate, as: "lead reviewer" | "second reviewer", s: SubmissionFacts): string | null {
  const name = candidate.name ?? `The ${as}`;
  switch (reviewBarrier(candidate, s)) {
    case "not-a-reviewer":
      return `${name} is not a reviewer, so cannot be the ${as}.`;
    case "deactivated":
      return `${name}'s account is deactivated, so cannot be the ${as}.`;
    case "conflicted":
      return `${name} has declared a conflict with this footprint, so cannot be the ${as}.`;
    case "author":
      return `${name} wrote or submitted this submission, so cannot be the ${as}.`;
    case null:
      return null;
  }
}

/** A recorded conflict of interest, as far as the policy needs it. */
export interface ConflictSubject {
  userId: string;
  /** Who recorded it: the person themselves, or an administrator on their behalf. */
  declaredBy: string | null;
}

/**
 * Whether the person may withdraw a conflict. A reviewer may withdraw a conflict they declared
 * themselves; one an administrator recorded stays until an administrator removes it, since the
 * administrator was told of it by someone who may not be the reviewer.
 */
export function mayWithdrawConflict(actor: PolicyActor, conflict: ConflictSubject): Verdict {
  if (actor.role === "admin") return ALLOWED;
  if (conflict.userId !== actor.id) return hide("There is no conflict recorded with that footprint.");
  if (conflict.declaredBy !== actor.id) {
    return refuse(
      "A programme administrator recorded this conflict, so only an administrator can withdraw it. Contact them if it no longer applies.",
    );
  }
  return ALLOWED;
}
