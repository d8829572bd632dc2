// Forgiving parsers for what people type into the submission's forms, and the formatters that turn
// stored values back into what the forms show. Pure functions, shared by the browser (Conform) and
// the server (the action), so both say the same thing about the same input.
//
// The rules, in one place:
// - Blank (empty or only spaces) is not an error: it means "not answered yet", and the criteria,
//   not the form, judge what is still missing.
// - Whole numbers: "12000", "12,000", "12 000", " 12000 " → 12000; "12.0" → 12; "12.5" and words
//   are refused. Commas or spaces are accepted only as thousands separators.
// - Money is typed in pounds and stored in pence: "1500000", "1,500,000", "£1,500,000",
//   "1,500,000.00" → 150000000; "12.5" → 1250. Shorthand ("£1.5m", "1.5 million") and more than two
//   decimal places are refused with a message that says what to type instead.
// - Percentages: "3.5", "3.5%", "3.5 %" → 3.5; from 0 to 100.
// - Other numbers (rates per 100,000): "716.9", "1,234.5" → 1234.5; 0 or more.
// - Dates: day, month and year typed separately (the NHS date input); the month may also be a name
//   ("Mar", "March"); all three or none; a real calendar date → ISO "2017-03-15".
// - Financial years: "2017-18", "2017/18", "2017 to 2018", "2017-2018" → "2017-18".

export type Parsed<T> = { ok: true; value: T | undefined } | { ok: false; message: string };

const ok = <T>(value: T | undefined): Parsed<T> => ({ ok: true, value });
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/**
 * Each message names the field when it is given (`what`: "the registered population"), as the
 * GOV.UK error-message pattern asks, so a page with many number fields says which one is wrong;
 * without it, the message stands alone.
 */
export const MESSAGES = {
  wholeNumber: (what?: string) => (what ? `Enter ${what} as a whole number` : "Enter a whole number"),
  wholeNumberFormat: (what?: string) => (what ? `Enter ${what} as a whole number, like 12,000` : "Enter a whole number, like 12,000"),
  notNegative: (what?: string) => (what ? `${capitalise(what)} must be 0 or more` : "Enter a number that is 0 or more"),
  tooBig: (what?: string) => (what ? `Enter a smaller number for ${what}` : "Enter a smaller number"),
  number: (what?: string) => (what ? `Enter ${what} as a number, like 716.9` : "Enter a number, like 716.9"),
  money: (what?: string) => (what ? `Enter ${what} in pounds, like 1,500,000` : "Enter the amount in pounds, like 1,500,000"),
  moneyDecimals: (what?: string) =>
    what
      ? `Enter ${what} in pounds and pence, with no more than 2 decimal places`
      : "Enter pounds and pence with no more than 2 decimal places",
  moneyNegative: (what?: string) => (what ? `${capitalise(what)} must be £0 or more` : "Enter an amount of £0 or more"),
  moneyTooBig: (what?: string) => (what ? `Enter a smaller amount for ${what}` : "Enter a smaller amount"),
  percent: (what?: string) => (what ? `Enter ${what} as a percentage, like 3.5` : "Enter a percentage, like 3.5"),
  percentRange: (what?: string) => (what ? `${capitalise(what)} must be between 0% and 100%` : "Enter a percentage between 0 and 100"),
  financialYear: (what?: string) => (what ? `Enter ${what} like 2017-18` : "Enter a financial year like 2017-18"),
  financialYearOrder: () => "The second year must follow the first, like 2017-18",
  yesNo: () => "Select yes or no",
} as const;

const isBlank = (text: string) => text.trim() === "";

/** Digits, optionally grouped in thousands by commas or spaces: "12,000", "12 000", "12000". */
const INTEGER_PART = String.raw`(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)`;
const DECIMAL = new RegExp(`^(${INTEGER_PART})?(?:\\.(\\d+))?$`);
const MONEY = new RegExp(`^(${INTEGER_PART})(?:\\.(\\d+))?$`);

