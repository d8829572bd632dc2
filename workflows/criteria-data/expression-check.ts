// Checks a FEEL expression as a person writes it (issue 14, step 3: authoring criteria in the browser),
// and says what is wrong in words an administrator can act on: a syntax error and where, a field
// that does not exist (with the nearest one that does), a field compared with a value of the wrong
// type, something the engine refuses (engine.ts's own checks, reused), or an expression that gives a
// number where a condition is needed.
//
// Conservative by design: a type is only "known" when it evidently is (a field of the catalogue, a
// literal, a helper's result); anything else is unknown and never reported. So every expression the
// engine accepts in the shipped sets gives no problem (test/workflows/expression-check.test.ts).
//
// Pure and browser-safe: the caller passes the fields' types (app/forms/criteria-fields.ts builds them
// from the section forms), so this file imports neither app/ nor the submission's schemas.
import type { SyntaxNode } from "@lezer/common";
import { parseExpression } from "feelin";
import {
  ALLOWED_BUILTINS,
  FORBIDDEN_NODES,
  HELPER_NAMES,
  isForbiddenBuiltin,
  KNOWN_BUILTINS,
  MAX_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_NODES,
  SECTION_NAMES,
} from "./engine.ts";
import { type DecisionTable, isRuleGroup, type JsonValue } from "./types.ts";

export type FeelType = "number" | "string" | "boolean" | "list" | "context";

/** One field as the checker needs it: its FEEL type, and words for messages. */
export interface FieldType {
  type: FeelType;
  /** How the form names it ("Registered population"), quoted in messages beside the path. */
  label?: string;
  /** An ISO date held as a string ("2017-03-01"), so messages can say "date" rather than "text". */
  date?: boolean;
  /** For a list of plain values (ticked options): the type of each. */
  items?: FeelType;
  /** For a choice: the values it can hold, as written in FEEL without quotes ("PACS", "2"). */
  options?: readonly string[];
}

/**
 * What an expression can name. `fields` maps each content path, list rows written `[]`
 * ("population.practices[].listSize", and the list itself "population.practices"), to its type.
 * `names` adds names in scope beyond the sections and the context (checkpoint, modelType,
 * reference): a table's constants and `let` bindings, and a group's item and index. A name's type
 * may be a plain FEEL type, "unknown", the item of a list field (`{ itemOf: "population.practices" }`)
 * or a type `typeOfExpression` gave.
 */
export interface FieldTypes {
  fields: Readonly<Record<string, FeelType | FieldType>>;
  names?: Readonly<Record<string, NameType>>;
}

export type NameType = FeelType | "unknown" | { itemOf: string } | ValueType;

/** The type the checker infers for a value. `path` is the field pattern it reads, when it reads one. */
export interface ValueType {
  kind: FeelType | "null" | "unknown" | "function";
  path?: string;
  date?: boolean;
  /** A list's items. */
  item?: ValueType;
  /** A context's keys, when known (constants, context literals, `reference`). */
  keys?: Readonly<Record<string, ValueType>>;
  /** A function's name, for calls. */
  name?: string;
}

/**
 * What the whole expression must give: a rule's condition, a message, a field path (text naming a
 * field that exists), a group's list, or anything (a binding).
 */
export type Expected = "condition" | "text" | "fieldPath" | "list" | "any";

export type ProblemKind = "syntax" | "unknown-field" | "unknown-option" | "wrong-type" | "not-allowed";

export interface ExpressionProblem {
  kind: ProblemKind;
  /** For the person writing the expression, in the GOV.UK error style. */
  message: string;
  /** 0-based character offsets of the part at fault. */
  from: number;
  to: number;
  /** For an unknown field: the nearest name or path that exists, as it would be written. */
  suggestion?: string;
}

const UNKNOWN: ValueType = { kind: "unknown" };
const NUMBER: ValueType = { kind: "number" };
const STRING: ValueType = { kind: "string" };
const BOOLEAN: ValueType = { kind: "boolean" };
const NULL: ValueType = { kind: "null" };
const list = (item: ValueType = UNKNOWN): ValueType => ({ kind: "list", item });

// The context every expression sees besides the sections (engine.ts baseValues).
const REFERENCE: ValueType = {
  kind: "context",
  keys: { footprintCodes: list(STRING), vanguardNumbers: list(NUMBER) },
};
const CONTEXT_NAMES: Readonly<Record<string, ValueType>> = { checkpoint: NUMBER, modelType: STRING, reference: REFERENCE };

// What the helpers and allowed built-ins give; "same" is a list of the first argument's items.
type Result = ValueType | "same" | "item" | "lookup";
const RETURNS: Readonly<Record<string, Result>> = {
  formatCount: STRING,
  formatPence: STRING,
  formatPercent: STRING,
  formatDate: STRING,
  rowName: STRING,
  capitalise: STRING,
  lowerFirst: STRING,
  isBlank: BOOLEAN,
  anyBlank: BOOLEAN,
  strictlyIncreasing: BOOLEAN,
  numbers: list(NUMBER),
  positions: list(NUMBER),
  not: BOOLEAN,
  string: STRING,
  count: NUMBER,
  min: "item",
  max: "item",
  sum: NUMBER,
  abs: NUMBER,
  floor: NUMBER,
  ceiling: NUMBER,
  decimal: NUMBER,
  contains: BOOLEAN,
  "starts with": BOOLEAN,
  "ends with": BOOLEAN,
  substring: STRING,
  "string length": NUMBER,
  "upper case": STRING,
  "lower case": STRING,
  "list contains": BOOLEAN,
  "index of": list(NUMBER),
  "distinct values": "same",
  "get value": "lookup",
  sublist: "same",
  append: "same",
  concatenate: "same",
  flatten: list(),
  reverse: "same",
  all: BOOLEAN,
  any: BOOLEAN,
  "string join": STRING,
  "is defined": BOOLEAN,
};

