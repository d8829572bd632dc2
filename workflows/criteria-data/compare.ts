// Two versions of a criteria set compared criterion by criterion, in words an administrator reads
// (issue 14, step 6: history). Pure: the caller loads the two versions' rows.
import { canonicalJson } from "./canonical.ts";
import type { Checkpoint, ModelType } from "../submission.ts";
import {
  type Binding,
  type CriterionDomain,
  type CriterionExample,
  type CriterionRow,
  type DecisionTable,
  isRuleGroup,
  type JsonValue,
  type RuleGroup,
  type TableOutcome,
  type TableRule,
} from "./types.ts";

/** A piece of a sentence: words, or a FEEL expression (or JSON) to be shown verbatim as code. */
export type Words = string | { code: string };
/** One sentence about a criterion, as its pieces: "Rule 2's condition changed from ", code, " to ", code. */
export type Sentence = readonly Words[];

export interface CriterionChange {
  id: string;
  /** The newer title, or the retired criterion's last. */
  title: string;
  kind: "added" | "retired" | "changed";
  sentences: readonly Sentence[];
}

export interface CriteriaSetComparison {
  /** Criterion by criterion in the newer set's order, retired ones where they were; unchanged ones left out. */
  changes: readonly CriterionChange[];
  added: number;
  changed: number;
  retired: number;
  unchanged: number;
  /** "2 criteria added, 1 changed, 1 retired, 37 unchanged", or "No differences: …". */
  summary: string;
}

/** A sentence as plain text, code between backticks: for tests, logs and the page's plain fallbacks. */
export function sentenceText(sentence: Sentence): string {
  return sentence.map((w) => (typeof w === "string" ? w : `\`${w.code}\``)).join("");
}

const code = (text: string): Words => ({ code: text });

// ---------------------------------------------------------------------------------------------
// Words for the parts of a criterion.

const DOMAIN_WORDS: Record<CriterionDomain, string> = {
  isap: "ISAP",
  proposal: "proposal",
  "better-care-fund": "Better Care Fund",
  judgement: "key lines of enquiry",
};

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th"}`;
}

/** ["a", "b", "c"] → "a, b and c". */
function inWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function models(types: readonly ModelType[] | undefined): string {
  const list = types ?? [];
  if (list.length === 0) return "no model";
  return list.length === 1 ? `${list[0]} only` : inWords(list);
}

function checkpointNumbers(checkpoints: readonly Checkpoint[] | undefined): string {
  const list = checkpoints ?? [];
  if (list.length === 0) return "none";
  return list.length === 1 ? `${list[0]} only` : inWords(list.map(String));
}

function checkpointsNow(checkpoints: readonly Checkpoint[] | undefined): string {
  const list = checkpoints ?? [];
  if (list.length === 0) return "Now checked at no checkpoint";
  return list.length === 1 ? `Now checked at checkpoint ${list[0]} only` : `Now checked at checkpoints ${inWords(list.map(String))}`;
}

const severityWords = (severity: string) => (severity === "blocking" ? "blocking" : "a warning");
const quoted = (text: string) => `‘${text}’`;

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

// ---------------------------------------------------------------------------------------------
// Lining two lists up.

type Step<T> = { from: T; to: T; fromIndex: number; toIndex: number } | { from: T; fromIndex: number } | { to: T; toIndex: number };

/**
 * Lines up two lists the way a text diff does: the longest run of equal items stays put, and
 * between those, what was removed is paired with what was added in order, so an edited rule reads
 * as "changed" rather than "removed" and "added". The remainder is removed or added.
 */
function align<T>(from: readonly T[], to: readonly T[], equal: (a: T, b: T) => boolean): Step<T>[] {
  const n = from.length;
  const m = to.length;
  // lcs[i][j]: the longest common subsequence of from[i..] and to[j..]. Rules and bindings are few.
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = equal(from[i]!, to[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const steps: Step<T>[] = [];
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) {
      steps.push({ from: from[removed[k]!]!, fromIndex: removed[k]!, to: to[added[k]!]!, toIndex: added[k]! });
    }
    for (const i of removed.slice(paired)) steps.push({ from: from[i]!, fromIndex: i });
    for (const j of added.slice(paired)) steps.push({ to: to[j]!, toIndex: j });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && equal(from[i]!, to[j]!)) {
      flush();
      steps.push({ from: from[i]!, fromIndex: i, to: to[j]!, toIndex: j });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      removed.push(i++);
    } else {
      added.push(j++);
    }
  }
  flush();
  return steps;
}

