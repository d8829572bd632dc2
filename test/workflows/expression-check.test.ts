// The expression checker administrators see as they write a criterion (issue 14, step 3): each kind of
// problem is found, placed and worded for a person, and, as important, nothing is reported for the
// expressions the shipped sets already judge with.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CRITERIA_FIELD_TYPES } from "../../app/forms/criteria-fields.ts";
import { compileCriteriaSet } from "../../workflows/criteria-data/engine.ts";
import {
  checkDecisionTable,
  checkExpressionProblems,
  type Expected,
  type FieldTypes,
  namesInScope,
  typeOfExpression,
} from "../../workflows/criteria-data/expression-check.ts";
import { type AutomaticCriterionRow, type CriterionRow, isRuleGroup } from "../../workflows/criteria-data/types.ts";

const types: FieldTypes = { fields: CRITERIA_FIELD_TYPES };
const check = (expression: string, expected: Expected = "condition", names?: FieldTypes["names"]) =>
  checkExpressionProblems(expression, expected, names ? { ...types, names } : types);

const SETS_DIR = path.resolve(import.meta.dirname, "../../db/criteria-sets");
const shippedRows = (): { set: string; row: AutomaticCriterionRow }[] =>
  fs
    .readdirSync(SETS_DIR)
    .filter((file) => file.endsWith(".json"))
    .flatMap((file) =>
      (JSON.parse(fs.readFileSync(path.join(SETS_DIR, file), "utf8")) as CriterionRow[])
        .filter((row): row is AutomaticCriterionRow => row.kind === "automatic")
        .map((row) => ({ set: file, row })),
    );

describe("unknown fields", () => {
  it("names a misspelt field and suggests the nearest one", () => {
    const [problem, ...rest] = check("population.registeredPopulaton > 30000");
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ kind: "unknown-field", from: 0, to: 30, suggestion: "population.registeredPopulation" });
    expect(problem?.message).toBe(
      'There is no field called "population.registeredPopulaton". Did you mean population.registeredPopulation?',
    );
  });

  it("suggests the whole path when the section itself is misspelt", () => {
    expect(check("populaton.registeredPopulation > 30000")).toEqual([
      expect.objectContaining({ kind: "unknown-field", suggestion: "population.registeredPopulation" }),
    ]);
  });

  it("checks a loop's item against the list's own fields", () => {
    expect(check("some p in population.practices satisfies p.lstSize > 1000")).toEqual([
      expect.objectContaining({ kind: "unknown-field", suggestion: "p.listSize" }),
    ]);
    expect(check("some p in population.practices satisfies p.listSize > 1000")).toEqual([]);
  });

  it("checks a group's item, passed in as the item of a list field", () => {
    const names = { practice: { itemOf: "population.practices" }, i: "number" } as const;
    expect(check("practice.listSze = null", "condition", names)).toEqual([
      expect.objectContaining({ kind: "unknown-field", suggestion: "practice.listSize" }),
    ]);
    expect(check('"population.practices[" + string(i) + "].listSize"', "fieldPath", names)).toEqual([]);
  });

  it("finds a misspelling inside a shipped criterion's group, where the item is typed from the group's list", () => {
    const { row } = shippedRows().find(({ row }) => row.id === "ISAP-05") as { row: AutomaticCriterionRow };
    const broken = JSON.parse(JSON.stringify(row.table).replace('"a.checkpoint = null"', '"a.chekpoint = null"'));
    const problems = checkDecisionTable(broken, CRITERIA_FIELD_TYPES);
    expect(problems).toEqual([expect.objectContaining({ kind: "unknown-field", suggestion: "a.checkpoint" })]);
    const place = problems[0]?.at ?? [];
    expect(broken.rules[place[1] as number].rules[place[3] as number].when).toBe("a.chekpoint = null");
  });

  it("names a field path written as text that leads nowhere", () => {
    expect(check('"population.registeredPopulaton"', "fieldPath")).toEqual([
      expect.objectContaining({ kind: "unknown-field", suggestion: "population.registeredPopulation" }),
    ]);
    expect(check('"population.practises[" + string(checkpoint) + "].name"', "fieldPath")).toEqual([
      expect.objectContaining({ kind: "unknown-field", message: 'No field path starts "population.practises["' }),
    ]);
    expect(check('"population.servicesInScope[2]"', "fieldPath")).toEqual([]);
    expect(check('"enablers.highImpactChanges.trustedAssessors"', "fieldPath")).toEqual([]);
  });

  it("leaves names alone where FEEL binds its own (an item's keys in a filter, a context's entries)", () => {
    expect(check("count(population.practices[listSize > 10000]) > 2")).toEqual([]);
    expect(check("{a: 1, b: a + 1}.b = 2")).toEqual([]);
  });

  it("names an unknown function and suggests the nearest helper", () => {
    expect(check("formatPense(contract.annualContractValuePence)", "text")).toEqual([
      expect.objectContaining({
        kind: "unknown-field",
        suggestion: "formatPence",
        message: 'There is no function called "formatPense". Did you mean formatPence()?',
      }),
    ]);
  });

  it("says which name is unknown when it is not a field at all", () => {
    expect(check("registeredPopulation > 1")).toEqual([
      expect.objectContaining({ kind: "unknown-field", message: expect.stringContaining('"registeredPopulation"') }),
    ]);
  });
});

