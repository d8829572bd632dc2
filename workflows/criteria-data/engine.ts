// Runs criteria written as data (types.ts). Every expression is checked and parsed once, when a set is
// compiled; judging a submission only calls the compiled expressions.
//
// Safety. FEEL here is feelin's interpreter, which reads variables only from the context it is given
// and property values only from own data properties, so an expression cannot reach a JS global or a
// prototype (`x.constructor` is null). On top of that, compile refuses:
// - expressions over MAX_EXPRESSION_LENGTH characters, nested deeper than MAX_DEPTH or over MAX_NODES;
// - function definitions (the only way to recurse), ranges and intervals (the only way to loop over
//   numbers rather than over the submission's own lists), so evaluation time is bounded by the
//   submission's size;
// - any built-in outside ALLOWED_BUILTINS: no clock (now, today), no regular expressions (matches,
//   replace, split, where one bad pattern can hang the process), no functions taking functions (sort).
// A malformed row is refused at compile with a CriteriaDataError naming the criterion; judging never
// throws: an expression that fails at run time, or gives the wrong type, fails the criterion closed.
import { evaluate, FeelFunction, parseExpression } from "feelin";
import { capitalise, formatCount, formatDate, formatPence, formatPercent, isBlank, rowName } from "./format.ts";
import type { SubmissionContent } from "../submission.ts";
import {
  type AutomaticCriterion,
  type AutomaticCriterionRow,
  type CheckContext,
  type CheckOutcome,
  type Criterion,
  type Binding,
  type CriterionRow,
  type DecisionTable,
  isRuleGroup,
  type RuleGroup,
  TABLE_OUTCOMES,
  type TableRule,
} from "./types.ts";

export const MAX_EXPRESSION_LENGTH = 2_000;
export const MAX_DEPTH = 60;
export const MAX_NODES = 1_500;

