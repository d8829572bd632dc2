// Stored answers in the words of the form that asked for them: the one place a field path or a
// stored value becomes something a person reads. Labels and option labels come from the section
// specs (sections.ts), so check your answers, the section page's read-only view, the review
// workspace, the field pickers, the versions diff, the decision record and the CSV all say
// "Contract option: Fully integrated", never "contractOption fully_integrated".
//
// Repeated rows read as the NHS "check your answers" pattern shows them: a small table when each
// row is a few plain answers (practices, hubs, commissioners, approvals, documents), a summary card
// per row otherwise (metric years, whose rows hold a baseline and a plan for each metric).
import { formatDateTime, formatFileSize } from "../../workflows/submission-vocabulary.ts";
import { type Change, type ChangeKind, diffContent } from "../../workflows/diff.ts";
import { SECTION_SLUGS, SECTION_TITLES, type SectionSlug, type SubmissionContent, sectionOfFieldPath } from "../../workflows/submission.ts";
import { capitalise, formatDateLong, formatDecimal, formatMoney, formatWholeNumber } from "./parse.ts";
import { SECTION_FIELDS } from "./sections.ts";
import { type FieldSpec, isValueSpec, type Option, type SelectOptions, type ValueSpec } from "./spec.ts";

/** Fields only ever shown, never asked: what the service records about an uploaded document. */
type ShownSpec = { kind: "fileSize" | "dateTime"; name: string; label: string };
type AnswerSpec = ValueSpec | ShownSpec;
type AnyFieldSpec = FieldSpec | ShownSpec;