// Helpers whose first argument must be of one type; a field of another type is a mistake.
const FIRST_ARGUMENT: Readonly<Record<string, "number" | "string" | "list">> = {
  formatCount: "number",
  formatPence: "number",
  formatPercent: "number",
  formatDate: "string",
  capitalise: "string",
  lowerFirst: "string",
  "string length": "string",
  "upper case": "string",
  "lower case": "string",
  count: "list",
  sum: "list",
  "list contains": "list",
  positions: "list",
  anyBlank: "list",
};

/** A plain JSON value's type: how a table's constants are seen. */
export function typeOfJson(value: JsonValue): ValueType {
  if (value === null) return NULL;
  if (typeof value === "number") return NUMBER;
  if (typeof value === "string") return STRING;
  if (typeof value === "boolean") return BOOLEAN;
  if (Array.isArray(value)) {
    return list(value.length === 0 ? UNKNOWN : (value as JsonValue[]).map(typeOfJson).reduce(join));
  }
  return {
    kind: "context",
    keys: Object.fromEntries(Object.entries(value as Record<string, JsonValue>).map(([key, v]) => [key, typeOfJson(v)])),
  };
}

/** The one type two branches share, or unknown: `if … then [] else population.practices` is the practices. */
function join(a: ValueType, b: ValueType): ValueType {
  if (a.kind === "null" || (a.kind === "unknown" && b.kind === "null")) return b.kind === "null" ? a : b;
  if (b.kind === "null") return a;
  if (a.kind !== b.kind || a.kind === "unknown") return UNKNOWN;
  if (a.kind === "list") {
    const ai = a.item ?? UNKNOWN;
    const bi = b.item ?? UNKNOWN;
    if (ai.kind === "unknown" && !ai.path) return b;
    if (bi.kind === "unknown" && !bi.path) return a;
    return list(join(ai, bi));
  }
  if (a.path !== undefined && a.path === b.path) return a;
  if (a.kind === "context") {
    if (!a.keys || !b.keys) return { kind: "context" };
    const keys: Record<string, ValueType> = {};
    for (const key of new Set([...Object.keys(a.keys), ...Object.keys(b.keys)])) {
      keys[key] = join(a.keys[key] ?? NULL, b.keys[key] ?? NULL);
    }
    return { kind: "context", keys };
  }
  return { kind: a.kind, ...(a.date && b.date ? { date: true } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The fields, indexed

interface Catalogue {
  fields: ReadonlyMap<string, FieldType>;
  /** Every path that has fields under it (sections, groups, list rows `x[]`) → its children's names. */
  children: ReadonlyMap<string, string[]>;
}

const catalogues = new WeakMap<FieldTypes["fields"], Catalogue>();

function catalogueOf(types: FieldTypes): Catalogue {
  const cached = catalogues.get(types.fields);
  if (cached) return cached;
  const fields = new Map<string, FieldType>();
  const children = new Map<string, string[]>();
  for (const section of SECTION_NAMES) children.set(section, []);
  for (const [path, given] of Object.entries(types.fields)) {
    fields.set(path, typeof given === "string" ? { type: given } : given);
    const cut = path.lastIndexOf(".");
    if (cut < 0) continue;
    const parent = path.slice(0, cut);
    const siblings = children.get(parent) ?? [];
    siblings.push(path.slice(cut + 1));
    children.set(parent, siblings);
  }
  const catalogue = { fields, children };
  catalogues.set(types.fields, catalogue);
  return catalogue;
}

function typeOfField(catalogue: Catalogue, path: string): ValueType | undefined {
  const field = catalogue.fields.get(path);
  if (!field) return catalogue.children.has(path) ? { kind: "context", path } : undefined;
  if (field.type === "list") {
    const itemPath = `${path}[]`;
    const item: ValueType = catalogue.children.has(itemPath)
      ? { kind: "context", path: itemPath }
      : field.items
        ? { kind: field.items, path: itemPath }
        : UNKNOWN;
    return { kind: "list", path, item };
  }
  return { kind: field.type, path, ...(field.date ? { date: true } : {}) };
}

function typeOfName(catalogue: Catalogue, given: NameType): ValueType {
  if (typeof given === "string") return given === "unknown" ? UNKNOWN : given === "list" ? list() : { kind: given };
  if ("itemOf" in given) return typeOfField(catalogue, `${given.itemOf}[]`) ?? typeOfField(catalogue, given.itemOf)?.item ?? UNKNOWN;
  return given;
}

// ---------------------------------------------------------------------------------------------
// Words

/** "population.registeredPopulation (Registered population)" or the expression's own text. */
function nameOf(catalogue: Catalogue, type: ValueType, text: string): string {
  const label = type.path ? catalogue.fields.get(type.path)?.label : undefined;
  return label ? `${text} (${label})` : text;
}

function kindWords(type: ValueType): string {
  if (type.date) return "a date";
  switch (type.kind) {
    case "number":
      return "a number";
    case "string":
      return "text";
    case "boolean":
      return "yes or no (true or false)";
    case "list":
      return "a list";
    case "context":
      return "a group of fields";
    default:
      return "a value";
  }
}

/** How to write a value of this type, for the end of a wrong-type message. */
function howToWrite(type: ValueType): string {
  if (type.date) return 'a date in quotes, like "2017-03-01"';
  switch (type.kind) {
    case "number":
      return "a number without quotes, like 200000";
    case "string":
      return 'text in quotes, like "PACS"';
    case "boolean":
      return "true or false, without quotes";
    default:
      return "a value of the same kind";
  }
}

const EXPECTED_WORDS: Record<Exclude<Expected, "any">, string> = {
  condition: "a condition (true or false)",
  text: "text",
  fieldPath: "a field path (text)",
  list: "a list",
};

function givesWords(type: ValueType): string {
  return kindWords(type);
}

/** A FEEL string literal's text without its quotes; FEEL escapes are close to JSON's, and where not, the raw text will do for a message. */
function stringOf(literal: string): string {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === "string" ? value : literal.slice(1, -1);
  } catch {
    return literal.slice(1, -1);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Edit distance, for "did you mean"

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] as number;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + cost);
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** The candidate nearest to `wanted`, when near enough to be what was meant. */
export function nearest(wanted: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(wanted, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(wanted.length * 0.4)) ? best : undefined;
}

// ---------------------------------------------------------------------------------------------
// The checker

class Checker {
  readonly problems: ExpressionProblem[] = [];
  /** Inside a filter or a context literal, bare names may be an item's keys or earlier entries. */
  private loose = 0;
  private readonly scopes: Map<string, ValueType>[] = [];

  constructor(
    private readonly source: string,
    private readonly catalogue: Catalogue,
    names: Readonly<Record<string, NameType>>,
  ) {
    const base = new Map<string, ValueType>();
    for (const section of SECTION_NAMES) base.set(section, { kind: "context", path: section });
    for (const [name, type] of Object.entries(CONTEXT_NAMES)) base.set(name, type);
    for (const [name, type] of Object.entries(names)) base.set(name, typeOfName(catalogue, type));
    this.scopes.push(base);
  }

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  private report(kind: ProblemKind, message: string, node: { from: number; to: number }, suggestion?: string) {
    // One problem per place is enough for a person to act on.
    if (this.problems.some((p) => p.from === node.from && p.to === node.to)) return;
    this.problems.push({ kind, message, from: node.from, to: node.to, ...(suggestion ? { suggestion } : {}) });
  }

  private lookup(name: string): ValueType | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i -= 1) {
      const type = this.scopes[i]?.get(name);
      if (type) return type;
    }
    return undefined;
  }

  private allNames(): string[] {
    return [...new Set(this.scopes.flatMap((scope) => [...scope.keys()]))];
  }

  private withScope<T>(names: Map<string, ValueType>, run: () => T): T {
    this.scopes.push(names);
    try {
      return run();
    } finally {
      this.scopes.pop();
    }
  }

  private children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
    return out;
  }

  /** Visits the children for their problems, and gives unknown. */
  private visitAll(node: SyntaxNode): ValueType {
    for (const child of this.children(node)) this.typeOf(child);
    return UNKNOWN;
  }

  typeOf(node: SyntaxNode): ValueType {
    const forbidden = FORBIDDEN_NODES[node.name];
    if (forbidden) {
      this.report("not-allowed", capitalise(forbidden), node);
      return UNKNOWN;
    }
    switch (node.name) {
      case "Expression":
      case "IterationContext":
      case "ParenthesizedExpression": {
        const inner = this.children(node).filter((c) => c.name !== "(" && c.name !== ")");
        const types = inner.map((c) => this.typeOf(c));
        return types.length === 1 ? (types[0] as ValueType) : UNKNOWN;
      }
      case "NumericLiteral":
        return NUMBER;
      case "StringLiteral":
        return STRING;
      case "BooleanLiteral":
        return BOOLEAN;
      case "null":
        return NULL;
      case "VariableName":
        return this.variable(node);
      case "PathExpression":
        return this.path(node);
      case "FilterExpression":
        return this.filter(node);
      case "Comparison":
        return this.comparison(node);
      case "ArithmeticExpression":
        return this.arithmetic(node);
      case "Conjunction":
      case "Disjunction":
        for (const child of this.children(node)) {
          if (child.name === "and" || child.name === "or") continue;
          this.condition(child, this.typeOf(child));
        }
        return BOOLEAN;
      case "IfExpression":
        return this.ifExpression(node);
      case "ForExpression":
        return this.loop(node, "return");
      case "QuantifiedExpression":
        this.loop(node, "satisfies");
        return BOOLEAN;
      case "FunctionInvocation":
        return this.call(node);
      case "List": {
        const items = this.children(node)
          .filter((c) => c.name !== "[" && c.name !== "]")
          .map((c) => this.typeOf(c));
        return list(items.length === 0 ? UNKNOWN : items.reduce(join));
      }
      case "Context":
        return this.context(node);
      case "InstanceOfExpression":
        this.visitAll(node);
        return BOOLEAN;
      default:
        return this.visitAll(node);
    }
  }

  private variable(node: SyntaxNode): ValueType {
    const name = this.text(node).replace(/\s+/g, " ");
    if (isForbiddenBuiltin(name)) {
      this.report("not-allowed", `${name}() is not allowed in criteria: use only the functions listed`, node);
      return UNKNOWN;
    }
    const known = this.lookup(name);
    if (known) return known;
    if (HELPER_NAMES.includes(name) || ALLOWED_BUILTINS.has(name) || KNOWN_BUILTINS.has(name)) return { kind: "function", name };
    if (this.loose > 0) return UNKNOWN;
    if (node.parent?.name === "FunctionInvocation" && node.parent.firstChild?.from === node.from) {
      const suggestion = nearest(name, [...HELPER_NAMES, ...ALLOWED_BUILTINS]);
      this.report(
        "unknown-field",
        `There is no function called ${JSON.stringify(name)}${suggestion ? `. Did you mean ${suggestion}()?` : ""}`,
        node,
        suggestion,
      );
      return UNKNOWN;
    }
    // Suggest the whole path when the name starts one ("populaton.registeredPopulation").
    let whole: SyntaxNode = node;
    while (whole.parent?.name === "PathExpression" && whole.parent.firstChild?.from === whole.from) whole = whole.parent;
    const written = this.text(whole).replace(/\s+/g, "");
    const paths = [...this.catalogue.fields.keys()].filter((p) => !p.includes("[]"));
    const suggestion = whole === node ? nearest(name, this.allNames()) : (nearest(written, paths) ?? nearest(name, this.allNames()));
    const at = whole === node ? node : whole;
    this.report(
      "unknown-field",
      `There is no field or name called ${JSON.stringify(whole === node ? name : written)}${suggestion ? `. Did you mean ${suggestion}?` : ""}`,
      at,
      suggestion,
    );
    return UNKNOWN;
  }

  private path(node: SyntaxNode): ValueType {
    const [base, , pathName] = this.children(node);
    if (!base || !pathName) return this.visitAll(node);
    const problemsBefore = this.problems.length;
    const baseType = this.typeOf(base);
    // The base was already reported (an unknown section, say): one message is enough.
    if (this.problems.length > problemsBefore && baseType.kind === "unknown") return UNKNOWN;
    const key = this.text(pathName).replace(/\s+/g, " ");
    return this.project(baseType, key, node, base);
  }

  private project(type: ValueType, key: string, node: SyntaxNode, base: SyntaxNode): ValueType {
    if (type.kind === "list") {
      const item = this.project(type.item ?? UNKNOWN, key, node, base);
      return list(item);
    }
    if (type.kind !== "context") return UNKNOWN;
    if (type.keys) return type.keys[key] ?? UNKNOWN;
    if (type.path === undefined) return UNKNOWN;
    const path = `${type.path}.${key}`;
    const field = typeOfField(this.catalogue, path);
    if (field) return field;
    const siblings = this.catalogue.children.get(type.path) ?? [];
    if (siblings.length === 0 && !SECTION_NAMES.includes(type.path as (typeof SECTION_NAMES)[number])) return UNKNOWN;
    const near = nearest(key, siblings);
    const written = `${this.text(base).replace(/\s+/g, "")}.${key}`;
    const suggestion = near ? `${this.text(base).replace(/\s+/g, "")}.${near}` : undefined;
    const where = type.path.replace(/\[\]$/, "");
    const label = this.catalogue.fields.get(where)?.label;
    this.report(
      "unknown-field",
      `There is no field called ${JSON.stringify(written)}${label ? ` in ${label}` : ""}${suggestion ? `. Did you mean ${suggestion}?` : ""}`,
      node,
      suggestion,
    );
    return UNKNOWN;
  }

  private filter(node: SyntaxNode): ValueType {
    const parts = this.children(node).filter((c) => c.name !== "[" && c.name !== "]");
    const [base, condition] = parts;
    if (!base || !condition) return this.visitAll(node);
    const baseType = this.typeOf(base);
    const item = baseType.kind === "list" ? (baseType.item ?? UNKNOWN) : UNKNOWN;
    // In a filter `item` is the item, and the item's own keys are names too.
    this.loose += 1;
    const conditionType = this.withScope(new Map([["item", item]]), () => this.typeOf(condition));
    this.loose -= 1;
    if (baseType.kind !== "list") return UNKNOWN;
    if (conditionType.kind === "number") return item;
    if (conditionType.kind === "boolean") return baseType;
    return UNKNOWN;
  }

  private comparison(node: SyntaxNode): ValueType {
    const parts = this.children(node);
    const [left, op, right] = parts;
    if (!left || !op || !right || op.name !== "CompareOp") {
      this.visitAll(node);
      return BOOLEAN;
    }
    const a = this.typeOf(left);
    const b = this.typeOf(right);
    const operator = this.text(op);
    this.mismatch(node, left, a, right, b, operator === "=" || operator === "!=" ? "equal" : "order");
    if (operator === "=" || operator === "!=") {
      this.option(a, left, right);
      this.option(b, right, left);
    }
    this.dateLiteral(node, a, left, right);
    this.dateLiteral(node, b, right, left);
    return BOOLEAN;
  }

  /** Reports a comparison or sum of two values that can never go together. */
  private mismatch(node: SyntaxNode, left: SyntaxNode, a: ValueType, right: SyntaxNode, b: ValueType, how: "equal" | "order" | "add") {
    const plain = (t: ValueType) => t.kind === "number" || t.kind === "string" || t.kind === "boolean";
    // A list never equals, nor is more or less than, a single value: a common slip with ticked options.
    const listSide: [ValueType, SyntaxNode, ValueType] | undefined =
      a.kind === "list" && plain(b) ? [a, left, b] : b.kind === "list" && plain(a) ? [b, right, a] : undefined;
    if (listSide && how !== "add") {
      const [many, manyNode, one] = listSide;
      const advice = how === "equal" ? "use list contains(list, value)" : "use count(), sum(), min() or max() of it";
      this.report(
        "wrong-type",
        `${nameOf(this.catalogue, many, this.text(manyNode))} is a list, so it cannot be compared with ${kindWords(one)}: ${advice}, or some … in … satisfies`,
        node,
      );
      return;
    }
    if (!plain(a) || !plain(b)) return;
    if (how === "order" && (a.kind === "boolean" || b.kind === "boolean")) {
      const [flag, flagNode] = a.kind === "boolean" ? [a, left] : [b, right];
      this.report(
        "wrong-type",
        `${nameOf(this.catalogue, flag, this.text(flagNode))} is yes or no, so it cannot be more or less than something`,
        node,
      );
      return;
    }
    if (a.kind === b.kind) return;
    // Blame the field when one side is a field: that is what the person has to write to match.
    const [field, fieldNode, other, otherNode] = a.path || !b.path ? [a, left, b, right] : [b, right, a, left];
    const fieldName = nameOf(this.catalogue, field, this.text(fieldNode));
    const otherText = this.text(otherNode);
    const verb = how === "add" ? "added to" : "compared with";
    let advice = `compare it with ${howToWrite(field)}`;
    if (how === "add")
      advice =
        field.kind === "number" ? "add numbers to it, or use string() to make it text" : "join text to it, or use string() on the number";
    else if (field.kind === "number" && otherNode.name === "StringLiteral" && /^"\s*-?[\d,.]+\s*"$/.test(otherText)) {
      advice = `write ${otherText.replace(/["\s,]/g, "")} without quotes`;
    }
    this.report(
      "wrong-type",
      `${fieldName} is ${kindWords(field)}, so it cannot be ${verb} ${kindWords(other)} (${otherText}): ${advice}`,
      node,
    );
  }

  /** Dates are compared as text, so a date written any other way than "2017-03-01" compares wrongly. */
  private dateLiteral(node: SyntaxNode, field: ValueType, fieldNode: SyntaxNode, other: SyntaxNode) {
    if (!field.date || other.name !== "StringLiteral") return;
    const text = this.text(other);
    if (/^\d{4}-\d{2}-\d{2}$/.test(stringOf(text))) return;
    this.report(
      "wrong-type",
      `${nameOf(this.catalogue, field, this.text(fieldNode))} is a date, so write the date it is compared with as year, month and day, like "2017-03-01", not ${text}`,
      node,
    );
  }

  /** A choice compared with a literal that is none of its options ("pacs" for "PACS"). */
  private option(field: ValueType, fieldNode: SyntaxNode, other: SyntaxNode) {
    const options = field.path ? this.catalogue.fields.get(field.path)?.options : undefined;
    if (!options || (other.name !== "StringLiteral" && other.name !== "NumericLiteral")) return;
    const text = this.text(other);
    const value = other.name === "StringLiteral" ? stringOf(text) : text;
    if ((other.name === "StringLiteral") !== (field.kind === "string") || options.includes(value)) return;
    const near = options.find((o) => o.toLowerCase() === value.toLowerCase()) ?? nearest(value, options);
    const written = (o: string) => (field.kind === "string" ? JSON.stringify(o) : o);
    this.report(
      "unknown-option",
      `${text} is not one of the options of ${nameOf(this.catalogue, field, this.text(fieldNode))}: use ${options.map(written).join(", ")}`,
      other,
      near === undefined ? undefined : written(near),
    );
  }

  private arithmetic(node: SyntaxNode): ValueType {
    const parts = this.children(node);
    if (parts.length === 2 && parts[0]?.name === "ArithOp") {
      const operand = this.typeOf(parts[1] as SyntaxNode);
      return operand.kind === "number" ? NUMBER : UNKNOWN;
    }
    const [left, op, right] = parts;
    if (!left || !op || !right || op.name !== "ArithOp") return this.visitAll(node);
    const a = this.typeOf(left);
    const b = this.typeOf(right);
    const operator = this.text(op);
    if (operator === "+") {
      if (a.kind === "string" || b.kind === "string") {
        this.mismatch(node, left, a, right, b, "add");
        return STRING;
      }
      if (a.kind === "number" && b.kind === "number") return NUMBER;
      if (a.kind === "number" || b.kind === "number") this.mismatch(node, left, a, right, b, "add");
      return UNKNOWN;
    }
    for (const [type, side] of [
      [a, left],
      [b, right],
    ] as const) {
      if (type.kind === "string" || type.kind === "boolean") {
        this.report(
          "wrong-type",
          `${nameOf(this.catalogue, type, this.text(side))} is ${kindWords(type)}, so it cannot be used in a sum with ${operator}`,
          node,
        );
        return UNKNOWN;
      }
    }
    return a.kind === "number" && b.kind === "number" ? NUMBER : UNKNOWN;
  }

  /** Reports a part that must be a condition but evidently is not. */
  private condition(node: SyntaxNode, type: ValueType) {
    if (type.kind === "number" || type.kind === "string" || type.kind === "list" || type.kind === "context") {
      this.report(
        "wrong-type",
        `${nameOf(this.catalogue, type, this.text(node))} gives ${givesWords(type)} where a condition (true or false) is needed`,
        node,
      );
    }
  }

  private ifExpression(node: SyntaxNode): ValueType {
    const parts = this.children(node).filter((c) => !["if", "then", "else"].includes(c.name));
    const [condition, then, otherwise] = parts;
    if (!condition || !then || !otherwise) return this.visitAll(node);
    this.condition(condition, this.typeOf(condition));
    return join(this.typeOf(then), this.typeOf(otherwise));
  }

  /** `for x in xs return …` and `some x in xs satisfies …`: the names bound are the items. */
  private loop(node: SyntaxNode, keyword: "return" | "satisfies"): ValueType {
    const parts = this.children(node);
    const bound = new Map<string, ValueType>();
    const body = parts.at(-1);
    for (const part of parts) {
      if (part.name !== "InExpressions") continue;
      for (const each of this.children(part)) {
        const [name, context] = this.children(each).filter((c) => c.name !== "in");
        if (!name || !context) {
          this.typeOf(each);
          continue;
        }
        // Later iteration contexts may use earlier names.
        const source = this.withScope(bound, () => this.typeOf(context));
        bound.set(this.text(name).replace(/\s+/g, " "), source.kind === "list" ? (source.item ?? UNKNOWN) : UNKNOWN);
      }
    }
    if (!body || body.name === keyword) return UNKNOWN;
    const result = this.withScope(bound, () => this.typeOf(body));
    if (keyword === "satisfies") this.condition(body, result);
    return list(result);
  }

  private call(node: SyntaxNode): ValueType {
    const [callee, ...rest] = this.children(node);
    if (!callee) return UNKNOWN;
    const args: { node: SyntaxNode; type: ValueType }[] = [];
    for (const part of rest) {
      if (part.name === "PositionalParameters") {
        for (const arg of this.children(part)) args.push({ node: arg, type: this.typeOf(arg) });
      } else if (part.name === "NamedParameters") {
        for (const named of this.children(part)) {
          const value = this.children(named).at(-1);
          if (value) args.push({ node: value, type: this.typeOf(value) });
        }
      }
    }
    const fn = callee.name === "VariableName" ? this.variable(callee) : this.typeOf(callee);
    if (fn.kind !== "function" || !fn.name) return UNKNOWN;
    const first = args[0];
    const wants = FIRST_ARGUMENT[fn.name];
    if (first && wants) {
      const given = first.type;
      const plainMismatch =
        (given.kind === "number" || given.kind === "string" || given.kind === "boolean" || given.kind === "list") && given.kind !== wants;
      if (plainMismatch && given.path) {
        this.report(
          "wrong-type",
          `${fn.name}() needs ${wants === "number" ? "a number" : wants === "string" ? "text" : "a list"}, but ${nameOf(this.catalogue, given, this.text(first.node))} is ${kindWords(given)}`,
          first.node,
        );
      }
    }
    const result = RETURNS[fn.name];
    if (result === undefined) return UNKNOWN;
    if (result === "same") return first?.type.kind === "list" ? first.type : list();
    if (result === "item") return first?.type.kind === "list" ? { ...(first.type.item ?? UNKNOWN), path: undefined } : UNKNOWN;
    if (result === "lookup") {
      const [context, key] = args;
      if (context?.type.kind === "context" && key?.node.name === "StringLiteral") {
        return this.project(context.type, stringOf(this.text(key.node)), key.node, context.node);
      }
      return UNKNOWN;
    }
    return result;
  }

  private context(node: SyntaxNode): ValueType {
    const keys: Record<string, ValueType> = {};
    this.loose += 1;
    for (const entry of this.children(node)) {
      if (entry.name !== "ContextEntry") continue;
      const [key, value] = this.children(entry);
      if (!key || !value) continue;
      const keyText = this.text(key);
      const name = keyText.startsWith('"') ? stringOf(keyText) : keyText;
      keys[name] = this.typeOf(value);
    }
    this.loose -= 1;
    return { kind: "context", keys };
  }
}