/** A criteria row the engine refuses, named by criterion and, where there is one, expression. */
export class CriteriaDataError extends Error {
  readonly criterionId: string;
  readonly expression: string | undefined;
  constructor(criterionId: string, problem: string, expression?: string) {
    super(`Criterion ${criterionId}: ${problem}${expression === undefined ? "" : ` in ${JSON.stringify(truncate(expression))}`}`);
    this.name = "CriteriaDataError";
    this.criterionId = criterionId;
    this.expression = expression;
  }
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The names every expression sees, in the order their values are passed. */
export const SECTION_NAMES = ["about", "population", "contract", "finance", "outcomes", "enablers", "governance", "evidence"] as const;
export const BASE_NAMES: readonly string[] = [...SECTION_NAMES, "checkpoint", "modelType", "reference"];

// Pure, total helpers: a wrong argument type gives null (FEEL's "no value"), never an exception.
const str = (value: unknown): value is string => typeof value === "string";
const num = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const HELPERS: Readonly<Record<string, FeelFunction>> = Object.freeze({
  formatCount: new FeelFunction((value: unknown) => (num(value) ? formatCount(value) : null), ["value"]),
  formatPence: new FeelFunction((pence: unknown) => (num(pence) ? formatPence(pence) : null), ["pence"]),
  formatPercent: new FeelFunction((value: unknown) => (num(value) ? formatPercent(value) : null), ["value"]),
  formatDate: new FeelFunction((date: unknown) => (str(date) ? formatDate(date) : null), ["date"]),
  rowName: new FeelFunction(
    (index: unknown, noun: unknown, name: unknown) => (num(index) && str(noun) ? rowName(index, noun, str(name) ? name : undefined) : null),
    ["index", "noun", "name"],
  ),
  capitalise: new FeelFunction((text: unknown) => (str(text) ? capitalise(text) : null), ["text"]),
  lowerFirst: new FeelFunction((text: unknown) => (str(text) ? text.charAt(0).toLowerCase() + text.slice(1) : null), ["text"]),
  isBlank: new FeelFunction((text: unknown) => text === null || text === undefined || (str(text) && isBlank(text)), ["text"]),
  /** Whether any item of a list is blank: a cheap test before a pass over a long list. */
  anyBlank: new FeelFunction(
    (list: unknown) =>
      Array.isArray(list) ? list.some((item) => item === null || item === undefined || (str(item) && isBlank(item))) : null,
    ["list"],
  ),
  /** The numbers in a list, nested lists flattened and everything else dropped. */
  numbers: new FeelFunction((list: unknown) => (Array.isArray(list) ? (list.flat(3) as unknown[]).filter(num) : null), ["list"]),
  /** Whether a list's strings, nulls left out, each come strictly after the one before. */
  strictlyIncreasing: new FeelFunction(
    (list: unknown) => {
      if (!Array.isArray(list)) return null;
      const given = list.filter(str);
      return given.every((item, index) => index === 0 || item > (given[index - 1] as string));
    },
    ["list"],
  ),
  /** The 0-based positions of a list's items: how a row names an item by index without a range. */
  positions: new FeelFunction((list: unknown) => (Array.isArray(list) ? list.map((_, index) => index) : null), ["list"]),
});
for (const helper of Object.values(HELPERS)) Object.freeze(helper);

/** The message helpers' names, for checkers that need to know them without running them (expression-check.ts). */
export const HELPER_NAMES: readonly string[] = Object.freeze(Object.keys(HELPERS));

/** FEEL built-ins an expression may name: pure, first-order, regex-free, clock-free. */
export const ALLOWED_BUILTINS: ReadonlySet<string> = new Set([
  "not",
  "string",
  "count",
  "min",
  "max",
  "sum",
  "abs",
  "floor",
  "ceiling",
  "decimal",
  "contains",
  "starts with",
  "ends with",
  "substring",
  "string length",
  "upper case",
  "lower case",
  "list contains",
  "index of",
  "distinct values",
  "get value",
  "sublist",
  "append",
  "concatenate",
  "flatten",
  "reverse",
  "all",
  "any",
  "string join",
  "is defined",
]);

// What every compiled expression is defined in: the helpers and nothing more. feelin copies this
// and the expression's scope into a fresh context at every call, so it is kept small; built-ins are
// not added to it (they would be found faster, but every call would copy thirty more entries).
const DEFINITIONS: Readonly<Record<string, unknown>> = HELPERS;

// Every built-in feelin knows, so a name can be told apart from a variable.
export const KNOWN_BUILTINS: ReadonlySet<string> = new Set([
  ...ALLOWED_BUILTINS,
  ...[
    "number",
    "date",
    "date and time",
    "time",
    "duration",
    "years and months duration",
    "now",
    "today",
    "substring before",
    "substring after",
    "replace",
    "matches",
    "split",
    "list replace",
    "insert before",
    "remove",
    "union",
    "product",
    "median",
    "stddev",
    "mode",
    "mean",
    "round up",
    "round down",
    "round half up",
    "round half down",
    "modulo",
    "sqrt",
    "log",
    "exp",
    "odd",
    "even",
    "sort",
    "context",
    "context put",
    "context merge",
    "get entries",
    "put",
    "put all",
    "day of year",
    "day of week",
    "month of year",
    "week of year",
    "before",
    "after",
    "meets",
    "met by",
    "overlaps",
    "overlaps before",
    "overlaps after",
    "finishes",
    "finished by",
    "includes",
    "during",
    "starts",
    "started by",
    "coincides",
    "last day of month",
    "string join",
    "@",
  ],
]);

export const FORBIDDEN_NODES: Readonly<Record<string, string>> = {
  FunctionDefinition: "function definitions are not allowed",
  Interval: "ranges are not allowed",
  "..": "ranges are not allowed",
  // Dates are ISO text in a submission and compared as text; a FEEL date value beside one gives
  // null, so constructors (date("…"), @"…", duration("…")) would only ever fail a check closed.
  DateTimeLiteral: 'date and time values are not allowed: compare dates as text, like "2017-03-01"',
};

// Inside these a name may be bound by the expression itself (a loop variable, `item` or an item's
// own keys in a filter, an earlier key of a context), so names there are not checked against the scope.
export const BINDING_NODES: ReadonlySet<string> = new Set(["ForExpression", "QuantifiedExpression", "FilterExpression", "Context"]);

/** Whether `name` (spaces as one) is a FEEL built-in that expressions may not call. */
export function isForbiddenBuiltin(name: string): boolean {
  return KNOWN_BUILTINS.has(name) && !ALLOWED_BUILTINS.has(name);
}

/** Checks an expression's text and shape, and that its free names are in `scope`; throws a CriteriaDataError naming what is wrong. */
function checkExpression(criterionId: string, expression: unknown, what: string, scope: readonly string[]): asserts expression is string {
  if (typeof expression !== "string" || expression.trim() === "") {
    throw new CriteriaDataError(criterionId, `${what} must be a FEEL expression`);
  }
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CriteriaDataError(criterionId, `${what} is longer than ${MAX_EXPRESSION_LENGTH} characters`, expression);
  }
  let tree: ReturnType<typeof parseExpression>;
  try {
    tree = parseExpression(expression, {}, undefined);
  } catch {
    throw new CriteriaDataError(criterionId, `${what} cannot be parsed`, expression);
  }
  let depth = 0;
  let nodes = 0;
  let binders = 0;
  let problem: string | undefined;
  tree.iterate({
    enter(node) {
      if (problem) return false;
      depth += 1;
      if (BINDING_NODES.has(node.name)) binders += 1;
      nodes += 1;
      if (node.type.isError) problem = `${what} has a syntax error at character ${node.from + 1}`;
      else if (depth > MAX_DEPTH) problem = `${what} is nested deeper than ${MAX_DEPTH}`;
      else if (nodes > MAX_NODES) problem = `${what} has more than ${MAX_NODES} parts`;
      else if (FORBIDDEN_NODES[node.name]) problem = `${what}: ${FORBIDDEN_NODES[node.name]}`;
      else if (node.name === "VariableName") {
        const name = expression.slice(node.from, node.to).replace(/\s+/g, " ");
        if (isForbiddenBuiltin(name)) problem = `${what} uses ${name}(), which is not allowed`;
        else if (binders === 0 && !scope.includes(name) && !Object.hasOwn(HELPERS, name) && !ALLOWED_BUILTINS.has(name)) {
          problem = `${what} names ${JSON.stringify(name)}, which is not in scope`;
        }
      }
      return problem ? false : undefined;
    },
    leave(node) {
      depth -= 1;
      if (BINDING_NODES.has(node.name)) binders -= 1;
    },
  });
  if (problem) throw new CriteriaDataError(criterionId, problem, expression);
}

