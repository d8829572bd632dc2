import { type BankHolidayChanges, bankHolidaysIn, changesWith, PROCLAIMED_CHANGES } from "./bank-holidays.ts";
import { type Checkpoint, checkpointOf, NATIONAL_CLOCK_TURN, type Turn, whoseTurn } from "./states.ts";

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

/** What the clock needs of a calendar of bank holidays: whether an ISO date is one. */
export interface HolidayCalendar {
  has(isoDate: string): boolean;
}

let changes: BankHolidayChanges = PROCLAIMED_CHANGES;
const holidaysByYear = new Map<number, ReadonlySet<string>>();

/**
 * England's bank holidays, computed from their rules year by year (bank-holidays.ts), so every
 * year counts correctly, however far from the ones someone typed in.
 */
export const ENGLAND_BANK_HOLIDAYS: HolidayCalendar = {
  has(isoDate: string): boolean {
    const year = Number(isoDate.slice(0, 4));
    let holidays = holidaysByYear.get(year);
    if (!holidays) {
      holidays = new Set(bankHolidaysIn(year, changes));
      holidaysByYear.set(year, holidays);
    }
    return holidays.has(isoDate);
  },
};

/**
 * Adds holidays announced after this release (or moved by proclamation), from configuration
 * (BANK_HOLIDAY_CHANGES, read at start-up): every figure computed afterwards counts them.
 */
export function applyBankHolidayChanges(extra: Partial<BankHolidayChanges> | undefined): void {
  changes = changesWith(extra);
  holidaysByYear.clear();
  calendars.delete(ENGLAND_BANK_HOLIDAYS);
}

const DAY_MS = 86_400_000;

export function isWorkingDay(isoDate: string, holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS): boolean {
  const weekday = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(isoDate);
}

/**
 * Working days between two instants, as a fraction (a working day counts in full only when the
 * interval spans all of it). Days are taken in UTC: at most an hour off in British Summer Time,
 * which is well inside a 20-day target.
 */
