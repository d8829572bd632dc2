import { randomUUID } from "node:crypto";
import { type ExpressionBuilder, type Kysely, type QueryCreator, type RawBuilder, sql, type Transaction } from "kysely";
import { type Db, dialectOf } from "./client.ts";
import type { Database, Role } from "./schema.ts";

export interface NewNotification {
  userId: string;
  /** Where the email goes; none means in-app only. */
  email: string | null;
  submissionId: string | null;
  kind: string;
  /** When set, the same (user, key) is never notified twice. */
  dedupeKey?: string;
  title: string;
  body: string;
  link: string;
}

/** The email of a notification: its subject, and its body with the link to the service. */
export function emailOf(n: Pick<NewNotification, "title" | "body" | "link">, baseUrl: string): { subject: string; body: string } {
  return { subject: `NCM Assure: ${n.title}`, body: `${n.body}\n\nOpen it in NCM Assure: ${baseUrl}${n.link}\n` };
}

/** Rows per multi-row INSERT: well inside both engines' limits on bound values (10 columns each). */
const ROWS_PER_INSERT = 500;

/**
 * Records notifications and their emails in the caller's transaction, so they exist exactly when
 * the event that caused them does. Sending happens later, from the outbox. Two statements per
 * batch: the notifications (a (user, key) already notified is skipped), then the emails of those
 * that were recorded.
 */
export async function queueNotifications(
  db: Db | Transaction<Database>,
  notifications: NewNotification[],
  at: string,
  /** The service's address, for the link in each email. */
  baseUrl: string,
): Promise<number> {
  let queued = 0;
  for (let i = 0; i < notifications.length; i += ROWS_PER_INSERT) {
    const batch = notifications.slice(i, i + ROWS_PER_INSERT).map((n) => ({ ...n, id: randomUUID() }));
    const insert = db.insertInto("notification").values(
      batch.map((n) => ({
        id: n.id,
        user_id: n.userId,
        submission_id: n.submissionId,
        kind: n.kind,
        dedupe_key: n.dedupeKey ?? null,
        title: n.title,
        body: n.body,
        link: n.link,
        created_at: at,
        read_at: null,
      })),
    );
    // Without a dedupe key nothing can clash (unique (user_id, dedupe_key) treats nulls as distinct).
    let recorded: Set<string> | null = null;
    if (batch.some((n) => n.dedupeKey)) {
      const inserted = await insert
        .onConflict((oc) => oc.columns(["user_id", "dedupe_key"]).doNothing())
        .returning("id")
        .execute();
      recorded = new Set(inserted.map((r) => r.id));
    } else {
      await insert.execute();
    }
    queued += recorded ? recorded.size : batch.length;
    const emails = batch
      .filter((n) => n.email && (!recorded || recorded.has(n.id)))
      .map((n) => ({
        id: randomUUID(),
        notification_id: n.id,
        to_address: n.email!,
        ...emailOf(n, baseUrl),
        created_at: at,
        sent_at: null,
        attempts: 0,
        last_error: null,
      }));
    if (emails.length > 0) await db.insertInto("outbox").values(emails).execute();
  }
  return queued;
}

/** Who a notice goes to: everyone with the role, the named users, the footprint's members (all that are given). */
export interface Recipients {
  role?: Role;
  ids?: readonly string[];
  footprint?: string;
}

/** A notification for each of its recipients, who are found when it is queued (in the event's transaction). */
export type Notice = Omit<NewNotification, "userId" | "email"> & { to: Recipients };

/** Whether a notice can have no recipient at all (an empty list of ids), so needs no query. */
export function addressesNobody(to: Recipients): boolean {
  return to.ids !== undefined && to.ids.length === 0;
}

/** The recipients' ids and email addresses, as a query that a larger statement can also embed. */
export function recipientsQuery(db: QueryCreator<Database>, to: Recipients) {
  let query = db.selectFrom("user").select(["user.id", "user.email"]);
  if (to.role) query = query.where("user.role", "=", to.role);
  if (to.ids) query = to.ids.length > 0 ? query.where("user.id", "in", [...to.ids]) : query.where((eb) => eb.lit(false));
  if (to.footprint) {
    query = query
      .innerJoin("footprint_member", "footprint_member.user_id", "user.id")
      .where("footprint_member.footprint_code", "=", to.footprint);
  }
  return query;
}

/**
 * A new UUID (version 4) made by the database for each row, so that rows a query finds get their
 * ids as they are inserted, without being read first.
 */