describe("wrong types", () => {
  it("a number field compared with text: says to drop the quotes", () => {
    const problems = check('population.registeredPopulation < "200000"');
    expect(problems).toEqual([expect.objectContaining({ kind: "wrong-type", from: 0, to: 42 })]);
    expect(problems[0]?.message).toBe(
      'population.registeredPopulation (Registered population) is a number, so it cannot be compared with text ("200000"): write 200000 without quotes',
    );
  });

  it("a choice compared with a number", () => {
    expect(check("about.modelType = 3")).toEqual([
      expect.objectContaining({
        kind: "wrong-type",
        message:
          'about.modelType (Model type) is text, so it cannot be compared with a number (3): compare it with text in quotes, like "PACS"',
      }),
    ]);
  });

  it("a yes/no field compared with text, and a date with a number", () => {
    expect(check('contract.createsNewLegalEntity = "yes"')).toEqual([
      expect.objectContaining({ kind: "wrong-type", message: expect.stringContaining("compare it with true or false") }),
    ]);
    expect(check("governance.keyDates.checkpoint1 < 2017")).toEqual([
      expect.objectContaining({ kind: "wrong-type", message: expect.stringContaining("is a date") }),
    ]);
    expect(check('governance.keyDates.checkpoint1 < "1 March 2017"')).toEqual([
      expect.objectContaining({ kind: "wrong-type", message: expect.stringContaining('like "2017-03-01", not "1 March 2017"') }),
    ]);
  });

  it("a number field added to text, and text in a sum", () => {
    expect(check('population.registeredPopulation + " people" = "x"')).toEqual([
      expect.objectContaining({ kind: "wrong-type", message: expect.stringContaining("cannot be added to text") }),
    ]);
    expect(check("about.title * 2 > 1")).toEqual([expect.objectContaining({ kind: "wrong-type" })]);
  });

  it("a list compared with a single value", () => {
    expect(check('population.servicesInScope = "core_acute"')).toEqual([
      expect.objectContaining({
        kind: "wrong-type",
        message: expect.stringContaining("is a list, so it cannot be compared with text: use list contains(list, value)"),
      }),
    ]);
    expect(check("population.practices.listSize > 1000")).toEqual([
      expect.objectContaining({ kind: "wrong-type", message: expect.stringContaining("use count(), sum(), min() or max() of it") }),
    ]);
    expect(check('list contains(population.servicesInScope, "core_acute")')).toEqual([]);
    expect(check("sum(population.practices.listSize) > 1000")).toEqual([]);
  });

  it("a helper given a field of the wrong type", () => {
    expect(check("formatPence(about.title)", "text")).toEqual([
      expect.objectContaining({
        kind: "wrong-type",
        message: "formatPence() needs a number, but about.title (Title of the proposal) is text",
      }),
    ]);
  });

  it("a choice compared with a value that is none of its options", () => {
    expect(check('about.modelType = "pacs"')).toEqual([expect.objectContaining({ kind: "unknown-option", suggestion: '"PACS"' })]);
    expect(check("governance.governingBodyApprovals[1].checkpoint = 4")).toEqual([expect.objectContaining({ kind: "unknown-option" })]);
    expect(check("governance.governingBodyApprovals[1].checkpoint = 2")).toEqual([]);
  });

  it("accepts the same comparisons written right", () => {
    for (const expression of [
      "population.registeredPopulation < 200000",
      'about.modelType = "PACS"',
      "contract.createsNewLegalEntity = false",
      'governance.keyDates.checkpoint1 < "2017-03-01"',
      'string(population.registeredPopulation) + " people" = "x"',
      "finance.pooledBudgetContributionPence < finance.pooledBudgetMinimumPence",
      "about.modelType = null",
    ]) {
      expect(check(expression), expression).toEqual([]);
    }
  });

  it("the whole expression giving a number where a condition is needed, and the like", () => {
    expect(check("population.registeredPopulation")).toEqual([
      expect.objectContaining({ kind: "wrong-type", message: "This gives a number where a condition (true or false) is needed" }),
    ]);
    expect(check("count(population.practices)", "text")).toEqual([
      expect.objectContaining({ message: "This gives a number where text is needed: use string() to make it text" }),
    ]);
    expect(check("population.registeredPopulation > 1", "list")).toEqual([expect.objectContaining({ kind: "wrong-type" })]);
    expect(check("population.registeredPopulation and true")).toEqual([
      expect.objectContaining({ message: expect.stringContaining("where a condition (true or false) is needed") }),
    ]);
  });
});

