import { randomUUID } from "node:crypto";
import { statesTagged } from "../workflows/states.ts";
import type { Db } from "./client.ts";
import type { Rating } from "./schema.ts";
import type { PersistedAssuranceSnapshot } from "../workflows/assurance.machine.ts";
import { readEvaluation, readSnapshot, readVersionContent } from "./stored.ts";

export async function upsertAssessment(
  db: Db,
  a: { submissionId: string; checkpoint: number; criterionId: string; reviewerId: string; rating: Rating; note: string; at: string },
): Promise<void> {
  const row = {
    submission_id: a.submissionId,
    checkpoint: a.checkpoint,
    criterion_id: a.criterionId,
    reviewer_id: a.reviewerId,
    rating: a.rating,
    note: a.note,
    updated_at: a.at,
  };
  await db
    .insertInto("assessment")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["submission_id", "checkpoint", "criterion_id", "reviewer_id"])
        .doUpdateSet({ rating: row.rating, note: row.note, updated_at: row.updated_at }),
    )
    .execute();
}

export async function listAssessments(db: Db, submissionId: string, checkpoint?: number) {
  let query = db
    .selectFrom("assessment")
    .innerJoin("user", "user.id", "assessment.reviewer_id")
    .select([
      "assessment.checkpoint",
      "assessment.criterion_id as criterionId",
      "assessment.reviewer_id as reviewerId",
      "user.name as reviewerName",
      "assessment.rating",
      "assessment.note",
      "assessment.updated_at as updatedAt",
    ])
    .where("assessment.submission_id", "=", submissionId);
  if (checkpoint !== undefined) query = query.where("assessment.checkpoint", "=", checkpoint);
  return query.orderBy("assessment.criterion_id").execute();
}

export async function addComment(
  db: Db,
  c: {
    submissionId: string;
    checkpoint: number;
    versionNumber: number | null;
    authorId: string;
    visibility: "shared" | "internal";
    fieldPath: string | null;
    body: string;
    at: string;
  },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("comment")
    .values({
      id,
      submission_id: c.submissionId,
      checkpoint: c.checkpoint,
      version_number: c.versionNumber,
      author_id: c.authorId,
      visibility: c.visibility,
      field_path: c.fieldPath,
      body: c.body,
      created_at: c.at,
    })
    .execute();
  return id;
}

/** Comments on a submission; internal ones only when the reader may see them (reviewers, admins). */
export async function listComments(db: Db, submissionId: string, options: { includeInternal: boolean }) {
  let query = db
    .selectFrom("comment")
    .innerJoin("user", "user.id", "comment.author_id")
    .select([
      "comment.id",
      "comment.checkpoint",
      "comment.version_number as versionNumber",
      "comment.author_id as authorId",
      "user.name as authorName",
      "comment.visibility",
      "comment.field_path as fieldPath",
      "comment.body",
      "comment.created_at as createdAt",
    ])
    .where("comment.submission_id", "=", submissionId);
  if (!options.includeInternal) query = query.where("comment.visibility", "=", "shared");
  return query.orderBy("comment.created_at").execute();
}

export interface ReviewListItem {
  id: string;
  title: string;
  footprintName: string;
  regionName: string;
  modelType: string;
  checkpoint: number;
  state: string;
  role: "lead" | "second";
  stateEnteredAt: string;
  nationalDaysUsed: number;
  whoseTurn: string;
  failingWarnings: number;
}

/** A reviewer's assignments at the submissions' current checkpoints, with what the list shows. */
export async function listReviewsFor(db: Db, reviewerId: string): Promise<ReviewListItem[]> {
  const rows = await db
    .selectFrom("review_assignment")
    .innerJoin("submission", (j) =>
      j.onRef("submission.id", "=", "review_assignment.submission_id").onRef("submission.checkpoint", "=", "review_assignment.checkpoint"),
    )
    .innerJoin("footprint", "footprint.code", "submission.footprint_code")
    .innerJoin("region", "region.code", "footprint.region_code")
    .select([
      "submission.id",
      "submission.title",
      "footprint.name as footprintName",
      "region.name as regionName",
      "submission.model_type as modelType",
      "submission.checkpoint",
      "submission.state",
      "review_assignment.lead_reviewer_id as leadReviewerId",
      "submission.state_entered_at as stateEnteredAt",
      "submission.national_days_used as nationalDaysUsed",
      "submission.whose_turn as whoseTurn",
      "submission.failing_warnings as failingWarnings",
    ])
    .where((eb) =>
      eb.or([eb("review_assignment.lead_reviewer_id", "=", reviewerId), eb("review_assignment.second_reviewer_id", "=", reviewerId)]),
    )
    .orderBy("submission.state_entered_at")
    .execute();
  return rows.map(({ leadReviewerId, ...r }) => ({ ...r, role: leadReviewerId === reviewerId ? "lead" : "second" }));
}

