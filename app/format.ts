/**
 * Turning stored answers into words for summary lists: money is held in pence, dates as ISO,
 * booleans as true/false. Field names carry their unit (…Pence, …Percent), so formatting follows them.
 */

const money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 0, maximumFractionDigits: 2 });
const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const longDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "registeredPopulation" → "Registered population"; "nhsNumberDataSharing" → "Nhs number data sharing" is fixed below. */
export function labelFor(key: string): string {
  const words = key
    .replace(/Pence$/, "")
    .replace(/Percent$/, " (%)")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/\bnhs\b/g, "NHS")
    .replace(/\bgp\b/g, "GP")
    .replace(/\bods\b/g, "ODS")
    .replace(/\bccg\b/g, "CCG")
    .replace(/\bid\b/g, "ID");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatValue(key: string, value: unknown): string {
  if (value === undefined || value === null || value === "") return "Not answered";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") {
    if (key.endsWith("Pence")) return money.format(value / 100);
    if (key.endsWith("Percent")) return `${number.format(value)}%`;
    return number.format(value);
  }
  if (typeof value === "string") {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return longDate.format(new Date(`${value}T00:00:00Z`));
    return value;
  }
  if (Array.isArray(value)) return value.length === 0 ? "None" : value.map((v) => formatValue(key, v)).join(", ");
  return JSON.stringify(value);
}

export interface SummaryRow {
  fieldPath: string;
  label: string;
  value: string;
}

/** Flattens a section's answers into summary-list rows; repeatable rows become "Practices 1: name" etc. */
export function summaryRows(section: string, data: unknown, prefix = section): SummaryRow[] {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
  const rows: SummaryRow[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === "id") continue;
    const path = `${prefix}.${key}`;
    if (Array.isArray(value) && value.some((v) => v !== null && typeof v === "object")) {
      value.forEach((item, i) => {
        for (const row of summaryRows(section, item, `${path}[${i}]`)) {
          rows.push({ ...row, label: `${labelFor(key)} ${i + 1}: ${row.label.toLowerCase()}` });
        }
      });
      if (value.length === 0) rows.push({ fieldPath: path, label: labelFor(key), value: "None" });
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const row of summaryRows(section, value, path)) rows.push({ ...row, label: `${labelFor(key)}: ${row.label.toLowerCase()}` });
    } else {
      rows.push({ fieldPath: path, label: labelFor(key), value: formatValue(key, value) });
    }
  }
  return rows;
}
