// A criterion's examples are written as answers, field path → value, rather than as whole submissions:
// a partial submission someone authoring a criterion can read and edit a line at a time. These turn
// answers into the content a criterion judges, and take the answers a criterion looks at out of a
// submission (how the shipped sets' examples were made from whole example submissions).
import { isKnownFieldPath, parseFieldPath, type SubmissionContent } from "../submission.ts";
import type { ExampleAnswer } from "./types.ts";

type Segment = string | number;

/** "population.practices[1].listSize" → ["population", "practices", 1, "listSize"], `[]` as -1; undefined if malformed. */
function segmentsOf(path: string): Segment[] | undefined {
  return parseFieldPath(path)?.map((segment) => (segment.kind === "key" ? segment.key : segment.index));
}

function pathOf(segments: readonly Segment[]): string {
  return segments.reduce<string>(
    (out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : out === "" ? segment : `${out}.${segment}`),
    "",
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The submission the answers make. Each path is set in turn, creating its sections, groups and rows
 * on the way: "population.practices[1].listSize" makes a list of two practices, the first an empty
 * row ({}) unless another answer fills it in. Throws for a path that is not a field of a submission
 * (with row indexes, as in "population.practices[0].name").
 */
export function contentFromAnswers(answers: Readonly<Record<string, ExampleAnswer>>): SubmissionContent {
  const content: Record<string, unknown> = {};
  for (const [path, answer] of Object.entries(answers)) {
    const segments = segmentsOf(path);
    if (!segments || !isKnownFieldPath(path)) throw new Error(`${path} is not a field of a submission`);
    let node: Record<string, unknown> | unknown[] = content;
    for (const [position, segment] of segments.entries()) {
      const key = segment as never;
      if (position === segments.length - 1) {
        node[key] = (Array.isArray(answer) ? [...answer] : answer) as never;
        break;
      }
      const next = segments[position + 1];
      const wanted = typeof next === "number" ? Array.isArray : isObject;
      if (!wanted(node[key])) node[key] = (typeof next === "number" ? [] : {}) as never;
      const child = node[key] as Record<string, unknown> | unknown[];
      if (Array.isArray(child)) {
        // Rows before the one named are there, empty, so that the row keeps its index.
        for (let index = child.length; index < (next as number); index += 1) child[index] = {};
      }
      node = child;
    }
  }
  return content as SubmissionContent;
}

/**
 * The answers of a submission at and under the given field paths, in the order found, each row's
 * together. `[]` in a path
 * stands for every row of that list. A path naming a group or a row gives every answer inside it;
 * a list of strings (ticked options) is one answer, and so is an empty list (a list of rows with no
 * rows yet, which is not the same as no answer); a checklist (an object of yes/no answers) gives one
 * answer per item. Paths that name nothing in the submission give nothing.
 */
export function answersFromContent(content: SubmissionContent, fieldPaths: readonly string[]): Record<string, ExampleAnswer> {
  const answers: Record<string, ExampleAnswer> = {};
  const collect = (value: unknown, at: Segment[]) => {
    if (value === undefined || value === null) return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      answers[pathOf(at)] = value;
    } else if (Array.isArray(value)) {
      if (value.every((item) => typeof item === "string")) answers[pathOf(at)] = [...(value as string[])];
      else for (const [index, item] of value.entries()) collect(item, [...at, index]);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) collect(child, [...at, key]);
    }
  };
  const walk = (value: unknown, rest: readonly Segment[], at: Segment[]) => {
    if (rest.length === 0) {
      collect(value, at);
      return;
    }
    const [segment, ...after] = rest as [Segment, ...Segment[]];
    // Ticked options are answered together, however the path names them ("servicesInScope[]").
    if (typeof segment === "number" && Array.isArray(value) && value.every((item) => typeof item === "string")) {
      collect(value, at);
      return;
    }
    if (segment === -1) {
      if (Array.isArray(value)) for (const [index, item] of value.entries()) walk(item, after, [...at, index]);
    } else if (typeof segment === "number") {
      if (Array.isArray(value) && segment < value.length) walk(value[segment], after, [...at, segment]);
    } else if (isObject(value) && Object.hasOwn(value, segment)) {
      walk(value[segment], after, [...at, segment]);
    }
  };
  for (const path of fieldPaths) {
    const segments = segmentsOf(path);
    if (!segments) throw new Error(`${path} is not a field path`);
    walk(content, segments, []);
  }
  // Each row's answers together, rows in order, however the paths listed its fields.
  const rows = new Map<string, [string, ExampleAnswer][]>();
  for (const [path, answer] of Object.entries(answers)) {
    const row = /^[^[]*\[\d+\]/.exec(path)?.[0] ?? path;
    const entries = rows.get(row) ?? [];
    entries.push([path, answer]);
    rows.set(row, entries);
  }
  return Object.fromEntries([...rows.values()].flat());
}
