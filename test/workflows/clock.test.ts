import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clockFor,
  nationalClockKey,
  nationalClockOffset,
  nationalDaysKept,
  ENGLAND_BANK_HOLIDAYS,
  type HolidayCalendar,
  isWorkingDay,
  slaStatus,
  applyBankHolidayChanges,
  targetReachedOn,
  workingDaysBetween,
} from "../../workflows/clock.ts";

const d = (iso: string) => new Date(iso);

describe("working days", () => {
  it("skips weekends and English bank holidays", () => {
    expect(isWorkingDay("2017-04-13")).toBe(true); // Thursday before Easter
    expect(isWorkingDay("2017-04-14")).toBe(false); // Good Friday
    expect(isWorkingDay("2017-04-15")).toBe(false); // Saturday
    expect(isWorkingDay("2017-04-17")).toBe(false); // Easter Monday
    expect(isWorkingDay("2017-04-18")).toBe(true);
  });

  it("counts whole and part days", () => {
    // Monday 09:00 to Friday 09:00 is four working days.
    expect(workingDaysBetween(d("2017-03-06T09:00:00Z"), d("2017-03-10T09:00:00Z"))).toBeCloseTo(4);
    // Friday noon to Monday noon spans half of Friday and half of Monday.
    expect(workingDaysBetween(d("2017-03-10T12:00:00Z"), d("2017-03-13T12:00:00Z"))).toBeCloseTo(1);
    // Over Easter 2017 (Thursday noon to Tuesday noon): half Thursday + half Tuesday.
    expect(workingDaysBetween(d("2017-04-13T12:00:00Z"), d("2017-04-18T12:00:00Z"))).toBeCloseTo(1);
    expect(workingDaysBetween(d("2017-03-10T00:00:00Z"), d("2017-03-01T00:00:00Z"))).toBe(0);
  });

  it("judges the band on the figure shown, to one decimal place, so the page and the warning agree", () => {
    // 15.95 is shown as 16.0, which is 80% of the target: at risk on the page and in the sweep alike.
    expect(slaStatus(15.95, 20)).toBe("at_risk");
    expect(slaStatus(15.94, 20)).toBe("within");
    expect(slaStatus(20.04, 20)).toBe("at_risk");
    expect(slaStatus(20.05, 20)).toBe("breached");
  });

  it("knows bank holidays of any year from their rules, and one given later by configuration", () => {
    // Past the table the service once had (it ended in 2027): Good Friday and Easter Monday 2035.
    expect(isWorkingDay("2035-03-23")).toBe(false);
    expect(isWorkingDay("2035-03-26")).toBe(false);
    expect(isWorkingDay("2035-03-27")).toBe(true);
    expect(isWorkingDay("2031-06-09")).toBe(true);
    applyBankHolidayChanges({ added: ["2031-06-09"] });
    try {
      expect(isWorkingDay("2031-06-09")).toBe(false);
      expect(workingDaysBetween(d("2031-06-09T00:00:00Z"), d("2031-06-10T00:00:00Z"))).toBe(0);
    } finally {
      applyBankHolidayChanges(undefined);
    }
    expect(isWorkingDay("2031-06-09")).toBe(true);
  });

  it("rates against the target: at risk from 80%, breached past 100%", () => {
    expect(slaStatus(15.9, 20)).toBe("within");
    expect(slaStatus(16, 20)).toBe("at_risk");
    expect(slaStatus(20, 20)).toBe("at_risk");
    expect(slaStatus(20.1, 20)).toBe("breached");
  });
});

