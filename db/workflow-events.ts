import type { CompiledQuery, ExpressionBuilder, OnConflictBuilder, OperationNodeSource, QueryCreator } from "kysely";
import { isAuditChainClash } from "./audit.ts";
import { type Db, dialectOf, preparedOnPostgres } from "./client.ts";
import { addressesNobody, emailOf, type Notice, noticeColumns, queueNotices, recipientsQuery, uuidInDatabase } from "./notifications.ts";
import type { AuditEventRow, Database, ReviewAssignmentRow, SubmissionVersionRow } from "./schema.ts";
import {
  type FailingCriterion,
  replaceFailingCriteria,
  updateSubmissionWorkflow,
  type WorkflowChange,
  workflowUpdate,
} from "./submissions.ts";

/**
 * Everything one workflow event writes, decided before anything is written: the version-checked
 * change to the submission, the next audit entry (already hashed onto the chain's last link),
 * what a submission or an assignment adds, and the notices to queue.
 */
export interface EventWrite {
  change: WorkflowChange;
  audit: AuditEventRow;
  /** A SUBMIT or RESUBMIT's frozen version. */
  version?: SubmissionVersionRow;
  /** A SUBMIT or RESUBMIT's failing criteria, replacing those recorded before. */
  failing?: FailingCriterion[];
  /** An ASSIGN's assignment, or a REASSIGN's, which replaces the checkpoint's (its history is the audit trail's). */
  assignment?: ReviewAssignmentRow;
  notices: readonly Notice[];
  at: string;
  /** The service's address, for the link in each email. */
  baseUrl: string;
}

/**
 * Writes one workflow event, all of it or nothing, if and only if the submission is still at the
 * version it was read at; false (nothing written) when someone else changed it first, or appended
 * to its audit chain. On PostgreSQL it is one statement, so one round trip and atomic without
 * BEGIN/COMMIT; SQLite cannot modify data in a WITH, so there it is one transaction, in process.
 */
export async function writeWorkflowEvent(db: Db, write: EventWrite): Promise<boolean> {
  try {
    return dialectOf(db) === "postgres" ? await inOneStatement(db, write) : await inOneTransaction(db, write);
  } catch (error) {
    if (isAuditChainClash(error)) return false;
    throw error;
  }
}

async function inOneTransaction(db: Db, write: EventWrite): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await updateSubmissionWorkflow(trx, write.change))) return false;
    await trx.insertInto("audit_event").values(write.audit).execute();
    if (write.version) await trx.insertInto("submission_version").values(write.version).execute();
    if (write.failing) await replaceFailingCriteria(trx, write.change.id, write.failing);
    if (write.assignment) await trx.insertInto("review_assignment").values(write.assignment).onConflict(replacingAssignment).execute();
    await queueNotices(trx, write.notices, write.at, write.baseUrl);
    return true;
  });
}

/** A checkpoint has one assignment: a reassignment overwrites who holds it, by whom and when. */
const replacingAssignment = (oc: OnConflictBuilder<Database, "review_assignment">) =>
  oc.columns(["submission_id", "checkpoint"]).doUpdateSet((eb) => ({
    lead_reviewer_id: eb.ref("excluded.lead_reviewer_id"),
    second_reviewer_id: eb.ref("excluded.second_reviewer_id"),
    assigned_by: eb.ref("excluded.assigned_by"),
    assigned_at: eb.ref("excluded.assigned_at"),
  }));

/** The tables the statement's WITH queries add. */
type EventDb = Database & {
  updated: { id: string; region_code: string | null };
  recipients: {
    notification_id: string;
    user_id: string;
    email: string;
    submission_id: string | null;
    kind: string;
    dedupe_key: string | null;
    title: string;
    body: string;
    link: string;
    subject: string;
    email_body: string;
  };
  notified: { id: string };
};
type Creator = QueryCreator<EventDb>;

/** A row's values as a SELECT that yields it once if the update happened, and not at all if not. */
function ifUpdated<TB extends keyof EventDb>(eb: ExpressionBuilder<EventDb, TB>, row: object) {
  return eb.selectFrom("updated").select(Object.entries(row).map(([column, value]) => eb.val(value).as(column)));
}

function columnsOf<T extends object>(row: T) {
  return Object.keys(row) as (keyof T & string)[];
}

const updatedExists = (eb: ExpressionBuilder<EventDb, keyof EventDb>) => eb.exists(eb.selectFrom("updated").select("updated.id"));

/**
 * One statement: `WITH updated AS (UPDATE … WHERE id = ? AND version = ? RETURNING id)`, then each
 * insert as `INSERT … SELECT … FROM updated` (so nothing is inserted when the version check fails),
 * then `SELECT count(*) FROM updated`. The notices' recipients are found in the statement, with a
 * new id each (made by the database), and get their notification and, where they have an address,
 * their email in the outbox, as queueNotices does on SQLite.
 */
async function inOneStatement(db: Db, write: EventWrite): Promise<boolean> {
  const compiled = eventStatement(db, write);
  // Its text repeats for each kind of event: parsed and planned once per connection.
  preparedOnPostgres(compiled.sql);
  const [row] = (await db.executeQuery(compiled)).rows;
  return Number(row?.n) === 1;
}

