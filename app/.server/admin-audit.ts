import type { Transaction } from "kysely";
import type { Db } from "../../db/client.ts";
import type { Database } from "../../db/schema.ts";

function isChainClash(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return (
    (e?.code === "23505" && e.constraint === "audit_event_chain_seq_uq") ||
    /UNIQUE constraint failed: audit_event\.chain, audit_event\.seq/.test(e?.message ?? "")
  );
}

/**
 * Runs an admin action and its audit entry on the shared `admin` chain in one transaction. Two
 * such actions at the same moment would both take the next sequence number; the database's unique
 * (chain, seq) refuses the second, which is then retried on top of the first instead of failing.
 */
export async function inAuditedTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || !isChainClash(error)) throw error;
    }
  }
}
