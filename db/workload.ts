import { sql } from "kysely";
import type { AssuranceEventType } from "../workflows/assurance.machine.ts";
import {
  AT_RISK_SHARE,
  DEFAULT_TARGET_WORKING_DAYS,
  liveClock,
  nationalClockOffset,
  type SlaStatus,
  type StateEntry,
  slaStatus,
  targetReachedOn,
} from "../workflows/clock.ts";
import { checkpointOf, NATIONAL_CLOCK_TURN, onlyStateTagged, type StateKey, statesTagged } from "../workflows/states.ts";
import type { Db } from "./client.ts";
import type { Role } from "./schema.ts";
import { showAuditPayload } from "./stored.ts";

/**
 * Reviewers' workload: who holds which open reviews, how near each national clock is to the
 * target, what each has decided lately and where they have declared a conflict. A handful of
 * queries for everyone at once; the clock figures are the pure clock's (workflows/clock.ts).
 */

export interface OpenReview {
  submissionId: string;
  title: string;
  footprintCode: string;
  footprintName: string;
  checkpoint: number;
  /** The submission's state key, e.g. "checkpoint1.in_review", or "paused". */
  step: string;
  /** The review step a paused submission was paused in (null unless `step` is paused). */
  pausedDuring: StateKey | null;
  /** This reviewer's part in it. */
  as: "lead" | "second";
  /** Live national working days used on this checkpoint, as shown. */
  nationalDaysUsed: number;
  target: number;
  sla: SlaStatus;
  /** The working day the clock reaches the target, while it runs (ISO date); null when stopped (local turn, paused). */
  breachOn: string | null;
}

export interface ReviewerWorkload {
  id: string;
  name: string;
  email: string;
  role: Role;
  deactivated: boolean;
  /** Sorted by breachOn ascending (stopped clocks last), then most days used. */
  openReviews: OpenReview[];
  /** Checkpoint decisions this person proposed or countersigned in the last 90 days. */
  completedLast90Days: number;
  conflicts: { footprintCode: string; footprintName: string }[];
}

/** The steps of a checkpoint's review that still wait on its reviewers or return to them. */
const REVIEW_STEPS: readonly StateKey[] = [
  ...statesTagged("in_review"),
  ...statesTagged("awaiting_countersign"),
  ...statesTagged("returned"),
];
const PAUSED = onlyStateTagged("paused");
/** Audit actions that make a decision: a proposal, then the countersignature that agrees with it. */
const PROPOSE: AssuranceEventType = "PROPOSE_DECISION";
const COUNTERSIGN: AssuranceEventType = "COUNTERSIGN";
const RECENT_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * Every reviewer (role reviewer, plus anyone of another role or deactivated who still holds an
 * open assignment), by name; or only `userId`, whatever their role ([] when there is no such account).
 */
