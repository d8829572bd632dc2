import { describe, expect, it } from "vitest";
import { bankHolidaysBetween, bankHolidaysIn, changesWith, easterSunday } from "../../workflows/bank-holidays.ts";

/** England and Wales bank holidays as published at gov.uk/bank-holidays (and in the proclamations before it). */
const PUBLISHED: Record<number, string[]> = {
  2015: ["2015-01-01", "2015-04-03", "2015-04-06", "2015-05-04", "2015-05-25", "2015-08-31", "2015-12-25", "2015-12-28"],
  2016: ["2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29", "2016-12-26", "2016-12-27"],
  2017: ["2017-01-02", "2017-04-14", "2017-04-17", "2017-05-01", "2017-05-29", "2017-08-28", "2017-12-25", "2017-12-26"],
  2018: ["2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26"],
  2019: ["2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"],
  2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"],
  2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"],
  2022: [
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
  ],
  2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"],
  2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"],
  2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"],
  2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"],
  2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"],
  // Earlier years with changes by proclamation.
  1995: ["1995-01-02", "1995-04-14", "1995-04-17", "1995-05-08", "1995-05-29", "1995-08-28", "1995-12-25", "1995-12-26"],
  2002: ["2002-01-01", "2002-03-29", "2002-04-01", "2002-05-06", "2002-06-03", "2002-06-04", "2002-08-26", "2002-12-25", "2002-12-26"],
  2011: ["2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27"],
  2012: ["2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27", "2012-12-25", "2012-12-26"],
};

/** Easter Sunday 2028–2040, from the Church of England's tables (independent of the computus under test). */
const EASTER: Record<number, string> = {
  2028: "2028-04-16",
  2029: "2029-04-01",
  2030: "2030-04-21",
  2031: "2031-04-13",
  2032: "2032-03-28",
  2033: "2033-04-17",
  2034: "2034-04-09",
  2035: "2035-03-25",
  2036: "2036-04-13",
  2037: "2037-04-05",
  2038: "2038-04-25",
  2039: "2039-04-10",
  2040: "2040-04-01",
};

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const shift = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);

describe("bank holidays in England, from the rules", () => {
  it.each(Object.entries(PUBLISHED))("%s matches the published dates", (year, dates) => {
    expect(bankHolidaysIn(Number(year))).toEqual(dates);
  });

  it.each(Object.entries(EASTER))("%s: Good Friday and Easter Monday follow Easter Sunday (%s)", (year, sunday) => {
    expect(easterSunday(Number(year))).toBe(sunday);
    const days = bankHolidaysIn(Number(year));
    expect(days).toContain(shift(sunday, -2));
    expect(days).toContain(shift(sunday, 1));
  });

  it("gives every year from 2015 to 2040 eight holidays (more in years of proclamations), all on weekdays, with the fixed ones in place", () => {
    for (let year = 2015; year <= 2040; year++) {
      const days = bankHolidaysIn(year);
      expect(days.length, String(year)).toBeGreaterThanOrEqual(8);
      for (const day of days) expect([0, 6], `${day} is a weekday`).not.toContain(weekday(day));
      const may = days.filter((d) => d.startsWith(`${year}-05`) && weekday(d) === 1);
      const august = days.filter((d) => d.startsWith(`${year}-08`));
      expect(august, String(year)).toHaveLength(1);
      expect(Number(august[0]!.slice(8)), String(year)).toBeGreaterThan(24); // the last Monday
      if (![2020, 2022, 2023].includes(year)) expect(may.length, String(year)).toBe(2);
      // Christmas and Boxing Day, or their substitutes, are the last two.
      expect(
        days.slice(-2).every((d) => d >= `${year}-12-25` && d <= `${year}-12-28`),
        String(year),
      ).toBe(true);
    }
    expect(bankHolidaysBetween(2015, 2040).size).toBe(26 * 8 + 2 + 1); // 2022: the jubilee and the state funeral; 2023: the coronation
  });

  it("counts a holiday announced later when it is given by configuration", () => {
    const changes = changesWith({ added: ["2031-06-09"], moved: [{ from: "2031-05-05", to: "2031-05-09" }] });
    const days = bankHolidaysIn(2031, changes);
    expect(days).toContain("2031-06-09");
    expect(days).toContain("2031-05-09");
    expect(days).not.toContain("2031-05-05");
    expect(bankHolidaysIn(2031)).toContain("2031-05-05");
  });
});