export interface AssignmentQueueItem {
  id: string;
  title: string;
  footprintName: string;
  regionName: string;
  modelType: string;
  checkpoint: number;
  stateEnteredAt: string;
}

/** Submissions waiting for reviewers, longest waiting first. */
export async function listAwaitingAssignment(db: Db): Promise<AssignmentQueueItem[]> {
  return db
    .selectFrom("submission")
    .innerJoin("footprint", "footprint.code", "submission.footprint_code")
    .innerJoin("region", "region.code", "footprint.region_code")
    .select([
      "submission.id",
      "submission.title",
      "footprint.name as footprintName",
      "region.name as regionName",
      "submission.model_type as modelType",
      "submission.checkpoint",
      "submission.state_entered_at as stateEnteredAt",
    ])
    .where("submission.state", "in", statesTagged("awaiting_assignment"))
    .orderBy("submission.state_entered_at")
    .execute();
}

/** Every submitted version of a submission with its frozen content and results, oldest first. */
export async function listVersionContents(db: Db, submissionId: string) {
  const rows = await db
    .selectFrom("submission_version")
    .select([
      "id",
      "number",
      "checkpoint",
      "criteria_set as criteriaSet",
      "content",
      "evaluation",
      "submitted_by as submittedBy",
      "submitted_at as submittedAt",
    ])
    .where("submission_id", "=", submissionId)
    .orderBy("number")
    .execute();
  return rows.map(({ id, content, evaluation, ...v }) => ({
    ...v,
    content: readVersionContent(id, content),
    evaluation: readEvaluation(id, evaluation),
  }));
}

/** The stored workflow snapshots of some submissions, for what a list must read from their context. */
export async function workflowSnapshots(db: Db, submissionIds: string[]): Promise<Map<string, PersistedAssuranceSnapshot>> {
  if (submissionIds.length === 0) return new Map();
  const rows = await db.selectFrom("submission").select(["id", "workflow_snapshot"]).where("id", "in", submissionIds).execute();
  return new Map(rows.map((r) => [r.id, readSnapshot(r.id, r.workflow_snapshot)]));
}

export interface PastAssignment {
  submissionId: string;
  checkpoint: number;
  leadReviewerId: string;
  secondReviewerId: string;
}

/** Who has been assigned to review these submissions, at every checkpoint so far (the current one included). */
export async function assignmentHistory(db: Db, submissionIds: string[]): Promise<PastAssignment[]> {
  if (submissionIds.length === 0) return [];
  return db
    .selectFrom("review_assignment")
    .select(["submission_id as submissionId", "checkpoint", "lead_reviewer_id as leadReviewerId", "second_reviewer_id as secondReviewerId"])
    .where("submission_id", "in", submissionIds)
    .orderBy("checkpoint")
    .execute();
}

/** What changing a submission's reviewers needs of it: its title, the version to change it from, and its machine. */
export async function submissionsToReassign(db: Db, submissionIds: string[]) {
  if (submissionIds.length === 0) return [];
  const rows = await db
    .selectFrom("submission")
    .innerJoin("footprint", "footprint.code", "submission.footprint_code")
    .select([
      "submission.id",
      "submission.title",
      "submission.version",
      "submission.state",
      "submission.footprint_code as footprintCode",
      "footprint.name as footprintName",
      "submission.workflow_snapshot",
    ])
    .where("submission.id", "in", submissionIds)
    .orderBy("submission.title")
    .execute();
  return rows.map(({ workflow_snapshot, ...r }) => ({ ...r, snapshot: readSnapshot(r.id, workflow_snapshot) }));
}
