import type { Db } from "../../db/client.ts";
import { ADMIN_CHAIN, appendAuditEvent } from "../../db/audit.ts";
import { findReviewerConflict, insertReviewerConflict, removeReviewerConflict } from "../../db/users.ts";
import { mayWithdrawConflict } from "../../workflows/policy.ts";
import { actorFrom } from "./assurance.ts";
import { inAuditedTransaction } from "./admin-audit.ts";
import type { CurrentUser } from "./session.ts";

/**
 * Declaring and withdrawing a conflict are audited on the admin chain in the same transaction as
 * the change, so the log holds exactly the conflicts that were in force and when.
 */
export async function declareConflict(
  database: Db,
  user: CurrentUser,
  input: { footprintCode: string; footprintName: string; reason: string },
) {
  const at = new Date().toISOString();
  return inAuditedTransaction(database, async (trx) => {
    const inserted = await insertReviewerConflict(trx, {
      userId: user.id,
      footprintCode: input.footprintCode,
      reason: input.reason,
      at,
      declaredBy: user.id,
    });
    if (!inserted) return false;
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: user.id,
      actorName: user.name,
      action: "DECLARE_CONFLICT",
      fromState: null,
      toState: null,
      payload: {
        userId: user.id,
        actorRole: user.role,
        footprintCode: input.footprintCode,
        footprintName: input.footprintName,
        reason: input.reason,
      },
      at,
    });
    return true;
  });
}

const NO_SUCH_CONFLICT = "You have no declared conflict with that footprint. It may have been withdrawn already.";

/** Withdraws one of the person's own conflicts, if the policy lets them (not one an administrator recorded). */
export async function withdrawConflict(
  database: Db,
  user: CurrentUser,
  footprintCode: string,
): Promise<{ ok: true } | { ok: false; kind: "missing" | "refused"; reason: string }> {
  const at = new Date().toISOString();
  return inAuditedTransaction(database, async (trx) => {
    const conflict = await findReviewerConflict(trx, { userId: user.id, footprintCode });
    if (!conflict) return { ok: false, kind: "missing", reason: NO_SUCH_CONFLICT };
    const verdict = mayWithdrawConflict(actorFrom(user), conflict);
    if (!verdict.allowed) return { ok: false, kind: "refused", reason: verdict.reason };
    const removed = await removeReviewerConflict(trx, { userId: user.id, footprintCode });
    if (!removed) return { ok: false, kind: "missing", reason: NO_SUCH_CONFLICT };
    await appendAuditEvent(trx, {
      chain: ADMIN_CHAIN,
      submissionId: null,
      actorId: user.id,
      actorName: user.name,
      action: "WITHDRAW_CONFLICT",
      fromState: null,
      toState: null,
      payload: { userId: user.id, actorRole: user.role, footprintCode, reason: removed.reason, declaredAt: removed.declaredAt },
      at,
    });
    return { ok: true };
  });
}
