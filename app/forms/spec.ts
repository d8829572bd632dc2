// A section's form described once, as data: which fields it has, what kind each is, and its label
// and hint. From that one description come the section's Zod form schema (form-schema.ts, shared by
// Conform in the browser and the action on the server), the values the form starts with, the page's
// inputs (app/components/form/), the read-only answers, and where a link to a field path should land.
// The names match the section schemas in workflows/submission.ts, so a form field's name is its
// field path within the section.
import { fieldId, optionId } from "./field-id.ts";
import { formatDecimal, formatPenceAsPounds, formatWholeNumber, isoToDateParts } from "./parse.ts";

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

/** Lists a select takes from the database, passed to the page by the loader. */
export type SelectSource = "footprints" | "evidenceDocuments";
export type SelectOptions = Partial<Record<SelectSource, Option[]>>;

export type InputWidth = 2 | 3 | 4 | 5 | 10 | 20 | 30;

interface Base {
  name: string;
  label: string;
  hint?: string;
  /**
   * How error messages name the field ("Enter the registered population as a whole number"), where
   * "the" and the label in lower case would read badly (`messageLabel` in form-schema.ts).
   */
  messageLabel?: string;
}

export type FieldSpec =
  | (Base & {
      kind: "text";
      maxLength: number;
      width?: InputWidth;
      /** Stored upper case and checked against a pattern, like an ODS code. */
      code?: { pattern: RegExp; message: string };
      autoComplete?: string;
    })
  | (Base & { kind: "textarea"; maxLength: number })
  | (Base & { kind: "wholeNumber"; range?: { min: number; max: number; message: string }; suffix?: string; width?: InputWidth })
  | (Base & { kind: "money" })
  | (Base & { kind: "percent" })
  | (Base & { kind: "decimal" })
  /** `messageLabel` names the date in its error messages ("Date of early engagement must include a month"). */
  | (Base & { kind: "date" })
  | (Base & { kind: "financialYear" })
  | (Base & { kind: "yesNo" })
  | (Base & { kind: "radios"; options: readonly Option[]; numeric?: boolean; inline?: boolean })
  /** Several of a list, stored as an array of the chosen values. */
  | (Base & { kind: "checkboxes"; options: readonly Option[] })
  /**
   * A checklist stored as an object of booleans (`{ earlyDischargePlanning: true, ... }`). Ticking
   * any box answers the whole list (the rest become false); "none" answers it with all false;
   * ticking nothing leaves it unanswered.
   */
  | (Base & { kind: "checklist"; options: readonly Option[]; noneLabel: string })
  | (Base & { kind: "select"; source: SelectSource; emptyLabel: string; pattern?: { regex: RegExp; message: string } })
  /** A nested object, shown as a fieldset. */
  | (Base & { kind: "group"; fields: readonly FieldSpec[] })
  /** Repeatable rows, each with a stable hidden `id`; `noun` names one row ("practice"). */
  | (Base & { kind: "list"; noun: string; fields: readonly FieldSpec[] })
  /** Not a field: a heading between fields. */
  | { kind: "heading"; text: string; name?: undefined };

export type ValueSpec = Exclude<FieldSpec, { kind: "heading" }>;

export function isValueSpec(spec: FieldSpec): spec is ValueSpec {
  return spec.kind !== "heading";
}

export const NONE = "none";

// ---------------------------------------------------------------------------------------------
// Stored value → what the form shows

