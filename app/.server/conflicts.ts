import type { Transaction } from "kysely";
import type { Db } from "../../db/client.ts";
import type { Database } from "../../db/schema.ts";
import { appendAdminEvent } from "../../db/audit.ts";
import { findReviewerConflict, insertReviewerConflict, removeReviewerConflict } from "../../db/users.ts";
import { mayWithdrawConflict } from "../../workflows/policy.ts";
import { actorFrom } from "./assurance.ts";
import { env } from "./env.ts";
import { countReviewsToReassign } from "./suggestions.ts";
import { queueNotices } from "../../db/notifications.ts";
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
  return inAuditedTransaction(database, (trx) => insertConflict(trx, "declared", user, { id: user.id, name: user.name }, input));
}

/**
 * Records a conflict of `person`'s, declared by themselves or recorded for them by an
 * administrator (`by`, who may be recording one of their own), with its audit entry; false when
 * they already have one with the footprint.
 */
export async function insertConflict(
  trx: Transaction<Database>,
  how: "declared" | "recorded",
  by: { id: string; name: string; role: string },
  person: { id: string; name: string },
  input: { footprintCode: string; footprintName: string; reason: string },
): Promise<boolean> {
  const at = new Date().toISOString();
  const inserted = await insertReviewerConflict(trx, {
    userId: person.id,
    footprintCode: input.footprintCode,
    reason: input.reason,
    at,
    declaredBy: by.id,
  });
  if (!inserted) return false;
  const own = how === "declared";
  // A reviewer who declares a conflict mid-review cannot go on with it: the administrators are
  // told, since the reviews must move to someone else (an administrator recording one sees it on the account).
  const stranded = own ? await countReviewsToReassign(trx, { userId: person.id, footprintCode: input.footprintCode }) : 0;
  if (stranded > 0) {
    await queueNotices(
      trx,
      [
        {
          to: { role: "admin" },
          submissionId: null,
          kind: "reassignment_needed",
          title: `Reviews to reassign: ${person.name}`,
          body: `${person.name} has declared a conflict with ${input.footprintName} and holds ${stranded === 1 ? "an open review" : `${stranded} open reviews`} there, which need another reviewer.`,
          link: `/admin/reassignments?user=${encodeURIComponent(person.id)}`,
        },
      ],
      at,
      env().baseUrl,
    );
  }
  await appendAdminEvent(
    trx,
    by,
    own ? "DECLARE_CONFLICT" : "RECORD_CONFLICT",
    {
      userId: person.id,
      ...(own ? { actorRole: by.role } : { name: person.name }),
      footprintCode: input.footprintCode,
      footprintName: input.footprintName,
      reason: input.reason,
    },
    at,
  );
  return true;
}

const NO_SUCH_CONFLICT = "You have no declared conflict with that footprint. It may have been withdrawn already.";

/** Withdraws one of the person's own conflicts, if the policy lets them (not one an administrator recorded). */
export async function withdrawConflict(
  database: Db,
  user: CurrentUser,
  footprintCode: string,
): Promise<{ ok: true } | { ok: false; kind: "missing" | "refused"; reason: string }> {
  return inAuditedTransaction(database, async (trx) => {
    const conflict = await findReviewerConflict(trx, { userId: user.id, footprintCode });
    if (!conflict) return { ok: false, kind: "missing", reason: NO_SUCH_CONFLICT };
    const verdict = mayWithdrawConflict(actorFrom(user), conflict);
    if (!verdict.allowed) return { ok: false, kind: "refused", reason: verdict.reason };
    const removed = await deleteConflict(trx, user, user.id, footprintCode);
    if (!removed) return { ok: false, kind: "missing", reason: NO_SUCH_CONFLICT };
    return { ok: true };
  });
}

/** Removes `userId`'s conflict with the footprint, audited as `by`'s doing; false when there was none. */
export async function deleteConflict(
  trx: Transaction<Database>,
  by: { id: string; name: string; role: string },
  userId: string,
  footprintCode: string,
): Promise<boolean> {
  const removed = await removeReviewerConflict(trx, { userId, footprintCode });
  if (!removed) return false;
  await appendAdminEvent(
    trx,
    by,
    "WITHDRAW_CONFLICT",
    { userId, actorRole: by.role, footprintCode, reason: removed.reason, declaredAt: removed.declaredAt },
    new Date().toISOString(),
  );
  return true;
}
