// The fields a criterion's FEEL can name, for administrators writing criteria in the browser (issue 14,
// step 3): each with the label the lead sees on the section's form, its path as FEEL writes it, its
// type, and an example value both as FEEL writes it and as a person reads it. Built from the section
// forms' own descriptions (sections.ts), so a field added to a form is offered here with no second list
// to keep. Also: typing an example's answers as a person would ("£200,000", "1 March 2017") and
// showing them back, and anonymising answers copied from a real submission.
//
// Browser-safe: imports only the form descriptions, the parsers and the vocabulary (no Zod).
import type { ExpressionProblem, FeelType, FieldTypes } from "../../workflows/criteria-data/expression-check.ts";
import type { ExampleAnswer } from "../../workflows/criteria-data/types.ts";
import { SECTION_TITLES, type SectionSlug } from "../../workflows/submission-vocabulary.ts";
import {
  capitalise,
  formatDateLong,
  formatDecimal,
  formatMoney,
  formatWholeNumber,
  MESSAGES,
  type Parsed,
  parseDateParts,
  parseDecimal,
  parseFinancialYear,
  parsePercent,
  parsePoundsToPence,
  parseWholeNumber,
} from "./parse.ts";
import { EDITABLE_SECTIONS, SECTION_FIELDS } from "./sections.ts";
import { type FieldSpec, isValueSpec, type Option, type ValueSpec } from "./spec.ts";

export type { ExpressionProblem, FeelType };

/** A field's kind as an administrator thinks of it. */
export type CriteriaFieldType = "number" | "text" | "yes/no" | "date" | "choice" | "choices" | "checklist" | "group" | "list";

export interface CriteriaField {
  /** As FEEL writes it: "population.registeredPopulation", "population.practices[].listSize". */
  path: string;
  sectionSlug: SectionSlug;
  /** The section's title as the lead sees it: "Population and scope". */
  section: string;
  /** The form's own label, after its group's or list's where nested: "Participating GP practices: List size". */
  label: string;
  type: CriteriaFieldType;
  feelType: FeelType;
  /** For choices, ticked options and checklists: value as stored, label as shown. */
  options?: readonly Option[];
  unit?: "pence" | "%" | "years";
  example: {
    /** As FEEL writes it: `250000`, `"PACS"`, `"2017-03-01"`, `true`. */
    feel: string;
    /** As a person reads it: "£250,000", "Primary and acute care system (PACS)", "1 March 2017". */
    reads: string;
    /** What to know when writing it: "in pence: £250,000 is 25000000". */
    note?: string;
  };
  /** Set by the service rather than typed by the lead (a row's id): named by expressions, rarely worth offering. */
  internal?: boolean;
  /** The form's description of the field; absent for the evidence section, which has no form of fields. */
  spec?: ValueSpec;
}

/** A name every expression sees beside the sections. */
export interface ContextName {
  name: string;
  feelType: FeelType;
  description: string;
  example: string;
}

export const CONTEXT_NAMES: readonly ContextName[] = [
  { name: "checkpoint", feelType: "number", description: "The checkpoint being judged: 1, 2 or 3", example: "2" },
  {
    name: "modelType",
    feelType: "string",
    description: 'The model type, "MCP" or "PACS"; null until the lead chooses one',
    example: '"PACS"',
  },
  {
    name: "reference.footprintCodes",
    feelType: "list",
    description: "Every STP footprint's code, from the reference tables (reference is null when they were not loaded)",
    example: '["E54000007", "E54000016"]',
  },
  {
    name: "reference.vanguardNumbers",
    feelType: "list",
    description: "Every vanguard's number, from the reference tables (reference is null when they were not loaded)",
    example: "[1, 2, 3]",
  },
];

export interface HelperFunction {
  name: string;
  call: string;
  description: string;
}

