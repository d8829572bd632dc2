// Element ids for the fields of a submission, derived from field paths so that any page can link to
// the exact input at fault: the check-your-answers page, a criterion's failure, a reviewer's comment.
//
// The scheme: "f-", then the path's keys and row indexes joined by "-".
//
//   population.registeredPopulation    → f-population-registeredPopulation
//   population.practices[2].listSize   → f-population-practices-2-listSize
//   governance.keyDates.checkpoint1    → f-governance-keyDates-checkpoint1   (the day input)
//
// Keys are camelCase letters and digits and indexes are digits, so two paths never share an id, and
// an id is a valid CSS selector without escaping. Parts of a field that are not fields themselves
// add a suffix after a double hyphen, which no path can produce:
// - a date: the id is the day input's; month and year are `<id>--month` and `<id>--year`;
// - radios and checkboxes: the id is the first option's; the others are `<id>--<value>`;
// - a list of rows (`population.practices`): the id is its "Add another" button;
// - the hint and error message of a field: `<id>--hint`, `<id>--error`.

/** `population.practices[2].listSize` → `f-population-practices-2-listSize`. */
export function fieldId(path: string): string {
  const parts = path
    .replace(/\[(\d*)\]/g, ".$1")
    .split(".")
    .filter((part) => part !== "");
  return `f-${parts.join("-")}`;
}

/** The id of one option of a radio or checkbox group: the first option carries the field's own id. */
export function optionId(path: string, value: string, index: number): string {
  return index === 0 ? fieldId(path) : `${fieldId(path)}--${value}`;
}

export function datePartId(path: string, part: "day" | "month" | "year"): string {
  return part === "day" ? fieldId(path) : `${fieldId(path)}--${part}`;
}

export const hintId = (id: string) => `${id}--hint`;
export const errorId = (id: string) => `${id}--error`;
