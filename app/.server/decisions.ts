import type { Db } from "../../db/client.ts";
import { fieldPathLabel } from "../forms/answers.ts";
import { answerLookups } from "./reference.ts";
import { type AuditEntry, actorNameIn, auditTrail, type ChainVerdict, verifyAuditChains } from "../../db/audit.ts";
import { findFootprint } from "../../db/reference.ts";
import { listAssessments, listComments } from "../../db/reviews.ts";
import { findVersion, listVersions } from "../../db/submissions.ts";
import { userNames } from "../../db/users.ts";
import type { DecisionRecord, DeliveryConfidence } from "../../workflows/assurance.machine.ts";
import { loadCriteriaSets } from "../../db/criteria-sets.ts";
import { judgementCriteria } from "../../workflows/criteria-data/sets.ts";
import type { CriterionResult, Evaluation } from "../../workflows/evaluate.ts";
import { decisionLabel } from "../status.ts";
import type { LoadedSubmission } from "./submissions.ts";

/**
 * The decision record: one countersigned decision replayed as its signers saw it. Everything is
 * read as it stood at the moment of the countersignature (the COUNTERSIGN audit entry's time):
 * the version then latest, its frozen criteria results, the ratings and comments made by then.
 */

export interface DecisionEvents {
  /** The COUNTERSIGN entry (with agreement) that made the decision final; its hash seals it. */
  countersign: AuditEntry;
  /** The PROPOSE_DECISION entry it agreed with. */
  proposal: AuditEntry | null;
}

/**
 * Decision n's entries in a submission's trail (oldest first). Decisions are numbered in the order
 * their agreeing countersignatures appear, as the machine numbers `context.decisions`; a
 * disagreement sends the proposal back, so the proposal agreed with is the last one before.
 */
export function decisionEventsIn(trail: readonly AuditEntry[], number: number): DecisionEvents | null {
  let count = 0;
  let proposal: AuditEntry | null = null;
  for (const entry of trail) {
    if (entry.action === "PROPOSE_DECISION") proposal = entry;
    if (entry.action !== "COUNTERSIGN" || entry.payload.agree !== true) continue;
    count += 1;
    if (count === number) return { countersign: entry, proposal };
    proposal = null;
  }
  return null;
}

/** The COUNTERSIGN audit entry that made decision n of a submission final, if there is one. */
export async function findDecisionCountersign(db: Db, submissionId: string, number: number): Promise<AuditEntry | null> {
  return decisionEventsIn(await auditTrail(db, submissionId), number)?.countersign ?? null;
}

export const CONFIDENCE_LABELS: Record<DeliveryConfidence, string> = {
  green: "Green",
  amber_green: "Amber/green",
  amber: "Amber",
  amber_red: "Amber/red",
  red: "Red",
};

export const RATING_LABELS: Record<string, string> = {
  met: "Met",
  partly_met: "Partly met",
  not_met: "Not met",
};

const DECISION_HEADLINES: Record<string, string> = {
  proceed: "Proceed",
  proceed_with_conditions: "Proceed with conditions",
  changes_requested: "Changes requested",
  do_not_proceed: "Do not proceed",
};

const result = (r: CriterionResult) => ({ id: r.id, title: r.title, message: r.message, fieldPath: r.fieldPath });

/** A version's frozen criteria results, as the record shows them. */
function frozenResults(evaluation: Evaluation) {
  return {
    checkpoint: evaluation.checkpoint,
    blockingFailures: evaluation.blockingFailures.map(result),
    warnings: evaluation.warnings.map(result),
    passed: evaluation.results.filter((r) => r.outcome === "pass").length,
    notApplicable: evaluation.results.filter((r) => r.outcome === "not_applicable").length,
  };
}

/**
 * Decision `number` of a loaded submission as its signers saw it, or null when there is no such
 * decision. Internal comments and reviewers' notes are left out for a lead.
 */