export function workingDaysBetween(from: Date, to: Date, holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS): number {
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
const calendars = new Map<HolidayCalendar, ReturnType<typeof buildCalendar>>();

function buildCalendar(holidays: HolidayCalendar) {
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

function calendarFor(holidays: HolidayCalendar) {
  let calendar = calendars.get(holidays);
  if (!calendar) {
    calendar = buildCalendar(holidays);
    calendars.set(holidays, calendar);
  }
  return calendar;
}

/**
 * The one rounding rule: national working days are shown to one decimal place, and every band is
 * judged on the figure shown, so a page never says "16.0 of 20, within target" while the warning
 * sweep says at risk (it once showed 15.95 as 16.0 and waited).
 */
export function roundNationalDays(days: number): number {
  return Math.round(days * 10) / 10;
}

/** Within target, at risk (from 80% of it) or over it, for a figure as shown (see roundNationalDays). */
export function slaStatus(used: number, target: number = DEFAULT_TARGET_WORKING_DAYS): SlaStatus {
  const shown = roundNationalDays(used);
  if (shown > target) return "breached";
  if (shown >= target * AT_RISK_SHARE) return "at_risk";
  return "within";
}

// ---------------------------------------------------------------------------------------------
// The live clock as an index can order it
//
// While the national clock runs, a row's figure is stored + working days from its entry to now.
// Counting working days from a fixed origin (W(day): working days before `day`), that is
//   stored − W(entry day + 1) + (the working part of the entry day after entry)   ← the row's key
// + W(today) + (the working part of today so far)                                  ← the same for every row
// so ordering national rows by their live figure is ordering them by a key stored once per
// transition, and an index on it gives the queue in order without computing any clock.
// (A bank holiday announced later moves W only after it, so it moves a key only for a row entered
// after it: see refreshNationalClockKeys in db/submissions.ts.)

/** Working days before `day` (days since 1970-01-01, UTC), counted from 2000-01-01: W above. */
function workingDaysBefore(day: number, holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS): number {
  const calendar = calendarFor(holidays);
  return day >= TABLE_FIRST_DAY ? calendar.wholeWorkingDays(TABLE_FIRST_DAY, day) : -calendar.wholeWorkingDays(day, TABLE_FIRST_DAY);
}

/** The working part of `day` from the instant `ms` to its end (or from its start to `ms`), in days. */
function workingPart(day: number, ms: number, holidays: HolidayCalendar, fromStart: boolean): number {
  if (!calendarFor(holidays).isWorking(day)) return 0;
  return (fromStart ? ms - day * DAY_MS : (day + 1) * DAY_MS - ms) / DAY_MS;
}

/**
 * A national row's key: its live figure less `nationalClockOffset(now)`, the same for every row.
 * Null for a row whose national clock is stopped (its figure is its stored one).
 */
export function nationalClockKey(row: StoredClock, holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS): number | null {
  if (row.whoseTurn !== NATIONAL_CLOCK_TURN) return null;
  const entered = Date.parse(row.stateEnteredAt);
  const day = Math.floor(entered / DAY_MS);
  return row.nationalDaysUsed - workingDaysBefore(day + 1, holidays) + workingPart(day, entered, holidays, false);
}

/** What every running row's key is short of its live figure at `now`. */
export function nationalClockOffset(now: Date, holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS): number {
  const ms = now.getTime();
  const day = Math.floor(ms / DAY_MS);
  return workingDaysBefore(day, holidays) + workingPart(day, ms, holidays, true);
}

/** Working milliseconds from an instant to `now` (whole: instants are whole milliseconds). */
export function workingMsSince(from: string, now: Date): number {
  return Math.round(workingDaysBetween(new Date(from), now) * DAY_MS);
}

/** National working days used: the figure stored at the last transition plus working time since, as shown. */
export function nationalDaysFrom(stored: number, runningMs: number): number {
  return roundNationalDays(stored + runningMs / DAY_MS);
}

/**
 * The working day (ISO date, UTC as every day here) on which a running national clock that shows
 * `used` days at `now` reaches the target: ahead while it is short of it, behind once it is past.
 * Reaching it exactly at midnight counts for the day just ended, the last working day it ran in.
 * Taken from the figure shown, so a page that says 20.0 of 20 says the target is reached today.
 */
export function targetReachedOn(
  used: number,
  now: Date,
  target: number = DEFAULT_TARGET_WORKING_DAYS,
  holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS,
): string {
  const calendar = calendarFor(holidays);
  const nowMs = now.getTime();
  const today = Math.floor(nowMs / DAY_MS);
  const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  // Whole milliseconds, so a figure such as 20 − 19.9 cannot fall a hair either side of a day's end.
  let remaining = Math.round((target - used) * DAY_MS);
  if (remaining > 0) {
    let day = today;
    let room = calendar.isWorking(day) ? (day + 1) * DAY_MS - nowMs : 0;
    while (remaining > room) {
      remaining -= room;
      day += 1;
      room = calendar.isWorking(day) ? DAY_MS : 0;
    }
    return isoDay(day);
  }
  // Past it (or on it): back through the working time already run until the overshoot is used up.
  let overshoot = -remaining;
  let day = today;
  let ran = calendar.isWorking(day) ? nowMs - day * DAY_MS : 0;
  while (overshoot >= ran) {
    overshoot -= ran;
    day -= 1;
    ran = calendar.isWorking(day) ? DAY_MS : 0;
  }
  return isoDay(day);
}

/** A submission's clock as stored on its row: enough to know it live without reading its trail. */
export interface StoredClock {
  whoseTurn: string;
  nationalDaysUsed: number;
  stateEnteredAt: string;
}

export interface LiveClock {
  nationalDaysUsed: number;
  sla: SlaStatus;
  daysInState: number;
  /** Whether the national clock is running now. */
  running: boolean;
}

/**
 * The national clock of a submission now, from its stored row: the one figure the pipeline (page,
 * CSV and the SQL that filters and sorts by it), the task list, the review pages, the regional view
 * and the warning sweep all show and judge.
 */
export function liveClock(row: StoredClock, now: Date, target: number = DEFAULT_TARGET_WORKING_DAYS): LiveClock {
  const running = row.whoseTurn === NATIONAL_CLOCK_TURN;
  const used = nationalDaysFrom(row.nationalDaysUsed, running ? workingMsSince(row.stateEnteredAt, now) : 0);
  return {
    nationalDaysUsed: used,
    sla: slaStatus(used, target),
    daysInState: Math.max(0, Math.floor((now.getTime() - Date.parse(row.stateEnteredAt)) / DAY_MS)),
    running,
  };
}

/**
 * The national figure a submission's row keeps on entering `state` at `at`, from the row as it
 * stood: null in a checkpoint's states, whose figure is the checkpoint's own from the trail
 * (clockFor); the figure the row showed when paused, since a pause stops the clock where it stood
 * rather than resetting it (an event that leaves it paused keeps it); 0 anywhere else.
 */
export function nationalDaysKept(row: StoredClock, state: string, at: Date): number | null {
  if (whoseTurn(state) === "paused") return row.whoseTurn === "paused" ? row.nationalDaysUsed : liveClock(row, at).nationalDaysUsed;
  return checkpointOf(state) === null ? 0 : null;
}

/** The clock of one submission from its trail of state entries (oldest first) as of `now`. */
export function clockFor(
  trail: readonly StateEntry[],
  now: Date,
  options: { targetWorkingDays?: number; holidays?: HolidayCalendar } = {},
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
    if (cp && whoseTurn(entry.state) === NATIONAL_CLOCK_TURN) {
      const until = i + 1 < trail.length ? new Date(trail[i + 1]!.at) : now;
      used.set(cp, used.get(cp)! + workingDaysBetween(new Date(entry.at), until, holidays));
    }
  }

  const current = trail.at(-1)!;
  const runningCheckpoint = whoseTurn(current.state) === NATIONAL_CLOCK_TURN ? checkpointOf(current.state) : null;
  const checkpoints = [...used.entries()]
    .sort(([a], [b]) => a - b)
    .map(([checkpoint, days]) => ({
      checkpoint,
      nationalWorkingDaysUsed: roundNationalDays(days),
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