// ---------------------------------------------------------------------------------------------
// Compiling

type Compiled = (...values: unknown[]) => unknown;

interface CompiledRule {
  when: Compiled;
  outcome: TableRule["outcome"];
  message: Compiled | undefined;
  fieldPath: Compiled | undefined;
  missing: boolean;
}

/**
 * Rules tried in order with one call: `select` gives the 1-based position of the first that hits,
 * or 0. Each call into FEEL copies the whole scope, so one call per run of rules (and per item of a
 * group) rather than one per rule is what keeps a submission within a millisecond.
 */
interface CompiledRun {
  rules: CompiledRule[];
  select: Compiled;
}

interface CompiledGroup {
  when: Compiled | undefined;
  list: Compiled;
  lets: Compiled[];
  run: CompiledRun;
}

export interface CompiledRow {
  row: AutomaticCriterionRow;
  constants: unknown[];
  lets: Compiled[];
  entries: (CompiledRun | CompiledGroup)[];
}

// Keyed by the parameter list and the expression: the same text in the same scope compiles once.
const cache = new Map<string, Compiled>();

function compileExpression(criterionId: string, expression: unknown, what: string, scope: readonly string[], checked = false): Compiled {
  const source = `function(${scope.join(", ")}) (${String(expression)})`;
  // Only an expression that passed its checks is ever cached.
  const cached = typeof expression === "string" ? cache.get(source) : undefined;
  if (cached) return cached;
  if (!checked) checkExpression(criterionId, expression, what, scope);
  let compiled: Compiled;
  try {
    const { value, warnings } = evaluate(source, DEFINITIONS);
    if (!(value instanceof FeelFunction)) throw new Error("not a function");
    const fn = value.fn;
    // feelin keeps warnings (a field not found, say) in an array it returns here and appends to at
    // every call; empty it after each call so it never grows.
    compiled = (...values: unknown[]) => {
      try {
        return fn(...values);
      } finally {
        warnings.length = 0;
      }
    };
  } catch (error) {
    if (error instanceof CriteriaDataError) throw error;
    throw new CriteriaDataError(
      criterionId,
      `${what} cannot be compiled (${error instanceof Error ? error.message : "unknown error"})`,
      String(expression),
    );
  }
  cache.set(source, compiled);
  return compiled;
}

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

