// The criteria engine's safety (workflows/criteria-data/engine.ts): malformed rows are refused at
// compile naming the criterion, and 3,000 random expressions (well-formed ones reaching for
// constructor, __proto__, globals and a canary, token soup, very long strings, brackets nested
// thousands deep) are each refused with CriteriaDataError or run without throwing and without
// reaching anything outside the submission and the context.
//
// Until issue 14's second step this file also proved the data form equal to the retired code form
// (workflows/criteria/, TypeScript rule functions): on its last run, against the sets as loaded from
// the database, 143 example outcomes, 881 fixtures (123,340 outcomes and 5,286 whole evaluations) and
// 10,000 generated submissions (350,000 outcomes) gave no difference. The examples now run against
// the loaded sets in criteria.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CriteriaDataError, compileCriteriaSet, evaluateExpression, MAX_EXPRESSION_LENGTH } from "../../workflows/criteria-data/engine.ts";
import type { AutomaticCriterion, AutomaticCriterionRow, CheckContext, CriterionRow } from "../../workflows/criteria-data/types.ts";
import { REFERENCE, baseContent } from "./criterion-examples.ts";

// ---------------------------------------------------------------------------------------------
// Malformed rows are refused at compile, naming the criterion.

const validRow: AutomaticCriterionRow = {
  id: "TEST-01",
  domain: "proposal",
  kind: "automatic",
  title: "A test row",
  rule: "A rule for tests.",
  source: "none",
  appliesTo: { modelTypes: ["MCP", "PACS"], checkpoints: [1, 2, 3] },
  severity: "blocking",
  fieldPaths: ["about.modelType"],
  table: {
    rules: [{ when: "about.modelType = null", outcome: "fail", message: '"Select"', fieldPath: '"about.modelType"', missing: true }],
  },
};

function withRule(rule: Record<string, unknown>): CriterionRow {
  return { ...validRow, table: { rules: [rule as never] } };
}

describe("a malformed set", () => {
  it.each([
    ["a syntax error", withRule({ when: "about.modelType = (null", outcome: "pass" }), /TEST-01: rule 1 condition has a syntax error/],
    ["an unknown outcome", withRule({ when: "true", outcome: "passed" }), /TEST-01: rule 1 has an unknown outcome "passed"/],
    ["a failure without a message", withRule({ when: "true", outcome: "fail", fieldPath: '"about"', missing: true }), /TEST-01/],
    ["a function definition", withRule({ when: "(function(x) x)(true)", outcome: "pass" }), /function definitions are not allowed/],
    ["a range", withRule({ when: "some i in 1..1000000000 satisfies i < 0", outcome: "pass" }), /ranges are not allowed/],
    ["a regular expression", withRule({ when: 'matches("aaaa", "(a+)+$")', outcome: "pass" }), /uses matches\(\), which is not allowed/],
    ["the clock", withRule({ when: "today() = null", outcome: "pass" }), /uses today\(\), which is not allowed/],
    ["a date constructor", withRule({ when: 'date("2017-01-01") = null', outcome: "pass" }), /date and time values are not allowed/],
    ["a date literal", withRule({ when: '@"2017-01-01" = null', outcome: "pass" }), /date and time values are not allowed/],
    ["a too-long expression", withRule({ when: `${"1 + ".repeat(MAX_EXPRESSION_LENGTH)}1 > 0`, outcome: "pass" }), /longer than/],
    ["deep nesting", withRule({ when: `${"(".repeat(200)}true${")".repeat(200)}`, outcome: "pass" }), /nested deeper than/],
    [
      "a misspelt name",
      withRule({ when: "populaton.registeredPopulation = null", outcome: "pass" }),
      /names "populaton", which is not in scope/,
    ],
    ["a table with no rules", { ...validRow, table: { rules: [] } }, /TEST-01: an automatic criterion needs a decision table/],
    [
      "a judgement row with a table",
      { ...validRow, kind: "judgement" } as CriterionRow,
      /TEST-01: a judgement criterion has no decision table/,
    ],
    ["a name that hides a field", { ...validRow, table: { let: [{ name: "about", value: "1" }], rules: validRow.table.rules } }, /hides/],
  ])("is refused at load with a clear error naming the criterion: %s", (_, row, message) => {
    expect(() => compileCriteriaSet([row as CriterionRow])).toThrow(CriteriaDataError);
    expect(() => compileCriteriaSet([row as CriterionRow])).toThrow(message);
  });

  it("refuses a repeated criterion id", () => {
    expect(() => compileCriteriaSet([validRow, validRow])).toThrow(/TEST-01: appears twice/);
  });

  it("fails a criterion closed when an expression gives the wrong type at judging time, rather than throwing", () => {
    const [criterion] = compileCriteriaSet([
      withRule({ when: "true", outcome: "fail", message: "about.title", fieldPath: '"about.title"', missing: false }),
    ]).criteria as AutomaticCriterion[];
    expect(criterion?.check({}, { checkpoint: 1, modelType: undefined })).toMatchObject({ outcome: "fail", fieldPath: "about.modelType" });
  });
});