/**
 * The criteria in both sets whose order relative to each other changed: those outside the longest
 * run kept in the same order. A criterion that only shifted because others were added or retired
 * before it has not moved.
 */
function movedIds(fromIds: readonly string[], toIds: readonly string[]): Set<string> {
  const inBoth = new Set(fromIds.filter((id) => toIds.includes(id)));
  const steps = align(
    fromIds.filter((id) => inBoth.has(id)),
    toIds.filter((id) => inBoth.has(id)),
    (a, b) => a === b,
  );
  const stayed = new Set(steps.flatMap((step) => ("from" in step && "to" in step && step.from === step.to ? [step.from] : [])));
  return new Set([...inBoth].filter((id) => !stayed.has(id)));
}

// ---------------------------------------------------------------------------------------------
// Decision tables.

const OUTCOME_NOW: Record<TableOutcome, string> = { pass: "passes", fail: "fails", not_applicable: "does not apply" };
const OUTCOME_BEFORE: Record<TableOutcome, string> = { pass: "passed", fail: "failed", not_applicable: "did not apply" };

const missingWords = (missing: boolean | undefined) => (missing ? "the field is still empty" : "what was entered is wrong");

/** "when `…`, fails with `…` at `…` (the field is still empty)". */
function ruleInWords(rule: TableRule): Words[] {
  const words: Words[] = ["when ", code(rule.when), ", "];
  if (rule.outcome !== "fail") return [...words, OUTCOME_NOW[rule.outcome] ?? String(rule.outcome)];
  words.push("fails with ", code(rule.message ?? '""'));
  if (rule.fieldPath !== undefined) words.push(" at ", code(rule.fieldPath));
  words.push(` (${missingWords(rule.missing)})`);
  return words;
}

/** "for each `hub` in `enablers.hubs`" (and its guard). */
function groupInWords(group: RuleGroup): Words[] {
  const words: Words[] = ["for each ", code(group.forEach.as), " in ", code(group.forEach.list)];
  if (group.when !== undefined) words.push(", only when ", code(group.when));
  const count = group.rules.length;
  words.push(`, ${count === 1 ? "1 rule" : `${count} rules`}`);
  return words;
}

function describeEntryAdded(number: string, entry: TableRule | RuleGroup): Sentence[] {
  if (!isRuleGroup(entry)) return [[`Rule ${number} added: `, ...ruleInWords(entry)]];
  return [
    [`Rule ${number} added: `, ...groupInWords(entry)],
    ...bindingChanges(`Rule ${number}'s`, [], entry.let ?? []),
    ...entry.rules.map((rule, k): Sentence => [`Rule ${number}.${k + 1} added: `, ...ruleInWords(rule)]),
  ];
}

function describeEntryRemoved(number: string, entry: TableRule | RuleGroup): Sentence[] {
  return [[`Rule ${number} removed (it was: `, ...(isRuleGroup(entry) ? groupInWords(entry) : ruleInWords(entry)), ")"]];
}

function ruleChanges(label: string, from: TableRule, to: TableRule): Sentence[] {
  const sentences: Sentence[] = [];
  if (from.when !== to.when) sentences.push([`${label}'s condition changed from `, code(from.when), " to ", code(to.when)]);
  if (from.outcome !== to.outcome) {
    sentences.push([`${label} now ${OUTCOME_NOW[to.outcome] ?? to.outcome} (it ${OUTCOME_BEFORE[from.outcome] ?? from.outcome} before)`]);
  }
  const expression = (name: string, before: string | undefined, after: string | undefined) => {
    if (before === after) return;
    if (before === undefined) sentences.push([`${label}'s ${name} is now `, code(after!)]);
    else if (after === undefined) sentences.push([`${label} no longer has a ${name} (it was `, code(before), ")"]);
    else sentences.push([`${label}'s ${name} changed from `, code(before), " to ", code(after)]);
  };
  expression("message", from.message, to.message);
  expression("field", from.fieldPath, to.fieldPath);
  if (to.outcome === "fail" && Boolean(from.missing) !== Boolean(to.missing)) {
    sentences.push([`${label} now reports that ${missingWords(to.missing)} (it reported that ${missingWords(from.missing)})`]);
  }
  return sentences;
}

