import { data } from "react-router";

/**
 * The highest list position a posted field name may use (`practices[999].name`). Conform turns
 * field names into arrays, so a forged `practices[99999999].name` would make the server build an
 * array of a hundred million entries for one request: seconds of work, gigabytes of memory, and
 * with a few of them the process runs out. No list on any form comes near this many rows.
 */
export const MAX_LIST_INDEX = 999;

const UNREADABLE = "The form could not be read. Go back to the page and try again.";

/**
 * Refuses (400) a post whose field names, or whose add/remove/reorder intent, point past
 * MAX_LIST_INDEX. Call it on every form that Conform parses, before parsing.
 */
export function requireReadableForm(formData: FormData): FormData {
  for (const name of new Set(formData.keys())) {
    for (const [, index] of name.matchAll(/\[(\d+)\]/g)) {
      if (index!.length > 4 || Number(index) > MAX_LIST_INDEX) throw data(UNREADABLE, { status: 400 });
    }
  }
  const intent = formData.get("__intent__");
  if (typeof intent === "string" && /"(index|from|to)"\s*:\s*-?\d{4,}/.test(intent)) {
    const payload = safeJson(intent);
    const positions = [payload?.index, payload?.from, payload?.to].filter((n) => n !== undefined);
    if (positions.some((n) => typeof n !== "number" || Math.abs(n) > MAX_LIST_INDEX)) throw data(UNREADABLE, { status: 400 });
  }
  return formData;
}

function safeJson(text: string): { index?: unknown; from?: unknown; to?: unknown } | null {
  try {
    const value = JSON.parse(text) as { payload?: { index?: unknown; from?: unknown; to?: unknown } };
    return value?.payload ?? null;
  } catch {
    return null;
  }
}
