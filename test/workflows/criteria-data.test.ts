// The national criteria as data (workflows/criteria-data/) against the code form (workflows/criteria/),
// which stays the reference until this suite has proved the two give the same outcomes everywhere.
//
// Converted (all of them): the 8 ISAP criteria (ISAP-01 to ISAP-08), the 14 proposal criteria (NCM-01
// to NCM-14), the 13 Better Care Fund criteria of the two sets (BCF-03, 05, 06, 07, 09, 10, 12, 14,
// 15, 16, 17, 18, 19) and the 11 key lines of enquiry (J-01 to J-13 less J-04 and J-12) as rows with no
// table: 35 automatic and 11 judgement criteria of 46. Not yet converted: none.
//
// Compared, for every automatic criterion, code form against data form, deep-equal CheckOutcomes:
// (a) every example of criterion-examples.ts; (b) every fixture (the generator the demo seed uses,
// seeds 1 to 20, both models, ready for each checkpoint, judged at all three checkpoints with the
// reference lists and once without, plus each known blocking problem and the demo's part-written drafts);
// (c) 10,000 generated submissions: seeded fixtures with fast-check mutations (fields removed or
// emptied, lists shortened, lengthened or emptied, numbers, booleans and strings changed), each put
// through parseSubmissionContent as stored drafts are.
// Also: malformed rows are refused at compile naming the criterion, and 3,000 random expressions
// (well-formed ones reaching for constructor, __proto__, globals and a canary, token soup, very long
// strings, brackets nested thousands deep) are each refused with CriteriaDataError or run without
// throwing and without reaching anything outside the submission and the context.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CRITERIA_SET_IDS,
  criteriaSets,
  type AutomaticCriterion,
  type CheckContext,
  type CheckOutcome,
} from "../../workflows/criteria/index.ts";
import { CriteriaDataError, compileCriteriaSet, evaluateExpression, MAX_EXPRESSION_LENGTH } from "../../workflows/criteria-data/engine.ts";
import { criteriaRows } from "../../workflows/criteria-data/index.ts";
import type { AutomaticCriterionRow, CriterionRow } from "../../workflows/criteria-data/types.ts";
import { evaluate } from "../../workflows/evaluate.ts";
import { BLOCKING_PROBLEMS, exampleSubmission, withProblem, type BlockingProblem } from "../../workflows/fixtures.ts";
import {
  CHECKPOINTS,
  MODEL_TYPES,
  parseSubmissionContent,
  type Checkpoint,
  type ModelType,
  type SubmissionContent,
} from "../../workflows/submission.ts";
import { loadShippedCriteriaSets } from "../support/criteria-sets.ts";
import { REFERENCE, baseContent, criterionExamples, type Example } from "./criterion-examples.ts";

// The data form as production has it: the rows the migration stored, loaded and compiled from the database.
const loaded = await loadShippedCriteriaSets();
const dataCriteriaSets = { "2016-17": loaded.get("2016-17"), "2017-19": loaded.get("2017-19") };

function automaticById(criteria: readonly { kind: string; id: string }[]): Map<string, AutomaticCriterion> {
  return new Map(criteria.filter((c): c is AutomaticCriterion => c.kind === "automatic").map((c) => [c.id, c]));
}
const codeForm = automaticById(CRITERIA_SET_IDS.flatMap((id) => criteriaSets[id].criteria));
const dataForm = automaticById(CRITERIA_SET_IDS.flatMap((id) => dataCriteriaSets[id].criteria));
const pairs = [...codeForm.values()].map((code) => [code, dataForm.get(code.id)] as const);

const FOOTPRINTS = [
  { name: "Greater Manchester", code: "E54000007" },
  { name: "The Black Country and West Birmingham", code: "E54000016" },
  { name: "Kent and Medway", code: "E54000032" },
];

/** Every automatic criterion under both forms on one content; returns how many outcomes were compared. */
function compareAll(content: SubmissionContent, ctx: CheckContext, label: string): number {
  for (const [code, data] of pairs) {
    let expected: CheckOutcome | string;
    try {
      expected = code.check(content, ctx);
    } catch (error) {
      expected = `code form threw ${String(error)}`;
    }
    expect(data?.check(content, ctx), `${code.id} on ${label}`).toEqual(expected);
  }
  return pairs.length;
}

