import type { Db } from "./client.ts";

export interface VersionListItem {
  number: number;
  checkpoint: number;
  criteriaSet: string;
  submittedById: string;
  /** Null only if the account that submitted it no longer exists. */
  submittedByName: string | null;
  submittedAt: string;
}

/** A submission's frozen versions with who submitted each, oldest first. */
export async function listVersionsWithSubmitters(db: Db, submissionId: string): Promise<VersionListItem[]> {
  return db
    .selectFrom("submission_version")
    .leftJoin("user", "user.id", "submission_version.submitted_by")
    .select([
      "submission_version.number",
      "submission_version.checkpoint",
      "submission_version.criteria_set as criteriaSet",
      "submission_version.submitted_by as submittedById",
      "user.name as submittedByName",
      "submission_version.submitted_at as submittedAt",
    ])
    .where("submission_version.submission_id", "=", submissionId)
    .orderBy("submission_version.number")
    .execute();
}