/** The message helpers engine.ts gives every expression, as an administrator would call them. */
export const HELPER_FUNCTIONS: readonly HelperFunction[] = [
  { name: "formatCount", call: "formatCount(number)", description: 'A number with thousands separated: 41200 gives "41,200"' },
  { name: "formatPence", call: "formatPence(pence)", description: 'Pence as pounds: 25000000 gives "£250,000"' },
  { name: "formatPercent", call: "formatPercent(number)", description: 'A percentage: 3.5 gives "3.5%"' },
  { name: "formatDate", call: "formatDate(date)", description: 'A date as people read it: "2017-03-01" gives "1 March 2017"' },
  {
    name: "rowName",
    call: "rowName(index, noun, name)",
    description: 'Names a row for a message: its own name, or else "the third practice" (index counts from 0)',
  },
  { name: "capitalise", call: "capitalise(text)", description: "The text with its first letter in capitals" },
  { name: "lowerFirst", call: "lowerFirst(text)", description: "The text with its first letter in lower case" },
  { name: "isBlank", call: "isBlank(text)", description: "True when the text is missing or only spaces" },
  { name: "anyBlank", call: "anyBlank(list)", description: "True when any item of the list is missing or only spaces" },
  { name: "numbers", call: "numbers(list)", description: "The numbers in a list, nested lists flattened and everything else left out" },
  {
    name: "strictlyIncreasing",
    call: "strictlyIncreasing(list)",
    description: "True when each date (or text) in the list comes after the one before, blanks left out",
  },
  {
    name: "positions",
    call: "positions(list)",
    description: "The positions of a list's items, counting from 0: [0, 1, 2] for three practices",
  },
];

// ---------------------------------------------------------------------------------------------
// The catalogue

function typeOf(spec: ValueSpec): { type: CriteriaFieldType; feelType: FeelType; unit?: CriteriaField["unit"] } {
  switch (spec.kind) {
    case "wholeNumber":
      return { type: "number", feelType: "number", ...(spec.suffix === "years" ? { unit: "years" as const } : {}) };
    case "money":
      return { type: "number", feelType: "number", unit: "pence" };
    case "percent":
      return { type: "number", feelType: "number", unit: "%" };
    case "decimal":
      return { type: "number", feelType: "number" };
    case "date":
      return { type: "date", feelType: "string" };
    case "yesNo":
      return { type: "yes/no", feelType: "boolean" };
    case "radios":
      return { type: "choice", feelType: spec.numeric ? "number" : "string" };
    case "checkboxes":
      return { type: "choices", feelType: "list" };
    case "checklist":
      return { type: "checklist", feelType: "context" };
    case "group":
      return { type: "group", feelType: "context" };
    case "list":
      return { type: "list", feelType: "list" };
    default:
      return { type: "text", feelType: "string" };
  }
}

// Where the form's hint gives no example ("like 12,000"), one that reads naturally for the kind.
const DEFAULT_EXAMPLES: Partial<Record<ValueSpec["kind"], string>> = {
  wholeNumber: "12,000",
  money: "£250,000",
  percent: "3.5",
  decimal: "716.9",
  date: "1 March 2017",
  financialYear: "2017-18",
  yesNo: "yes",
  text: "Some text",
  textarea: "Some text",
};

const SELECT_EXAMPLES: Record<string, string> = { footprints: "E54000007", evidenceDocuments: "doc-1" };

// Text fields whose example should look like the real thing, by path.
const TEXT_EXAMPLES: Readonly<Record<string, string>> = {
  "about.title": "Dudley multispecialty community provider",
  "about.commissioners[].name": "NHS Dudley CCG",
  "population.practices[].name": "Netherton Health Centre",
  "population.hubs[].name": "North Dudley hub",
  "governance.governingBodyApprovals[].minuteReference": "GB/2017/14",
  "governance.providerBoardApprovals[].minuteReference": "TB/2017/32",
  "governance.providerBoardApprovals[].organisation": "Dudley Group NHS Foundation Trust",
  "outcomes.patientExperienceMeasure": "GP patient survey: involved in decisions about care",
  "evidence.documents[].fileName": "governing-body-minutes.pdf",
  "evidence.documents[].mediaType": "application/pdf",
  "evidence.documents[].sizeBytes": "348160",
  "evidence.documents[].description": "Minutes of the March meeting",
  "evidence.documents[].uploadedAt": "2017-03-02T09:15:00.000Z",
  "evidence.documents[].sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
};

