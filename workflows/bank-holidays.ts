// Bank holidays in England and Wales, computed from the rules that set them, so the national clock
// counts working days correctly in any year rather than only those someone typed in.
//
// The rules (Banking and Financial Dealings Act 1971 and the royal proclamations made under it
// each year, as published at gov.uk/bank-holidays):
// - New Year's Day, 1 January; Christmas Day, 25 December; Boxing Day, 26 December. When one falls
//   on a weekend the next weekday not already a holiday is the bank holiday in its place.
// - Good Friday and Easter Monday, from the date of Easter Sunday (the Gregorian computus).
// - Early May bank holiday, the first Monday in May; spring bank holiday, the last Monday in May;
//   summer bank holiday, the last Monday in August.
// - Changes by proclamation: the early May holiday moved to 8 May in 1995 and 2020 (VE Day
//   anniversaries); the spring holiday moved to 4 June in 2002 and 2012 and to 2 June in 2022
//   (jubilees); and one-off holidays were added for royal occasions (below). A change announced
//   later is added by configuration (BANK_HOLIDAY_CHANGES), without a release.

/** An ISO date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** A holiday moved by proclamation: the rule's date in that year, and the date it was moved to. */
export interface MovedHoliday {
  from: IsoDate;
  to: IsoDate;
}

/** Changes to the rules made by proclamation, as published. */
export interface BankHolidayChanges {
  /** Extra holidays, such as 29 April 2011 (a royal wedding). */
  added: readonly IsoDate[];
  /** Holidays moved from their usual day. */
  moved: readonly MovedHoliday[];
}

export const PROCLAIMED_CHANGES: BankHolidayChanges = {
  added: [
    "1999-12-31", // Millennium
    "2002-06-03", // Golden Jubilee
    "2011-04-29", // Royal wedding
    "2012-06-05", // Diamond Jubilee
    "2022-06-03", // Platinum Jubilee
    "2022-09-19", // State funeral of Queen Elizabeth II
    "2023-05-08", // Coronation of King Charles III
  ],
  moved: [
    { from: "1995-05-01", to: "1995-05-08" }, // VE Day, 50th anniversary
    { from: "2002-05-27", to: "2002-06-04" }, // Golden Jubilee
    { from: "2012-05-28", to: "2012-06-04" }, // Diamond Jubilee
    { from: "2020-05-04", to: "2020-05-08" }, // VE Day, 75th anniversary
    { from: "2022-05-30", to: "2022-06-02" }, // Platinum Jubilee
  ],
};

const DAY_MS = 86_400_000;

const iso = (year: number, month: number, day: number): IsoDate => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
const weekday = (date: IsoDate): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const addDays = (date: IsoDate, days: number): IsoDate =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
const isWeekend = (date: IsoDate) => weekday(date) === 0 || weekday(date) === 6;

/** Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** The first Monday on or after a date. */
function mondayFrom(date: IsoDate): IsoDate {
  return addDays(date, (8 - weekday(date)) % 7);
}

/** The last Monday of a month. */
function lastMonday(year: number, month: number): IsoDate {
  const last = iso(year, month + 1, 0);
  return addDays(last, -((weekday(last) + 6) % 7));
}

/** England's bank holidays in a year, in date order. */
export function bankHolidaysIn(year: number, changes: BankHolidayChanges = PROCLAIMED_CHANGES): IsoDate[] {
  const easter = easterSunday(year);
  const fixedRule = [iso(year, 5, 1), lastMonday(year, 5), lastMonday(year, 8)].map((d, i) => (i === 0 ? mondayFrom(d) : d));
  const taken = new Set<IsoDate>([addDays(easter, -2), addDays(easter, 1), ...fixedRule]);
  // Moves by proclamation replace the rule's day.
  for (const move of changes.moved) {
    if (taken.delete(move.from)) taken.add(move.to);
  }
  for (const added of changes.added) if (added.startsWith(`${year}-`)) taken.add(added);

  // New Year, Christmas and Boxing Day, each moved to the next free weekday when it falls on a weekend.
  const substitute = (date: IsoDate) => {
    let day = date;
    while (isWeekend(day) || taken.has(day)) day = addDays(day, 1);
    taken.add(day);
  };
  substitute(iso(year, 1, 1));
  substitute(iso(year, 12, 25));
  substitute(iso(year, 12, 26));
  return [...taken].sort();
}

/** Every bank holiday from one year to another, inclusive. */
export function bankHolidaysBetween(firstYear: number, lastYear: number, changes: BankHolidayChanges = PROCLAIMED_CHANGES): Set<IsoDate> {
  const all = new Set<IsoDate>();
  for (let year = firstYear; year <= lastYear; year++) for (const day of bankHolidaysIn(year, changes)) all.add(day);
  return all;
}

/**
 * The published changes plus any given in configuration, as the JSON of a BankHolidayChanges
 * (`{"added":["2030-…"],"moved":[{"from":"…","to":"…"}]}`): a holiday announced after this release
 * is counted without waiting for the next one.
 */
export function changesWith(extra: Partial<BankHolidayChanges> | undefined): BankHolidayChanges {
  if (!extra) return PROCLAIMED_CHANGES;
  return {
    added: [...PROCLAIMED_CHANGES.added, ...(extra.added ?? [])],
    moved: [...PROCLAIMED_CHANGES.moved, ...(extra.moved ?? [])],
  };
}
