import { renderToString } from "react-dom/server";
import type { KeepRows } from "../components/DataTable.tsx";

/**
 * Table rows rendered once and kept (decision 006), for tables that ask (`keepRows`): the
 * pipeline's 50 rows of 11 columns, 2,000 elements, were most of its server render. renderToString
 * writes the markers React's hydration reads between adjacent text, exactly as the page's own
 * render would, so the browser hydrates the kept rows as if rendered in place
 * (test/app/kept-rows.test.tsx holds the two to the same markup).
 *
 * A row is kept under the whole of what it is rendered from, so it cannot go stale: a changed
 * version, clock figure, reviewer or action is another key. The least recently used go first once
 * the kept rows pass KEPT_CHARACTERS (about 8 MB of markup: 3,000 pipeline rows).
 */
const KEPT_CHARACTERS = 8_000_000;
const kept = new Map<string, string>();
let keptCharacters = 0;

export const keepRows: KeepRows = (rows) => {
  let html = "";
  for (const row of rows) {
    let fragment = kept.get(row.key);
    if (fragment === undefined) {
      fragment = renderToString(row.render());
      keptCharacters += fragment.length;
      while (keptCharacters > KEPT_CHARACTERS && kept.size > 0) {
        const [oldest, markup] = kept.entries().next().value as [string, string];
        kept.delete(oldest);
        keptCharacters -= markup.length;
      }
    } else {
      // Most recently used last, so the first is always the one to go.
      kept.delete(row.key);
    }
    kept.set(row.key, fragment);
    html += fragment;
  }
  return html;
};

/** How many rows are kept now (for tests). */
export function keptRowCount(): number {
  return kept.size;
}
