// Formatting the criteria's messages use, called from FEEL through engine.ts's helpers. Done by hand
// rather than with Intl/toLocaleString so that messages are identical whatever ICU data the runtime
// carries.

export function isBlank(value: string | undefined | null): boolean {
  return value === undefined || value === null || value.trim() === "";
}

/** 41200 → "41,200". */
export function formatCount(value: number): string {
  const negative = value < 0;
  const [whole = "0", fraction] = Math.abs(value).toString().split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** 12345678 pence → "£123,456.78"; whole pounds drop the pence: "£250,000,000". */
export function formatPence(pence: number): string {
  const pounds = Math.trunc(pence / 100);
  const rest = Math.abs(pence % 100);
  return `£${formatCount(pounds)}${rest === 0 ? "" : `.${rest.toString().padStart(2, "0")}`}`;
}

export function formatPercent(value: number): string {
  return `${formatCount(value)}%`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** "2017-03-01" → "1 March 2017", the GOV.UK date style. */
export function formatDate(isoDate: string): string {
  const year = isoDate.slice(0, 4);
  const month = MONTHS[Number(isoDate.slice(5, 7)) - 1] ?? "";
  const day = Number(isoDate.slice(8, 10));
  return `${day} ${month} ${year}`;
}

const ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

/** Names row `index` of a list for a message: its own name when it has one, else "the third practice". */
export function rowName(index: number, noun: string, name?: string): string {
  if (!isBlank(name)) return name!.trim();
  const word = ORDINAL_WORDS[index];
  return word ? `the ${word} ${noun}` : `${noun} ${index + 1}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