describe("the national clock", () => {
  const trail = [
    { at: "2017-03-01T09:00:00Z", state: "draft" },
    { at: "2017-03-06T09:00:00Z", state: "checkpoint1.awaiting_assignment" }, // Monday
    { at: "2017-03-08T09:00:00Z", state: "checkpoint1.in_review" }, // 2 days waiting
    { at: "2017-03-13T09:00:00Z", state: "checkpoint1.awaiting_countersign" }, // 3 more
    { at: "2017-03-14T09:00:00Z", state: "checkpoint1.returned" }, // 1 more: 6 in all, then local
    { at: "2017-04-03T09:00:00Z", state: "checkpoint1.in_review" }, // resubmitted Monday
  ];

  it("runs only while the checkpoint waits on the national team, and keeps counting after a resubmission", () => {
    const clock = clockFor(trail, d("2017-04-05T09:00:00Z"));
    expect(clock.whoseTurn).toBe("national");
    expect(clock.checkpoint).toEqual({
      checkpoint: 1,
      nationalWorkingDaysUsed: 8,
      targetWorkingDays: 20,
      status: "within",
      running: true,
    });
    expect(clock.daysInState).toBe(2);
  });

  it("stops while the submission is with the local system", () => {
    const returned = trail.slice(0, 5);
    const early = clockFor(returned, d("2017-03-20T09:00:00Z"));
    const late = clockFor(returned, d("2017-03-31T09:00:00Z"));
    expect(early.whoseTurn).toBe("local");
    expect(early.checkpoint?.nationalWorkingDaysUsed).toBe(6);
    expect(late.checkpoint?.nationalWorkingDaysUsed).toBe(6);
    expect(late.checkpoint?.running).toBe(false);
    expect(late.daysInState).toBe(17);
  });

  it("stops while paused", () => {
    const paused = [...trail.slice(0, 3), { at: "2017-03-09T09:00:00Z", state: "paused" }];
    const clock = clockFor(paused, d("2017-06-01T09:00:00Z"));
    expect(clock.whoseTurn).toBe("paused");
    expect(clock.checkpoint?.nationalWorkingDaysUsed).toBe(3);
  });

  it("flags a checkpoint at risk and then breached, with a configurable target", () => {
    expect(clockFor(trail, d("2017-04-13T09:00:00Z")).checkpoint?.status).toBe("within"); // 14 days
    expect(clockFor(trail, d("2017-04-20T09:00:00Z")).checkpoint?.status).toBe("at_risk"); // 17 (Easter skipped)
    expect(clockFor(trail, d("2017-05-03T09:00:00Z")).checkpoint?.status).toBe("breached");
    expect(clockFor(trail, d("2017-04-05T09:00:00Z"), { targetWorkingDays: 10 }).checkpoint?.status).toBe("at_risk");
  });

  it("keeps each checkpoint's figure separately", () => {
    const later = [
      ...trail,
      { at: "2017-04-10T09:00:00Z", state: "checkpoint1.awaiting_countersign" },
      { at: "2017-04-11T09:00:00Z", state: "procurement" },
      { at: "2017-09-04T09:00:00Z", state: "checkpoint2.awaiting_assignment" },
    ];
    const clock = clockFor(later, d("2017-09-06T09:00:00Z"));
    expect(clock.checkpoints.map((c) => [c.checkpoint, c.nationalWorkingDaysUsed, c.running])).toEqual([
      [1, 12, false],
      [2, 2, true],
    ]);
    expect(clock.checkpoint?.checkpoint).toBe(2);
  });

  it("has no checkpoint before the first submission", () => {
    const clock = clockFor([{ at: "2017-03-01T09:00:00Z", state: "draft" }], d("2017-03-03T09:00:00Z"));
    expect(clock).toMatchObject({ state: "draft", whoseTurn: "local", checkpoint: null, checkpoints: [], daysInState: 2 });
  });
});

describe("workingDaysBetween over long spans", () => {
  // The day-by-day count it replaced, kept here as the oracle.
  function countDayByDay(from: Date, to: Date, holidays: HolidayCalendar = ENGLAND_BANK_HOLIDAYS): number {
    if (to <= from) return 0;
    let total = 0;
    let dayStart = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    while (dayStart < to.getTime()) {
      const dayEnd = dayStart + 86_400_000;
      if (isWorkingDay(new Date(dayStart).toISOString().slice(0, 10), holidays)) {
        total += Math.min(dayEnd, to.getTime()) - Math.max(dayStart, from.getTime());
      }
      dayStart = dayEnd;
    }
    return total / 86_400_000;
  }

  it("gives exactly the day-by-day figure for 2,000 random spans, including across bank holidays and outside the table", () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const custom = new Set(["2026-03-03"]);
    for (let i = 0; i < 2000; i++) {
      const from = new Date(Date.UTC(1995, 0, 1) + Math.floor(next() * 60 * 365 * 86_400_000));
      const to = new Date(from.getTime() + Math.floor(next() * (i % 10 === 0 ? 3000 : 60) * 86_400_000));
      expect(workingDaysBetween(from, to), `${from.toISOString()} → ${to.toISOString()}`).toBe(countDayByDay(from, to));
      expect(workingDaysBetween(from, to, custom)).toBe(countDayByDay(from, to, custom));
    }
  });
});

describe("the live clock as an index orders it", () => {
  const DAY = 86_400_000;
  const instant = fc.integer({ min: Date.UTC(2016, 0, 1), max: Date.UTC(2030, 0, 1) });

  it("is the row's key plus one offset for every row, equal to the pure clock", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 200 * DAY }), fc.integer({ min: 0, max: 400 }), (entered, later, tenths) => {
        const row = { whoseTurn: "national", nationalDaysUsed: tenths / 10, stateEnteredAt: new Date(entered).toISOString() };
        const now = new Date(entered + later);
        const pure = row.nationalDaysUsed + workingDaysBetween(new Date(entered), now);
        expect(nationalClockKey(row)! + nationalClockOffset(now)).toBeCloseTo(pure, 9);
      }),
      { numRuns: 2000 },
    );
  });

  it("orders any two running rows as their live figures, and has no key for a stopped clock", () => {
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (a, b, ta, tb) => {
        const now = new Date(Math.max(a, b) + DAY * 3);
        const rowA = { whoseTurn: "national", nationalDaysUsed: ta / 10, stateEnteredAt: new Date(a).toISOString() };
        const rowB = { whoseTurn: "national", nationalDaysUsed: tb / 10, stateEnteredAt: new Date(b).toISOString() };
        const liveA = rowA.nationalDaysUsed + workingDaysBetween(new Date(a), now);
        const liveB = rowB.nationalDaysUsed + workingDaysBetween(new Date(b), now);
        if (Math.abs(liveA - liveB) > 1e-9)
          expect(Math.sign(nationalClockKey(rowA)! - nationalClockKey(rowB)!)).toBe(Math.sign(liveA - liveB));
      }),
      { numRuns: 2000 },
    );
    expect(nationalClockKey({ whoseTurn: "local", nationalDaysUsed: 3, stateEnteredAt: "2017-05-02T10:00:00.000Z" })).toBeNull();
  });
});

