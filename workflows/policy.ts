// The assurance policy: who may see or do what, and the sentence that tells a person why not.
// Pure data and functions, no I/O: the server loads the facts (who the person is, which footprints
// they act for or are conflicted with, the submission's footprint) and asks here. Loaders use the
// answer to decide what to show, actions to refuse, so the page and the refusal cannot disagree.

export type Role = "lead" | "reviewer" | "admin";

/** The person asking, as the server knows them (never as the browser claims). */
export interface PolicyActor {
  id: string;
  role: Role;
  /** Footprint codes a lead acts for. */
  footprints: string[];
  /** Footprint codes the person has a conflict of interest with (declared or recorded). */
  conflicts: string[];
}

/** What the policy needs to know of a submission to answer about seeing it. */
export interface SubmissionSubject {
  footprintCode: string;
  /** For the refusal sentence; the code is used when the name is not known. */
  footprintName?: string;
}

/**
 * An answer: allowed, or refused with the sentence shown to the person. `hidden` refusals are
 * answered exactly as "does not exist" (404), so a guessed id confirms nothing; the others are a
 * 403 that says why.
 */
export type Verdict = { allowed: true } | { allowed: false; hidden: boolean; reason: string };

const ALLOWED: Verdict = { allowed: true };
const refuse = (reason: string): Verdict => ({ allowed: false, hidden: false, reason });
const hide = (reason: string): Verdict => ({ allowed: false, hidden: true, reason });

export const NOT_FOUND = "Submission not found.";

/**
 * Whether the person may see anything of a submission beyond its pipeline row: its pages, versions,
 * evidence, review and decision records. A lead sees only their own footprints' submissions (others
 * are "not found"); a reviewer sees every footprint's except one they have a conflict with, since
 * a conflict is about what you know as much as what you sign; administrators see everything,
 * because they manage the conflicts and assignments.
 */
export function maySeeSubmission(actor: PolicyActor, submission: SubmissionSubject): Verdict {
  switch (actor.role) {
    case "lead":
      return actor.footprints.includes(submission.footprintCode) ? ALLOWED : hide(NOT_FOUND);
    case "reviewer":
      return actor.conflicts.includes(submission.footprintCode)
        ? refuse(
            `You have declared a conflict of interest with ${submission.footprintName ?? submission.footprintCode}, so you cannot see its submissions. Ask a programme administrator if this is wrong.`,
          )
        : ALLOWED;
    case "admin":
      return ALLOWED;
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