/** The event's one statement on PostgreSQL, built by Kysely. */
function eventStatement(db: Db, write: EventWrite): CompiledQuery<{ n: number }> {
  const { change, audit, version, failing, assignment } = write;
  const ctes: [string, (qc: Creator) => OperationNodeSource][] = [
    [
      "updated",
      (qc) => workflowUpdate(qc as unknown as QueryCreator<Database>, change).returning(["submission.id", "submission.region_code"]),
    ],
    [
      "audit",
      (qc) =>
        qc
          .insertInto("audit_event")
          .columns(columnsOf(audit))
          .expression((eb) => ifUpdated(eb, audit)),
    ],
  ];
  if (version) {
    ctes.push([
      "version",
      (qc) =>
        qc
          .insertInto("submission_version")
          .columns(columnsOf(version))
          .expression((eb) => ifUpdated(eb, version)),
    ]);
  }
  if (assignment) {
    ctes.push([
      "assignment",
      (qc) =>
        qc
          .insertInto("review_assignment")
          .columns(columnsOf(assignment))
          .expression((eb) => ifUpdated(eb, assignment))
          .onConflict(replacingAssignment),
    ]);
  }
  if (failing) {
    // The rows no longer failing go, those failing are inserted or kept: two disjoint sets of
    // rows, so the two can share a statement (a DELETE and an INSERT of the same key could not).
    const ids = failing.map((f) => f.criterionId);
    ctes.push([
      "failing_cleared",
      (qc) => {
        const cleared = qc.deleteFrom("failing_criterion").where("submission_id", "=", change.id).where(updatedExists);
        return ids.length > 0 ? cleared.where("criterion_id", "not in", ids) : cleared;
      },
    ]);
    if (failing.length > 0) {
      ctes.push([
        "failing_kept",
        (qc) =>
          qc
            .insertInto("failing_criterion")
            .columns(["submission_id", "criterion_id", "severity", "region_code"])
            .expression((eb) =>
              failing
                .map((f) =>
                  // The submission's region comes with the updated row, for the regional view (migration 2026-12-02T0500).
                  ifUpdated(eb, { submission_id: change.id, criterion_id: f.criterionId, severity: f.severity }).select(
                    "updated.region_code",
                  ),
                )
                .reduce((all, next) => all.unionAll(next)),
            )
            .onConflict((oc) =>
              oc
                .columns(["submission_id", "criterion_id"])
                .doUpdateSet((eb) => ({ severity: eb.ref("excluded.severity"), region_code: eb.ref("excluded.region_code") })),
            ),
      ]);
    }
  }
  const notices = write.notices.filter((n) => !addressesNobody(n.to));
  if (notices.length > 0) {
    ctes.push(
      [
        "recipients",
        (qc) =>
          notices
            .map(({ to, ...n }) => {
              const email = emailOf(n, write.baseUrl);
              return recipientsQuery(qc as unknown as QueryCreator<Database>, to)
                .clearSelect()
                .select((eb) => [
                  uuidInDatabase(db).as("notification_id"),
                  "user.id as user_id",
                  "user.email",
                  ...noticeColumns(eb, n),
                  eb.val(email.subject).as("subject"),
                  eb.val(email.body).as("email_body"),
                ])
                .where((eb) => updatedExists(eb as unknown as ExpressionBuilder<EventDb, keyof EventDb>));
            })
            .reduce((all, next) => all.unionAll(next)),
      ],
      [
        "notified",
        (qc) =>
          qc
            .insertInto("notification")
            .columns(["id", "user_id", "submission_id", "kind", "dedupe_key", "title", "body", "link", "created_at"])
            .expression((eb) =>
              eb
                .selectFrom("recipients")
                .select([
                  "notification_id as id",
                  "user_id",
                  "submission_id",
                  "kind",
                  "dedupe_key",
                  "title",
                  "body",
                  "link",
                  eb.val(write.at).as("created_at"),
                ]),
            )
            .onConflict((oc) => oc.columns(["user_id", "dedupe_key"]).doNothing())
            .returning("notification.id"),
      ],
      [
        "emailed",
        (qc) =>
          qc
            .insertInto("outbox")
            .columns(["id", "notification_id", "to_address", "subject", "body", "created_at"])
            .expression((eb) =>
              eb
                .selectFrom("recipients")
                .innerJoin("notified", "notified.id", "recipients.notification_id")
                .select([
                  uuidInDatabase(db).as("id"),
                  "recipients.notification_id",
                  "recipients.email as to_address",
                  "recipients.subject",
                  "recipients.email_body as body",
                  eb.val(write.at).as("created_at"),
                ])
                .where("recipients.email", "is not", null)
                .where("recipients.email", "!=", ""),
            ),
      ],
    );
  }
  let query: Creator = db as unknown as Creator;
  for (const [name, cte] of ctes) query = query.with(name, cte as never) as unknown as Creator;
  return query
    .selectFrom("updated")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .compile();
}