describe("the working day a running clock reaches its target", () => {
  const DAY = 86_400_000;

  it("counts forward over weekends and bank holidays while the clock is short of the target", () => {
    // From Monday 14 December 2026 with nothing used: Christmas Day, the Boxing Day substitute
    // (Monday 28th) and New Year's Day are skipped, so the 20th working day is Wednesday 13 January.
    expect(targetReachedOn(0, d("2026-12-14T00:00:00Z"))).toBe("2027-01-13");
    // Half a day left on a Friday afternoon reaches it on Friday; a little more, on Monday.
    expect(targetReachedOn(19.5, d("2026-03-06T12:00:00Z"))).toBe("2026-03-06");
    expect(targetReachedOn(19.4, d("2026-03-06T12:00:00Z"))).toBe("2026-03-09");
    // Started at a weekend, the first working day is the first that counts.
    expect(targetReachedOn(19, d("2026-03-07T12:00:00Z"))).toBe("2026-03-09");
    expect(targetReachedOn(5, d("2026-03-02T00:00:00Z"), 10)).toBe("2026-03-06");
  });

  it("counts back to the day it was reached once the clock is past the target", () => {
    // 21 days at Monday noon: 20 was reached at Friday noon.
    expect(targetReachedOn(21, d("2027-01-18T12:00:00Z"))).toBe("2027-01-15");
    // On the target exactly, part-way through a working day: today.
    expect(targetReachedOn(20, d("2027-01-18T12:00:00Z"))).toBe("2027-01-18");
    // On it at a weekend: the Friday it ran out on.
    expect(targetReachedOn(20, d("2027-01-16T12:00:00Z"))).toBe("2027-01-15");
  });

  it("is a working day on which the clock's figure crosses the target, for 2,000 random clocks", () => {
    const startOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
    const endOf = (iso: string) => new Date(startOf(iso).getTime() + DAY);
    const ms = (days: number) => Math.round(days * DAY);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2016, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 0, max: 600 }),
        (nowMs, tenths) => {
          const now = new Date(nowMs);
          const used = tenths / 10;
          const day = targetReachedOn(used, now);
          expect(isWorkingDay(day)).toBe(true);
          const left = ms(20 - used);
          if (left > 0) {
            // Running from now, the clock has not reached it by the day's start and has by its end.
            expect(ms(workingDaysBetween(now, startOf(day)))).toBeLessThan(left);
            expect(ms(workingDaysBetween(now, endOf(day)))).toBeGreaterThanOrEqual(left);
          } else {
            // Run back from now, the figure was at or past the target at the day's end and short of it at its start.
            expect(ms(workingDaysBetween(endOf(day), now))).toBeLessThanOrEqual(-left);
            expect(ms(workingDaysBetween(startOf(day), now))).toBeGreaterThan(-left);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the figure a row keeps on entering a state", () => {
  // In review since Monday 1 June 2026 10:00 with 2 days already used this checkpoint.
  const inReview = { whoseTurn: "national", nationalDaysUsed: 2, stateEnteredAt: "2026-06-01T10:00:00.000Z" };

  it("keeps a paused clock where it stood, however long the pause", () => {
    // Wednesday 3 June 16:00: 2 days, then 14 h on Monday, all Tuesday and 16 h on Wednesday (2.25 days).
    const paused = nationalDaysKept(inReview, "paused", d("2026-06-03T16:00:00.000Z"));
    expect(paused).toBe(4.3);
    const whilePaused = { whoseTurn: "paused", nationalDaysUsed: paused!, stateEnteredAt: "2026-06-03T16:00:00.000Z" };
    expect(nationalDaysKept(whilePaused, "paused", d("2026-07-30T09:00:00.000Z"))).toBe(4.3);
  });

  it("leaves a checkpoint's figure to its trail, and keeps none outside a checkpoint", () => {
    expect(nationalDaysKept(inReview, "checkpoint1.awaiting_countersign", d("2026-06-03T16:00:00.000Z"))).toBeNull();
    expect(nationalDaysKept(inReview, "procurement", d("2026-06-03T16:00:00.000Z"))).toBe(0);
  });
});
