import nodemailer, { type Transporter } from "nodemailer";
import { NATIONAL_CLOCK_TURN } from "../../workflows/states.ts";
import { sql } from "kysely";
import type { Db } from "../../db/client.ts";
import {
  claimOutboxRow,
  countUnread,
  markOutboxFailed,
  markOutboxSent,
  type Notice,
  queueNotifications,
  UNREAD_SHOWN,
  unsentOutbox,
} from "../../db/notifications.ts";
import type { Submission } from "../../db/submissions.ts";
import { type AssuranceContext, type AssuranceEvent, type Checkpoint, proposalWithdrawnBy } from "../../workflows/assurance.machine.ts";
import { DEFAULT_TARGET_WORKING_DAYS, liveClock } from "../../workflows/clock.ts";
import { decisionLabel } from "../status.ts";
import { env } from "./env.ts";
import { logError } from "./log.ts";

/**
 * Who hears about what (product.md, "Notifications"): admins when something is submitted;
 * reviewers when assigned, when a countersignature is needed and when the national clock nears
 * its target; leads when a decision or change request is made. Notifications and their emails
 * are written with the event, atomically; sending happens after commit, from the outbox.
 */

/**
 * The notifications an applied workflow event causes, each with who is to receive it. The runtime
 * writes them with the event (app/.server/assurance.ts), finding the recipients in the same
 * statement or transaction, so a notification exists exactly when its event does. The condition
 * events notify nobody: then nothing is read or written for notifications.
 */
/**
 * Everyone a reassignment changes something for: a reviewer taken off is told why, one put on is
 * told their part (and of any proposal they must now make afresh), one who stays is told who they
 * now work with.
 */
function reassignmentNotices(input: {
  submissionId: string;
  title: string;
  cp: number;
  review: string;
  event: Extract<AssuranceEvent, { type: "REASSIGN" }>;
  before: { lead: string; second: string } | null;
  proposalWithdrawn: boolean;
}): Notice[] {
  const { submissionId, title, cp, review, event, before, proposalWithdrawn } = input;
  const now = { lead: event.leadReviewer, second: event.secondReviewer };
  const was = (id: string) => (before?.lead === id ? "lead" : before?.second === id ? "second" : null);
  const notices: Notice[] = [];
  for (const id of new Set([before?.lead, before?.second].filter((x): x is string => Boolean(x)))) {
    if (id === now.lead.id || id === now.second.id) continue;
    notices.push({
      to: { ids: [id] },
      submissionId,
      kind: "unassigned",
      title: `No longer reviewing: ${title}`,
      body: `A programme administrator has given your part in reviewing ${title} at checkpoint ${cp} to another reviewer. The reason given: ${event.reason}`,
      link: "/reviews",
    });
  }
  for (const part of ["lead", "second"] as const) {
    const person = now[part];
    const other = now[part === "lead" ? "second" : "lead"];
    if (was(person.id) === part) {
      if (was(other.id) === (part === "lead" ? "second" : "lead")) continue;
      notices.push({
        to: { ids: [person.id] },
        submissionId,
        kind: "reviewers_changed",
        title: `Reviewers changed: ${title}`,
        body: `${other.name ?? "Another reviewer"} is now the ${part === "lead" ? "second" : "lead"} reviewer of ${title} at checkpoint ${cp}, with you as ${part} reviewer.`,
        link: review,
      });
      continue;
    }
    notices.push({
      to: { ids: [person.id] },
      submissionId,
      kind: "assigned",
      title: `Assigned as ${part} reviewer: ${title}`,
      body:
        part === "lead"
          ? `You are now the lead reviewer of ${title} at checkpoint ${cp}, in place of another reviewer. You propose its decision.${proposalWithdrawn ? " The decision your predecessor proposed has been withdrawn, so the proposal is yours to make." : ""}`
          : `You are now the second reviewer of ${title} at checkpoint ${cp}, in place of another reviewer. You countersign its decision.`,
      link: review,
    });
  }
  return notices;
}

