import { describe, expect, it } from "vitest";
import {
  CriterionSchema,
  criterionExpressionProblems,
  criterionFormValues,
  criterionRowFrom,
  exampleAnswersText,
  liveCriterionCheck,
  readExampleAnswers,
} from "../../app/forms/criterion.ts";
import examples2016 from "../../db/criteria-sets/examples/2016-17.json";
import examples2017 from "../../db/criteria-sets/examples/2017-19.json";
import set2016 from "../../db/criteria-sets/2016-17.json";
import set2017 from "../../db/criteria-sets/2017-19.json";
import { canonicalJson } from "../../db/criteria-sets.ts";
import { withExamples } from "../../workflows/criteria-data/examples.ts";
import type { CriterionExample, CriterionRow } from "../../workflows/criteria-data/types.ts";
import { REFERENCE } from "../workflows/criterion-examples.ts";

const SETS = [
  {
    id: "2016-17",
    rows: withExamples(set2016 as unknown as CriterionRow[], examples2016 as unknown as Record<string, CriterionExample[]>),
  },
  {
    id: "2017-19",
    rows: withExamples(set2017 as unknown as CriterionRow[], examples2017 as unknown as Record<string, CriterionExample[]>),
  },
];

/** A criterion opened in the form and saved without a change, as the action reads it. */
function openAndSave(row: CriterionRow) {
  const input = CriterionSchema.parse(criterionFormValues(row, exampleAnswersText));
  const read = input.examples.map((example) => readExampleAnswers(example.answers ?? ""));
  const examples = read.map((r, i) => {
    if (!r.ok) throw new Error(`${row.id} example ${i + 1}: ${r.errors.join("; ")}`);
    const e = input.examples[i]!;
    return { name: e.name, expected: e.expected, checkpoint: Number(e.checkpoint) as 1 | 2 | 3, answers: r.answers };
  });
  return { input, row: criterionRowFrom(input, row, examples) };
}

describe.each(SETS)("every criterion of $id through the authoring form", ({ rows }) => {
  it.each(rows.map((row) => [row.id, row] as const))("%s opens and saves unchanged, with no problem reported", (_, row) => {
    const saved = openAndSave(row);
    expect(criterionExpressionProblems(saved.input, row)).toEqual({});
    const expected = row.kind === "automatic" ? { ...row, examples: row.examples ?? [] } : row;
    expect(canonicalJson(saved.row)).toBe(canonicalJson(expected));
  });

  it("shows every shipped example as right while the page is open", () => {
    for (const row of rows) {
      if (row.kind !== "automatic") continue;
      const values = criterionFormValues(row, exampleAnswersText);
      const live = liveCriterionCheck(values, row, REFERENCE);
      expect(
        live.examples.map((e) => e.right),
        row.id,
      ).toEqual((row.examples ?? []).map(() => true));
    }
  });
});

describe("example answers written as a lead would, and exactly where a lead's form would refuse them", () => {
  it("reads money, dates, choices and yes/no as a submission stores them", () => {
    expect(
      readExampleAnswers(
        "about.modelType = Primary and acute care system (PACS)\ncontract.annualContractValuePence = £250,000\ngovernance.keyDates.checkpoint1 = 1 March 2017\ncontract.createsNewLegalEntity = no",
      ),
    ).toEqual({
      ok: true,
      answers: {
        "about.modelType": "PACS",
        "contract.annualContractValuePence": 25_000_000,
        "governance.keyDates.checkpoint1": "2017-03-01",
        "contract.createsNewLegalEntity": false,
      },
    });
  });

  it("keeps blank text, an empty list and an out-of-range number, and writes them back the same", () => {
    const answers = { "about.vanguardNumber": 51, "about.commissioners[0].name": "", "population.practices": [] };
    const text = exampleAnswersText({ answers });
    expect(text).toBe('about.vanguardNumber = 51\nabout.commissioners[0].name = ""\npopulation.practices = []');
    expect(readExampleAnswers(text)).toEqual({ ok: true, answers });
  });

  it("names the line of each problem", () => {
    expect(readExampleAnswers("about.modelType = PACS\npopulation.registeredPopulaton = 5\ncontract.contractTermYears = soon")).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(/^Line 2: there is no answer called population\.registeredPopulaton/),
        expect.stringMatching(/^Line 3: /),
      ],
    });
  });
});