export async function reviewerWorkloads(db: Db, now: Date, options: { userId?: string } = {}): Promise<ReviewerWorkload[]> {
  const { userId } = options;
  const since = new Date(now.getTime() - RECENT_DAYS * DAY_MS).toISOString();

  const [assignments, decisionEvents, conflicts] = await Promise.all([
    openAssignments(db, userId),
    decisionEventsSince(db, since, userId),
    db
      .selectFrom("reviewer_conflict")
      .innerJoin("footprint", "footprint.code", "reviewer_conflict.footprint_code")
      .select([
        "reviewer_conflict.user_id as userId",
        "reviewer_conflict.footprint_code as footprintCode",
        "footprint.name as footprintName",
      ])
      .$if(userId !== undefined, (q) => q.where("reviewer_conflict.user_id", "=", userId!))
      .orderBy("footprint.name")
      .execute(),
  ]);

  const holders = [...new Set(assignments.flatMap((a) => [a.leadReviewerId, a.secondReviewerId]))];
  const pausedIds = assignments.filter((a) => a.state === PAUSED).map((a) => a.submissionId);
  const [people, pausedTrails] = await Promise.all([
    db
      .selectFrom("user")
      .leftJoin("user_status", "user_status.user_id", "user.id")
      .select(["user.id", "user.name", "user.email", "user.role", "user_status.deactivated_at as deactivatedAt"])
      .where((eb) =>
        userId !== undefined
          ? eb("user.id", "=", userId)
          : eb.or([eb("user.role", "=", "reviewer"), ...(holders.length > 0 ? [eb("user.id", "in", holders)] : [])]),
      )
      .orderBy("user.name")
      .orderBy("user.email")
      .execute(),
    stateTrails(db, pausedIds),
  ]);

  const reviewsOf = new Map<string, OpenReview[]>();
  for (const a of assignments) {
    const review = openReview(a, pausedTrails.get(a.submissionId) ?? [], now);
    if (!review) continue;
    for (const [holder, as] of [
      [a.leadReviewerId, "lead"],
      [a.secondReviewerId, "second"],
    ] as const) {
      const held = reviewsOf.get(holder) ?? [];
      held.push({ ...review, as });
      reviewsOf.set(holder, held);
    }
  }
  const completed = decisionsByPerson(decisionEvents, since);

  return people.map((p) => ({
    id: p.id,
    name: p.name,
    email: p.email,
    role: p.role,
    deactivated: Boolean(p.deactivatedAt),
    openReviews: (reviewsOf.get(p.id) ?? []).sort(byBreach),
    completedLast90Days: completed.get(p.id) ?? 0,
    conflicts: conflicts.filter((c) => c.userId === p.id).map(({ footprintCode, footprintName }) => ({ footprintCode, footprintName })),
  }));
}

/** Assignments at each submission's current checkpoint while its review may still be open (paused ones are sorted out later). */
function openAssignments(db: Db, userId: string | undefined, states: readonly StateKey[] = [...REVIEW_STEPS, PAUSED]) {
  return db
    .selectFrom("review_assignment")
    .innerJoin("submission", (j) =>
      j.onRef("submission.id", "=", "review_assignment.submission_id").onRef("submission.checkpoint", "=", "review_assignment.checkpoint"),
    )
    .innerJoin("footprint", "footprint.code", "submission.footprint_code")
    .select([
      "submission.id as submissionId",
      "submission.title",
      "submission.footprint_code as footprintCode",
      "footprint.name as footprintName",
      "submission.checkpoint",
      "submission.state",
      "submission.whose_turn as whoseTurn",
      "submission.national_days_used as nationalDaysUsed",
      "submission.state_entered_at as stateEnteredAt",
      "review_assignment.lead_reviewer_id as leadReviewerId",
      "review_assignment.second_reviewer_id as secondReviewerId",
    ])
    .where("submission.state", "in", states)
    .$if(userId !== undefined, (q) =>
      q.where((eb) =>
        eb.or([eb("review_assignment.lead_reviewer_id", "=", userId!), eb("review_assignment.second_reviewer_id", "=", userId!)]),
      ),
    )
    .execute();
}
type Assignment = Awaited<ReturnType<typeof openAssignments>>[number];

