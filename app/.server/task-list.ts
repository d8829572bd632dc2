import type { Db } from "../../db/client.ts";
import { fieldPathLabel } from "../forms/answers.ts";
import { answerLookups } from "./reference.ts";
import { actorNameIn, auditTrail } from "../../db/audit.ts";
import { findFootprint } from "../../db/reference.ts";
import { failingWarnings, findVersion, listVersions } from "../../db/submissions.ts";
import { pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import { userNames } from "../../db/users.ts";
import { listComments } from "../../db/reviews.ts";
import { hasTag, whoseTurn } from "../../workflows/assurance.machine.ts";
import { describeState, whatHappensNext } from "../../workflows/states.ts";
import type { Question } from "../../workflows/policy.ts";
import { SECTION_SLUGS, SECTION_TITLES, type SubmissionContent } from "../../workflows/submission.ts";
import { decisionLabel, describeAuditEntry, stateLabel } from "../status.ts";
import { actionsFor, draftChecksFor, type LoadedSubmission, readDraft, refusalOf, targetCheckpoint } from "./submissions.ts";

/** The link that opens a section page with one field focused. */
export function fieldLink(submissionId: string, fieldPath: string): string {
  const section = fieldPath.split(/[.[]/)[0];
  return `/submissions/${submissionId}/sections/${section}?field=${encodeURIComponent(fieldPath)}`;
}

function valueAt(content: unknown, fieldPath: string): unknown {
  let value: unknown = content;
  for (const part of fieldPath.split(/\.|\[(\d+)\]/).filter(Boolean)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Every reason submitting would be refused now, from the rules that refuse it: the policy's (open
 * conditions, the step, who may), then the failing blocking checks the machine counts. Empty when
 * it may be submitted, so a page never offers a submit button the server would refuse.
 */
export function reasonsNotToSubmit(loaded: LoadedSubmission, blocking: number): string[] {
  const reasons: string[] = [];
  const held = refusalOf(loaded, "submit");
  if (held) reasons.push(held);
  if (blocking > 0) {
    reasons.push(
      blocking === 1
        ? "1 blocking check fails; it must pass before you can submit."
        : `${blocking} blocking checks fail; they must pass before you can submit.`,
    );
  }
  return reasons;
}

function nextSteps(loaded: LoadedSubmission, blocking: number): string {
  const { submission } = loaded;
  const state = submission.state;
  // Only the footprint's own leads see its submissions at all (workflows/policy.ts).
  const lead = loaded.actor.role === "lead";
  if (hasTag(state, "submittable")) {
    const next = targetCheckpoint(loaded.snapshot, state);
    if (!lead) return `The local system is preparing the submission for checkpoint ${next}.`;
    const reasons = reasonsNotToSubmit(loaded, blocking);
    if (reasons.length > 0 && refusalOf(loaded, "submit")) return reasons.join(" ");
    return blocking > 0
      ? `Complete the sections below. When no blocking check fails, check your answers and submit for checkpoint ${next}.`
      : `No blocking check fails. Check your answers, then submit for checkpoint ${next}.`;
  }
  return whatHappensNext(state, lead ? "lead" : "others") ?? describeState(state);
}

export async function taskListFor(db: Db, loaded: LoadedSubmission) {
  const { submission, snapshot, actor } = loaded;
  // The answers themselves are read only when something on the page quotes them (a change
  // request or comment about a field, or checks not stored for this set and checkpoint).
  let content: Promise<SubmissionContent> | undefined;
  const draftContent = () => {
    content ??= readDraft(db, submission.id).then((d) => d.content);
    return content;
  };
  const checks = await draftChecksFor(db, loaded, draftContent);
  // The warnings by name, so a lead sees which national criteria the reviewers will see them miss.
  const warningCriteria =
    checks.warnings > 0
      ? await Promise.all([failingWarnings(db, submission.id), pinnedCriteriaSet(db, submission.criteria_set)]).then(([ids, set]) =>
          set.criteria.filter((c) => ids.includes(c.id)).map((c) => ({ id: c.id, title: c.title, rule: c.rule })),
        )
      : [];
  const [footprint, trail, versions] = await Promise.all([
    findFootprint(db, submission.footprint_code),
    auditTrail(db, submission.id),
    listVersions(db, submission.id),
  ]);
  const names = await userNames(
    db,
    trail.map((e) => e.actor_id ?? ""),
  );
  // Leads see the comments reviewers shared with them; internal ones stay with the national team.
  const comments = await listComments(db, submission.id, { includeInternal: actor.role !== "lead" });

  // Change requests are answered against the version that was returned.
  let returnedContent: SubmissionContent | null = null;
  const last = versions.at(-1);
  if (hasTag(submission.state, "returned") && last) {
    const version = await findVersion(db, submission.id, last.number);
    returnedContent = version ? version.content : null;
  }

  const ctx = snapshot.context;
  const lookups = await answerLookups(db);
  const returned = hasTag(submission.state, "returned");
  const quoted = (returned && ctx.changeRequests.some((r) => r.fieldPath)) || comments.some((c) => c.fieldPath);
  const draft = quoted ? await draftContent() : null;
  // The versions pinned comments were made on, each read once.
  const commentedOn = new Map<number, SubmissionContent>();
  for (const n of new Set(comments.filter((c) => c.fieldPath && c.versionNumber).map((c) => c.versionNumber as number))) {
    const version = n === last?.number && returnedContent ? { content: returnedContent } : await findVersion(db, submission.id, n);
    if (version) commentedOn.set(n, version.content);
  }
  const may = (question: Question) => refusalOf(loaded, question) === null;
  return {
    submission: {
      id: submission.id,
      title: submission.title,
      modelType: submission.model_type,
      footprintName: footprint?.name ?? submission.footprint_code,
      regionName: footprint?.regionName ?? "",
      state: submission.state,
      stateLabel: stateLabel(submission.state),
      whoseTurn: whoseTurn(submission.state),
      version: submission.version,
      criteriaSet: submission.criteria_set,
    },
    targetCheckpoint: targetCheckpoint(snapshot, submission.state),
    nextSteps: nextSteps(loaded, checks.blocking),
    canEdit: may("edit-draft"),
    // Offered only when the policy would accept the submission now; otherwise nextSteps says why
    // (open conditions, say).
    canSubmit: may("submit"),
    resubmission: hasTag(submission.state, "returned"),
    /** The links this person gets beside the task list, as the policy allows them. */
    actions: actionsFor(loaded),
    backLink:
      actor.role === "lead"
        ? { href: "/submissions", text: "Back to your submissions" }
        : { href: "/pipeline", text: "Back to the pipeline" },
    blocking: checks.blocking,
    warnings: checks.warnings,
    warningCriteria,
    sections: SECTION_SLUGS.map((slug) => ({ slug, title: SECTION_TITLES[slug], status: checks.sections[slug] })),
    changeRequests: hasTag(submission.state, "returned")
      ? ctx.changeRequests.map((r) => ({
          ...r,
          link: r.fieldPath ? fieldLink(submission.id, r.fieldPath) : null,
          fieldLabel: r.fieldPath && draft ? fieldPathLabel(r.fieldPath, returnedContent ?? draft, lookups) : null,
          changed:
            r.fieldPath && returnedContent && draft
              ? JSON.stringify(valueAt(returnedContent, r.fieldPath)) !== JSON.stringify(valueAt(draft, r.fieldPath))
              : null,
        }))
      : [],
    conditions: ctx.conditions.map((c) => ({
      id: c.id,
      text: c.text,
      status: c.status,
      evidence: c.evidence ?? null,
      rejectionReason: c.rejectionReason ?? null,
      setAtCheckpoint: c.setAtCheckpoint,
    })),
    comments: comments.map((c) => ({
      id: c.id,
      authorName: c.authorName,
      body: c.body,
      createdAt: c.createdAt,
      internal: c.visibility === "internal",
      link: c.fieldPath ? fieldLink(submission.id, c.fieldPath) : null,
      // Named as in the version the comment was made on (a practice by its name then), else the draft.
      fieldLabel:
        c.fieldPath && draft ? fieldPathLabel(c.fieldPath, (c.versionNumber && commentedOn.get(c.versionNumber)) || draft, lookups) : null,
    })),
    decisions: ctx.decisions.map((d) => ({ number: d.number, checkpoint: d.checkpoint, decision: decisionLabel(d.decision) })),
    canGiveConditionEvidence: may("give-condition-evidence"),
    versions: versions.length,
    timeline: trail
      .map((e) => ({
        at: e.at,
        who: e.actor_id ? (actorNameIn(e.payload) ?? names.get(e.actor_id) ?? "Someone") : "NCM Assure",
        text: describeAuditEntry(e.action, e.payload),
      }))
      .reverse(),
  };
}