/** The first syntax error's place, and the text around it, for a message a person can find. */
function syntaxProblem(source: string, from: number, to: number): ExpressionProblem {
  const at = from >= source.trimEnd().length;
  const tail = source.trimEnd().slice(-30);
  const ending = tail.length < source.trimEnd().length && tail.includes(" ") ? tail.slice(tail.indexOf(" ") + 1) : tail;
  const near = source.slice(Math.max(0, from - 12), Math.min(source.length, Math.max(to, from + 12))).trim();
  const message = at
    ? `The expression is incomplete: something is missing at the end, after ${JSON.stringify(ending)}`
    : `There is a mistake at character ${from + 1}, near ${JSON.stringify(near)}`;
  return { kind: "syntax", message, from, to: Math.max(to, from) };
}

interface Checked {
  problems: ExpressionProblem[];
  type: ValueType;
}

function run(expression: string, types: FieldTypes): Checked {
  if (expression.trim() === "") {
    return { problems: [{ kind: "syntax", message: "Enter an expression", from: 0, to: 0 }], type: UNKNOWN };
  }
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return {
      problems: [
        {
          kind: "not-allowed",
          message: `The expression must be ${MAX_EXPRESSION_LENGTH} characters or fewer`,
          from: MAX_EXPRESSION_LENGTH,
          to: expression.length,
        },
      ],
      type: UNKNOWN,
    };
  }
  let tree: ReturnType<typeof parseExpression>;
  try {
    tree = parseExpression(expression, {}, undefined);
  } catch {
    return { problems: [syntaxProblem(expression, 0, expression.length)], type: UNKNOWN };
  }
  // The engine's limits and syntax errors first: with a syntax error, types mean little.
  let depth = 0;
  let nodes = 0;
  let first: ExpressionProblem | undefined;
  tree.iterate({
    enter(node) {
      if (first) return false;
      depth += 1;
      nodes += 1;
      const forbidden = node.type.isError ? FORBIDDEN_NODES[node.node.firstChild?.name ?? ""] : undefined;
      if (forbidden) first = { kind: "not-allowed", message: capitalise(forbidden), from: node.from, to: node.to };
      else if (node.type.isError) first = syntaxProblem(expression, node.from, node.to);
      else if (depth > MAX_DEPTH)
        first = { kind: "not-allowed", message: `The expression is nested deeper than ${MAX_DEPTH} levels`, from: node.from, to: node.to };
      else if (nodes > MAX_NODES)
        first = {
          kind: "not-allowed",
          message: `The expression has more than ${MAX_NODES} parts: split it with bindings`,
          from: node.from,
          to: node.to,
        };
      return first ? false : undefined;
    },
    leave() {
      depth -= 1;
    },
  });
  if (first) return { problems: [first], type: UNKNOWN };
  const checker = new Checker(expression, catalogueOf(types), types.names ?? {});
  const type = checker.typeOf(tree.topNode);
  return { problems: checker.problems.sort((a, b) => a.from - b.from), type };
}

