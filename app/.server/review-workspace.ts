import type { Db } from "../../db/client.ts";
import { NATIONAL_CLOCK_TURN } from "../../workflows/states.ts";
import { actorNameIn, auditTrail } from "../../db/audit.ts";
import { findFootprint } from "../../db/reference.ts";
import { listAssessments, listComments, listVersionContents } from "../../db/reviews.ts";
import type { Submission } from "../../db/submissions.ts";
import { userNames } from "../../db/users.ts";
import { type Checkpoint, hasTag } from "../../workflows/assurance.machine.ts";
import { DEFAULT_TARGET_WORKING_DAYS, liveClock, slaStatus } from "../../workflows/clock.ts";
import { loadCriteriaSets } from "../../db/criteria-sets.ts";
import { criterionById, judgementCriteria } from "../../workflows/criteria-data/sets.ts";
import type { CriteriaSet } from "../../workflows/criteria-data/types.ts";
import { changedSince } from "../../workflows/diff.ts";
import type { CriterionResult } from "../../workflows/evaluate.ts";
import { SECTION_SLUGS, SECTION_TITLES, type SubmissionContent } from "../../workflows/submission.ts";
import { answerAnchor, CONFIDENCE_LABELS, DECISION_LABELS } from "../components/review/forms.ts";
import { answerTargets, fieldPathLabel, sectionAnswers, shownFieldPath, shownPaths } from "../forms/answers.ts";
import { answerLookups } from "./reference.ts";
import { describeAuditEntry, stateLabel } from "../status.ts";
import { type LoadedSubmission, refusalOf } from "./submissions.ts";

/**
 * The review workspace's read model: everything a reviewer needs on one page (the latest version
 * and what changed since the one before, its frozen criteria results, ratings, comments, decisions
 * and the trail), with the refusals the machine would give computed for the person looking, so the
 * page can explain rather than offer a button that will be refused. Workflow changes still go
 * through applyEvent (assurance.ts).
 */

/** The criteria set the submission is pinned to (the latest, should the pin name none known). */
export async function criteriaSetOf(db: Db, submission: Pick<Submission, "criteria_set">): Promise<CriteriaSet> {
  const sets = await loadCriteriaSets(db);
  return sets.byId.get(submission.criteria_set) ?? sets.latest;
}

/** The criteria a condition or change request may be tied to: those of the pinned set at the checkpoint under review. */
export function targetCriteria(set: CriteriaSet, checkpoint: number) {
  return set.criteria
    .filter((c) => !checkpoint || c.appliesTo.checkpoints.includes(checkpoint as Checkpoint))
    .map((c) => ({ value: c.id, label: `${c.id} ${c.title}` }));
}

function safeChangedSince(before: SubmissionContent, after: SubmissionContent, fieldPath: string): boolean | null {
  try {
    return changedSince(before, after, fieldPath);
  } catch {
    return null;
  }
}

