import { type Checkpoint, checkpointOf, type Turn, whoseTurn } from "./assurance.machine.ts";

/**
 * Stop-the-clock timing (product.md, "Clocks and the pipeline"). The national clock runs only
 * while a checkpoint waits on the national team (awaiting assignment, in review, awaiting
 * countersign); it stops while the submission is with the local system (draft, returned,
 * procurement, mobilisation, conditions) and while it is paused. Computed from the audit trail at
 * read time, never by timers, so a restart loses nothing.
 */

/** One entry of the trail: the submission entered `state` (a stateKey) at `at` (ISO-8601). */
export interface StateEntry {
  at: string;
  state: string;
}

export type SlaStatus = "within" | "at_risk" | "breached";

export interface CheckpointClock {
  checkpoint: Checkpoint;
  nationalWorkingDaysUsed: number;
  targetWorkingDays: number;
  status: SlaStatus;
  /** True while the national clock is running for this checkpoint right now. */
  running: boolean;
}

export interface Clock {
  state: string;
  enteredAt: string;
  /** Whole calendar days since the current state was entered. */
  daysInState: number;
  whoseTurn: Turn;
  /** The checkpoint under way or last reviewed, if any. */
  checkpoint: CheckpointClock | null;
  checkpoints: CheckpointClock[];
}

export const DEFAULT_TARGET_WORKING_DAYS = 20;
/** The share of the target at which reviewers and admins are warned. */
export const AT_RISK_SHARE = 0.8;

/**
 * Bank holidays in England (gov.uk/bank-holidays), 2015–2027, the span of the new care models
 * programme and this service's life so far. Dates outside it count as ordinary working days.
 */
export const ENGLAND_BANK_HOLIDAYS: ReadonlySet<string> = new Set([
  "2015-01-01",
  "2015-04-03",
  "2015-04-06",
  "2015-05-04",
  "2015-05-25",
  "2015-08-31",
  "2015-12-25",
  "2015-12-28",
  "2016-01-01",
  "2016-03-25",
  "2016-03-28",
  "2016-05-02",
  "2016-05-30",
  "2016-08-29",
  "2016-12-26",
  "2016-12-27",
  "2017-01-02",
  "2017-04-14",
  "2017-04-17",
  "2017-05-01",
  "2017-05-29",
  "2017-08-28",
  "2017-12-25",
  "2017-12-26",
  "2018-01-01",
  "2018-03-30",
  "2018-04-02",
  "2018-05-07",
  "2018-05-28",
  "2018-08-27",
  "2018-12-25",
  "2018-12-26",
  "2019-01-01",
  "2019-04-19",
  "2019-04-22",
  "2019-05-06",
  "2019-05-27",
  "2019-08-26",
  "2019-12-25",
  "2019-12-26",
  "2020-01-01",
  "2020-04-10",
  "2020-04-13",
  "2020-05-08",
  "2020-05-25",
  "2020-08-31",
  "2020-12-25",
  "2020-12-28",
  "2021-01-01",
  "2021-04-02",
  "2021-04-05",
  "2021-05-03",
  "2021-05-31",
  "2021-08-30",
  "2021-12-27",
  "2021-12-28",
  "2022-01-03",
  "2022-04-15",
  "2022-04-18",
  "2022-05-02",
  "2022-06-02",
  "2022-06-03",
  "2022-08-29",
  "2022-09-19",
  "2022-12-26",
  "2022-12-27",
  "2023-01-02",
  "2023-04-07",
  "2023-04-10",
  "2023-05-01",
  "2023-05-08",
  "2023-05-29",
  "2023-08-28",
  "2023-12-25",
  "2023-12-26",
  "2024-01-01",
  "2024-03-29",
  "2024-04-01",
  "2024-05-06",
  "2024-05-27",
  "2024-08-26",
  "2024-12-25",
  "2024-12-26",
  "2025-01-01",
  "2025-04-18",
  "2025-04-21",
  "2025-05-05",
  "2025-05-26",
  "2025-08-25",
  "2025-12-25",
  "2025-12-26",
  "2026-01-01",
  "2026-04-03",
  "2026-04-06",
  "2026-05-04",
  "2026-05-25",
  "2026-08-31",
  "2026-12-25",
  "2026-12-28",
  "2027-01-01",
  "2027-03-26",
  "2027-03-29",
  "2027-05-03",
  "2027-05-31",
  "2027-08-30",
  "2027-12-27",
  "2027-12-28",
]);

const DAY_MS = 86_400_000;

export function isWorkingDay(isoDate: string, holidays: ReadonlySet<string> = ENGLAND_BANK_HOLIDAYS): boolean {
  const weekday = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(isoDate);
}

/**
 * Working days between two instants, as a fraction (a working day counts in full only when the
 * interval spans all of it). Days are taken in UTC: at most an hour off in British Summer Time,
 * which is well inside a 20-day target.
 */
