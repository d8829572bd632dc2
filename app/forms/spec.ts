// A section's form described once, as data: which fields it has, what kind each is, and its label
// and hint. From that one description come the section's Zod form schema (shared by Conform in the
// browser and the action on the server), the values the form starts with, the page's inputs
// (app/components/form/), the read-only answers, and where a link to a field path should land.
// The names match the section schemas in workflows/submission.ts, so a form field's name is its
// field path within the section.
import { z } from "zod";
import { fieldId, optionId } from "./field-id.ts";
import {
  formatDecimal,
  formatPenceAsPounds,
  formatWholeNumber,
  isoToDateParts,
  type Parsed,
  parseDateParts,
  parseDecimal,
  parseFinancialYear,
  parsePercent,
  parsePoundsToPence,
  parseText,
  parseWholeNumber,
  parseYesNo,
} from "./parse.ts";

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
  | (Base & { kind: "date"; messageLabel?: string })
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
// The Zod form schema

const ONE_ANSWER = "Enter one answer";
const CHOOSE_FROM_LIST = "Select one of the options";
const ROW_ID = /^[A-Za-z0-9_-]{1,100}$/;

function report(ctx: z.RefinementCtx<unknown>, input: unknown, message: string): typeof z.NEVER {
  ctx.issues.push({ code: "custom", message, input });
  return z.NEVER;
}

/** One text box's value → its typed value, by `convert`; blank → undefined. */
function scalar<T>(convert: (text: string) => Parsed<T>) {
  return z
    .unknown()
    .transform((input, ctx): T | undefined => {
      if (input === undefined || input === null) return undefined;
      if (typeof input !== "string") return report(ctx, input, ONE_ANSWER);
      const parsed = convert(input);
      return parsed.ok ? parsed.value : report(ctx, input, parsed.message);
    })
    .optional();
}

function asList(input: unknown): unknown[] {
  if (input === undefined || input === null || input === "") return [];
  return Array.isArray(input) ? input : [input];
}

const withoutUndefined = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

function schemaFor(spec: ValueSpec): z.ZodType {
  switch (spec.kind) {
    case "text":
      return scalar((text) => {
        const parsed = parseText(text, { label: spec.label, maxLength: spec.maxLength });
        if (!parsed.ok || parsed.value === undefined || !spec.code) return parsed;
        const code = parsed.value.replace(/\s+/g, "").toUpperCase();
        return spec.code.pattern.test(code) ? { ok: true, value: code } : { ok: false, message: spec.code.message };
      });
    case "textarea":
      return scalar((text) => parseText(text, { label: spec.label, maxLength: spec.maxLength }));
    case "wholeNumber":
      return scalar((text) => {
        const parsed = parseWholeNumber(text);
        const { range } = spec;
        if (!parsed.ok || parsed.value === undefined || !range) return parsed;
        return parsed.value >= range.min && parsed.value <= range.max ? parsed : { ok: false, message: range.message };
      });
    case "money":
      return scalar(parsePoundsToPence);
    case "percent":
      return scalar(parsePercent);
    case "decimal":
      return scalar(parseDecimal);
    case "financialYear":
      return scalar(parseFinancialYear);
    case "yesNo":
      return scalar(parseYesNo);
    case "radios":
      return scalar((text): Parsed<string | number> => {
        if (text === "") return { ok: true, value: undefined };
        if (!spec.options.some((o) => o.value === text)) return { ok: false, message: CHOOSE_FROM_LIST };
        return { ok: true, value: spec.numeric ? Number(text) : text };
      });
    case "select":
      return scalar((text): Parsed<string> => {
        const value = text.trim();
        if (value === "") return { ok: true, value: undefined };
        if (spec.pattern && !spec.pattern.regex.test(value)) return { ok: false, message: spec.pattern.message };
        return value.length <= 100 ? { ok: true, value } : { ok: false, message: CHOOSE_FROM_LIST };
      });
    case "date":
      return z
        .unknown()
        .transform((input, ctx): string | undefined => {
          if (input === undefined || input === null || input === "") return undefined;
          if (typeof input !== "object" || Array.isArray(input)) return report(ctx, input, ONE_ANSWER);
          const parts = input as Record<string, unknown>;
          const part = (key: string) => (typeof parts[key] === "string" ? (parts[key] as string) : undefined);
          const parsed = parseDateParts({ day: part("day"), month: part("month"), year: part("year") }, spec.messageLabel ?? spec.label);
          return parsed.ok ? parsed.value : report(ctx, input, parsed.message);
        })
        .optional();
    case "checkboxes":
      return z
        .unknown()
        .transform((input, ctx): string[] | undefined => {
          const chosen = asList(input);
          if (chosen.some((v) => typeof v !== "string" || !spec.options.some((o) => o.value === v))) {
            return report(ctx, input, CHOOSE_FROM_LIST);
          }
          const values = [...new Set(chosen as string[])];
          // Kept in the order of the options, so that saving twice stores the same thing.
          return values.length === 0 ? undefined : spec.options.map((o) => o.value).filter((v) => values.includes(v));
        })
        .optional();
    case "checklist":
      return z
        .unknown()
        .transform((input, ctx): Record<string, boolean> | undefined => {
          const chosen = asList(input);
          if (chosen.some((v) => typeof v !== "string" || (v !== NONE && !spec.options.some((o) => o.value === v)))) {
            return report(ctx, input, CHOOSE_FROM_LIST);
          }
          if (chosen.length === 0) return undefined;
          if (chosen.includes(NONE) && chosen.length > 1) {
            return report(ctx, input, `Select the changes you will make, or select ‘${spec.noneLabel}’, not both`);
          }
          return Object.fromEntries(spec.options.map((o) => [o.value, chosen.includes(o.value)]));
        })
        .optional();
    case "group":
      return objectSchema(spec.fields)
        .optional()
        .transform((value) => (value && Object.keys(value).length > 0 ? value : undefined));
    case "list": {
      const row = z.object({ id: rowIdSchema }).extend(shapeOf(spec.fields)).transform(withoutUndefined);
      return z
        .array(row)
        .optional()
        .transform((rows) => {
          // A row left completely blank is not a row: the page offers an empty one to fill in.
          const kept = (rows ?? []).filter((r) => Object.keys(r).some((key) => key !== "id"));
          return kept.length > 0 ? kept : undefined;
        });
    }
  }
}

const rowIdSchema = scalar((text): Parsed<string> => {
  if (text === "") return { ok: true, value: undefined };
  return ROW_ID.test(text) ? { ok: true, value: text } : { ok: false, message: "Reload the page and try again" };
});

function shapeOf(fields: readonly FieldSpec[]): Record<string, z.ZodType> {
  return Object.fromEntries(fields.filter(isValueSpec).map((spec) => [spec.name, schemaFor(spec)]));
}

function objectSchema(fields: readonly FieldSpec[]) {
  return z.object(shapeOf(fields)).transform(withoutUndefined);
}

/**
 * The Zod schema for a section's form: strings in (as Conform reads them from the form), the
 * section's typed value out. Use with `parseWithZod(formData, { schema, disableAutoCoercion: true })`:
 * the parsers here do the coercion, more forgivingly than Conform's.
 */
export function formSchemaFor(fields: readonly FieldSpec[]) {
  return objectSchema(fields);
}

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
  return segments.reduce<string>(
    (out, s, i) => (typeof s === "number" ? `${out}[${s}]` : i === 0 ? s : `${out}.${s}`),
    "",
  );
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
