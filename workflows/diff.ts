// Comparing two versions of a submission, field by field.
//
// Paths are the ones criteria and comments use (`population.practices[2].listSize`). A row's index
// is its place in the *after* version for rows that were added or changed, and in the *before*
// version for rows that were removed, so every path names a row that exists in the version shown.
//
// Rows of repeatable groups are matched by who they are, not where they sit: first by `id` (rows
// keep their id across edits), then by a natural key (a practice's ODS code, a commissioner's
// name...), and only then by position. So moving a practice up the list is no change, and a row
// that exists in one version only is one change for the whole row rather than one per field.
import { z } from "zod";
import { SECTION_SLUGS, type SubmissionContent, SubmissionContentSchema, toFieldPathPattern } from "./submission.ts";

export type ChangeKind = "added" | "removed" | "changed";

export interface Change {
  fieldPath: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

type Row = Record<string, unknown>;

/**
 * What identifies a row when ids are missing, by the pattern of the list's path. Rows whose keys
 * are both known and differ are different rows: they are never paired by position.
 */
const NATURAL_KEYS: Record<string, (row: Row) => string | undefined> = {
  "about.commissioners": (row) => text(row.name)?.toLowerCase(),
  "population.practices": (row) => text(row.odsCode)?.toUpperCase(),
  "population.hubs": (row) => text(row.name)?.toLowerCase(),
  "outcomes.metricYears": (row) => text(row.financialYear),
  "governance.governingBodyApprovals": (row) => approvalKey(row),
  "governance.providerBoardApprovals": (row) => approvalKey(row),
  "evidence.documents": (row) => text(row.sha256),
};

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function approvalKey(row: Row): string | undefined {
  return row.checkpoint === undefined || text(row.date) === undefined ? undefined : `${String(row.checkpoint)}|${text(row.date)}`;
}

// ---------------------------------------------------------------------------------------------
// Values

function isPlainObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Nothing there: a blank answer and a missing one are the same to a reader. */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The keys of an object in the schema's order, then any the schema does not know, sorted. */
function orderedKeys(schema: z.ZodType | undefined, ...values: unknown[]): string[] {
  const shape = schema instanceof z.ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];
  const present = new Set<string>();
  for (const value of values) if (isPlainObject(value)) for (const key of Object.keys(value)) present.add(key);
  const known = shape.filter((key) => present.has(key));
  const extra = [...present].filter((key) => !shape.includes(key)).sort();
  return [...known, ...extra];
}

