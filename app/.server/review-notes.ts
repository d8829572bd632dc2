import type { Db } from "../../db/client.ts";
import { addComment, upsertAssessment } from "../../db/reviews.ts";
import type { Rating } from "../../db/schema.ts";
import type { Checkpoint } from "../../workflows/assurance.machine.ts";
import { judgementCriteria } from "../../workflows/criteria-data/sets.ts";
import { listVersions } from "../../db/submissions.ts";
import { criteriaSetOf } from "./review-workspace.ts";
import { type LoadedSubmission, refusalOf } from "./submissions.ts";

/**
 * What a reviewer writes on a submission under review: ratings of the key lines of enquiry and
 * comments. Who may is the policy's; the checkpoint and version are read from the submission,
 * never taken from the form.
 */

export type WriteResult = { ok: true } | { ok: false; reason: string };

export async function saveRatings(
  db: Db,
  loaded: LoadedSubmission,
  ratings: { criterionId: string; rating: Rating; note: string }[],
  at: Date = new Date(),
): Promise<WriteResult> {
  const { actor, submission, snapshot } = loaded;
  const refusal = refusalOf(loaded, "rate");
  if (refusal) return { ok: false, reason: refusal };
  const checkpoint = snapshot.context.checkpoint as Checkpoint;
  const known = new Set(judgementCriteria(await criteriaSetOf(db, submission), checkpoint).map((c) => c.id));
  const unknown = ratings.find((r) => !known.has(r.criterionId));
  if (unknown) return { ok: false, reason: `${unknown.criterionId} is not a key line of enquiry at checkpoint ${checkpoint}.` };
  await db.transaction().execute(async (trx) => {
    for (const r of ratings) {
      await upsertAssessment(trx, {
        submissionId: submission.id,
        checkpoint,
        criterionId: r.criterionId,
        reviewerId: actor.id,
        rating: r.rating,
        note: r.note.trim(),
        at: at.toISOString(),
      });
    }
  });
  return { ok: true };
}

export async function postComment(
  db: Db,
  loaded: LoadedSubmission,
  input: { body: string; visibility: "shared" | "internal"; fieldPath: string | null },
  at: Date = new Date(),
): Promise<WriteResult> {
  const { actor, submission, snapshot } = loaded;
  const refusal = refusalOf(loaded, "comment");
  if (refusal) return { ok: false, reason: refusal };
  // Only the latest version's number: the frozen contents are not needed to place a comment.
  const versions = await listVersions(db, submission.id);
  await addComment(db, {
    submissionId: submission.id,
    checkpoint: snapshot.context.checkpoint,
    versionNumber: versions.at(-1)?.number ?? null,
    authorId: actor.id,
    visibility: input.visibility,
    fieldPath: input.fieldPath,
    body: input.body.trim(),
    at: at.toISOString(),
  });
  return { ok: true };
}
