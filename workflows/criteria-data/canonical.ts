/**
 * JSON with every object's keys sorted and no spaces: the same value always gives the same text,
 * whatever order its keys were written in. A set's content hash is taken over it
 * (db/criteria-sets.ts), and two versions of a criterion compare by it (compare.ts). The migration
 * that inserted the shipped sets keeps a frozen copy of its own.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