export function eventNotices(input: {
  submission: Pick<Submission, "id" | "title" | "footprint_code">;
  event: AssuranceEvent;
  /** The context before the event, for an event that takes something away (a reassignment). */
  before?: AssuranceContext;
  after: AssuranceContext;
}): Notice[] {
  const { submission, event, after } = input;
  const title = submission.title;
  const cp = after.checkpoint;
  const review = `/reviews/${submission.id}`;
  const page = `/submissions/${submission.id}`;
  const reviewers = after.reviewers ? [after.reviewers.lead, after.reviewers.second] : [];
  const base = { submissionId: submission.id };

  switch (event.type) {
    case "SUBMIT":
      return [
        {
          to: { role: "admin" },
          ...base,
          kind: "submitted",
          title: `Submitted for checkpoint ${cp}: ${title}`,
          body: `${title} has been submitted for checkpoint ${cp} and needs two reviewers assigned.`,
          link: page,
        },
      ];
    case "RESUBMIT":
      return [
        {
          to: { ids: reviewers },
          ...base,
          kind: "resubmitted",
          title: `Resubmitted after changes: ${title}`,
          body: `${title} has been resubmitted at checkpoint ${cp} with answers to your change requests.`,
          link: review,
        },
      ];
    case "ASSIGN":
      return [
        {
          to: { ids: [event.leadReviewer.id] },
          ...base,
          kind: "assigned",
          title: `Assigned as lead reviewer: ${title}`,
          body: `You are the lead reviewer of ${title} at checkpoint ${cp}. You propose its decision.`,
          link: review,
        },
        {
          to: { ids: [event.secondReviewer.id] },
          ...base,
          kind: "assigned",
          title: `Assigned as second reviewer: ${title}`,
          body: `You are the second reviewer of ${title} at checkpoint ${cp}. You countersign its decision.`,
          link: review,
        },
      ];
    case "REASSIGN":
      return reassignmentNotices({
        ...base,
        title,
        cp,
        review,
        event,
        before: input.before?.reviewers ?? null,
        proposalWithdrawn: input.before ? proposalWithdrawnBy(input.before, event) !== null : false,
      });
    case "PROPOSE_DECISION":
      return [
        {
          to: { ids: after.reviewers ? [after.reviewers.second] : [] },
          ...base,
          kind: "countersign_needed",
          title: `Countersign needed: ${title}`,
          body: `The lead reviewer proposes "${decisionLabel(event.decision)}" for ${title} at checkpoint ${cp}. It needs your countersignature.`,
          link: review,
        },
      ];
    case "COUNTERSIGN": {
      const decision = after.decisions.at(-1);
      if (event.agree && decision) {
        const changes = decision.decision === "changes_requested";
        return [
          {
            to: { role: "lead", footprint: submission.footprint_code },
            ...base,
            kind: changes ? "changes_requested" : "decision",
            title: changes ? `Changes requested: ${title}` : `Checkpoint ${decision.checkpoint} decision: ${title}`,
            body: changes
              ? `The reviewers have asked for ${decision.changeRequests.length} change${decision.changeRequests.length === 1 ? "" : "s"} to ${title} at checkpoint ${decision.checkpoint}.`
              : `The decision for ${title} at checkpoint ${decision.checkpoint} is: ${decisionLabel(decision.decision)}.`,
            link: changes ? page : `/submissions/${submission.id}/decisions/${decision.number}`,
          },
        ];
      }
      if (!event.agree && after.reviewers) {
        return [
          {
            to: { ids: [after.reviewers.lead] },
            ...base,
            kind: "countersign_refused",
            title: `Decision sent back to you: ${title}`,
            body: `The second reviewer did not countersign your proposal for ${title}: ${event.reason ?? ""}`,
            link: review,
          },
        ];
      }
      return [];
    }
    case "PAUSE":
    case "RESUME":
      return [
        {
          to: { role: "lead", footprint: submission.footprint_code },
          ...base,
          kind: event.type === "PAUSE" ? "paused" : "resumed",
          title: `${event.type === "PAUSE" ? "Paused" : "Resumed"}: ${title}`,
          body: `${title} has been ${event.type === "PAUSE" ? "paused" : "resumed"} by the national team: ${event.reason}`,
          link: page,
        },
      ];
    default:
      return [];
  }
}

/**
 * Queues the "national clock at 80%" warning for each submission on the national side that has
 * used 80% of its target in the current checkpoint, once per submission and checkpoint (the
 * notification's dedupe key makes a second sweep, or a second app instance, a no-op).
 *
 * It runs once a minute (a scheduled job, once across all instances), and must stay cheap on 50,000 submissions: the
 * database leaves out the ones already warned (an index on the dedupe key), the clock is two
 * table lookups per row, and the few newly due are handled in batches: one query for their
 * reviewers, one transaction per batch of warnings. (It used to ask for each row's reviewers
 * one by one, every minute, and held a SQLite server for seconds.)
 */