/**
 * The problems with one expression, for a person: empty when there are none. `expected` is what the
 * whole expression must give: "condition" (a rule's `when`), "text" (a message or a field path),
 * "list" (a group's list) or "any" (a binding).
 */
export function checkExpressionProblems(expression: string, expected: Expected, types: FieldTypes): ExpressionProblem[] {
  const { problems, type } = run(expression, types);
  if (problems.length > 0 || expected === "any") return problems;
  if (expected === "fieldPath") problems.push(...fieldPathProblems(expression, catalogueOf(types)));
  const wrong =
    expected === "condition"
      ? ["number", "string", "list", "context"].includes(type.kind)
      : expected === "text" || expected === "fieldPath"
        ? ["number", "boolean", "list", "context"].includes(type.kind)
        : ["number", "string", "boolean", "context"].includes(type.kind);
  if (wrong) {
    problems.push({
      kind: "wrong-type",
      message: `This gives ${givesWords(type)} where ${EXPECTED_WORDS[expected]} is needed${expected === "text" && type.kind === "number" ? ": use string() to make it text" : ""}`,
      from: 0,
      to: expression.length,
    });
  }
  return problems;
}

/**
 * A field path written as text, whole ("population.registeredPopulation") or as the start of one
 * ("population.practices[" + string(i) + "].listSize"): the written part must lead to a real field.
 */