function childSchema(schema: z.ZodType | undefined, key: string): z.ZodType | undefined {
  const current = unwrap(schema);
  if (!(current instanceof z.ZodObject)) return undefined;
  const shape = current.shape as Record<string, z.ZodType>;
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

function elementSchema(schema: z.ZodType | undefined): z.ZodType | undefined {
  const current = unwrap(schema);
  return current instanceof z.ZodArray ? (current.element as z.ZodType) : undefined;
}

/** Whether a list holds rows (objects) rather than plain values, by its schema or else its contents. */
function holdsRows(schema: z.ZodType | undefined, before: unknown[], after: unknown[]): boolean {
  const element = unwrap(elementSchema(schema));
  if (element) return element instanceof z.ZodObject;
  return [...before, ...after].some(isPlainObject);
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (isAbsent(a) && isAbsent(b)) return true;
  return Object.is(a, b) || (typeof a === "number" && typeof b === "number" && a === b);
}

function scalarKey(value: unknown): string {
  return `${typeof value}:${String(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Matching rows

interface RowMatch {
  /** before index → after index, for rows that are the same row in both versions. */
  pairs: [number, number][];
  removed: number[];
  added: number[];
}

function rowId(row: unknown): string | undefined {
  return isPlainObject(row) ? text(row.id) : undefined;
}

/** Pairs the rows of two versions of one list: by id, then natural key, then position. */
export function matchRows(listPattern: string, before: readonly unknown[], after: readonly unknown[]): RowMatch {
  const naturalKey = NATURAL_KEYS[listPattern];
  const keyOf = (row: unknown) => (naturalKey && isPlainObject(row) ? naturalKey(row) : undefined);
  const afterFor = new Map<number, number>();
  const beforeTaken = new Set<number>();
  const afterTaken = new Set<number>();
  const pair = (b: number, a: number) => {
    afterFor.set(b, a);
    beforeTaken.add(b);
    afterTaken.add(a);
  };

  // 1. By id, when both rows have one.
  const beforeById = new Map<string, number>();
  before.forEach((row, i) => {
    const id = rowId(row);
    if (id !== undefined && !beforeById.has(id)) beforeById.set(id, i);
  });
  after.forEach((row, a) => {
    const id = rowId(row);
    const b = id === undefined ? undefined : beforeById.get(id);
    if (b !== undefined && !beforeTaken.has(b)) pair(b, a);
  });

  // Two rows that both carry ids, different ones, are different rows whatever else they share.
  const bothIdentified = (b: number, a: number) => rowId(before[b]) !== undefined && rowId(after[a]) !== undefined;

  // 2. By natural key, where at least one of the two has no id.
  if (naturalKey) {
    after.forEach((row, a) => {
      if (afterTaken.has(a)) return;
      const key = keyOf(row);
      if (key === undefined) return;
      const b = before.findIndex((other, i) => !beforeTaken.has(i) && !bothIdentified(i, a) && keyOf(other) === key);
      if (b >= 0) pair(b, a);
    });
  }

  // 3. By position among what is left, unless ids or natural keys say they are different rows.
  const compatible = (b: number, a: number) => {
    if (bothIdentified(b, a)) return false;
    const kb = keyOf(before[b]);
    const ka = keyOf(after[a]);
    return kb === undefined || ka === undefined || kb === ka;
  };
  const leftBefore = before.map((_, i) => i).filter((i) => !beforeTaken.has(i));
  const leftAfter = after.map((_, i) => i).filter((i) => !afterTaken.has(i));
  for (const a of leftAfter) {
    const b = leftBefore.find((i) => !beforeTaken.has(i) && compatible(i, a));
    if (b !== undefined) pair(b, a);
  }

  return {
    pairs: [...afterFor].sort((x, y) => x[1] - y[1]),
    removed: before.map((_, i) => i).filter((i) => !beforeTaken.has(i)),
    added: after.map((_, i) => i).filter((i) => !afterTaken.has(i)),
  };
}

// ---------------------------------------------------------------------------------------------
// Diffing

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function diffValue(before: unknown, after: unknown, path: string, schema: z.ZodType | undefined, out: Change[]): void {
  const shape = unwrap(schema);
  const isList = shape instanceof z.ZodArray || Array.isArray(before) || Array.isArray(after);
  const isObject = shape instanceof z.ZodObject || isPlainObject(before) || isPlainObject(after);

  if (isList && (before === undefined || Array.isArray(before)) && (after === undefined || Array.isArray(after))) {
    diffList(asList(before), asList(after), path, schema, out);
    return;
  }
  if (isObject && !isList && (isAbsent(before) || isPlainObject(before)) && (isAbsent(after) || isPlainObject(after))) {
    const b = isPlainObject(before) ? before : {};
    const a = isPlainObject(after) ? after : {};
    for (const key of orderedKeys(shape, b, a)) {
      diffValue(b[key], a[key], path === "" ? key : `${path}.${key}`, childSchema(shape, key), out);
    }
    return;
  }
  if (sameScalar(before, after)) return;
  if (isAbsent(before)) out.push({ fieldPath: path, kind: "added", after });
  else if (isAbsent(after)) out.push({ fieldPath: path, kind: "removed", before });
  else out.push({ fieldPath: path, kind: "changed", before, after });
}

function diffList(before: unknown[], after: unknown[], path: string, schema: z.ZodType | undefined, out: Change[]): void {
  if (!holdsRows(schema, before, after)) {
    // A list of plain values (services in scope) is a set: what left it and what joined it.
    const afterKeys = new Set(after.map(scalarKey));
    const beforeKeys = new Set(before.map(scalarKey));
    const seen = new Set<string>();
    for (const item of before) {
      const key = scalarKey(item);
      if (!afterKeys.has(key) && !seen.has(key)) out.push({ fieldPath: path, kind: "removed", before: item });
      seen.add(key);
    }
    for (const item of after) {
      const key = scalarKey(item);
      if (!beforeKeys.has(key) && !seen.has(key)) out.push({ fieldPath: path, kind: "added", after: item });
      seen.add(key);
    }
    return;
  }

  const element = elementSchema(schema);
  const match = matchRows(toFieldPathPattern(path), before, after);
  // Row order: by the index the change is shown at; a removed row before a row shown at the same index.
  const entries: { index: number; order: number; emit: () => void }[] = [
    ...match.removed.map((b) => ({
      index: b,
      order: 0,
      emit: () => out.push({ fieldPath: `${path}[${b}]`, kind: "removed" as const, before: before[b] }),
    })),
    ...match.pairs.map(([b, a]) => ({
      index: a,
      order: 1,
      emit: () => diffValue(before[b], after[a], `${path}[${a}]`, element, out),
    })),
    ...match.added.map((a) => ({
      index: a,
      order: 1,
      emit: () => out.push({ fieldPath: `${path}[${a}]`, kind: "added" as const, after: after[a] }),
    })),
  ];
  entries.sort((x, y) => x.index - y.index || x.order - y.order);
  for (const entry of entries) entry.emit();
}

/**
 * Every field that differs between two versions, in a fixed order: section order, then the
 * schema's field order, then row index. Unchanged content gives an empty list.
 */
export function diffContent(before: SubmissionContent, after: SubmissionContent): Change[] {
  const out: Change[] = [];
  for (const section of SECTION_SLUGS) {
    diffValue(before[section], after[section], section, childSchema(SubmissionContentSchema, section), out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Has this field changed?

type Segment = { key: string } | { index: number };

function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  const token = /([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]|(\.)/y;
  const refuse = () => new Error(`Not a field path: "${path}"`);
  let expectKey = true;
  while (token.lastIndex < path.length) {
    const match = token.exec(path);
    if (!match) throw refuse();
    if (match[1] !== undefined) {
      if (!expectKey) throw refuse();
      segments.push({ key: match[1] });
      expectKey = false;
    } else if (match[2] !== undefined) {
      if (expectKey) throw refuse();
      segments.push({ index: Number(match[2]) });
    } else {
      if (expectKey) throw refuse();
      expectKey = true;
    }
  }
  if (expectKey) throw refuse();
  return segments;
}

/**
 * Whether the field at `fieldPath`, or anything under it, differs between the two versions. The
 * path is read in the *before* version (the one a reviewer commented on), and a row is followed
 * to wherever it moved in the after version, so `population.practices[2]` still means that
 * practice after someone added another above it.
 */
export function changedSince(before: SubmissionContent, after: SubmissionContent, fieldPath: string): boolean {
  let b: unknown = before;
  let a: unknown = after;
  let schema: z.ZodType | undefined = SubmissionContentSchema;
  let path = "";
  for (const segment of parsePath(fieldPath)) {
    if ("key" in segment) {
      b = isPlainObject(b) ? b[segment.key] : undefined;
      a = isPlainObject(a) ? a[segment.key] : undefined;
      schema = childSchema(schema, segment.key);
      path = path === "" ? segment.key : `${path}.${segment.key}`;
      continue;
    }
    const beforeList = asList(b);
    const afterList = asList(a);
    if (holdsRows(schema, beforeList, afterList)) {
      if (segment.index >= beforeList.length) {
        // Not a row of the before version: it changed if the after version has one there.
        b = undefined;
        a = afterList[segment.index];
      } else {
        const pair = matchRows(toFieldPathPattern(path), beforeList, afterList).pairs.find(([i]) => i === segment.index);
        if (!pair) return true; // the row was removed
        b = beforeList[segment.index];
        a = afterList[pair[1]];
      }
    } else {
      b = beforeList[segment.index];
      a = afterList[segment.index];
    }
    schema = elementSchema(schema);
    path = `${path}[${segment.index}]`;
  }
  const out: Change[] = [];
  diffValue(b, a, path, schema, out);
  return out.length > 0;
}