function checkName(criterionId: string, name: unknown, scope: readonly string[], what: string): string {
  if (typeof name !== "string" || !NAME.test(name)) throw new CriteriaDataError(criterionId, `${what} must be a plain name`);
  if (scope.includes(name) || Object.hasOwn(HELPERS, name) || KNOWN_BUILTINS.has(name)) {
    throw new CriteriaDataError(criterionId, `${what} "${name}" hides another name`);
  }
  return name;
}

function compileBindings(criterionId: string, bindings: readonly Binding[] | undefined, scope: string[]): Compiled[] {
  return (bindings ?? []).map((binding, index) => {
    const name = checkName(criterionId, binding?.name, scope, `binding ${index + 1}`);
    const compiled = compileExpression(criterionId, binding.value, `binding ${name}`, scope);
    scope.push(name);
    return compiled;
  });
}

function compileRule(criterionId: string, rule: TableRule, position: string, scope: readonly string[]): CompiledRule {
  if (rule === null || typeof rule !== "object") throw new CriteriaDataError(criterionId, `${position} is not a rule`);
  if (!(TABLE_OUTCOMES as readonly unknown[]).includes(rule.outcome)) {
    throw new CriteriaDataError(criterionId, `${position} has an unknown outcome ${JSON.stringify(rule.outcome)}`);
  }
  const fails = rule.outcome === "fail";
  if (fails && (rule.message === undefined || rule.fieldPath === undefined || typeof rule.missing !== "boolean")) {
    throw new CriteriaDataError(criterionId, `${position} fails without a message, a field path and whether the field is missing`);
  }
  return {
    when: compileExpression(criterionId, rule.when, `${position} condition`, scope),
    outcome: rule.outcome,
    message: rule.message === undefined ? undefined : compileExpression(criterionId, rule.message, `${position} message`, scope),
    fieldPath: rule.fieldPath === undefined ? undefined : compileExpression(criterionId, rule.fieldPath, `${position} field path`, scope),
    missing: rule.missing === true,
  };
}

/** One selector over rules whose conditions have each been checked and compiled already. */
function compileRun(
  criterionId: string,
  rules: TableRule[],
  compiled: CompiledRule[],
  position: string,
  scope: readonly string[],
): CompiledRun {
  const source = `${rules.map((rule, i) => `if (${rule.when}) = true then ${i + 1} else `).join("")}0`;
  return { rules: compiled, select: compileExpression(criterionId, source, `${position} rules`, scope, true) };
}