export async function decisionRecordFor(db: Db, loaded: LoadedSubmission, number: number) {
  const { submission, snapshot, actor } = loaded;
  const record: DecisionRecord | undefined = snapshot.context.decisions.find((d) => d.number === number);
  const trail = await auditTrail(db, submission.id);
  const events = decisionEventsIn(trail, number);
  if (!record || !events) return null;

  const decidedAt = events.countersign.at;
  const national = actor.role !== "lead";
  const versions = await listVersions(db, submission.id);
  // ISO-8601 UTC text sorts as time does.
  const decidedOn = versions.filter((v) => v.submitted_at <= decidedAt).at(-1);
  const [version, footprint, assessments, comments] = await Promise.all([
    decidedOn ? findVersion(db, submission.id, decidedOn.number) : undefined,
    findFootprint(db, submission.footprint_code),
    listAssessments(db, submission.id, record.checkpoint),
    listComments(db, submission.id, { includeInternal: national }),
  ]);
  const content = version ? version.content : null;
  const lookups = await answerLookups(db);
  const fieldLabel = (fieldPath: string | null | undefined) =>
    fieldPath ? fieldPathLabel(fieldPath, content ?? undefined, lookups) : null;

  const proposedBy = events.proposal?.actor_id ?? record.proposedBy;
  const countersignedBy = events.countersign.actor_id ?? record.countersignedBy;
  const names = await userNames(db, [proposedBy, countersignedBy, version?.submitted_by ?? ""]);

  const setId = version?.criteria_set ?? submission.criteria_set;
  const set = (await loadCriteriaSets(db)).byId.get(setId);
  const ratedBy = assessments.filter((a) => a.updatedAt <= decidedAt);
  const linesOfEnquiry = set ? judgementCriteria(set, record.checkpoint) : [];
  const known = new Set(linesOfEnquiry.map((c) => c.id));
  const ratings = [
    ...linesOfEnquiry.map((c) => ({ id: c.id, title: c.title, rule: c.rule as string | null })),
    // A rating of a line of enquiry the set no longer lists is still part of the record.
    ...[...new Set(ratedBy.map((a) => a.criterionId))].filter((id) => !known.has(id)).map((id) => ({ id, title: id, rule: null })),
  ].map((c) => ({
    ...c,
    ratings: ratedBy
      .filter((a) => a.criterionId === c.id)
      .map((a) => ({
        reviewerName: a.reviewerName,
        rating: a.rating,
        ratingLabel: RATING_LABELS[a.rating] ?? a.rating,
        note: national && a.note.trim() !== "" ? a.note : null,
        updatedAt: a.updatedAt,
      })),
  }));

  return {
    submission: {
      id: submission.id,
      title: content?.about?.title || submission.title,
      modelType: content?.about?.modelType ?? submission.model_type,
      footprintCode: submission.footprint_code,
      footprintName: footprint?.name ?? submission.footprint_code,
      regionName: footprint?.regionName ?? "",
    },
    decision: {
      number: record.number,
      checkpoint: record.checkpoint,
      decision: record.decision,
      headline: DECISION_HEADLINES[record.decision] ?? decisionLabel(record.decision),
      confidence: record.confidence,
      confidenceLabel: CONFIDENCE_LABELS[record.confidence] ?? record.confidence,
      rationale: record.rationale,
      conditions: record.conditions.map((c) => ({
        id: c.id,
        text: c.text,
        fieldPath: c.fieldPath ?? null,
        fieldLabel: fieldLabel(c.fieldPath),
        criterionId: c.criterionId ?? null,
      })),
      changeRequests: record.changeRequests.map((c) => ({
        id: c.id,
        text: c.text,
        fieldPath: c.fieldPath ?? null,
        fieldLabel: fieldLabel(c.fieldPath),
        criterionId: c.criterionId ?? null,
      })),
      decidedAt,
    },
    reference: `${submission.id}/${record.number}`,
    version: version
      ? {
          number: version.number,
          checkpoint: version.checkpoint,
          submittedAt: version.submitted_at,
          submittedBy: names.get(version.submitted_by) ?? "A former user",
        }
      : null,
    criteriaSet: { id: setId, title: set?.title ?? `Criteria set ${setId}` },
    results: version ? frozenResults(version.evaluation) : null,
    ratings,
    comments: comments
      .filter((c) => c.createdAt <= decidedAt)
      .map((c) => ({
        id: c.id,
        authorName: c.authorName,
        visibility: c.visibility,
        checkpoint: c.checkpoint,
        versionNumber: c.versionNumber,
        fieldPath: c.fieldPath,
        fieldLabel: fieldLabel(c.fieldPath),
        body: c.body,
        createdAt: c.createdAt,
      })),
    showsInternal: national,
    signers: {
      // Names as the audit entries recorded them when the decision was made, not as they are now.
      proposer: {
        name: (events.proposal && actorNameIn(events.proposal.payload)) || (names.get(proposedBy) ?? "A former user"),
        at: events.proposal?.at ?? null,
      },
      countersigner: {
        name: actorNameIn(events.countersign.payload) ?? names.get(countersignedBy) ?? "A former user",
        at: events.countersign.at,
      },
    },
    audit: {
      chain: events.countersign.chain,
      seq: events.countersign.seq,
      hash: events.countersign.hash,
      // Checked afresh each time the record is opened, so the page itself says whether it still holds.
      check: auditCheck(
        await verifyAuditChains(db, { chain: events.countersign.chain }),
        signedAsShown(record, events.proposal),
        new Date().toISOString(),
      ),
    },
  };
}

/**
 * Whether the decision shown is the one its lead reviewer proposed, as the sealed proposal entry
 * recorded it: the record is read from the submission's state, which no seal covers, so it is
 * held against the entry that is.
 */
function signedAsShown(record: DecisionRecord, proposal: AuditEntry | null): boolean {
  if (!proposal) return true;
  const signed = proposal.payload;
  return signed.decision === record.decision && signed.rationale === record.rationale && signed.confidence === record.confidence;
}

/** What a reader is told of the submission's audit log and this decision, checked just now. */
function auditCheck(verdict: ChainVerdict, matchesSeal: boolean, at: string) {
  if (!verdict.intact) {
    return {
      intact: false as const,
      entries: verdict.entries,
      at,
      brokenAt: verdict.firstBroken.seq,
      problem: verdict.firstBroken.problem,
    };
  }
  if (!matchesSeal) {
    return {
      intact: false as const,
      entries: verdict.entries,
      at,
      brokenAt: null,
      problem: "the decision shown here differs from the one its lead reviewer proposed, as the audit log recorded it",
    };
  }
  return { intact: true as const, entries: verdict.entries, at };
}