function fieldPathProblems(expression: string, catalogue: Catalogue): ExpressionProblem[] {
  const tree = parseExpression(expression, {}, undefined);
  let node: SyntaxNode | null = tree.topNode.firstChild;
  // The leftmost operand of a chain of + is where the path starts.
  while (node?.name === "ArithmeticExpression") node = node.firstChild;
  if (node?.name !== "StringLiteral") return [];
  const literal = stringOf(expression.slice(node.from, node.to));
  const whole = node.from === 0 && node.to === expression.trim().length;
  const pattern = literal.replace(/\[\d+\]/g, "[]");
  const paths = [...catalogue.fields.keys()];
  const known = whole
    ? catalogue.fields.has(pattern) ||
      catalogue.children.has(pattern) ||
      (pattern.endsWith("[]") && catalogue.fields.get(pattern.slice(0, -2))?.type === "list")
    : paths.some((path) => path.startsWith(pattern) || (catalogue.fields.get(path)?.type === "list" && `${path}[]`.startsWith(pattern))) ||
      catalogue.children.has(pattern.replace(/\.$/, ""));
  if (known) return [];
  const suggestion = whole ? nearest(pattern, paths) : undefined;
  return [
    {
      kind: "unknown-field",
      message: `${whole ? `There is no field called ${JSON.stringify(literal)}` : `No field path starts ${JSON.stringify(literal)}`}${suggestion ? `. Did you mean ${suggestion}?` : ""}`,
      from: node.from,
      to: node.to,
      ...(suggestion ? { suggestion } : {}),
    },
  ];
}