type FormValue = string | string[] | FormValues | FormValues[] | undefined;
export interface FormValues {
  [name: string]: FormValue;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function formValueOf(spec: ValueSpec, value: unknown): FormValue {
  if (value === undefined || value === null) {
    // An empty list starts with one blank row to fill in; a blank row is not saved.
    return spec.kind === "list" ? [{}] : undefined;
  }
  switch (spec.kind) {
    case "text":
    case "textarea":
    case "financialYear":
    case "select":
      return typeof value === "string" ? value : undefined;
    case "wholeNumber":
      return typeof value === "number" ? formatWholeNumber(value) : undefined;
    case "money":
      return typeof value === "number" ? formatPenceAsPounds(value) : undefined;
    case "percent":
      return typeof value === "number" ? String(value) : undefined;
    case "decimal":
      return typeof value === "number" ? formatDecimal(value) : undefined;
    case "date":
      return typeof value === "string" ? { ...isoToDateParts(value) } : undefined;
    case "yesNo":
      return value === true ? "yes" : value === false ? "no" : undefined;
    case "radios":
      return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
    case "checkboxes":
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
    case "checklist": {
      if (!isRecord(value)) return undefined;
      const answers = spec.options.map((o) => value[o.value]);
      if (answers.every((a) => a === false)) return [NONE];
      return spec.options.filter((o) => value[o.value] === true).map((o) => o.value);
    }
    case "group":
      return isRecord(value) ? toFormValues(spec.fields, value) : undefined;
    case "list": {
      const rows = Array.isArray(value) ? value.filter(isRecord) : [];
      if (rows.length === 0) return [{}];
      return rows.map((row) => ({
        ...(typeof row.id === "string" ? { id: row.id } : {}),
        ...toFormValues(spec.fields, row),
      }));
    }
  }
}

/** A section's saved value as the strings its form starts with (pence as pounds, dates as three boxes). */
export function toFormValues(fields: readonly FieldSpec[], value: unknown): FormValues {
  const source = isRecord(value) ? value : {};
  const out: FormValues = {};
  for (const spec of fields) {
    if (!isValueSpec(spec)) continue;
    const formValue = formValueOf(spec, source[spec.name]);
    if (formValue !== undefined) out[spec.name] = formValue;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Where a link to a field path lands

type Segment = string | number;

function segmentsOf(path: string): Segment[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "")
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(value: unknown, segments: readonly Segment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<Segment, unknown>)[segment];
  }
  return current;
}

/**
 * The id of the element a link to `path` should focus (see field-id.ts), for paths that name more
 * or less than one input: `population.servicesInScope[1]` (the second service *chosen*) lands on
 * that service's checkbox, and a checklist's own path on its first box. `content` is the section's
 * saved value, to look up chosen values by position.
 */
export function anchorFor(section: string, fields: readonly FieldSpec[], path: string, content?: unknown): string {
  const segments = segmentsOf(path);
  if (segments[0] !== section) return fieldId(path);
  let specs: readonly FieldSpec[] = fields;
  for (let i = 1; i < segments.length; i += 1) {
    const segment = segments[i];
    const spec = specs.find((s): s is ValueSpec => isValueSpec(s) && s.name === segment);
    if (!spec) break;
    const here = segments.slice(0, i + 1);
    const herePath = pathOf(here);
    const rest = segments.slice(i + 1);
    if (spec.kind === "checkboxes") {
      if (typeof rest[0] !== "number") return fieldId(herePath);
      const chosen = valueAt(content, here.slice(1));
      const value = Array.isArray(chosen) ? chosen[rest[0]] : undefined;
      const index = spec.options.findIndex((o) => o.value === value);
      return index >= 0 ? optionId(herePath, String(value), index) : fieldId(herePath);
    }
    if (spec.kind === "checklist") {
      const key = typeof rest[0] === "string" ? rest[0] : spec.options[0]?.value;
      return fieldId(`${herePath}.${key}`);
    }
    // A whole group, or one whole row of a list, lands on its first answer: a fieldset takes no focus.
    const first = spec.kind === "group" || spec.kind === "list" ? spec.fields.find(isValueSpec) : undefined;
    if (spec.kind === "group" && rest.length === 0 && first) return anchorFor(section, fields, `${herePath}.${first.name}`, content);
    if (spec.kind === "list" && rest.length === 1 && typeof rest[0] === "number" && first) {
      return anchorFor(section, fields, `${herePath}[${rest[0]}].${first.name}`, content);
    }
    if (spec.kind === "group") {
      specs = spec.fields;
    } else if (spec.kind === "list" && typeof rest[0] === "number") {
      specs = spec.fields;
      i += 1;
    } else {
      break;
    }
  }
  return fieldId(path);
}

function pathOf(segments: readonly Segment[]): string {
  return segments.reduce<string>((out, s, i) => (typeof s === "number" ? `${out}[${s}]` : i === 0 ? s : `${out}.${s}`), "");
}

// ---------------------------------------------------------------------------------------------
// Row ids

/**
 * Gives every row of every list an id, keeping the ids rows already have. New rows get theirs
 * from the "Add another" button; this catches rows that came without one (the blank row a page
 * starts with, or rows saved before ids existed), so that versions can be compared row by row.
 */
export function assignRowIds(fields: readonly FieldSpec[], value: unknown, makeId: () => string): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const spec of fields) {
    if (!isValueSpec(spec)) continue;
    const current = out[spec.name];
    if (spec.kind === "group") out[spec.name] = assignRowIds(spec.fields, current, makeId);
    if (spec.kind === "list" && Array.isArray(current)) {
      out[spec.name] = current.map((row) =>
        isRecord(row) ? { id: typeof row.id === "string" ? row.id : makeId(), ...(assignRowIds(spec.fields, row, makeId) as object) } : row,
      );
    }
  }
  return out;
}