function groupChanges(number: string, from: RuleGroup, to: RuleGroup): Sentence[] {
  const label = `Rule ${number}`;
  const sentences: Sentence[] = [];
  if (from.forEach.list !== to.forEach.list) {
    sentences.push([`${label} now goes through `, code(to.forEach.list), " (it went through ", code(from.forEach.list), ")"]);
  }
  if (from.forEach.as !== to.forEach.as || from.forEach.index !== to.forEach.index) {
    sentences.push([
      `${label} now names each item `,
      code(to.forEach.as),
      " and its position ",
      code(to.forEach.index),
      " (they were ",
      code(from.forEach.as),
      " and ",
      code(from.forEach.index),
      ")",
    ]);
  }
  if (from.when !== to.when) {
    if (from.when === undefined) sentences.push([`${label} now runs only when `, code(to.when!)]);
    else if (to.when === undefined) sentences.push([`${label} now always runs (it ran only when `, code(from.when), ")"]);
    else sentences.push([`${label}'s guard changed from `, code(from.when), " to ", code(to.when)]);
  }
  sentences.push(...bindingChanges(`${label}'s`, from.let ?? [], to.let ?? []));
  sentences.push(...entryChanges(`${number}.`, from.rules, to.rules));
  return sentences;
}

/**
 * Rules (and groups) lined up and described. They are numbered from 1 as the newer table has them
 * ("3.2" is a group's second rule); a removed one by its number in the older table.
 */
function entryChanges(prefix: string, from: readonly (TableRule | RuleGroup)[], to: readonly (TableRule | RuleGroup)[]): Sentence[] {
  const sentences: Sentence[] = [];
  for (const step of align(from, to, same)) {
    if ("from" in step && "to" in step) {
      if (same(step.from, step.to)) continue;
      const number = `${prefix}${step.toIndex + 1}`;
      const fromGroup = isRuleGroup(step.from);
      if (fromGroup !== isRuleGroup(step.to)) {
        sentences.push(...describeEntryRemoved(`${prefix}${step.fromIndex + 1}`, step.from), ...describeEntryAdded(number, step.to));
      } else if (fromGroup) {
        sentences.push(...groupChanges(number, step.from as RuleGroup, step.to as RuleGroup));
      } else {
        sentences.push(...ruleChanges(`Rule ${number}`, step.from as TableRule, step.to as TableRule));
      }
    } else if ("from" in step) {
      sentences.push(...describeEntryRemoved(`${prefix}${step.fromIndex + 1}`, step.from));
    } else {
      sentences.push(...describeEntryAdded(`${prefix}${step.toIndex + 1}`, step.to));
    }
  }
  return sentences;
}

/** Bindings by name: added, removed, changed, and a note when the order they are worked out in changed. */
function bindingChanges(owner: string, from: readonly Binding[], to: readonly Binding[]): Sentence[] {
  const sentences: Sentence[] = [];
  const before = new Map(from.map((b) => [b.name, b.value]));
  const after = new Map(to.map((b) => [b.name, b.value]));
  for (const binding of to) {
    const old = before.get(binding.name);
    if (old === undefined) sentences.push([`${owner} binding `, code(binding.name), " added: ", code(binding.value)]);
    else if (old !== binding.value) {
      sentences.push([`${owner} binding `, code(binding.name), " changed from ", code(old), " to ", code(binding.value)]);
    }
  }
  for (const binding of from) {
    if (!after.has(binding.name)) sentences.push([`${owner} binding `, code(binding.name), " removed (it was ", code(binding.value), ")"]);
  }
  const kept = (list: readonly Binding[], other: Map<string, string>) => list.map((b) => b.name).filter((name) => other.has(name));
  const orderBefore = kept(from, after);
  const orderAfter = kept(to, before);
  if (orderBefore.join("\n") !== orderAfter.join("\n")) {
    sentences.push([
      `${owner} bindings are now worked out in the order `,
      ...to.flatMap((b, k): Words[] => (k === 0 ? [code(b.name)] : [", ", code(b.name)])),
    ]);
  }
  return sentences;
}