export async function reviewWorkspace(db: Db, loaded: LoadedSubmission, now: Date = new Date()) {
  const { submission, snapshot, actor } = loaded;
  const ctx = snapshot.context;
  const set = await criteriaSetOf(db, submission);
  const [footprint, trail, stored, comments] = await Promise.all([
    findFootprint(db, submission.footprint_code),
    auditTrail(db, submission.id),
    listVersionContents(db, submission.id),
    listComments(db, submission.id, { includeInternal: true }),
  ]);
  const checkpoint = ctx.checkpoint === 0 ? null : (ctx.checkpoint as Checkpoint);
  const assessments = checkpoint ? await listAssessments(db, submission.id, checkpoint) : [];

  const versions = stored.map((v) => ({
    number: v.number,
    checkpoint: v.checkpoint,
    submittedAt: v.submittedAt,
    submittedBy: v.submittedBy,
    content: v.content,
    evaluation: v.evaluation,
  }));
  const latest = versions.at(-1) ?? null;
  const previous = versions.at(-2) ?? null;

  const names = await userNames(db, [
    ...trail.map((e) => e.actor_id ?? ""),
    ctx.reviewers?.lead ?? "",
    ctx.reviewers?.second ?? "",
    ctx.proposal?.proposedBy ?? "",
    ctx.disagreement?.by ?? "",
    ...ctx.decisions.flatMap((d) => [d.proposedBy, d.countersignedBy]),
    ...versions.map((v) => v.submittedBy),
  ]);
  const nameOf = (id: string | null | undefined) => (id ? (names.get(id) ?? "Someone") : "NCM Assure");

  // The latest version's answers, section by section, in the form's words; a link to a field
  // lands on the nearest answer shown (a practice's row for its list size).
  const lookups = await answerLookups(db);
  const sections = latest
    ? SECTION_SLUGS.filter((s) => s !== "evidence").map((slug) => ({
        slug,
        title: SECTION_TITLES[slug],
        blocks: sectionAnswers(slug, latest.content, lookups),
      }))
    : [];
  const shown = shownPaths(sections.flatMap((s) => s.blocks));
  const anchorOf = (fieldPath: string | null | undefined) => {
    const path = fieldPath ? shownFieldPath(fieldPath, shown) : null;
    return path ? answerAnchor(path) : null;
  };
  /** A field as it was named in `content` (a practice by its name then), linked to its answer in the latest version. */
  const fieldRef = (fieldPath: string | null | undefined, content = latest?.content) => {
    if (!fieldPath) return null;
    return { fieldPath, label: fieldPathLabel(fieldPath, content, lookups), anchor: anchorOf(fieldPath) };
  };
  const checkLine = (r: CriterionResult) => ({
    id: r.id,
    title: r.title,
    message: r.message,
    fieldPath: r.fieldPath,
    anchor: anchorOf(r.fieldPath),
  });
  const criterionRef = (id: string | null | undefined) => {
    if (!id) return null;
    const criterion = criterionById(set, id);
    return { id, title: criterion?.title ?? id };
  };
  const targetOf = (t: { fieldPath?: string | undefined; criterionId?: string | undefined }) => ({
    field: fieldRef(t.fieldPath),
    criterion: criterionRef(t.criterionId),
  });

  // A resubmission: the same checkpoint submitted again after its reviewers asked for changes.
  let resubmission: null | {
    previousNumber: number;
    requests: {
      id: string;
      text: string;
      field: ReturnType<typeof fieldRef>;
      criterion: ReturnType<typeof criterionRef>;
      changed: boolean | null;
    }[];
  } = null;
  if (latest && previous && previous.checkpoint === latest.checkpoint) {
    const asked = [...ctx.decisions].reverse().find((d) => d.checkpoint === latest.checkpoint && d.decision === "changes_requested");
    resubmission = {
      previousNumber: previous.number,
      requests: (asked?.changeRequests ?? []).map((r) => ({
        id: r.id,
        text: r.text,
        ...targetOf(r),
        changed: r.fieldPath ? safeChangedSince(previous.content, latest.content, r.fieldPath) : null,
      })),
    };
  }

  const role = ctx.reviewers?.lead === actor.id ? "lead" : ctx.reviewers?.second === actor.id ? "second" : null;
  /** What the checkpoint's review is waiting for, for what the page puts first. */
  const step = hasTag(submission.state, "in_review")
    ? ("proposal" as const)
    : hasTag(submission.state, "awaiting_countersign")
      ? ("countersignature" as const)
      : null;
  const daysUsed = liveClock(
    { whoseTurn: submission.whose_turn, nationalDaysUsed: submission.national_days_used, stateEnteredAt: submission.state_entered_at },
    now,
  ).nationalDaysUsed;

  // Ratings: both assigned reviewers side by side, and the signed-in reviewer's own to edit.
  const kloes = checkpoint ? judgementCriteria(set, checkpoint) : [];
  const ratingOf = (reviewerId: string | undefined, criterionId: string) => {
    const a = reviewerId ? assessments.find((x) => x.reviewerId === reviewerId && x.criterionId === criterionId) : undefined;
    return a ? { rating: a.rating, note: a.note, updatedAt: a.updatedAt } : null;
  };

  const versionContent = new Map(versions.map((v) => [v.number, v.content]));

  const proposeRefusal = step === "proposal" ? refusalOf(loaded, "propose") : null;
  const countersignRefusal = step === "countersignature" ? refusalOf(loaded, "countersign") : null;

  return {
    submission: {
      id: submission.id,
      title: submission.title,
      modelType: submission.model_type,
      footprintName: footprint?.name ?? submission.footprint_code,
      regionName: footprint?.regionName ?? "",
      state: submission.state,
      stateLabel: stateLabel(submission.state),
      step,
      whoseTurn: submission.whose_turn,
      checkpoint,
      criteriaSet: submission.criteria_set,
      version: submission.version,
      daysUsed,
      targetDays: DEFAULT_TARGET_WORKING_DAYS,
      sla: slaStatus(daysUsed, DEFAULT_TARGET_WORKING_DAYS),
      clockRunning: submission.whose_turn === NATIONAL_CLOCK_TURN,
    },
    you: { id: actor.id, role },
    reviewers: ctx.reviewers
      ? {
          lead: { id: ctx.reviewers.lead, name: nameOf(ctx.reviewers.lead) },
          second: { id: ctx.reviewers.second, name: nameOf(ctx.reviewers.second) },
        }
      : null,
    version: latest
      ? {
          number: latest.number,
          checkpoint: latest.checkpoint,
          submittedAt: latest.submittedAt,
          submittedBy: nameOf(latest.submittedBy),
          sections,
          evidence: (latest.content.evidence?.documents ?? []).map((d) => ({
            id: d.id,
            fileName: d.fileName,
            section: SECTION_TITLES[d.section],
            description: d.description ?? null,
            sizeBytes: d.sizeBytes,
          })),
          checks: {
            blocking: latest.evaluation.blockingFailures.map(checkLine),
            warnings: latest.evaluation.warnings.map(checkLine),
            passed: latest.evaluation.results.filter((r) => r.outcome === "pass").map(checkLine),
          },
        }
      : null,
    resubmission,
    fieldOptions: latest
      ? sections.map((s) => ({
          section: s.title,
          options: answerTargets(s.slug, latest.content, lookups).map((t) => ({ value: t.fieldPath, label: t.label })),
        }))
      : [],
    criterionOptions: targetCriteria(set, ctx.checkpoint),
    ratings: {
      refusal: refusalOf(loaded, "rate"),
      criteria: kloes.map((c) => ({
        id: c.id,
        title: c.title,
        rule: c.rule,
        lead: ratingOf(ctx.reviewers?.lead, c.id),
        second: ratingOf(ctx.reviewers?.second, c.id),
        mine: ratingOf(actor.id, c.id),
      })),
    },
    comments: {
      refusal: refusalOf(loaded, "comment"),
      items: comments.map((c) => {
        const at = c.versionNumber ? versionContent.get(c.versionNumber) : undefined;
        const changed =
          c.fieldPath && at && latest && c.versionNumber !== latest.number ? safeChangedSince(at, latest.content, c.fieldPath) : false;
        return {
          id: c.id,
          author: c.authorName,
          createdAt: c.createdAt,
          visibility: c.visibility,
          checkpoint: c.checkpoint,
          versionNumber: c.versionNumber,
          // Named as in the version the comment was made on: a practice removed or reordered since
          // must not take another practice's name.
          field: fieldRef(c.fieldPath, at ?? latest?.content),
          changedSince: changed === true,
          body: c.body,
        };
      }),
    },
    proposal: ctx.proposal
      ? {
          checkpoint: ctx.proposal.checkpoint,
          decision: ctx.proposal.decision,
          decisionText: DECISION_LABELS[ctx.proposal.decision],
          confidence: CONFIDENCE_LABELS[ctx.proposal.confidence],
          rationale: ctx.proposal.rationale,
          proposedBy: nameOf(ctx.proposal.proposedBy),
          conditions: ctx.proposal.conditions.map((c) => ({ id: c.id, text: c.text, ...targetOf(c) })),
          changeRequests: ctx.proposal.changeRequests.map((r) => ({ id: r.id, text: r.text, ...targetOf(r) })),
        }
      : null,
    disagreement: ctx.disagreement ? { by: nameOf(ctx.disagreement.by), reason: ctx.disagreement.reason } : null,
    /** Null unless a proposal is awaited; otherwise why this person may not propose (null: they may). */
    proposeRefusal,
    canPropose: step === "proposal" && proposeRefusal === null,
    countersignRefusal,
    canCountersign: step === "countersignature" && countersignRefusal === null,
    conditions: ctx.conditions.map((c) => ({
      id: c.id,
      text: c.text,
      status: c.status,
      evidence: c.evidence ?? null,
      rejectionReason: c.rejectionReason ?? null,
      setAtCheckpoint: c.setAtCheckpoint,
      ...targetOf(c),
      reviewRefusal: c.status === "evidence_submitted" ? refusalOf(loaded, "judge-condition") : null,
    })),
    decisions: ctx.decisions.map((d) => ({
      number: d.number,
      checkpoint: d.checkpoint,
      decisionText: DECISION_LABELS[d.decision],
      confidence: CONFIDENCE_LABELS[d.confidence],
      rationale: d.rationale,
      proposedBy: nameOf(d.proposedBy),
      countersignedBy: nameOf(d.countersignedBy),
      conditions: d.conditions.map((c) => c.text),
      changeRequests: d.changeRequests.map((r) => r.text),
    })),
    timeline: trail
      .map((e) => {
        const { payload } = e;
        const reason =
          (e.action === "COUNTERSIGN" && payload.agree === false) || e.action === "REJECT_CONDITION" ? String(payload.reason ?? "") : "";
        return {
          at: e.at,
          who: (e.actor_id && actorNameIn(e.payload)) || nameOf(e.actor_id),
          text: `${describeAuditEntry(e.action, payload)}${reason ? `: ${reason}` : ""}`,
        };
      })
      .reverse(),
  };
}