function compileTable(criterionId: string, table: DecisionTable): Omit<CompiledRow, "row"> {
  if (!table || !Array.isArray(table.rules) || table.rules.length === 0) {
    throw new CriteriaDataError(criterionId, "an automatic criterion needs a decision table with at least one rule");
  }
  const scope = [...BASE_NAMES];
  const constants = Object.entries(table.constants ?? {}).map(([name, value]) => {
    scope.push(checkName(criterionId, name, scope, "constant"));
    return deepFreeze(structuredClone(value));
  });
  const lets = compileBindings(criterionId, table.let, scope);
  const entries: (CompiledRun | CompiledGroup)[] = [];
  let pending: { rules: TableRule[]; compiled: CompiledRule[]; position: string } | undefined;
  const flush = () => {
    if (pending) entries.push(compileRun(criterionId, pending.rules, pending.compiled, pending.position, scope));
    pending = undefined;
  };
  table.rules.forEach((entry, index) => {
    const position = `rule ${index + 1}`;
    if (entry === null || typeof entry !== "object" || !isRuleGroup(entry)) {
      const compiled = compileRule(criterionId, entry, position, scope);
      pending ??= { rules: [], compiled: [], position };
      pending.rules.push(entry);
      pending.compiled.push(compiled);
      return;
    }
    flush();
    const group: RuleGroup = entry;
    if (!Array.isArray(group.rules) || group.rules.length === 0) throw new CriteriaDataError(criterionId, `${position} has no rules`);
    const when = group.when === undefined ? undefined : compileExpression(criterionId, group.when, `${position} condition`, scope);
    const list = compileExpression(criterionId, group.forEach?.list, `${position} list`, scope);
    const inner = [...scope];
    inner.push(checkName(criterionId, group.forEach.as, inner, `${position} item name`));
    inner.push(checkName(criterionId, group.forEach.index, inner, `${position} index name`));
    const groupLets = compileBindings(criterionId, group.let, inner);
    const compiled = group.rules.map((rule, i) => compileRule(criterionId, rule, `${position}.${i + 1}`, inner));
    entries.push({ when, list, lets: groupLets, run: compileRun(criterionId, [...group.rules], compiled, position, inner) });
  });
  flush();
  return { constants, lets, entries };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export interface CompiledCriteriaSet {
  rows: readonly CriterionRow[];
  criteria: readonly Criterion[];
}

/**
 * Checks and compiles every row; throws a CriteriaDataError naming the first criterion (and expression)
 * that is malformed. The criteria returned run their tables when `evaluate()` calls their check.
 */
export function compileCriteriaSet(rows: readonly CriterionRow[]): CompiledCriteriaSet {
  const seen = new Set<string>();
  const criteria = rows.map((row, index): Criterion => {
    const id = typeof row?.id === "string" && row.id !== "" ? row.id : `at position ${index + 1}`;
    if (seen.has(id)) throw new CriteriaDataError(id, "appears twice in the set");
    seen.add(id);
    if (row.kind === "judgement") {
      if ("table" in row) throw new CriteriaDataError(id, "a judgement criterion has no decision table");
      const { kind, domain, title, rule, source, appliesTo, severity, fieldPaths } = row;
      return { id, kind, domain, title, rule, source, appliesTo, severity, fieldPaths };
    }
    if (row.kind !== "automatic") throw new CriteriaDataError(id, `has an unknown kind ${JSON.stringify((row as { kind: unknown }).kind)}`);
    const key = JSON.stringify(row);
    let criterion = compiledCriteria.get(key);
    if (!criterion) {
      criterion = toAutomaticCriterion(compileRow(row));
      compiledCriteria.set(key, criterion);
    }
    return criterion;
  });
  return { rows, criteria };
}

// Compiled automatic criteria by their row's text: a row two sets share (most of them, between one
// planning round and the next) is one criterion object, so judging one submission under both sets,
// as the impact simulation does, can judge it once (see EvaluateOptions.outcomes).
const compiledCriteria = new Map<string, AutomaticCriterion>();

export function compileRow(row: AutomaticCriterionRow): CompiledRow {
  return { row, ...compileTable(row.id, row.table) };
}

// ---------------------------------------------------------------------------------------------
// Judging

function baseValues(content: SubmissionContent, ctx: CheckContext): unknown[] {
  return [
    content.about ?? null,
    content.population ?? null,
    content.contract ?? null,
    content.finance ?? null,
    content.outcomes ?? null,
    content.enablers ?? null,
    content.governance ?? null,
    content.evidence ?? null,
    ctx.checkpoint,
    ctx.modelType ?? null,
    ctx.reference ?? null,
  ];
}

class Unjudgeable extends Error {}

function outcomeOf(rule: CompiledRule, values: unknown[]): CheckOutcome {
  const message = rule.message?.(...values);
  if (rule.outcome === "fail") {
    const fieldPath = rule.fieldPath?.(...values);
    if (typeof message !== "string" || typeof fieldPath !== "string") throw new Unjudgeable();
    return { outcome: "fail", message, fieldPath, missing: rule.missing };
  }
  if (message !== undefined && message !== null && typeof message !== "string") throw new Unjudgeable();
  return typeof message === "string" ? { outcome: rule.outcome, message } : { outcome: rule.outcome };
}

function firstHit(run: CompiledRun, values: unknown[]): CheckOutcome | undefined {
  const position = run.select(...values);
  if (position === 0) return undefined;
  const rule = typeof position === "number" ? run.rules[position - 1] : undefined;
  if (!rule) throw new Unjudgeable();
  return outcomeOf(rule, values);
}

/** Runs a compiled row's table over one submission. Never throws. */
export function evaluateRow(compiled: CompiledRow, content: SubmissionContent, ctx: CheckContext): CheckOutcome {
  try {
    const values = baseValues(content, ctx);
    for (const constant of compiled.constants) values.push(constant);
    for (const binding of compiled.lets) values.push(binding(...values));
    for (const entry of compiled.entries) {
      if (!("list" in entry)) {
        const hit = firstHit(entry, values);
        if (hit) return hit;
        continue;
      }
      if (entry.when && entry.when(...values) !== true) continue;
      const list = entry.list(...values);
      if (list === null || list === undefined) continue;
      if (!Array.isArray(list)) throw new Unjudgeable();
      for (const [index, item] of list.entries()) {
        const scoped = [...values, item, index];
        for (const binding of entry.lets) scoped.push(binding(...scoped));
        const hit = firstHit(entry.run, scoped);
        if (hit) return hit;
      }
    }
    return { outcome: "pass" };
  } catch {
    // Failing closed: a criterion that cannot be judged must not wave a submission through.
    return {
      outcome: "fail",
      message: `This check (${compiled.row.id}) could not be run on this submission; tell the NCM Assure team`,
      fieldPath: compiled.row.fieldPaths[0]?.replace(/\[\]/g, "[0]") ?? "about",
      missing: false,
    };
  }
}

/** A compiled row as the AutomaticCriterion `evaluate()` runs: its check is the row's decision table. */
export function toAutomaticCriterion(compiled: CompiledRow): AutomaticCriterion {
  const { id, domain, title, rule, source, appliesTo, severity, fieldPaths } = compiled.row;
  return {
    id,
    domain,
    kind: "automatic",
    title,
    rule,
    source,
    appliesTo,
    severity,
    fieldPaths,
    check: (content, ctx) => evaluateRow(compiled, content, ctx),
  };
}

/**
 * The value of one expression over a submission, in the scope a table's rules start with: for
 * previews and tests. Throws a CriteriaDataError for an expression compile would refuse; gives
 * undefined when it fails at run time.
 */
export function evaluateExpression(expression: string, content: SubmissionContent, ctx: CheckContext): unknown {
  const compiled = compileExpression("(expression)", expression, "the expression", BASE_NAMES);
  try {
    return compiled(...baseValues(content, ctx));
  } catch {
    return undefined;
  }
}