function constantChanges(from: Readonly<Record<string, JsonValue>>, to: Readonly<Record<string, JsonValue>>): Sentence[] {
  const sentences: Sentence[] = [];
  for (const [name, value] of Object.entries(to)) {
    if (!(name in from)) sentences.push(["Constant ", code(name), " added: ", code(JSON.stringify(value))]);
    else if (!same(from[name], value)) {
      sentences.push(["Constant ", code(name), " changed from ", code(JSON.stringify(from[name])), " to ", code(JSON.stringify(value))]);
    }
  }
  for (const [name, value] of Object.entries(from)) {
    if (!(name in to)) sentences.push(["Constant ", code(name), " removed (it was ", code(JSON.stringify(value)), ")"]);
  }
  return sentences;
}

const EMPTY_TABLE: DecisionTable = { rules: [] };

function tableChanges(from: DecisionTable, to: DecisionTable): Sentence[] {
  return [
    ...constantChanges(from.constants ?? {}, to.constants ?? {}),
    ...bindingChanges("The table's", from.let ?? [], to.let ?? []),
    ...entryChanges("", from.rules ?? [], to.rules ?? []),
  ];
}

function exampleChanges(from: readonly CriterionExample[], to: readonly CriterionExample[]): Sentence[] {
  const sentences: Sentence[] = [];
  const before = new Map(from.map((e) => [e.name, e]));
  const after = new Map(to.map((e) => [e.name, e]));
  for (const example of to) {
    const old = before.get(example.name);
    if (!old) {
      sentences.push([`Example ${quoted(example.name)} added: it ${OUTCOME_NOW[example.expected]} at checkpoint ${example.checkpoint}`]);
      continue;
    }
    if (same(old, example)) continue;
    const what: string[] = [];
    if (old.expected !== example.expected) {
      what.push(`it now ${OUTCOME_NOW[example.expected]} (it ${OUTCOME_BEFORE[old.expected]} before)`);
    }
    if (old.checkpoint !== example.checkpoint) what.push(`it is now at checkpoint ${example.checkpoint} (was ${old.checkpoint})`);
    if (!same(old.answers, example.answers)) what.push("its answers changed");
    sentences.push([`Example ${quoted(example.name)} changed: ${inWords(what.length > 0 ? what : ["its details changed"])}`]);
  }
  for (const example of from) {
    if (!after.has(example.name)) sentences.push([`Example ${quoted(example.name)} removed`]);
  }
  return sentences;
}

// ---------------------------------------------------------------------------------------------
// Criteria.

function criterionChanges(from: CriterionRow, to: CriterionRow): Sentence[] {
  const sentences: Sentence[] = [];
  if (from.title !== to.title) sentences.push([`Title changed from ${quoted(from.title)} to ${quoted(to.title)}`]);
  if (from.domain !== to.domain) {
    sentences.push([`Now in the ${DOMAIN_WORDS[to.domain] ?? to.domain} group (was ${DOMAIN_WORDS[from.domain] ?? from.domain})`]);
  }
  if (from.kind !== to.kind) {
    sentences.push([
      to.kind === "automatic"
        ? "Now checked automatically (was reviewers' judgement)"
        : "Now judged by reviewers (was checked automatically)",
    ]);
  }
  if (from.severity !== to.severity) sentences.push([`Now ${severityWords(to.severity)} (was ${severityWords(from.severity)})`]);
  if (!same(from.appliesTo?.modelTypes, to.appliesTo?.modelTypes)) {
    sentences.push([`Now applies to ${models(to.appliesTo?.modelTypes)} (was ${models(from.appliesTo?.modelTypes)})`]);
  }
  if (!same(from.appliesTo?.checkpoints, to.appliesTo?.checkpoints)) {
    sentences.push([`${checkpointsNow(to.appliesTo?.checkpoints)} (was ${checkpointNumbers(from.appliesTo?.checkpoints)})`]);
  }
  if (from.rule !== to.rule) sentences.push([`Rule text changed from ${quoted(from.rule)} to ${quoted(to.rule)}`]);
  if (from.source !== to.source) sentences.push([`Source changed from ${quoted(from.source)} to ${quoted(to.source)}`]);
  const pathsBefore = from.fieldPaths ?? [];
  const pathsAfter = to.fieldPaths ?? [];
  for (const path of pathsAfter) if (!pathsBefore.includes(path)) sentences.push(["Now also points at ", code(path)]);
  for (const path of pathsBefore) if (!pathsAfter.includes(path)) sentences.push(["No longer points at ", code(path)]);
  if (to.kind === "automatic") {
    sentences.push(...tableChanges(from.kind === "automatic" ? (from.table ?? EMPTY_TABLE) : EMPTY_TABLE, to.table ?? EMPTY_TABLE));
  }
  sentences.push(
    ...exampleChanges(from.kind === "automatic" ? (from.examples ?? []) : [], to.kind === "automatic" ? (to.examples ?? []) : []),
  );
  return sentences;
}