const digitsOf = (grouped: string) => grouped.replace(/[, ]/g, "");

export function parseWholeNumber(text: string, what?: string): Parsed<number> {
  if (isBlank(text)) return ok(undefined);
  const t = text.trim();
  if (t.startsWith("-") && DECIMAL.test(t.slice(1).trim())) return fail(MESSAGES.notNegative(what));
  const decimal = DECIMAL.exec(t);
  if (!decimal || decimal[1] === undefined) return fail(MESSAGES.wholeNumberFormat(what));
  if (decimal[2] !== undefined && /[1-9]/.test(decimal[2])) return fail(MESSAGES.wholeNumber(what));
  const value = Number(digitsOf(decimal[1]));
  return Number.isSafeInteger(value) ? ok(value) : fail(MESSAGES.tooBig(what));
}

/** A non-negative number that may have decimals, such as a rate per 100,000. */
export function parseDecimal(text: string, what?: string): Parsed<number> {
  if (isBlank(text)) return ok(undefined);
  const t = text.trim();
  if (t.startsWith("-") && DECIMAL.test(t.slice(1).trim())) return fail(MESSAGES.notNegative(what));
  const match = DECIMAL.exec(t);
  if (!match || (match[1] === undefined && match[2] === undefined)) return fail(MESSAGES.number(what));
  const value = Number(`${digitsOf(match[1] ?? "0")}.${match[2] ?? "0"}`);
  return Number.isFinite(value) && value <= Number.MAX_SAFE_INTEGER ? ok(value) : fail(MESSAGES.tooBig(what));
}

/** Pounds as typed → integer pence. Works on the digits, never through floating point. */
export function parsePoundsToPence(text: string, what?: string): Parsed<number> {
  if (isBlank(text)) return ok(undefined);
  let t = text.trim();
  const negative = t.startsWith("-");
  if (negative) t = t.slice(1).trim();
  if (t.startsWith("£")) t = t.slice(1).trim();
  if (!negative && t.startsWith("-")) return fail(MESSAGES.moneyNegative(what));
  const match = MONEY.exec(t);
  if (!match || match[1] === undefined) return fail(MESSAGES.money(what));
  if (negative) return fail(MESSAGES.moneyNegative(what));
  const fraction = match[2] ?? "";
  if (fraction.length > 2) return fail(MESSAGES.moneyDecimals(what));
  const pence = Number(digitsOf(match[1])) * 100 + Number(fraction.padEnd(2, "0"));
  return Number.isSafeInteger(pence) ? ok(pence) : fail(MESSAGES.moneyTooBig(what));
}

export function parsePercent(text: string, what?: string): Parsed<number> {
  if (isBlank(text)) return ok(undefined);
  const t = text.trim().replace(/\s*%$/, "");
  const match = /^(-)?(\d+)?(?:\.(\d+))?$/.exec(t);
  if (!match || (match[2] === undefined && match[3] === undefined)) return fail(MESSAGES.percent(what));
  const value = Number(`${match[1] ?? ""}${match[2] ?? "0"}.${match[3] ?? "0"}`);
  return value >= 0 && value <= 100 ? ok(value) : fail(MESSAGES.percentRange(what));
}

export function parseFinancialYear(text: string, what?: string): Parsed<string> {
  if (isBlank(text)) return ok(undefined);
  const match = /^(\d{4})\s*(?:-|–|\/|to)\s*(\d{4}|\d{2})$/i.exec(text.trim());
  if (!match) return fail(MESSAGES.financialYear(what));
  const first = Number(match[1]);
  const second = match[2] as string;
  const follows = second.length === 4 ? Number(second) === first + 1 : Number(second) === (first + 1) % 100;
  if (!follows) return fail(MESSAGES.financialYearOrder());
  return ok(`${first}-${String((first + 1) % 100).padStart(2, "0")}`);
}