/** Each checkpoint with the reference lists, and the first without them. */
function contexts(content: SubmissionContent): CheckContext[] {
  const modelType = content.about?.modelType;
  return [
    ...CHECKPOINTS.map((checkpoint) => ({ checkpoint, modelType, reference: REFERENCE })),
    { checkpoint: 1, modelType, reference: undefined },
  ];
}

describe("the data form of the criteria sets", () => {
  it("has every criterion of the code form, in the same order, with the same descriptive fields", () => {
    for (const id of CRITERIA_SET_IDS) {
      const code = criteriaSets[id].criteria;
      const data = dataCriteriaSets[id].criteria;
      expect(data.map((c) => c.id)).toEqual(code.map((c) => c.id));
      for (const [index, criterion] of code.entries()) {
        const { check: _codeCheck, ...codeFields } = criterion as AutomaticCriterion;
        const { check: _dataCheck, ...dataFields } = data[index] as AutomaticCriterion;
        expect(dataFields, criterion.id).toEqual(codeFields);
      }
    }
  });

  it("is plain JSON: every row survives a round trip", () => {
    for (const id of CRITERIA_SET_IDS) {
      const rows = criteriaRows[id];
      const copy = JSON.parse(JSON.stringify(rows)) as CriterionRow[];
      expect(copy).toEqual(rows);
      expect(() => compileCriteriaSet(copy)).not.toThrow();
    }
  });
});

