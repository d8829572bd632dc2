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

/**
 * Every content hash a draft's evidence list or a submitted version names. Read from the stored
 * JSON text rather than through the content schemas: a row that a later release would parse
 * differently must still keep its files, so anything shaped like a document's hash counts.
 */
export async function listReferencedEvidence(db: Db): Promise<Set<string>> {
  const referenced = new Set<string>();
  const collect = (json: string) => {
    for (const [, sha256] of json.matchAll(/"sha256"\s*:\s*"([0-9a-f]{64})"/g)) referenced.add(sha256!);
  };
  const pageSize = 500;
  for (let after = ""; ; ) {
    const rows = await db
      .selectFrom("submission_section")
      .select(["submission_id", "data"])
      .where("section", "=", "evidence")
      .where("submission_id", ">", after)
      .orderBy("submission_id")
      .limit(pageSize)
      .execute();
    for (const row of rows) collect(row.data);
    if (rows.length < pageSize) break;
    after = rows.at(-1)!.submission_id;
  }
  for (let after = ""; ; ) {
    const rows = await db
      .selectFrom("submission_version")
      .select(["id", "content"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    for (const row of rows) collect(row.content);
    if (rows.length < pageSize) break;
    after = rows.at(-1)!.id;
  }
  return referenced;
}
