// The Zod schema of a section's form, built from its description (spec.ts): strings in, as Conform
// reads them from the form, the section's typed value out. The parsers in parse.ts do the coercion.
// The action parses every post with it; the section page loads it after hydration to check in the
// browser (app/forms/section-schemas.ts), so Zod is not part of the page's first download.
import { z } from "zod";
import {
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
import { type FieldSpec, isValueSpec, NONE, type ValueSpec } from "./spec.ts";

const ONE_ANSWER = "Enter one answer";
const CHOOSE_FROM_LIST = "Select one of the options";
const ROW_ID = /^[A-Za-z0-9_-]{1,100}$/;

function report(ctx: z.RefinementCtx<unknown>, input: unknown, message: string): typeof z.NEVER {
  ctx.issues.push({ code: "custom", message, input });
  return z.NEVER;
}

/**
 * One text box's value → its typed value, by `convert`; blank → undefined. `maxLength`, when the
 * answer is text, is recorded as the schema's metadata, so a form sent back with errors echoes no
 * more of it than could be saved (app/.server/forms.ts clipToSchema).
 */
function scalar<T>(convert: (text: string) => Parsed<T>, maxLength?: number) {
  const schema = z
    .unknown()
    .transform((input, ctx): T | undefined => {
      if (input === undefined || input === null) return undefined;
      if (typeof input !== "string") return report(ctx, input, ONE_ANSWER);
      const parsed = convert(input);
      return parsed.ok ? parsed.value : report(ctx, input, parsed.message);
    })
    .optional();
  return maxLength === undefined ? schema : schema.meta({ maxLength });
}

function asList(input: unknown): unknown[] {
  if (input === undefined || input === null || input === "") return [];
  return Array.isArray(input) ? input : [input];
}

const withoutUndefined = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

/**
 * How a field is named inside its error messages: its own `messageLabel`, or "the" and its label
 * in lower case without a trailing note in brackets ("Vanguard number (optional)" → "the vanguard
 * number"); an initialism keeps its capitals ("GP practices…").
 */
export function messageLabel(spec: { label: string; messageLabel?: string | undefined }): string {
  if (spec.messageLabel) return spec.messageLabel;
  const label = spec.label.replace(/\s*\([^)]*\)$/, "");
  const initialism = /^[A-Z]{2}/.test(label);
  return `the ${initialism ? label : label.charAt(0).toLowerCase() + label.slice(1)}`;
}

/**
 * Names the row in each error of a row of a list, in place: the field's name in the message
 * ("the list size", as `messageLabel` gave it) gains its row ("the list size of practice 2"), so
 * the error summary, where several rows' errors sit together, says which is which. The row schema
 * is one for every row, so its parsers cannot know their row; the error's path does. Messages that
 * do not name their field ("Select one of the options") are left as they are.
 */
export function nameRowsInErrors(errors: Record<string, string[] | null | undefined>, fields: readonly FieldSpec[]): void {
  for (const [path, messages] of Object.entries(errors)) {
    if (!messages || !path.includes("[")) continue;
    let specs = fields;
    let spec: ValueSpec | undefined;
    let row: string | undefined;
    for (const [, key, index] of path.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)) {
      if (key !== undefined) {
        spec = specs.filter(isValueSpec).find((s) => s.name === key);
        specs = spec && (spec.kind === "list" || spec.kind === "group") ? spec.fields : [];
      } else if (spec?.kind === "list") {
        row = `${spec.noun} ${Number(index) + 1}`;
      }
    }
    // A field named as its row is ("the financial year" of "financial year 1") says it already.
    if (!spec || !row || row.startsWith(`${spec.label.toLowerCase()} `)) continue;
    const names = [messageLabel(spec), spec.messageLabel ?? spec.label];
    errors[path] = messages.map((message) => {
      const name = names.find((n) => message.includes(n));
      return name ? message.replace(name, `${name} of ${row}`) : message;
    });
  }
}

function schemaFor(spec: ValueSpec): z.ZodType {
  switch (spec.kind) {
    case "text":
      return scalar((text) => {
        const parsed = parseText(text, { label: spec.label, maxLength: spec.maxLength });
        if (!parsed.ok || parsed.value === undefined || !spec.code) return parsed;
        const code = parsed.value.replace(/\s+/g, "").toUpperCase();
        return spec.code.pattern.test(code) ? { ok: true, value: code } : { ok: false, message: spec.code.message };
      }, spec.maxLength);
    case "textarea":
      return scalar((text) => parseText(text, { label: spec.label, maxLength: spec.maxLength }), spec.maxLength);
    case "wholeNumber":
      return scalar((text) => {
        const parsed = parseWholeNumber(text, messageLabel(spec));
        const { range } = spec;
        if (!parsed.ok || parsed.value === undefined || !range) return parsed;
        return parsed.value >= range.min && parsed.value <= range.max ? parsed : { ok: false, message: range.message };
      });
    case "money":
      return scalar((text) => parsePoundsToPence(text, messageLabel(spec)));
    case "percent":
      return scalar((text) => parsePercent(text, messageLabel(spec)));
    case "decimal":
      return scalar((text) => parseDecimal(text, messageLabel(spec)));
    case "financialYear":
      return scalar((text) => parseFinancialYear(text, messageLabel(spec)));
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
