import type { Transaction } from "kysely";
import type { Db } from "./client.ts";
import type { Database } from "./schema.ts";
import { readSectionData, readVersionContent, type StoredAnswers } from "./stored.ts";
import type { SubmissionContent } from "../workflows/submission.ts";

/** Evidence changes lock the submission exactly as section saves do. */
export { lockSubmissionForEdit as lockSubmissionForEvidence } from "./submissions.ts";

/** The draft's evidence section as saved, or undefined when nothing was uploaded yet. */
export async function readEvidenceSection(db: Db | Transaction<Database>, submissionId: string): Promise<StoredAnswers | undefined> {
  const row = await db
    .selectFrom("submission_section")
    .select("data")
    .where("submission_id", "=", submissionId)
    .where("section", "=", "evidence")
    .executeTakeFirst();
  return row && readSectionData(submissionId, "evidence", row.data);
}

/** Every submitted version's frozen content, oldest first: documents there stay downloadable. */
export async function listVersionContents(db: Db, submissionId: string): Promise<{ number: number; content: SubmissionContent }[]> {
  const rows = await db
    .selectFrom("submission_version")
    .select(["id", "number", "content"])
    .where("submission_id", "=", submissionId)
    .orderBy("number")
    .execute();
  return rows.map((r) => ({ number: r.number, content: readVersionContent(r.id, r.content) }));
}