/** The state entries of some submissions, oldest first: a paused one's trail says which step it stopped in. */
async function stateTrails(db: Db, submissionIds: string[]): Promise<Map<string, StateEntry[]>> {
  if (submissionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("audit_event")
    .select(["chain", "at", "to_state"])
    .where("chain", "in", submissionIds)
    .where("to_state", "is not", null)
    .orderBy("chain")
    .orderBy("seq")
    .execute();
  const trails = new Map<string, StateEntry[]>();
  for (const r of rows) {
    const trail = trails.get(r.chain) ?? [];
    trail.push({ at: r.at, state: r.to_state! });
    trails.set(r.chain, trail);
  }
  return trails;
}

/**
 * The review as its holders carry it, or null when it is not open: a paused submission is an open
 * review only if it was paused during that checkpoint's review, not while with the local system
 * (its trail says which). Its days are the stored figure, kept where the clock stopped.
 */
function openReview(a: Assignment, trail: readonly StateEntry[], now: Date): Omit<OpenReview, "as"> | null {
  const target = DEFAULT_TARGET_WORKING_DAYS;
  let pausedDuring: StateKey | null = null;
  if (a.state === PAUSED) {
    const pausedAt = trail.findLastIndex((e) => e.state === PAUSED);
    const before = trail[pausedAt - 1]?.state;
    const step = REVIEW_STEPS.find((s) => s === before);
    if (!step || checkpointOf(step) !== a.checkpoint) return null;
    pausedDuring = step;
  }
  const { nationalDaysUsed, running } = liveClock(a, now, target);
  return {
    submissionId: a.submissionId,
    title: a.title,
    footprintCode: a.footprintCode,
    footprintName: a.footprintName,
    checkpoint: a.checkpoint,
    step: a.state,
    pausedDuring,
    nationalDaysUsed,
    target,
    sla: slaStatus(nationalDaysUsed, target),
    breachOn: running ? targetReachedOn(nationalDaysUsed, now, target) : null,
  };
}

function byBreach(a: OpenReview, b: OpenReview): number {
  if (a.breachOn !== b.breachOn) {
    if (a.breachOn === null) return 1;
    if (b.breachOn === null) return -1;
    return a.breachOn < b.breachOn ? -1 : 1;
  }
  return b.nationalDaysUsed - a.nationalDaysUsed || a.title.localeCompare(b.title, "en-GB");
}

/**
 * Proposals and countersignatures of every submission with a countersignature since `since`,
 * oldest first by submission (only those `userId` took part in, when given): the proposal a
 * decision agreed with may be older than the window.
 */
function decisionEventsSince(db: Db, since: string, userId: string | undefined) {
  return db
    .selectFrom("audit_event")
    .select(["chain", "actor_id as actorId", "action", "payload", "at", "id"])
    .where("action", "in", [PROPOSE, COUNTERSIGN])
    .where("chain", "in", (eb) => eb.selectFrom("audit_event").select("chain").where("action", "=", COUNTERSIGN).where("at", ">=", since))
    .$if(userId !== undefined, (q) =>
      q.where("chain", "in", (eb) =>
        eb.selectFrom("audit_event").select("chain").where("action", "in", [PROPOSE, COUNTERSIGN]).where("actor_id", "=", userId!),
      ),
    )
    .orderBy("chain")
    .orderBy("seq")
    .execute();
}

/**
 * Decisions made final since `since`, counted for their proposer and their countersigner. As the
 * decision record reads a trail (app/.server/decisions.ts): a countersignature that agrees seals the
 * last proposal before it; one that disagrees sends that proposal back.
 */
function decisionsByPerson(events: Awaited<ReturnType<typeof decisionEventsSince>>, since: string): Map<string, number> {
  const counts = new Map<string, number>();
  const credit = (id: string | null) => {
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  let chain: string | null = null;
  let proposer: string | null = null;
  for (const e of events) {
    if (e.chain !== chain) {
      chain = e.chain;
      proposer = null;
    }
    if (e.action === PROPOSE) {
      proposer = e.actorId;
      continue;
    }
    if (showAuditPayload(e.id, e.payload).agree === true && e.at >= since) {
      credit(proposer);
      credit(e.actorId);
    }
    proposer = null;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// What ranking and counting need, without reading every open review: the workload page lists each
// review, which at national scale (50,000 submissions, 42,500 open reviews) took 1.9 s; suggestions
// and "reviews to reassign" need counts and the few reviews whose holder may be barred.

/** A reviewer's load, as the suggestions rank it: the same open reviews and bands as the workload's, counted. */
export interface ReviewerLoad {
  id: string;
  name: string;
  email: string;
  role: Role;
  deactivated: boolean;
  conflicts: string[];
  /** Open reviews, by submission (the ranking leaves out the one being assigned). */
  open: Map<string, OpenReviewBand>;
}

export interface OpenReviewBand {
  footprintCode: string;
  as: "lead" | "second";
  /** At risk of passing the target, or past it. */
  atRisk: boolean;
}

/** The figure below which a shown figure is within target (slaStatus rounds to one decimal: 15.95 shows as 16.0). */
const AT_RISK_FROM = DEFAULT_TARGET_WORKING_DAYS * AT_RISK_SHARE - 0.05;

/**
 * Every reviewer (and any other holder of an open review) with their open reviews and which are at
 * risk or over: the band of a running clock from its stored key (one offset for every row, as the
 * pipeline bands), of a stopped one from its stored figure; paused reviews through the workload's
 * own reading of their trail. Equal to reviewerWorkloads' counts (a test holds them so).
 */
export async function reviewerLoads(db: Db, now: Date): Promise<ReviewerLoad[]> {
  const offset = nationalClockOffset(now);
  const holds = (part: "lead_reviewer_id" | "second_reviewer_id") =>
    db
      .selectFrom("review_assignment")
      .innerJoin("submission", (j) =>
        j
          .onRef("submission.id", "=", "review_assignment.submission_id")
          .onRef("submission.checkpoint", "=", "review_assignment.checkpoint"),
      )
      .select([
        `review_assignment.${part} as holder`,
        sql<"lead" | "second">`${sql.lit(part === "lead_reviewer_id" ? "lead" : "second")}`.as("part"),
        "submission.id as submissionId",
        "submission.footprint_code as footprintCode",
        "submission.whose_turn as whoseTurn",
        "submission.national_clock_key as key",
        "submission.national_days_used as stored",
      ])
      .where("submission.state", "in", REVIEW_STEPS);
  const [running, paused, people, conflicts] = await Promise.all([
    holds("lead_reviewer_id").unionAll(holds("second_reviewer_id")).execute(),
    openAssignments(db, undefined, [PAUSED]),
    db
      .selectFrom("user")
      .leftJoin("user_status", "user_status.user_id", "user.id")
      .select(["user.id", "user.name", "user.email", "user.role", "user_status.deactivated_at as deactivatedAt"])
      .orderBy("user.name")
      .orderBy("user.email")
      .execute(),
    db.selectFrom("reviewer_conflict").select(["user_id as userId", "footprint_code as footprintCode"]).execute(),
  ]);
  const open = new Map<string, Map<string, OpenReviewBand>>();
  const add = (holder: string, submissionId: string, band: OpenReviewBand) => {
    const held = open.get(holder) ?? new Map<string, OpenReviewBand>();
    held.set(submissionId, band);
    open.set(holder, held);
  };
  for (const r of running) {
    const figure = r.whoseTurn === NATIONAL_CLOCK_TURN && r.key !== null ? Number(r.key) + offset : Number(r.stored);
    add(r.holder, r.submissionId, { footprintCode: r.footprintCode, as: r.part, atRisk: figure >= AT_RISK_FROM });
  }
  if (paused.length > 0) {
    const trails = await stateTrails(
      db,
      paused.map((a) => a.submissionId),
    );
    for (const a of paused) {
      const review = openReview(a, trails.get(a.submissionId) ?? [], now);
      if (!review) continue;
      const band = { footprintCode: a.footprintCode, atRisk: review.sla !== "within" };
      add(a.leadReviewerId, a.submissionId, { ...band, as: "lead" });
      add(a.secondReviewerId, a.submissionId, { ...band, as: "second" });
    }
  }
  return people
    .filter((p) => p.role === "reviewer" || open.has(p.id))
    .map((p) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      deactivated: Boolean(p.deactivatedAt),
      conflicts: conflicts.filter((c) => c.userId === p.id).map((c) => c.footprintCode),
      open: open.get(p.id) ?? new Map(),
    }));
}