/** What an expression gives, as far as can be told (for a binding's type): unknown when not evident. */
export function typeOfExpression(expression: string, types: FieldTypes): ValueType {
  return run(expression, types).type;
}

// ---------------------------------------------------------------------------------------------
// A whole table

/** Where in a table an expression sits, as keys from the table down: ["rules", 2, "rules", 0, "when"]. */
export type TablePlace = readonly (string | number)[];

export interface TableProblem extends ExpressionProblem {
  at: TablePlace;
}

type Visit = (expression: unknown, expected: Expected, at: TablePlace, scope: Record<string, NameType>) => void;

/**
 * Walks a table's expressions in the order the engine compiles them, each with the names in scope
 * there: constants, the `let` bindings before it (typed by what they give), and in a group its item
 * (typed from the group's list) and index. `stopAt` ends the walk at a place and gives its scope.
 */
function walkTable(
  table: DecisionTable,
  fields: FieldTypes["fields"],
  visit: Visit,
  stopAt?: TablePlace,
): Record<string, NameType> | undefined {
  const names: Record<string, NameType> = {};
  for (const [name, value] of Object.entries(table.constants ?? {})) names[name] = typeOfJson(value);
  const at = (place: TablePlace) => stopAt !== undefined && place.every((part, i) => stopAt[i] === part) && place.length <= stopAt.length;
  const bind = (bindings: DecisionTable["let"], scope: Record<string, NameType>, place: TablePlace): boolean => {
    for (const [index, binding] of (bindings ?? []).entries()) {
      const here = [...place, "let", index];
      if (at(here)) return true;
      visit(binding.value, "any", [...here, "value"], scope);
      scope[binding.name] = typeof binding.value === "string" ? typeOfExpression(binding.value, { fields, names: scope }) : UNKNOWN;
    }
    return false;
  };
  if (bind(table.let, names, [])) return { ...names };
  if (stopAt !== undefined && (stopAt.length === 0 || stopAt[0] === "let")) return { ...names };
  for (const [index, entry] of (table.rules ?? []).entries()) {
    const place = ["rules", index];
    if (!isRuleGroup(entry)) {
      if (at(place)) return { ...names };
      visit(entry.when, "condition", [...place, "when"], names);
      if (entry.message !== undefined) visit(entry.message, "text", [...place, "message"], names);
      if (entry.fieldPath !== undefined) visit(entry.fieldPath, "fieldPath", [...place, "fieldPath"], names);
      continue;
    }
    if (at([...place, "when"]) || at([...place, "forEach"])) return { ...names };
    if (entry.when !== undefined) visit(entry.when, "condition", [...place, "when"], names);
    visit(entry.forEach?.list, "list", [...place, "forEach", "list"], names);
    const listType = typeof entry.forEach?.list === "string" ? typeOfExpression(entry.forEach.list, { fields, names }) : UNKNOWN;
    const inner: Record<string, NameType> = {
      ...names,
      [entry.forEach?.as ?? ""]: listType.kind === "list" ? (listType.item ?? UNKNOWN) : UNKNOWN,
      [entry.forEach?.index ?? ""]: "number",
    };
    if (bind(entry.let, inner, place)) return { ...inner };
    if (at(place)) return { ...inner };
    for (const [i, rule] of (entry.rules ?? []).entries()) {
      const here = [...place, "rules", i];
      visit(rule.when, "condition", [...here, "when"], inner);
      if (rule.message !== undefined) visit(rule.message, "text", [...here, "message"], inner);
      if (rule.fieldPath !== undefined) visit(rule.fieldPath, "fieldPath", [...here, "fieldPath"], inner);
    }
  }
  return stopAt === undefined ? undefined : { ...names };
}

/**
 * Checks every expression of a decision table in the scope the engine gives it, for saving a whole
 * criterion at once. Each problem says where it is (`at`).
 */
export function checkDecisionTable(table: DecisionTable, fields: FieldTypes["fields"]): TableProblem[] {
  const out: TableProblem[] = [];
  walkTable(table, fields, (expression, expected, at, scope) => {
    const text = typeof expression === "string" ? expression : "";
    for (const problem of checkExpressionProblems(text, expected, { fields, names: scope })) out.push({ ...problem, at });
  });
  return out;
}

/**
 * The names an expression at `place` sees beyond the sections and the context, with their types: for
 * checking one expression as it is typed (`checkExpressionProblems(text, expected, { fields, names })`)
 * and for offering the names. A place inside a group (["rules", 3, "rules", 0, "when"], or
 * ["rules", 3] for a rule not yet added to it) includes the group's item, index and bindings; a table
 * rule's place (["rules", 1, "when"], or ["rules"] for a new rule) the table's constants and bindings;
 * ["let", 2] the names before binding 2.
 */
export function namesInScope(table: DecisionTable, fields: FieldTypes["fields"], place: TablePlace): Record<string, NameType> {
  return walkTable(table, fields, () => {}, place) ?? {};
}