describe("syntax and what is not allowed", () => {
  it("gives the character where the mistake is, and the text near it", () => {
    const [problem] = check("contract.contractTermYears > * 3");
    expect(problem).toMatchObject({ kind: "syntax", from: 29 });
    expect(problem?.message).toBe('There is a mistake at character 30, near "TermYears > * 3"');
    expect(check("population.registeredPopulation <")).toEqual([
      expect.objectContaining({
        kind: "syntax",
        from: 33,
        message: 'The expression is incomplete: something is missing at the end, after "<"',
      }),
    ]);
    expect(check("")).toEqual([expect.objectContaining({ kind: "syntax", message: "Enter an expression" })]);
  });

  it("refuses what the engine refuses: the clock, regular expressions, ranges, function definitions", () => {
    expect(check("now() > 1")).toEqual([
      expect.objectContaining({
        kind: "not-allowed",
        from: 0,
        to: 3,
        message: "now() is not allowed in criteria: use only the functions listed",
      }),
    ]);
    expect(check('matches(about.title, "a+")')).toEqual([expect.objectContaining({ kind: "not-allowed" })]);
    expect(check("count(for i in 1..3 return i) = 3")).toEqual([
      expect.objectContaining({ kind: "not-allowed", message: "Ranges are not allowed" }),
    ]);
    expect(check("(function(x) x)(true)")).toEqual([
      expect.objectContaining({ kind: "not-allowed", message: "Function definitions are not allowed" }),
    ]);
    expect(check(`${"x".repeat(2001)} = 1`)).toEqual([expect.objectContaining({ kind: "not-allowed" })]);
  });
});