function exampleText(spec: ValueSpec | undefined, path: string): string | undefined {
  if (TEXT_EXAMPLES[path]) return TEXT_EXAMPLES[path];
  if (path.endsWith("[].id")) return "row-1";
  if (!spec) return undefined;
  if (spec.kind === "wholeNumber" && spec.range) return String(Math.min(spec.range.max, Math.max(spec.range.min, 10)));
  if (spec.kind === "radios" || spec.kind === "checkboxes" || spec.kind === "checklist") return spec.options.at(-1)?.value;
  if (spec.kind === "select") return SELECT_EXAMPLES[spec.source];
  // The form's own hint, where it has one: "like 120,000", "like P84001", "Like 2017-18".
  const hinted = /\blike ([£]?[\dA-Z][\d,.A-Z-]*\d)/i.exec(spec.hint ?? "")?.[1];
  return hinted ?? DEFAULT_EXAMPLES[spec.kind];
}

function exampleOf(field: CriteriaField): CriteriaField["example"] {
  const parsed = answerFromText(field, exampleText(field.spec, field.path) ?? "Some text");
  const value: ExampleAnswer | undefined = parsed.ok ? parsed.value : undefined;
  if (field.type === "group" || field.type === "checklist") {
    return { feel: "{…}", reads: "A group of fields", note: `Name its fields, like ${field.path}.${firstChild(field)}` };
  }
  if (field.type === "list")
    return {
      feel: "[…]",
      reads: "A list of rows",
      // FEEL counts rows from 1, field paths (and rowName, positions) from 0: the usual trap.
      note: `count(${field.path}) is how many rows; ${field.path}[1]${firstChild(field) ? `.${firstChild(field)}` : ""} is the first row's (FEEL counts rows from 1, field paths from 0)`,
    };
  if (value === undefined) return { feel: "null", reads: "Not answered" };
  const feel = feelOf(value);
  const reads = answerAsText(field, value);
  if (field.unit === "pence") return { feel, reads, note: `In pence: ${reads} is ${feel}` };
  if (field.type === "date") return { feel, reads, note: "A date is text in the form YYYY-MM-DD, so dates compare in order" };
  if (field.type === "choice") return { feel, reads, note: "Compare with the option's value, not its label" };
  return { feel, reads };
}

function firstChild(field: CriteriaField): string {
  const spec = field.spec;
  if (spec?.kind === "group" || spec?.kind === "list") return spec.fields.find(isValueSpec)?.name ?? "";
  if (spec?.kind === "checklist") return spec.options[0]?.value ?? "";
  return "";
}

