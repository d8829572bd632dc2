import type { Transaction } from "kysely";
import { type Db, dialectOf } from "./client.ts";
import type { Database } from "./schema.ts";

/**
 * The submission's footprint and state, read inside the transaction that changes its evidence and,
 * on PostgreSQL, locked until it ends, so two uploads to one draft at once cannot both read the
 * list and each write back a list without the other's document, and a draft submitted meanwhile
 * is seen as submitted. (SQLite transactions here begin IMMEDIATE: one writer at a time already.)
 */
export async function lockSubmissionForEvidence(
  trx: Transaction<Database>,
  submissionId: string,
): Promise<{ footprint_code: string; state: string } | undefined> {
  const query = trx.selectFrom("submission").select(["footprint_code", "state"]).where("id", "=", submissionId);
  return (dialectOf(trx) === "postgres" ? query.forUpdate() : query).executeTakeFirst();
}

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