export function uuidInDatabase(db: Kysely<Database>): RawBuilder<string> {
  return dialectOf(db) === "postgres"
    ? sql<string>`gen_random_uuid()::text`
    : sql<string>`lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
}

/** A notice's own columns of each notification row it becomes, beside its recipient's (queueNotices, and an event's one statement on PostgreSQL). */
export function noticeColumns<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, n: Omit<Notice, "to">) {
  return [
    eb.val(n.submissionId).as("submission_id"),
    eb.val(n.kind).as("kind"),
    eb.val(n.dedupeKey ?? null).as("dedupe_key"),
    eb.val(n.title).as("title"),
    eb.val(n.body).as("body"),
    eb.val(n.link).as("link"),
  ];
}

/**
 * Queues each notice for its recipients, in the caller's transaction, in two statements whatever
 * the number of notices: the notifications, inserted straight from the query that finds their
 * recipients (returning each one's address), then the emails of those with an address.
 */
export async function queueNotices(trx: Transaction<Database>, notices: readonly Notice[], at: string, baseUrl: string): Promise<number> {
  const live = notices.filter((n) => !addressesNobody(n.to));
  if (live.length === 0) return 0;
  const id = uuidInDatabase(trx);
  const deduped = live.some((n) => n.dedupeKey);
  let insert = trx
    .insertInto("notification")
    .columns(["id", "user_id", "submission_id", "kind", "dedupe_key", "title", "body", "link", "created_at"])
    .expression(
      live
        .map(({ to, ...n }) =>
          recipientsQuery(trx, to)
            .clearSelect()
            .select((eb) => [id.as("id"), "user.id as user_id", ...noticeColumns(eb, n), eb.val(at).as("created_at")])
            // SQLite reads `SELECT … FROM a JOIN b ON … ON CONFLICT` as a second ON without a WHERE.
            .where((eb) => eb.lit(true)),
        )
        .reduce((all, next) => all.unionAll(next)),
    );
  if (deduped) insert = insert.onConflict((oc) => oc.columns(["user_id", "dedupe_key"]).doNothing());
  const recorded = await insert
    .returning((eb) => [
      "notification.id",
      "notification.title",
      "notification.body",
      "notification.link",
      eb.selectFrom("user").select("user.email").whereRef("user.id", "=", "notification.user_id").as("email"),
    ])
    .execute();
  const emails = recorded
    .filter((n) => n.email)
    .map((n) => ({ id: randomUUID(), notification_id: n.id, to_address: n.email!, ...emailOf(n, baseUrl), created_at: at }));
  if (emails.length > 0) await trx.insertInto("outbox").values(emails).execute();
  return recorded.length;
}

export async function listNotifications(db: Db, userId: string, limit = 50) {
  return db
    .selectFrom("notification")
    .select(["id", "kind", "title", "body", "link", "created_at as createdAt", "read_at as readAt"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

/** The header shows "99+" past this: counting further would read every unread entry on every page. */
export const UNREAD_SHOWN = 99;

/**
 * How many of the user's notifications are unread, up to UNREAD_SHOWN + 1: every page's header
 * asks, and a national reviewer can have tens of thousands (one clock warning per late submission),
 * so the count stops once the header has its answer.
 */
export async function countUnread(db: Db, userId: string): Promise<number> {
  const unread = db
    .selectFrom("notification")
    .select("id")
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .limit(UNREAD_SHOWN + 1);
  const row = await db
    .selectFrom(unread.as("unread"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the user's own notifications read (all of them when no ids are given). */
export async function markRead(db: Db, userId: string, at: string, ids?: string[]): Promise<void> {
  let query = db.updateTable("notification").set({ read_at: at }).where("user_id", "=", userId).where("read_at", "is", null);
  if (ids) {
    if (ids.length === 0) return;
    query = query.where("id", "in", ids);
  }
  await query.execute();
}

export async function unsentOutbox(db: Db, options: { maxAttempts: number; limit: number; now: string }) {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("sent_at", "is", null)
    .where("attempts", "<", options.maxAttempts)
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", options.now)]))
    .orderBy("created_at")
    .limit(options.limit)
    .execute();
}

/**
 * Claims one email for sending by bumping its attempt count from what was read; when two app
 * instances race for the same row only one claim succeeds, so nobody gets the email twice.
 */
export async function claimOutboxRow(db: Db, id: string, attempts: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ attempts: attempts + 1 })
    .where("id", "=", id)
    .where("attempts", "=", attempts)
    .where("sent_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markOutboxSent(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable("outbox").set({ sent_at: at, last_error: null }).where("id", "=", id).execute();
}

export async function markOutboxFailed(db: Db, id: string, error: string, nextAttemptAt: string): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt })
    .where("id", "=", id)
    .execute();
}

export async function listOutbox(db: Db, limit = 200) {
  return db.selectFrom("outbox").selectAll().orderBy("created_at", "desc").limit(limit).execute();
}

/** How many emails the outbox holds and how many of them have not been sent. */
export async function countOutbox(db: Db): Promise<{ total: number; unsent: number }> {
  const row = await db
    .selectFrom("outbox")
    .select((eb) => [eb.fn.countAll<number>().as("total"), eb.fn.count<number>("sent_at").as("sent")])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), unsent: Number(row.total) - Number(row.sent) };
}

/** One page of the outbox, newest first (ties broken by id, so pages never overlap). */
export async function listOutboxPage(db: Db, page: { limit: number; offset: number }) {
  return db
    .selectFrom("outbox")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