function feelOf(value: ExampleAnswer): string {
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function entry(
  sectionSlug: SectionSlug,
  path: string,
  label: string,
  spec: ValueSpec | undefined,
  own: Partial<CriteriaField> & Pick<CriteriaField, "type" | "feelType">,
): CriteriaField {
  const field: CriteriaField = {
    path,
    sectionSlug,
    section: SECTION_TITLES[sectionSlug],
    label,
    ...own,
    ...(spec ? { spec } : {}),
    example: { feel: "null", reads: "" },
  };
  if (spec && (spec.kind === "radios" || spec.kind === "checkboxes" || spec.kind === "checklist")) field.options = spec.options;
  field.example = exampleOf(field);
  return field;
}

function walk(sectionSlug: SectionSlug, fields: readonly FieldSpec[], prefix: string, labelPrefix: string, out: CriteriaField[]) {
  for (const spec of fields) {
    if (!isValueSpec(spec)) continue;
    const path = `${prefix}.${spec.name}`;
    const label = labelPrefix ? `${labelPrefix}: ${spec.label}` : spec.label;
    out.push(entry(sectionSlug, path, label, spec, typeOf(spec)));
    if (spec.kind === "group") walk(sectionSlug, spec.fields, path, label, out);
    if (spec.kind === "list") {
      out.push(
        entry(sectionSlug, `${path}[].id`, `${label}: row identifier`, undefined, { type: "text", feelType: "string", internal: true }),
      );
      walk(sectionSlug, spec.fields, `${path}[]`, label, out);
    }
    if (spec.kind === "checklist") {
      for (const option of spec.options) {
        const yesNo: ValueSpec = { kind: "yesNo", name: option.value, label: option.label };
        out.push(
          entry(sectionSlug, `${path}.${option.value}`, `${label}: ${option.label}`, yesNo, { type: "yes/no", feelType: "boolean" }),
        );
      }
    }
  }
}

// The evidence section has an upload page rather than a form of fields; its documents are written
// whole by the upload (EvidenceDocumentSchema in workflows/submission.ts), and criteria read them to
// check that linked minutes were uploaded.
const SECTION_OPTIONS: readonly Option[] = Object.entries(SECTION_TITLES).map(([value, label]) => ({ value, label }));
function evidenceFields(): CriteriaField[] {
  const documents = "evidence.documents";
  const label = "Uploaded documents";
  return [
    entry("evidence", documents, label, undefined, { type: "list", feelType: "list" }),
    entry("evidence", `${documents}[].id`, `${label}: document identifier`, undefined, {
      type: "text",
      feelType: "string",
      internal: true,
    }),
    entry("evidence", `${documents}[].fileName`, `${label}: File name`, undefined, { type: "text", feelType: "string" }),
    entry("evidence", `${documents}[].mediaType`, `${label}: File type`, undefined, { type: "text", feelType: "string" }),
    entry("evidence", `${documents}[].sizeBytes`, `${label}: Size in bytes`, undefined, { type: "number", feelType: "number" }),
    entry("evidence", `${documents}[].sha256`, `${label}: SHA-256 hash`, undefined, { type: "text", feelType: "string", internal: true }),
    entry(
      "evidence",
      `${documents}[].section`,
      `${label}: Which section does it support?`,
      { kind: "radios", name: "section", label: "Which section does it support?", options: SECTION_OPTIONS },
      { type: "choice", feelType: "string" },
    ),
    entry("evidence", `${documents}[].description`, `${label}: Description`, undefined, { type: "text", feelType: "string" }),
    entry("evidence", `${documents}[].uploadedAt`, `${label}: Uploaded at`, undefined, {
      type: "text",
      feelType: "string",
      internal: true,
    }),
  ];
}

function buildCatalogue(): readonly CriteriaField[] {
  const out: CriteriaField[] = [];
  for (const section of EDITABLE_SECTIONS) walk(section, SECTION_FIELDS[section], section, "", out);
  out.push(...evidenceFields());
  return Object.freeze(out);
}

// ---------------------------------------------------------------------------------------------
// Answers typed as text ⇄ stored values

export type AnswerResult = { ok: true; value: ExampleAnswer } | { ok: false; message: string };

/** How messages name the field: "the registered population", as the form's own messages do. */
function what(field: CriteriaField): string {
  const spec = field.spec;
  if (spec?.messageLabel) return spec.messageLabel;
  const own = spec?.label ?? field.label.split(": ").at(-1) ?? field.label;
  return `the ${own.charAt(0).toLowerCase()}${own.slice(1)}`.replace(/\?$/, "");
}

function fromParsed<T extends ExampleAnswer>(parsed: Parsed<T>, field: CriteriaField): AnswerResult {
  if (!parsed.ok) return parsed;
  return parsed.value === undefined ? { ok: false, message: `Enter ${what(field)}` } : { ok: true, value: parsed.value };
}

function matchOption(options: readonly Option[], text: string): Option | undefined {
  const t = text.trim().toLowerCase();
  return options.find((o) => o.value.toLowerCase() === t) ?? options.find((o) => o.label.toLowerCase() === t);
}

const MONTH_WORDS = /^(\d{1,2})[\s/.-]+([A-Za-z]+\.?|\d{1,2})[\s/.-]+(\d+)$/;

function parseDateText(text: string, field: CriteriaField): AnswerResult {
  const t = text.trim().replace(/,/g, " ").replace(/\s+/g, " ");
  const label = capitalise(field.spec?.messageLabel ?? field.spec?.label ?? field.label);
  if (t === "") return { ok: false, message: `Enter ${label.charAt(0).toLowerCase()}${label.slice(1)}` };
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const parts = iso ? { day: iso[3], month: iso[2], year: iso[1] } : MONTH_WORDS.exec(t);
  if (!parts) return { ok: false, message: `${label} must be a real date, like 1 3 2017 or 1 March 2017` };
  const dateParts = Array.isArray(parts) ? { day: parts[1], month: parts[2], year: parts[3] } : parts;
  return fromParsed(parseDateParts(dateParts, label), field);
}

/**
 * An example's answer typed as a person would, checked and stored as the submission stores it:
 * "200,000" → 200000; money "£200,000" or "200000.50" → pence; "3.5%" → 3.5; "yes"/"no" → true/false;
 * a choice by its value or label (any case) → its value; ticked options separated by commas → their
 * values; "1 3 2017", "1 March 2017" or "2017-03-01" → "2017-03-01". Blank is an error ("Enter …"):
 * an example leaves a field unanswered by not having the answer at all.
 */
export function answerFromText(field: CriteriaField, text: string): AnswerResult {
  const spec = field.spec;
  const about = what(field);
  if (field.type === "group" || field.type === "list" || field.type === "checklist") {
    const parts =
      field.type === "list" ? "each row's fields" : field.type === "checklist" ? "each option, yes or no" : "each of its fields";
    return { ok: false, message: `${capitalise(about)} cannot be answered as a whole: answer ${parts}` };
  }
  switch (spec?.kind) {
    case "wholeNumber": {
      // "10 years", as answerAsText shows a term, reads back as 10.
      const bare = spec.suffix ? text.replace(new RegExp(`\\s*${spec.suffix.replace(/s$/, "")}s?\\s*$`, "i"), "") : text;
      const parsed = fromParsed(parseWholeNumber(bare, about), field);
      if (parsed.ok && spec.range && typeof parsed.value === "number" && (parsed.value < spec.range.min || parsed.value > spec.range.max)) {
        return { ok: false, message: spec.range.message };
      }
      return parsed;
    }
    case "money":
      return fromParsed(parsePoundsToPence(text, about), field);
    case "percent":
      return fromParsed(parsePercent(text, about), field);
    case "decimal":
      return fromParsed(parseDecimal(text, about), field);
    case "financialYear":
      return fromParsed(parseFinancialYear(text, about), field);
    case "date":
      return parseDateText(text, field);
    case "yesNo": {
      const t = text.trim().toLowerCase();
      if (t === "yes" || t === "true") return { ok: true, value: true };
      if (t === "no" || t === "false") return { ok: true, value: false };
      return { ok: false, message: t === "" ? `Select yes or no for ${about}` : MESSAGES.yesNo() };
    }
    case "radios": {
      if (text.trim() === "") return { ok: false, message: `Enter ${about}` };
      const option = matchOption(spec.options, text);
      if (!option) return { ok: false, message: `Enter ${about} as one of: ${spec.options.map((o) => o.value).join(", ")}` };
      return { ok: true, value: spec.numeric ? Number(option.value) : option.value };
    }
    case "checkboxes": {
      const t = text.trim();
      if (t === "") return { ok: false, message: `Enter ${about}, separated by commas, or "none"` };
      if (t.toLowerCase() === "none") return { ok: true, value: [] };
      const values: string[] = [];
      for (const part of t
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "")) {
        const option = matchOption(spec.options, part);
        if (!option) return { ok: false, message: `"${part}" is not one of ${about}: use ${spec.options.map((o) => o.value).join(", ")}` };
        if (values.includes(option.value)) return { ok: false, message: `Enter each of ${about} once` };
        values.push(option.value);
      }
      return { ok: true, value: values };
    }
    case "text": {
      const t = text.trim();
      if (t === "") return { ok: false, message: `Enter ${about}` };
      if (t.length > spec.maxLength)
        return { ok: false, message: `${capitalise(about)} must be ${formatWholeNumber(spec.maxLength)} characters or fewer` };
      if (spec.code) {
        const code = t.toUpperCase();
        return spec.code.pattern.test(code) ? { ok: true, value: code } : { ok: false, message: spec.code.message };
      }
      return { ok: true, value: t };
    }
    case "select": {
      const t = text.trim();
      if (t === "") return { ok: false, message: `Enter ${about}` };
      if (spec.pattern && !spec.pattern.regex.test(t.toUpperCase()))
        return { ok: false, message: `Enter ${about} as a code, like ${SELECT_EXAMPLES[spec.source]}` };
      return { ok: true, value: spec.pattern ? t.toUpperCase() : t };
    }
    default: {
      // Fields without a form (the evidence documents'): numbers or text.
      if (field.feelType === "number") return fromParsed(parseDecimal(text, about), field);
      const t = text.trim();
      return t === "" ? { ok: false, message: `Enter ${about}` } : { ok: true, value: t };
    }
  }
}

