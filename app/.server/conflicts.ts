import type { Db } from "../../db/client.ts";
import { ADMIN_CHAIN, appendAuditEvent } from "../../db/audit.ts";
import { insertReviewerConflict, removeReviewerConflict } from "../../db/users.ts";
import { inAuditedTransaction } from "./admin-audit.ts";
import type { CurrentUser } from "./session.ts";

/**
 * Declaring and withdrawing a conflict are audited on the admin chain in the same transaction as
 * the change, so the log holds exactly the conflicts that were in force and when.
 */
export async function declareConflict(database: Db, user: CurrentUser, input: { footprintCode: string; footprintName: string; reason: string }) {
  const at = new Date().toISOString();
  return inAuditedTransaction(database, async (trx) => {
    const inserted = await insertReviewerConflict(trx, { userId: user.id, footprintCode: input.footprintCode, reason: input.reason, at });
    if (!inserted) return false;
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: user.id,
      action: "DECLARE_CONFLICT",
      fromState: null,
      toState: null,
      payload: { userId: user.id, actorRole: user.role, footprintCode: input.footprintCode, footprintName: input.footprintName, reason: input.reason },
      at,
    });
    return true;
  });
}

export async function withdrawConflict(database: Db, user: CurrentUser, footprintCode: string) {
  const at = new Date().toISOString();
  return inAuditedTransaction(database, async (trx) => {
    const removed = await removeReviewerConflict(trx, { userId: user.id, footprintCode });
    if (!removed) return false;
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: user.id,
      action: "WITHDRAW_CONFLICT",
      fromState: null,
      toState: null,
      payload: { userId: user.id, actorRole: user.role, footprintCode, reason: removed.reason, declaredAt: removed.declaredAt },
      at,
    });
    return true;
  });
}