const MEDIA_TYPES: Option[] = [
  { value: "application/pdf", label: "PDF" },
  { value: "application/msword", label: "Word (.doc)" },
  { value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", label: "Word (.docx)" },
  { value: "application/vnd.ms-excel", label: "Excel (.xls)" },
  { value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", label: "Excel (.xlsx)" },
];

// The evidence page is an upload, not a spec-driven form, so its fields are described here.
const EVIDENCE_FIELDS: readonly AnyFieldSpec[] = [
  {
    kind: "list",
    name: "documents",
    noun: "document",
    label: "Documents",
    fields: [
      { kind: "text", name: "fileName", label: "File", maxLength: 255 },
      {
        kind: "radios",
        name: "section",
        label: "Section it supports",
        options: SECTION_SLUGS.map((slug) => ({ value: slug, label: SECTION_TITLES[slug] })),
      },
      { kind: "text", name: "description", label: "Description", maxLength: 300 },
      { kind: "radios", name: "mediaType", label: "Type", options: MEDIA_TYPES },
      { kind: "fileSize", name: "sizeBytes", label: "Size" } as unknown as FieldSpec,
      { kind: "dateTime", name: "uploadedAt", label: "Uploaded" } as unknown as FieldSpec,
    ],
  },
];

function specsOf(section: SectionSlug): readonly AnyFieldSpec[] {
  return section === "evidence" ? EVIDENCE_FIELDS : SECTION_FIELDS[section];
}

const NOT_ANSWERED = "Not answered";

type Row = Record<string, unknown>;
const isRecord = (value: unknown): value is Row => typeof value === "object" && value !== null && !Array.isArray(value);

/** What the answers of a submission refer to that is not in the answers: footprint names. */
export interface AnswerLookups {
  footprints?: readonly Option[];
}

function selectOptionsOf(content: SubmissionContent | undefined, lookups: AnswerLookups): SelectOptions {
  return {
    footprints: lookups.footprints ? [...lookups.footprints] : [],
    evidenceDocuments: (content?.evidence?.documents ?? []).map((d) => ({ value: d.id, label: d.fileName })),
  };
}

/** One answer as the page shows it: £ from pence, "1 April 2017", "Yes", an option's label. */
export function answerText(spec: AnswerSpec, value: unknown, selectOptions: SelectOptions = {}): string {
  if (value === undefined || value === null || value === "") return NOT_ANSWERED;
  switch (spec.kind) {
    case "wholeNumber":
      return typeof value === "number" ? `${formatWholeNumber(value)}${spec.suffix ? ` ${spec.suffix}` : ""}` : NOT_ANSWERED;
    case "money":
      return typeof value === "number" ? formatMoney(value) : NOT_ANSWERED;
    case "percent":
      return typeof value === "number" ? `${formatDecimal(value)}%` : NOT_ANSWERED;
    case "decimal":
      return typeof value === "number" ? formatDecimal(value) : NOT_ANSWERED;
    case "date":
      return typeof value === "string" ? formatDateLong(value) : NOT_ANSWERED;
    case "dateTime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? formatDateTime(value) : NOT_ANSWERED;
    case "fileSize":
      return typeof value === "number" ? formatFileSize(value) : NOT_ANSWERED;
    case "yesNo":
      return value === true ? "Yes" : value === false ? "No" : NOT_ANSWERED;
    case "radios":
      return spec.options.find((o) => o.value === String(value))?.label ?? String(value);
    case "checkboxes":
      return Array.isArray(value) && value.length > 0
        ? value.map((v) => spec.options.find((o) => o.value === v)?.label ?? String(v)).join(", ")
        : NOT_ANSWERED;
    case "checklist": {
      const answers = isRecord(value) ? value : {};
      const chosen = spec.options.filter((o) => answers[o.value] === true).map((o) => o.label);
      if (chosen.length > 0) return chosen.join(", ");
      return spec.options.every((o) => answers[o.value] === false) ? spec.noneLabel : NOT_ANSWERED;
    }
    case "select": {
      const chosen = (selectOptions[spec.source] ?? []).find((o) => o.value === value)?.label;
      if (chosen) return chosen;
      // A footprint code is a code by nature; a document id is not, and its document has gone.
      return spec.source === "evidenceDocuments" ? "A document since removed" : String(value);
    }
    case "group":
    case "list":
      return NOT_ANSWERED;
    default:
      return typeof value === "string" ? value : NOT_ANSWERED;
  }
}

// ---------------------------------------------------------------------------------------------
// A field path in words

type ListSpec = Extract<ValueSpec, { kind: "list" }>;

function findSpec(specs: readonly AnyFieldSpec[], name: string): AnswerSpec | undefined {
  return specs.find((s): s is AnswerSpec => s.kind !== "heading" && s.name === name);
}

/** "Practice 3 (Church Street Surgery)": a row named by its noun, place and first answer. */
function rowName(list: ListSpec, row: unknown, index: number, selectOptions: SelectOptions): string {
  const noun = capitalise(list.noun);
  const first = list.fields.find(isValueSpec);
  const value = isRecord(row) && first ? row[first.name] : undefined;
  const shown = first && value !== undefined && value !== null && value !== "" ? answerText(first, value, selectOptions) : "";
  return shown && shown !== NOT_ANSWERED ? `${noun} ${index + 1} (${shown})` : `${noun} ${index + 1}`;
}

interface Resolved {
  /** Each step's words: a question's label, or a row's name in place of its list's label. */
  labels: string[];
  /** The spec the path ends on (undefined for a whole section or a key no form asks). */
  spec: AnswerSpec | undefined;
}

function resolve(fieldPath: string, content: SubmissionContent | undefined, lookups: AnswerLookups = {}): Resolved {
  const selectOptions = selectOptionsOf(content, lookups);
  const steps = [...fieldPath.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)];
  const section = steps[0]?.[1] as SectionSlug | undefined;
  if (!section || !(SECTION_SLUGS as readonly string[]).includes(section)) return { labels: [fieldPath], spec: undefined };
  let specs: readonly AnyFieldSpec[] = specsOf(section);
  let node: unknown = content?.[section];
  let spec: AnswerSpec | undefined;
  const labels: string[] = [];
  for (const [, key, index] of steps.slice(1)) {
    if (key !== undefined) {
      // One item of a checklist ("enablers.highImpactChanges.patientFlowMonitoring"): a yes or no.
      const item = spec?.kind === "checklist" ? spec.options.find((o) => o.value === key) : undefined;
      if (item) {
        spec = { kind: "yesNo", name: key, label: item.label };
        labels.push(item.label);
        specs = [];
        continue;
      }
      spec = findSpec(specs, key);
      // A key no form asks about (an id, a fingerprint): named plainly rather than hidden.
      labels.push(spec ? spec.label : capitalise(key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase()));
      specs = spec && (spec.kind === "group" || spec.kind === "list") ? spec.fields : [];
      node = isRecord(node) ? node[key] : undefined;
    } else if (index !== undefined && spec?.kind === "list") {
      const row = Array.isArray(node) ? node[Number(index)] : undefined;
      labels.pop();
      labels.push(rowName(spec, row, Number(index), selectOptions));
      node = row;
    }
  }
  return { labels, spec };
}

/** `population.practices[2].listSize` → "Practice 3 (Church Street Surgery): List size". */
export function fieldLabel(fieldPath: string, content?: SubmissionContent, lookups?: AnswerLookups): string {
  const { labels } = resolve(fieldPath, content, lookups);
  const section = sectionOf(fieldPath);
  return labels.join(": ") || (section ? SECTION_TITLES[section] : fieldPath);
}

/** The same, after its section's title: "Population and scope: Practice 3 (…): List size". */
export function fieldPathLabel(fieldPath: string, content?: SubmissionContent, lookups?: AnswerLookups): string {
  const section = sectionOf(fieldPath);
  const { labels } = resolve(fieldPath, content, lookups);
  if (!section) return labels.join(": ");
  return [SECTION_TITLES[section], ...labels].join(": ");
}

function sectionOf(fieldPath: string): SectionSlug | undefined {
  const first = /^[A-Za-z]+/.exec(fieldPath)?.[0];
  return first && (SECTION_SLUGS as readonly string[]).includes(first) ? (first as SectionSlug) : undefined;
}

/**
 * The value at a field path as lines: one for a plain answer, one per answer for a whole row or
 * group ("List size: 12,000"); null when nothing is there. For the versions diff.
 */
export function answerLines(fieldPath: string, value: unknown, content?: SubmissionContent, lookups?: AnswerLookups): string[] | null {
  const { spec } = resolve(fieldPath, content, lookups);
  const selectOptions = selectOptionsOf(content, lookups ?? {});
  const isRow = /\[\d+\]$/.test(fieldPath);
  return linesOf(spec, value, selectOptions, isRow);
}

function linesOf(spec: AnswerSpec | undefined, value: unknown, selectOptions: SelectOptions, isRow = false): string[] | null {
  if (value === undefined || value === null || value === "") return null;
  if (!spec) return [typeof value === "string" || typeof value === "number" ? String(value) : "An answer no form asks for"];
  if (spec.kind === "list" && isRow) return fieldsAsLines(spec.fields, value, selectOptions);
  if (spec.kind === "list") {
    const rows = Array.isArray(value) ? value : [];
    return rows.map((row, i) => rowName(spec, row, i, selectOptions));
  }
  if (spec.kind === "group") return fieldsAsLines(spec.fields, value, selectOptions);
  // One service added to or taken from a list of them.
  if (spec.kind === "checkboxes" && !Array.isArray(value)) return [spec.options.find((o) => o.value === value)?.label ?? String(value)];
  return [answerText(spec, value, selectOptions)];
}

function fieldsAsLines(fields: readonly AnyFieldSpec[], value: unknown, selectOptions: SelectOptions): string[] {
  const row = isRecord(value) ? value : {};
  return fields.flatMap((field) => {
    if (field.kind === "heading") return [];
    const lines = linesOf(field, row[field.name], selectOptions);
    if (!lines) return [];
    return lines.length === 1 ? [`${field.label}: ${lines[0]}`] : lines.map((line) => `${field.label}, ${line}`);
  });
}

// ---------------------------------------------------------------------------------------------
// A section's answers, laid out

const orNotAnswered = (lines: string[]): string[] => (lines.length > 0 ? lines : [NOT_ANSWERED]);

export interface AnswerRow {
  fieldPath: string;
  label: string;
  /** One line for a plain answer; a group inside a row gives one line per answer. */
  lines: string[];
}

export interface AnswerTableRow {
  fieldPath: string;
  name: string;
  cells: string[];
}

export interface AnswerCard {
  fieldPath: string;
  title: string;
  rows: AnswerRow[];
}

export type AnswerBlock =
  | { kind: "heading"; text: string; level: 2 | 3 }
  | { kind: "summary"; rows: AnswerRow[] }
  | { kind: "table"; level: 2 | 3; fieldPath: string; label: string; noun: string; columns: string[]; rows: AnswerTableRow[] }
  | { kind: "cards"; level: 2 | 3; fieldPath: string; label: string; noun: string; cards: AnswerCard[] };

/** A list reads as a table when each row is a few plain answers; otherwise as a card per row. */
function readsAsTable(list: ListSpec): boolean {
  const fields = list.fields.filter(isValueSpec);
  return fields.length <= 6 && fields.every((f) => f.kind !== "group" && f.kind !== "list" && f.kind !== "textarea");
}

/** A section's answers in blocks, in the order the form asks them. Empty when nothing is answered. */
export function sectionAnswers(section: SectionSlug, content: SubmissionContent, lookups: AnswerLookups = {}): AnswerBlock[] {
  const value = content[section];
  if (!isRecord(value) || Object.keys(value).length === 0) return [];
  return blocksOf(specsOf(section), value, section, selectOptionsOf(content, lookups), 2);
}

function blocksOf(specs: readonly AnyFieldSpec[], value: Row, path: string, selectOptions: SelectOptions, level: 2 | 3): AnswerBlock[] {
  const out: AnswerBlock[] = [];
  let rows: AnswerRow[] = [];
  const flush = () => {
    if (rows.length > 0) out.push({ kind: "summary", rows });
    rows = [];
  };
  for (const spec of specs) {
    if (spec.kind === "heading") {
      flush();
      out.push({ kind: "heading", text: spec.text, level });
      continue;
    }
    const fieldPath = `${path}.${spec.name}`;
    if (spec.kind === "group") {
      // A group's heading at this level; what it holds one below.
      flush();
      out.push({ kind: "heading", text: spec.label, level });
      out.push(...blocksOf(spec.fields, isRecord(value[spec.name]) ? (value[spec.name] as Row) : {}, fieldPath, selectOptions, 3));
    } else if (spec.kind === "list") {
      flush();
      out.push(listBlock(spec, value[spec.name], fieldPath, selectOptions, level));
    } else {
      rows.push({ fieldPath, label: spec.label, lines: [answerText(spec, value[spec.name], selectOptions)] });
    }
  }
  flush();
  return out;
}

function listBlock(spec: ListSpec, value: unknown, fieldPath: string, selectOptions: SelectOptions, level: 2 | 3): AnswerBlock {
  const items = Array.isArray(value) ? value : [];
  const fields = spec.fields.filter(isValueSpec) as AnswerSpec[];
  if (readsAsTable(spec)) {
    return {
      kind: "table",
      level,
      fieldPath,
      label: spec.label,
      noun: spec.noun,
      columns: fields.map((f) => f.label),
      rows: items.map((item, i) => ({
        fieldPath: `${fieldPath}[${i}]`,
        name: rowName(spec, item, i, selectOptions),
        cells: fields.map((f) => answerText(f, isRecord(item) ? item[f.name] : undefined, selectOptions)),
      })),
    };
  }
  return {
    kind: "cards",
    level,
    fieldPath,
    label: spec.label,
    noun: spec.noun,
    cards: items.map((item, i) => {
      const row = isRecord(item) ? item : {};
      return {
        fieldPath: `${fieldPath}[${i}]`,
        title: rowName(spec, item, i, selectOptions),
        rows: fields.map((f) => ({
          fieldPath: `${fieldPath}[${i}].${f.name}`,
          label: f.label,
          lines:
            f.kind === "group"
              ? orNotAnswered(fieldsAsLines(f.fields, row[f.name], selectOptions))
              : [answerText(f, row[f.name], selectOptions)],
        })),
      };
    }),
  };
}

/**
 * Every answer a reviewer can pin a comment or a request to, as it is labelled on the page: each
 * plain question, each whole list, and each row of a list.
 */
export function answerTargets(
  section: SectionSlug,
  content: SubmissionContent,
  lookups: AnswerLookups = {},
): { fieldPath: string; label: string }[] {
  return sectionAnswers(section, content, lookups).flatMap((block) => {
    switch (block.kind) {
      case "summary":
        return block.rows.map((r) => ({ fieldPath: r.fieldPath, label: fieldLabel(r.fieldPath, content, lookups) }));
      case "table":
        return [{ fieldPath: block.fieldPath, label: block.label }, ...block.rows.map((r) => ({ fieldPath: r.fieldPath, label: r.name }))];
      case "cards":
        return [
          { fieldPath: block.fieldPath, label: block.label },
          ...block.cards.map((c) => ({ fieldPath: c.fieldPath, label: c.title })),
        ];
      default:
        return [];
    }
  });
}

/** The nearest path that `sectionAnswers` shows as its own row, table row or card, for links into the answers. */
export function shownFieldPath(fieldPath: string, shown: ReadonlySet<string>): string | null {
  let path = fieldPath;
  for (;;) {
    if (shown.has(path)) return path;
    const parent = path.replace(/(\[\d+\]|\.[A-Za-z0-9]+)$/, "");
    if (parent === path || !parent.includes(".")) return shown.has(parent) ? parent : null;
    path = parent;
  }
}

/** Every path `sectionAnswers` gives an anchor to, for `shownFieldPath`. */
export function shownPaths(blocks: readonly AnswerBlock[]): Set<string> {
  const paths = new Set<string>();
  for (const block of blocks) {
    if (block.kind === "summary") for (const r of block.rows) paths.add(r.fieldPath);
    if (block.kind === "table") {
      paths.add(block.fieldPath);
      for (const r of block.rows) paths.add(r.fieldPath);
    }
    if (block.kind === "cards") {
      paths.add(block.fieldPath);
      for (const c of block.cards) {
        paths.add(c.fieldPath);
        for (const r of c.rows) paths.add(r.fieldPath);
      }
    }
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// What changed between two versions, in the same words

export interface DescribedChange {
  fieldPath: string;
  kind: ChangeKind;
  /** "Practice 3 (Church Street Surgery): List size", as the version its row belongs to names it. */
  label: string;
  before: string[] | null;
  after: string[] | null;
}

export interface Comparison {
  from: number;
  to: number;
  total: number;
  sections: { slug: SectionSlug; title: string; changes: DescribedChange[] }[];
}

export function compareVersions(
  from: number,
  to: number,
  before: SubmissionContent,
  after: SubmissionContent,
  lookups: AnswerLookups = {},
): Comparison {
  const changes = diffContent(before, after);
  const describe = (change: Change): DescribedChange => ({
    fieldPath: change.fieldPath,
    kind: change.kind,
    // A removed row is named as it was; anything else (a field cleared in a row that is still
    // there, whose index is its place now: workflows/diff.ts) as it is now.
    label: fieldLabel(change.fieldPath, change.kind === "removed" && /\]$/.test(change.fieldPath) ? before : after, lookups),
    before: answerLines(change.fieldPath, change.before, before, lookups),
    after: answerLines(change.fieldPath, change.after, after, lookups),
  });
  const sections = SECTION_SLUGS.map((slug) => ({
    slug,
    title: SECTION_TITLES[slug],
    changes: changes.filter((c) => sectionOfFieldPath(c.fieldPath) === slug).map(describe),
  })).filter((s) => s.changes.length > 0);
  return { from, to, total: changes.length, sections };
}