/** An answer as a person reads it: "£200,000", "Yes", an option's label, "1 March 2017". */
export function answerAsText(field: CriteriaField, value: ExampleAnswer): string {
  const spec = field.spec;
  // A readonly list: Array.isArray would not narrow it.
  if (typeof value === "object") {
    const options = field.options ?? [];
    return value.length === 0 ? "None" : value.map((v) => options.find((o) => o.value === v)?.label ?? v).join(", ");
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") {
    if (spec?.kind === "radios") return spec.options.find((o) => o.value === String(value))?.label ?? String(value);
    if (field.unit === "pence") return formatMoney(value);
    if (field.unit === "%") return `${formatDecimal(value)}%`;
    if (field.unit === "years") return `${formatWholeNumber(value)} ${value === 1 ? "year" : "years"}`;
    return Number.isInteger(value) ? formatWholeNumber(value) : formatDecimal(value);
  }
  if (field.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDateLong(value);
  if (field.options) return field.options.find((o) => o.value === value)?.label ?? value;
  return value;
}

// ---------------------------------------------------------------------------------------------
// Anonymising answers copied from a real submission

// Names of rows, replaced by the row's noun and number so messages that name a row still read well.
const ROW_NAMES: Readonly<Record<string, string>> = {
  "about.commissioners[].name": "Commissioner",
  "population.practices[].name": "Practice",
  "population.hubs[].name": "Hub",
  "governance.providerBoardApprovals[].organisation": "Provider",
  "governance.governingBodyApprovals[].minuteReference": "Minute",
  "governance.providerBoardApprovals[].minuteReference": "Minute",
  "evidence.documents[].fileName": "Document",
};

// Checked by criteria against the reference lists, and public, so kept as they are.
const KEPT_TEXT = new Set([
  "about.footprintCode",
  "outcomes.metricYears[].financialYear",
  "evidence.documents[].id",
  "evidence.documents[].mediaType",
  "governance.governingBodyApprovals[].evidenceDocumentId",
  "governance.providerBoardApprovals[].evidenceDocumentId",
  "about.commissioners[].id",
  "population.practices[].id",
  "population.hubs[].id",
  "outcomes.metricYears[].id",
  "governance.governingBodyApprovals[].id",
  "governance.providerBoardApprovals[].id",
]);

function rowNumber(path: string): number {
  const index = /\[(\d+)\][^[]*$/.exec(path)?.[1];
  return index === undefined ? 1 : Number(index) + 1;
}

/**
 * Answers with everything that could name a person, a practice or a place replaced: free text by
 * neutral placeholders ("Practice 1", "Hub 2", "Text removed"; blank text stays blank, so "is blank"
 * rules judge it the same), practice ODS codes by made-up codes of the valid pattern (the same code
 * for the same practice, so duplicates stay duplicates). Numbers, dates, yes/no, choices, the
 * footprint code and the vanguard number, which criteria check against reference lists, are kept.
 */
export function anonymiseAnswers(answers: Readonly<Record<string, ExampleAnswer>>): Record<string, ExampleAnswer> {
  const out: Record<string, ExampleAnswer> = {};
  const codes = new Map<string, string>();
  // Row order, so made-up codes run Z00001, Z00002… down the list whatever order the answers came in.
  const paths = Object.keys(answers).sort((a, b) => rowNumber(a) - rowNumber(b) || (a < b ? -1 : 1));
  for (const path of paths) {
    const value = answers[path] as ExampleAnswer;
    const field = fieldForPath(path);
    const pattern = path.replace(/\[\d+\]/g, "[]");
    if (typeof value !== "string" || (field && field.type !== "text") || KEPT_TEXT.has(pattern)) {
      out[path] = value;
      continue;
    }
    if (value.trim() === "") {
      out[path] = value;
    } else if (pattern === "population.practices[].odsCode") {
      const key = value.trim().toUpperCase();
      if (!codes.has(key)) codes.set(key, `Z${String(codes.size + 1).padStart(5, "0")}`);
      out[path] = codes.get(key) as string;
    } else if (pattern === "evidence.documents[].sha256") {
      out[path] = rowNumber(path).toString(16).padStart(64, "0");
    } else if (ROW_NAMES[pattern]) {
      const extension = pattern === "evidence.documents[].fileName" ? (/\.[A-Za-z0-9]{1,5}$/.exec(value)?.[0] ?? "") : "";
      out[path] = `${ROW_NAMES[pattern]} ${rowNumber(path)}${extension}`;
    } else if (pattern === "about.title") {
      out[path] = "Example proposal";
    } else {
      out[path] = "Text removed";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Built last: building it parses each hint with the answer parsers above.

/** Every field an expression can name, in the forms' order, section by section. */
export const CRITERIA_FIELDS: readonly CriteriaField[] = buildCatalogue();

const BY_PATH: ReadonlyMap<string, CriteriaField> = new Map(CRITERIA_FIELDS.map((field) => [field.path, field]));

/**
 * The catalogue entry for a path, with or without row indexes:
 * "population.practices[2].listSize" and "population.practices[].listSize" give the same entry.
 */
export function fieldForPath(path: string): CriteriaField | undefined {
  return BY_PATH.get(path.trim().replace(/\[\d+\]/g, "[]"));
}

/** The fields' FEEL types, as the expression checker takes them (workflows/criteria-data/expression-check.ts). */
export const CRITERIA_FIELD_TYPES: FieldTypes["fields"] = Object.freeze(
  Object.fromEntries(
    CRITERIA_FIELDS.map((field) => [
      field.path,
      {
        type: field.feelType,
        label: field.label,
        ...(field.type === "date" ? { date: true } : {}),
        ...(field.type === "choices" ? { items: "string" as const } : {}),
        ...(field.type === "choice" && field.options ? { options: field.options.map((o) => o.value) } : {}),
      },
    ]),
  ),
);

export type { ExampleAnswer };