// ---------------------------------------------------------------------------------------------
// The sandbox

const CANARY = { secret: "reached" };
const globals = globalThis as Record<string, unknown>;

function reachesOutside(value: unknown, depth = 0): boolean {
  if (value === CANARY || value === globalThis || value === Function || value === Object || value === process) return true;
  if (typeof value === "function" && (value as { name?: string }).name === "Function") return true;
  if (depth > 4 || value === null || typeof value !== "object") return false;
  return Object.values(value).some((child) => reachesOutside(child, depth + 1));
}

const TOKENS = [
  "constructor",
  "__proto__",
  "prototype",
  "toString",
  "valueOf",
  "globalThis",
  "process",
  "Function",
  "eval",
  "require",
  "import",
  "__feelCanary",
  "about",
  "about.title",
  "population.practices",
  "formatCount",
  "formatCount.fn",
  "rowName.fn.constructor",
  ".",
  ",",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ":",
  '"',
  '"x"',
  "1",
  "-1e308",
  "null",
  "true",
  "for x in",
  "some x in",
  "every x in",
  "return",
  "satisfies",
  "if",
  "then",
  "else",
  "and",
  "or",
  "not(",
  "+",
  "*",
  "/",
  "=",
  "!=",
  "<",
  "..",
  "function(x)",
  "string(",
  "count(",
  "get value(",
  "instance of",
  "@",
  "`",
  "item",
  "?",
];

// Well-formed expressions too, so that most of the fuzz gets past the parser and runs: names inside
// and outside the scope, paths through them, calls, loops, filters and contexts.
const { expression: wellFormed } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      "about",
      "population.practices",
      "governance.keyDates",
      "reference",
      "checkpoint",
      "modelType",
      "__feelCanary",
      "globalThis",
      "process",
      "Function",
      "constructor",
      "formatCount",
      "null",
      "true",
      '"constructor"',
      "1",
      "-0.5",
    ),
    fc
      .tuple(
        tie("expression"),
        fc.constantFrom("constructor", "__proto__", "prototype", "toString", "fn", "name", "length", "title", "odsCode"),
      )
      .map(([e, key]) => `(${e}).${key}`),
    fc
      .tuple(tie("expression"), fc.constantFrom("+", "-", "*", "/", "=", "!=", "<", ">=", "and", "or"), tie("expression"))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc
      .tuple(
        fc.constantFrom(
          "count",
          "string",
          "not",
          "sum",
          "min",
          "list contains",
          "get value",
          "string join",
          "formatCount",
          "rowName",
          "isBlank",
          "positions",
          "numbers",
        ),
        fc.array(tie("expression"), { maxLength: 3 }),
      )
      .map(([name, args]) => `${name}(${args.join(", ")})`),
    fc.tuple(tie("expression"), tie("expression")).map(([list, body]) => `for x in (${list}) return (${body})`),
    fc.tuple(tie("expression"), tie("expression")).map(([list, body]) => `some x in (${list}) satisfies (${body})`),
    fc.tuple(tie("expression"), tie("expression")).map(([list, test]) => `(${list})[${test}]`),
    fc.tuple(tie("expression"), tie("expression"), tie("expression")).map(([c, a, b]) => `if (${c}) then (${a}) else (${b})`),
    fc.array(tie("expression"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
    fc.tuple(fc.constantFrom("constructor", "__proto__", "a", '"toString"'), tie("expression")).map(([key, value]) => `{${key}: ${value}}`),
  ),
}));

