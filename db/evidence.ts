import type { Transaction } from "kysely";
import type { Db } from "./client.ts";
import type { Database } from "./schema.ts";

/** Evidence changes lock the submission exactly as section saves do. */
export { lockSubmissionForEdit as lockSubmissionForEvidence } from "./submissions.ts";

/** The draft's evidence section as stored (JSON text), or undefined when nothing was uploaded yet. */
export async function readEvidenceSection(db: Db | Transaction<Database>, submissionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("submission_section")
    .select("data")
    .where("submission_id", "=", submissionId)
    .where("section", "=", "evidence")
    .executeTakeFirst();
  return row?.data;
}

/** Every submitted version's frozen content (JSON text), oldest first: documents there stay downloadable. */
export async function listVersionContents(db: Db, submissionId: string): Promise<{ number: number; content: string }[]> {
  return db
    .selectFrom("submission_version")
    .select(["number", "content"])
    .where("submission_id", "=", submissionId)
    .orderBy("number")
    .execute();
}