export async function sweepClockWarnings(db: Db, now = new Date(), target = DEFAULT_TARGET_WORKING_DAYS): Promise<number> {
  const rows = await db
    .selectFrom("submission")
    .select(["id", "title", "checkpoint", "national_days_used", "state_entered_at"])
    .where("whose_turn", "=", NATIONAL_CLOCK_TURN)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("notification")
            .select(sql`1`.as("one"))
            .where("notification.dedupe_key", "=", sql<string>`'clock80:' || submission.id || ':' || cast(submission.checkpoint as text)`),
        ),
      ),
    )
    .execute();
  // The same clock, figure and band the pipeline and the review pages show (workflows/clock.ts).
  const due = rows
    .map((row) => ({
      ...row,
      clock: liveClock(
        { whoseTurn: NATIONAL_CLOCK_TURN, nationalDaysUsed: row.national_days_used, stateEnteredAt: row.state_entered_at },
        now,
        target,
      ),
    }))
    .map((row) => ({ ...row, used: row.clock.nationalDaysUsed }))
    .filter((row) => row.clock.sla !== "within");
  if (due.length === 0) return 0;
  const admins = await db.selectFrom("user").select(["id", "email"]).where("role", "=", "admin").execute();
  let queued = 0;
  for (let i = 0; i < due.length; i += 200) {
    const batch = due.slice(i, i + 200);
    const assignments = await db
      .selectFrom("review_assignment")
      .innerJoin("submission", (j) =>
        j
          .onRef("submission.id", "=", "review_assignment.submission_id")
          .onRef("submission.checkpoint", "=", "review_assignment.checkpoint"),
      )
      .select(["review_assignment.submission_id as submissionId", "lead_reviewer_id", "second_reviewer_id"])
      .where(
        "review_assignment.submission_id",
        "in",
        batch.map((r) => r.id),
      )
      .execute();
    const reviewerIdsOf = new Map(assignments.map((a) => [a.submissionId, [a.lead_reviewer_id, a.second_reviewer_id]]));
    const reviewerIds = [...new Set(assignments.flatMap((a) => [a.lead_reviewer_id, a.second_reviewer_id]))];
    const people = new Map(
      (reviewerIds.length ? await db.selectFrom("user").select(["id", "email"]).where("id", "in", reviewerIds).execute() : []).map((p) => [
        p.id,
        p,
      ]),
    );
    const notifications = batch.flatMap((row) => {
      const mine = reviewerIdsOf.get(row.id) ?? [];
      const checkpoint = row.checkpoint as Checkpoint;
      return [...mine.flatMap((id) => people.get(id) ?? []), ...admins].map((p) => ({
        userId: p.id,
        email: p.email,
        submissionId: row.id,
        kind: "clock_at_risk",
        dedupeKey: `clock80:${row.id}:${checkpoint}`,
        title: `National clock at ${Math.floor((100 * row.used) / target)}%: ${row.title}`,
        body: `${row.title} has used ${row.used.toFixed(1)} of ${target} national working days at checkpoint ${checkpoint}.`,
        link: mine.includes(p.id) ? `/reviews/${row.id}` : `/submissions/${row.id}`,
      }));
    });
    queued += await db.transaction().execute((trx) => queueNotifications(trx, notifications, now.toISOString(), env().baseUrl));
  }
  return queued;
}

let transport: Transporter | null | undefined;

/** The SMTP transport when SMTP_URL is set; otherwise emails stay in the outbox for admins to read. */
export function mailTransport(): Transporter | null {
  if (transport === undefined) {
    const url = env().smtpUrl;
    transport = url ? nodemailer.createTransport(url) : null;
  }
  return transport;
}

export const MAX_SEND_ATTEMPTS = 10;

/** The job that sends what the outbox holds: once a minute across all instances, and soon after an event writes email. */
export const OUTBOX_JOB = "email-outbox";

/** After the nth failed attempt, the next waits 2^(n-1) minutes, at most an hour: ten tries span about five hours. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1)) * 60_000;
}

/**
 * Sends what the outbox holds and is due. A failure is recorded on the row with when to try again,
 * backing off; after MAX_SEND_ATTEMPTS the email is shown as failed on the outbox page. The
 * outbox is the record of what was sent, and its rows are claimed one by one, so two runs at once
 * never send an email twice.
 */
export async function deliverOutbox(
  db: Db,
  sender: Transporter | null = mailTransport(),
  options: { from?: string; limit?: number; now?: Date } = {},
): Promise<{ sent: number; failed: number }> {
  if (!sender) return { sent: 0, failed: 0 };
  let sent = 0;
  let failed = 0;
  const now = options.now ?? new Date();
  for (const row of await unsentOutbox(db, { maxAttempts: MAX_SEND_ATTEMPTS, limit: options.limit ?? 50, now: now.toISOString() })) {
    if (!(await claimOutboxRow(db, row.id, row.attempts))) continue;
    try {
      await sender.sendMail({
        from: options.from ?? "NCM Assure <no-reply@ncm-assure.nhs.uk>",
        to: row.to_address,
        subject: row.subject,
        text: row.body,
      });
      await markOutboxSent(db, row.id, new Date().toISOString());
      sent += 1;
    } catch (error) {
      failed += 1;
      const attempts = row.attempts + 1;
      await markOutboxFailed(
        db,
        row.id,
        error instanceof Error ? error.message : String(error),
        new Date(now.getTime() + retryBackoffMs(attempts)).toISOString(),
      );
      if (attempts >= MAX_SEND_ATTEMPTS)
        logError("email not sent after the last try; the outbox shows it as failed", { outboxId: row.id, error });
      else logError("email not sent; it stays in the outbox for another try", { outboxId: row.id, attempts, error });
    }
  }
  return { sent, failed };
}

/** Queues the outbox job after a commit, so the email goes within seconds; errors are logged, never thrown. */
export function deliverSoon(): void {
  if (!mailTransport()) return;
  void import("./background.ts")
    .then(({ jobs }) => jobs().send(OUTBOX_JOB, {}, { singletonKey: OUTBOX_JOB }))
    .catch((error) => logError("could not queue the email outbox", { error }));
}

/** How many of the user's notifications are unread, as the header shows it ("3", "99+"); null for none. */
export async function unreadShown(db: Db, userId: string): Promise<string | null> {
  const n = await countUnread(db, userId);
  if (n === 0) return null;
  return n > UNREAD_SHOWN ? `${UNREAD_SHOWN}+` : String(n);
}