/** "Blocking, checked automatically, for MCP and PACS at checkpoints 1, 2 and 3": a new criterion in brief. */
function whatItIs(row: CriterionRow): string {
  const checkpoints = row.appliesTo?.checkpoints ?? [];
  const at = checkpoints.length === 1 ? `checkpoint ${checkpoints[0]}` : `checkpoints ${checkpointNumbers(checkpoints)}`;
  return `${row.severity === "blocking" ? "Blocking" : "A warning"}, ${row.kind === "automatic" ? "checked automatically" : "judged by reviewers"}, for ${models(row.appliesTo?.modelTypes)} at ${at}`;
}

function firstById(rows: readonly CriterionRow[]): Map<string, { row: CriterionRow; index: number }> {
  const byId = new Map<string, { row: CriterionRow; index: number }>();
  rows.forEach((row, index) => {
    if (!byId.has(row.id)) byId.set(row.id, { row, index });
  });
  return byId;
}

function summaryOf(counts: { added: number; changed: number; retired: number; unchanged: number }): string {
  const { added, changed, retired, unchanged } = counts;
  if (added + changed + retired === 0) {
    if (unchanged === 0) return "No differences: neither version has any criteria";
    return `No differences: ${unchanged === 1 ? "its 1 criterion is" : `all ${unchanged} criteria are`} the same`;
  }
  const parts = (
    [
      [added, "added"],
      [changed, "changed"],
      [retired, "retired"],
      [unchanged, "unchanged"],
    ] as const
  ).filter(([n]) => n > 0);
  return parts.map(([n, word], k) => (k === 0 ? `${n} ${n === 1 ? "criterion" : "criteria"} ${word}` : `${n} ${word}`)).join(", ");
}

/**
 * What changed from one version of a criteria set to another (`to` is read as the newer), criterion
 * by criterion. Criteria are matched by id; any difference in a row's stored content gives at least
 * one sentence, so a criterion is never counted as unchanged when it is not.
 */
export function compareCriteriaSets(from: readonly CriterionRow[], to: readonly CriterionRow[]): CriteriaSetComparison {
  const before = firstById(from);
  const after = firstById(to);
  const moved = movedIds([...before.keys()], [...after.keys()]);

  const described = new Map<string, CriterionChange>();
  let unchanged = 0;
  for (const [id, { row, index }] of after) {
    const old = before.get(id);
    if (!old) {
      described.set(id, { id, title: row.title, kind: "added", sentences: [["Added"], [whatItIs(row)]] });
      continue;
    }
    const sentences: Sentence[] = [];
    if (moved.has(id)) sentences.push([`Moved from ${ordinal(old.index + 1)} to ${ordinal(index + 1)}`]);
    sentences.push(...criterionChanges(old.row, row));
    if (sentences.length === 0 && !same(old.row, row)) sentences.push(["Other stored details changed"]);
    if (sentences.length === 0) unchanged++;
    else described.set(id, { id, title: row.title, kind: "changed", sentences });
  }

  // The newer order, each retired criterion placed after the last criterion before it that both have.
  const order: CriterionChange[] = [];
  const retiredAfter = new Map<string | null, CriterionChange[]>();
  let anchor: string | null = null;
  for (const [id, { row }] of before) {
    if (after.has(id)) anchor = id;
    else {
      const list = retiredAfter.get(anchor) ?? [];
      list.push({ id, title: row.title, kind: "retired", sentences: [["Retired"]] });
      retiredAfter.set(anchor, list);
    }
  }
  order.push(...(retiredAfter.get(null) ?? []));
  for (const id of after.keys()) {
    const change = described.get(id);
    if (change) order.push(change);
    order.push(...(retiredAfter.get(id) ?? []));
  }

  const counts = {
    added: order.filter((c) => c.kind === "added").length,
    changed: order.filter((c) => c.kind === "changed").length,
    retired: order.filter((c) => c.kind === "retired").length,
    unchanged,
  };
  return { changes: order, ...counts, summary: summaryOf(counts) };
}