const feelish = fc.oneof(
  { weight: 4, arbitrary: wellFormed },
  { weight: 4, arbitrary: wellFormed.map((expression) => `for x in [1] return (${expression})`) },
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((tokens) => tokens.join(" ")) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1_500, maxLength: 4_000 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom("(", "[", "{a: "), fc.constantFrom("1", "about", "constructor"))
      .map(([depth, open, inner]) => `${open.repeat(depth)}${inner}${{ "(": ")", "[": "]", "{a: ": "}" }[open]!.repeat(depth)}`),
  },
);

describe("the FEEL sandbox", () => {
  const content = baseContent("MCP", 2);
  const ctx: CheckContext = { checkpoint: 2, modelType: "MCP", reference: REFERENCE };

  /** The expression's value, or "refused" when compile refuses it (a name not in scope, say). */
  function probe(expression: string): unknown {
    try {
      return evaluateExpression(expression, content, ctx);
    } catch (error) {
      expect(error).toBeInstanceOf(CriteriaDataError);
      return "refused";
    }
  }

  it.each([
    "constructor",
    "about.constructor",
    "about.__proto__",
    "about.title.constructor",
    "population.practices.constructor",
    "formatCount.constructor",
    "formatCount.fn.constructor",
    "rowName.fn.prototype",
    "globalThis",
    "process",
    "Function",
    "__feelCanary",
    "string(about).constructor",
    // Inside a loop names are not checked at compile, so these reach the interpreter itself.
    "for x in [1] return globalThis",
    "for x in [1] return process",
    "for x in [1] return Function",
    "for x in [1] return __feelCanary",
    "for x in [1] return constructor",
    "for x in [about] return x.constructor",
  ])("reaches nothing outside the submission and the context: %s", (expression) => {
    globals.__feelCanary = CANARY;
    try {
      expect(reachesOutside(probe(expression))).toBe(false);
    } finally {
      delete globals.__feelCanary;
    }
  });

  it("survives random FEEL-ish expressions: refused with its own error, or run without throwing or escaping", () => {
    globals.__feelCanary = CANARY;
    let refused = 0;
    let ran = 0;
    try {
      fc.assert(
        fc.property(feelish, (expression) => {
          let criteria: AutomaticCriterion[];
          try {
            criteria = compileCriteriaSet([
              withRule({ when: expression, outcome: "fail", message: expression, fieldPath: expression, missing: false }),
            ]).criteria as AutomaticCriterion[];
          } catch (error) {
            expect(error).toBeInstanceOf(CriteriaDataError);
            expect(String(error)).toContain("TEST-01");
            refused += 1;
            return;
          }
          ran += 1;
          const outcome = criteria[0]!.check(content, ctx);
          expect(["pass", "fail", "not_applicable"]).toContain(outcome.outcome);
          expect(reachesOutside(probe(expression))).toBe(false);
        }),
        { numRuns: 3_000, seed: 14 },
      );
    } finally {
      delete globals.__feelCanary;
    }
    expect(CANARY).toEqual({ secret: "reached" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.info(`criteria-data fuzz: ${refused} expressions refused at compile, ${ran} compiled and run, none escaped`);
    // About 16 s alone; more beside other suites on a shared machine.
  }, 90_000);
});