describe("code form and data form give the same outcomes", () => {
  function run(criterion: AutomaticCriterion, example: Example): CheckOutcome {
    const content = baseContent(example.modelType ?? "MCP", example.checkpoint ?? 1);
    example.edit?.(content);
    return criterion.check(content, {
      checkpoint: example.checkpoint ?? 1,
      modelType: content.about?.modelType,
      reference: example.withoutReference ? undefined : REFERENCE,
    });
  }

  it("(a) on every passing, failing and not-applicable example", () => {
    let compared = 0;
    for (const [code, data] of pairs) {
      expect(data, `${code.id} has a data form`).toBeDefined();
      if (!data) continue;
      const examples = criterionExamples[code.id];
      expect(examples, `${code.id} has examples`).toBeDefined();
      for (const example of examples?.pass ?? []) {
        expect(run(data, example), `${code.id} passes: ${example.name}`).toEqual(run(code, example));
        expect(run(data, example)).toMatchObject({ outcome: "pass" });
        compared += 1;
      }
      for (const example of examples?.fail ?? []) {
        const outcome = run(data, example);
        expect(outcome, `${code.id} fails: ${example.name}`).toEqual(run(code, example));
        expect(outcome).toMatchObject({ outcome: "fail", fieldPath: example.fieldPath, missing: example.missing });
        if (outcome.outcome === "fail" && typeof example.message === "string") expect(outcome.message).toBe(example.message);
        compared += 1;
      }
      for (const example of examples?.notApplicable ?? []) {
        expect(run(data, example), `${code.id} does not apply: ${example.name}`).toEqual(run(code, example));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(100);
    console.info(`criteria-data (a): ${compared} example outcomes compared`);
  });

  it("(b) on every fixture, at every checkpoint and model type, and on whole evaluations", () => {
    let compared = 0;
    let evaluations = 0;
    const fixtures: { content: SubmissionContent; label: string }[] = [{ content: {}, label: "empty content" }];
    for (let seed = 1; seed <= 20; seed += 1) {
      const footprint = FOOTPRINTS[seed % FOOTPRINTS.length]!;
      for (const modelType of MODEL_TYPES) {
        const options = { modelType, footprintName: footprint.name, footprintCode: footprint.code, vanguardNumber: seed % 50 || 50, seed };
        const partial = exampleSubmission(options);
        fixtures.push({
          content: { about: partial.about, population: partial.population },
          label: `seed ${seed} ${modelType} part-written`,
        });
        for (const checkpoint of CHECKPOINTS) {
          const content = exampleSubmission({ ...options, checkpoint });
          fixtures.push({ content, label: `seed ${seed} ${modelType} ready for ${checkpoint}` });
          for (const problem of Object.keys(BLOCKING_PROBLEMS) as BlockingProblem[]) {
            fixtures.push({ content: withProblem(content, problem), label: `seed ${seed} ${modelType} ${checkpoint} ${problem}` });
          }
        }
      }
    }
    for (const { content, label } of fixtures) {
      for (const ctx of contexts(content)) compared += compareAll(content, ctx, `${label} at ${ctx.checkpoint}`);
      for (const id of CRITERIA_SET_IDS) {
        for (const checkpoint of CHECKPOINTS) {
          const options = { checkpoint, reference: REFERENCE };
          expect(evaluate(content, dataCriteriaSets[id], options), label).toEqual(evaluate(content, criteriaSets[id], options));
          evaluations += 1;
        }
      }
    }
    console.info(`criteria-data (b): ${fixtures.length} fixtures, ${compared} outcomes and ${evaluations} evaluations compared`);
  }, 300_000);

  it("(c) on 10,000 generated submissions: seeded fixtures with fields removed, emptied and changed", () => {
    let compared = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom<ModelType>(...MODEL_TYPES),
        fc.constantFrom<Checkpoint>(...CHECKPOINTS),
        fc.array(mutation, { maxLength: 8 }),
        fc.boolean(),
        (seed, modelType, checkpoint, mutations, withReference) => {
          const footprint = FOOTPRINTS[seed % FOOTPRINTS.length]!;
          const mutated = exampleSubmission({
            modelType,
            footprintName: footprint.name,
            footprintCode: footprint.code,
            vanguardNumber: (seed % 60) + 1,
            checkpoint,
            seed,
          });
          for (const m of mutations) mutate(mutated, m);
          // The criteria only ever see content that has been through the schemas (a value of the
          // wrong type is dropped before judging), so that is what both forms are given here.
          const content = parseSubmissionContent(mutated).content;
          const ctx = { checkpoint, modelType: content.about?.modelType, reference: withReference ? REFERENCE : undefined };
          compared += compareAll(content, ctx, `seed ${seed} with ${JSON.stringify(mutations)}`);
          runs += 1;
        },
      ),
      { numRuns: 10_000, seed: 14 },
    );
    expect(runs).toBe(10_000);
    console.info(`criteria-data (c): ${runs} generated submissions, ${compared} outcomes compared`);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// Mutations: each keeps the content's types (what parseSubmissionContent lets through to the criteria)
// while removing, emptying or changing what is there.

interface Mutation {
  pick: number;
  op: "remove" | "empty" | "shorten" | "lengthen" | "change";
  number: number;
  text: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom("remove", "empty", "shorten", "lengthen", "change"),
  number: fc.oneof(
    fc.constantFrom(0, 1, 3.5, 29_999, 30_000, 50_000, 100_000, 250_000, 100_000_000, 10_000_000_000),
    fc.integer({ min: 0, max: 20_000_000_000 }),
    fc.double({ min: -10, max: 200, noNaN: true, noDefaultInfinity: true }),
  ),
  text: fc.oneof(
    fc.constantFrom("", "  ", "2016-01-01", "2019-12-31", "P84001", "core_acute", "fully_integrated", "virtual", "doc-case", "E54000099"),
    fc.string({ maxLength: 12 }),
  ),
});

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push({ parent: value, key: index });
      slots(item, out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      out.push({ parent: value as Record<string, unknown>, key });
      slots(child, out);
    }
  }
  return out;
}

function mutate(content: SubmissionContent, m: Mutation): void {
  const all = slots(content);
  const slot = all[m.pick % all.length];
  if (!slot) return;
  const { parent, key } = slot;
  const current = (parent as Record<string | number, unknown>)[key];
  const set = (value: unknown) => void ((parent as Record<string | number, unknown>)[key] = value);
  switch (m.op) {
    case "remove":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return;
    case "empty":
      if (Array.isArray(current)) set([]);
      else if (typeof current === "string") set("");
      else if (typeof current === "number") set(0);
      else if (current !== null && typeof current === "object") set({});
      return;
    case "shorten":
      if (Array.isArray(current)) current.splice(m.number % Math.max(1, current.length));
      return;
    case "lengthen":
      if (Array.isArray(current) && current.length > 0) current.push(structuredClone(current[m.pick % current.length]));
      return;
    case "change":
      if (typeof current === "number") set(m.number);
      else if (typeof current === "boolean") set(!current);
      else if (typeof current === "string") set(m.text);
      return;
  }
}

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