describe("types of bindings", () => {
  it("keeps a list field's items through the usual null guard, so a group over it is typed", () => {
    const type = typeOfExpression("if population.practices = null then [] else population.practices", types);
    expect(type).toMatchObject({ kind: "list", item: { kind: "context", path: "population.practices[]" } });
    expect(typeOfExpression("population.practices.listSize", types)).toMatchObject({ kind: "list", item: { kind: "number" } });
  });

  it("gives the names in scope at a place in a table, for checking one expression as it is typed", () => {
    const { row } = shippedRows().find(({ row }) => row.id === "NCM-02") as { row: AutomaticCriterionRow };
    const groupIndex = row.table.rules.findIndex((entry) => isRuleGroup(entry) && entry.let !== undefined);
    const inGroup = namesInScope(row.table, CRITERIA_FIELD_TYPES, ["rules", groupIndex, "rules", 0, "when"]);
    expect(Object.keys(inGroup).sort()).toEqual(["first", "i", "odsCodes", "p", "practices"]);
    expect(inGroup.p).toMatchObject({ kind: "context", path: "population.practices[]" });
    expect(check("p.odsCod != null and first < i", "condition", inGroup)).toEqual([
      expect.objectContaining({ kind: "unknown-field", suggestion: "p.odsCode" }),
    ]);
    const atTable = namesInScope(row.table, CRITERIA_FIELD_TYPES, ["rules"]);
    expect(Object.keys(atTable).sort()).toEqual(["odsCodes", "practices"]);
    expect(namesInScope(row.table, CRITERIA_FIELD_TYPES, ["let", 1])).toEqual({ practices: expect.objectContaining({ kind: "list" }) });
  });

  it("reports nothing for a name whose type is unknown", () => {
    expect(check('thing = "x" and thing > 3', "condition", { thing: "unknown" })).toEqual([]);
  });
});

describe("the shipped criteria sets", () => {
  it("every expression of every shipped set, in its table's scope, gives no problem", () => {
    const rows = shippedRows();
    expect(rows.length).toBeGreaterThan(50);
    // The rows are the ones the engine compiles.
    for (const file of new Set(rows.map((r) => r.set))) {
      expect(() => compileCriteriaSet(rows.filter((r) => r.set === file).map((r) => r.row))).not.toThrow();
    }
    let expressions = 0;
    for (const { set, row } of rows) {
      const table = row.table;
      expressions += (table.let ?? []).length;
      for (const entry of table.rules) {
        if (isRuleGroup(entry)) {
          expressions += 1 + (entry.when ? 1 : 0) + (entry.let ?? []).length;
          for (const rule of entry.rules) expressions += 1 + (rule.message ? 1 : 0) + (rule.fieldPath ? 1 : 0);
        } else {
          expressions += 1 + (entry.message ? 1 : 0) + (entry.fieldPath ? 1 : 0);
        }
      }
      expect(checkDecisionTable(table, CRITERIA_FIELD_TYPES), `${set} ${row.id}`).toEqual([]);
    }
    expect(expressions).toBeGreaterThan(400);
  });
});

describe("robustness", () => {
  const TOKENS = [
    "population",
    ".",
    "practices",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ":",
    ",",
    "listSize",
    "registeredPopulation",
    "p",
    "item",
    " ",
    "=",
    "<",
    "+",
    "-",
    "and",
    "or",
    "not",
    "if",
    "then",
    "else",
    "for",
    "some",
    "in",
    "return",
    "satisfies",
    "1",
    "0.5",
    '"x"',
    '"\\u00e9"',
    '"',
    "null",
    "true",
    "get value",
    "count",
    "formatPence",
    "..",
    "function",
    "@",
  ];

  it("never throws, whatever is typed: a problem list or nothing", () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((parts) => parts.join(" "));
    const expected = fc.constantFrom<Expected>("condition", "text", "fieldPath", "list", "any");
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 60 })), expected, (expression, want) => {
        const problems = check(expression, want);
        for (const problem of problems) {
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.from).toBeGreaterThanOrEqual(0);
          expect(problem.to).toBeGreaterThanOrEqual(problem.from);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("never throws on a shipped expression cut short at any point, as it is while being typed", () => {
    const { row } = shippedRows().find(({ row }) => row.id === "NCM-04") as { row: AutomaticCriterionRow };
    const text = row.table.let?.[1]?.value ?? "";
    expect(text.length).toBeGreaterThan(100);
    for (let end = 0; end <= text.length; end += 1) expect(() => check(text.slice(0, end), "any")).not.toThrow();
  });
});