export function parseYesNo(text: string): Parsed<boolean> {
  if (isBlank(text)) return ok(undefined);
  const t = text.trim().toLowerCase();
  if (t === "yes") return ok(true);
  if (t === "no") return ok(false);
  return fail(MESSAGES.yesNo());
}

/** Trimmed text; blank is not answered. `label` names the field in the message. */
export function parseText(text: string, options: { label: string; maxLength: number }): Parsed<string> {
  const t = text.trim();
  if (t === "") return ok(undefined);
  if (t.length > options.maxLength) {
    return fail(`${capitalise(options.label)} must be ${formatWholeNumber(options.maxLength)} characters or fewer`);
  }
  return ok(t);
}

// ---------------------------------------------------------------------------------------------
// Dates

export interface DateParts {
  day?: string | undefined;
  month?: string | undefined;
  year?: string | undefined;
}

const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
] as const;

function monthNumber(text: string): number | undefined {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const name = text.toLowerCase().replace(/\.$/, "");
  if (name.length < 3) return undefined;
  const index = MONTH_NAMES.findIndex((month) => month.startsWith(name) || (name === "sept" && month === "september"));
  return index >= 0 ? index + 1 : undefined;
}

/**
 * The three boxes of an NHS date input → ISO `YYYY-MM-DD`. `label` is what the field is called in
 * messages, as the NHS pattern asks: "Date of early engagement must include a month".
 */
export function parseDateParts(parts: DateParts, label: string): Parsed<string> {
  const day = (parts.day ?? "").trim();
  const month = (parts.month ?? "").trim();
  const year = (parts.year ?? "").trim();
  const name = capitalise(label);
  if (day === "" && month === "" && year === "") return ok(undefined);

  const absent = [day === "" && "day", month === "" && "month", year === "" && "year"].filter((part): part is string => part !== false);
  if (absent.length > 0) return fail(`${name} must include a ${absent.join(" and ")}`);

  const monthValue = monthNumber(month);
  if (!/^\d{1,2}$/.test(day) || monthValue === undefined) return fail(`${name} must be a real date`);
  if (!/^\d+$/.test(year)) return fail(`${name} must be a real date`);
  if (year.length !== 4) return fail(`${name} must include a year with 4 numbers, like 2017`);

  const [d, m, y] = [Number(day), monthValue, Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return fail(`${name} must be a real date`);
  }
  return ok(`${year}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// Formatting stored values for the forms and for reading

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 12000 → "12,000". */
export function formatWholeNumber(value: number): string {
  return groupThousands(String(Math.trunc(value)));
}

/** 1234.5 → "1,234.5". */
export function formatDecimal(value: number): string {
  const [whole = "0", fraction] = String(value).split(".");
  return `${groupThousands(whole)}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** 150000000 pence → "1,500,000"; 150000050 → "1,500,000.50" (what the form shows after "£"). */
export function formatPenceAsPounds(pence: number): string {
  const pounds = groupThousands(String(Math.trunc(pence / 100)));
  const rest = pence % 100;
  return rest === 0 ? pounds : `${pounds}.${String(rest).padStart(2, "0")}`;
}

/** 150000000 pence → "£1,500,000". */
export function formatMoney(pence: number): string {
  return `£${formatPenceAsPounds(pence)}`;
}

/** "2017-03-05" → { day: "5", month: "3", year: "2017" }. */
export function isoToDateParts(iso: string): Required<DateParts> {
  const [year = "", month = "", day = ""] = iso.split("-");
  return { day: String(Number(day)), month: String(Number(month)), year };
}

/** "2017-03-05" → "5 March 2017". */
export function formatDateLong(iso: string): string {
  const { day, month, year } = isoToDateParts(iso);
  const name = MONTH_NAMES[Number(month) - 1] ?? "";
  return `${day} ${capitalise(name)} ${year}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