export function workingDaysBetween(from: Date, to: Date, holidays: ReadonlySet<string> = ENGLAND_BANK_HOLIDAYS): number {
  if (to <= from) return 0;
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const calendar = calendarFor(holidays);
  const firstDay = Math.floor(fromMs / DAY_MS);
  const lastDay = Math.floor(toMs / DAY_MS);
  if (firstDay === lastDay) return calendar.isWorking(firstDay) ? (toMs - fromMs) / DAY_MS : 0;
  // Whole milliseconds summed, then divided once: the same figure as counting day by day.
  const head = calendar.isWorking(firstDay) ? (firstDay + 1) * DAY_MS - fromMs : 0;
  const tail = calendar.isWorking(lastDay) ? toMs - lastDay * DAY_MS : 0;
  return (head + calendar.wholeWorkingDays(firstDay + 1, lastDay) * DAY_MS + tail) / DAY_MS;
}

/**
 * Working days by day number (days since 1970-01-01, UTC) with running totals, so a span of any
 * length costs two lookups: the pipeline computes the live clock of every row it shows or exports.
 * Days outside the table (before 2000, after 2049) are counted one by one.
 */
const TABLE_FIRST_DAY = Math.floor(Date.UTC(2000, 0, 1) / DAY_MS);
const TABLE_DAYS = Math.floor(Date.UTC(2050, 0, 1) / DAY_MS) - TABLE_FIRST_DAY;
const calendars = new WeakMap<ReadonlySet<string>, ReturnType<typeof buildCalendar>>();

function buildCalendar(holidays: ReadonlySet<string>) {
  const working = new Uint8Array(TABLE_DAYS);
  // before[i]: working days in [TABLE_FIRST_DAY, TABLE_FIRST_DAY + i).
  const before = new Int32Array(TABLE_DAYS + 1);
  for (let i = 0; i < TABLE_DAYS; i++) {
    working[i] = isWorkingDay(new Date((TABLE_FIRST_DAY + i) * DAY_MS).toISOString().slice(0, 10), holidays) ? 1 : 0;
    before[i + 1] = before[i]! + working[i]!;
  }
  const isWorking = (day: number): boolean => {
    const i = day - TABLE_FIRST_DAY;
    return i >= 0 && i < TABLE_DAYS ? working[i] === 1 : isWorkingDay(new Date(day * DAY_MS).toISOString().slice(0, 10), holidays);
  };
  return {
    isWorking,
    /** Working days among the whole days [fromDay, toDay). */
    wholeWorkingDays(fromDay: number, toDay: number): number {
      if (toDay <= fromDay) return 0;
      const a = fromDay - TABLE_FIRST_DAY;
      const b = toDay - TABLE_FIRST_DAY;
      if (a >= 0 && b <= TABLE_DAYS) return before[b]! - before[a]!;
      let n = 0;
      for (let day = fromDay; day < toDay; day++) if (isWorking(day)) n += 1;
      return n;
    },
  };
}

function calendarFor(holidays: ReadonlySet<string>) {
  let calendar = calendars.get(holidays);
  if (!calendar) {
    calendar = buildCalendar(holidays);
    calendars.set(holidays, calendar);
  }
  return calendar;
}

export function slaStatus(used: number, target: number): SlaStatus {
  if (used > target) return "breached";
  if (used >= target * AT_RISK_SHARE) return "at_risk";
  return "within";
}

/** The clock of one submission from its trail of state entries (oldest first) as of `now`. */
export function clockFor(
  trail: readonly StateEntry[],
  now: Date,
  options: { targetWorkingDays?: number; holidays?: ReadonlySet<string> } = {},
): Clock {
  const target = options.targetWorkingDays ?? DEFAULT_TARGET_WORKING_DAYS;
  const holidays = options.holidays ?? ENGLAND_BANK_HOLIDAYS;
  if (trail.length === 0) throw new Error("A clock needs at least the entry into the first state.");

  const used = new Map<Checkpoint, number>();
  let lastCheckpoint: Checkpoint | null = null;
  for (let i = 0; i < trail.length; i++) {
    const entry = trail[i]!;
    const cp = checkpointOf(entry.state);
    if (cp) {
      lastCheckpoint = cp;
      if (!used.has(cp)) used.set(cp, 0);
    }
    if (cp && whoseTurn(entry.state) === "national") {
      const until = i + 1 < trail.length ? new Date(trail[i + 1]!.at) : now;
      used.set(cp, used.get(cp)! + workingDaysBetween(new Date(entry.at), until, holidays));
    }
  }

  const current = trail.at(-1)!;
  const runningCheckpoint = whoseTurn(current.state) === "national" ? checkpointOf(current.state) : null;
  const checkpoints = [...used.entries()]
    .sort(([a], [b]) => a - b)
    .map(([checkpoint, days]) => ({
      checkpoint,
      nationalWorkingDaysUsed: Math.round(days * 10) / 10,
      targetWorkingDays: target,
      status: slaStatus(days, target),
      running: checkpoint === runningCheckpoint,
    }));

  return {
    state: current.state,
    enteredAt: current.at,
    daysInState: Math.max(0, Math.floor((now.getTime() - new Date(current.at).getTime()) / DAY_MS)),
    whoseTurn: whoseTurn(current.state),
    checkpoint: checkpoints.find((c) => c.checkpoint === lastCheckpoint) ?? null,
    checkpoints,
  };
}
