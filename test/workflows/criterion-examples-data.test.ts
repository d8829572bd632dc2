// Criterion examples as data (issue 14, step 4): answers to and from a submission, an example judged
// as evaluate() judges, the problems that stop a set being published, and the shipped sets' own
// examples, each of which must give its expected outcome under the set's decision tables.
import { describe, expect, it } from "vitest";
import criteria2016 from "../../db/criteria-sets/2016-17.json";
import criteria2017 from "../../db/criteria-sets/2017-19.json";
import examples2016 from "../../db/criteria-sets/examples/2016-17.json";
import examples2017 from "../../db/criteria-sets/examples/2017-19.json";
import { answersFromContent, contentFromAnswers } from "../../workflows/criteria-data/answers.ts";
import { compileCriteriaSet } from "../../workflows/criteria-data/engine.ts";
import { CriterionExamplesSchema, exampleProblems, judgeExample, withExamples } from "../../workflows/criteria-data/examples.ts";
import type { AutomaticCriterion, CriterionExample, CriterionRow } from "../../workflows/criteria-data/types.ts";
import { evaluate } from "../../workflows/evaluate.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS, type SubmissionContent } from "../../workflows/submission.ts";
import { REFERENCE } from "./criterion-examples.ts";

const shipped = [
  { id: "2016-17", rows: criteria2016 as unknown as CriterionRow[], examples: CriterionExamplesSchema.parse(examples2016) },
  { id: "2017-19", rows: criteria2017 as unknown as CriterionRow[], examples: CriterionExamplesSchema.parse(examples2017) },
];
const latest = compileCriteriaSet(shipped[1]!.rows);

function automatic(id: string): AutomaticCriterion {
  const criterion = latest.criteria.find((c) => c.id === id);
  if (criterion?.kind !== "automatic") throw new Error(`${id} is not an automatic criterion of 2017-19`);
  return criterion;
}

function example(partial: Partial<CriterionExample> & Pick<CriterionExample, "answers">): CriterionExample {
  return { name: "An example", expected: "pass", checkpoint: 1, ...partial };
}

describe("contentFromAnswers", () => {
  it("sets each answer at its path, making the sections, groups and rows on the way", () => {
    expect(
      contentFromAnswers({
        "about.modelType": "PACS",
        "population.practices[1].listSize": 5200,
        "population.servicesInScope": ["general_practice", "core_acute"],
        "finance.riskGainShare.hasRiskShare": true,
        "governance.keyDates.checkpoint1": "2016-10-03",
      }),
    ).toEqual({
      about: { modelType: "PACS" },
      // The first practice is there, empty, so the second keeps its index.
      population: { practices: [{}, { listSize: 5200 }], servicesInScope: ["general_practice", "core_acute"] },
      finance: { riskGainShare: { hasRiskShare: true } },
      governance: { keyDates: { checkpoint1: "2016-10-03" } },
    });
  });

  it("fills in one row from several answers, in any order", () => {
    expect(
      contentFromAnswers({
        "about.commissioners[1].name": "Salford City Council",
        "about.commissioners[0].name": "NHS Salford CCG",
        "about.commissioners[1].kind": "local_authority",
      }),
    ).toEqual({ about: { commissioners: [{ name: "NHS Salford CCG" }, { name: "Salford City Council", kind: "local_authority" }] } });
  });

  it("gives an empty list for a list answered as empty, and nothing for no answers", () => {
    expect(contentFromAnswers({ "population.practices": [] })).toEqual({ population: { practices: [] } });
    expect(contentFromAnswers({})).toEqual({});
  });

  it("refuses a path that is not a field of a submission", () => {
    expect(() => contentFromAnswers({ "population.beds": 3 })).toThrow("population.beds is not a field of a submission");
    expect(() => contentFromAnswers({ "population.practices[].listSize": 3 })).toThrow(/is not a field/);
    expect(() => contentFromAnswers({ "constructor.prototype": 1 })).toThrow(/is not a field/);
  });
});

describe("answersFromContent", () => {
  const content: SubmissionContent = {
    about: { modelType: "MCP", title: "Salford Together" },
    population: {
      registeredPopulation: 40_000,
      practices: [
        { id: "a", name: "Riverside Surgery", listSize: 20_000 },
        { id: "b", name: "Park Road Medical Centre", listSize: 20_000 },
      ],
      servicesInScope: ["general_practice", "community_health"],
    },
    enablers: { highImpactChanges: { trustedAssessors: true, focusOnChoice: false } },
    outcomes: {
      metricYears: [
        { financialYear: "2017-18", nonElectiveAdmissionsPer100k: { baseline: 900, planned: 880 } },
        { financialYear: "2018-19", nonElectiveAdmissionsPer100k: { baseline: 880, planned: 860 } },
      ],
    },
  };

  it("gives the answer at a path, and every row's for a path with []", () => {
    expect(answersFromContent(content, ["about.modelType", "population.practices[].listSize"])).toEqual({
      "about.modelType": "MCP",
      "population.practices[0].listSize": 20_000,
      "population.practices[1].listSize": 20_000,
    });
  });

  it("gives every answer inside a group or a list of rows, each row's together", () => {
    expect(answersFromContent(content, ["population.practices"])).toEqual({
      "population.practices[0].id": "a",
      "population.practices[0].name": "Riverside Surgery",
      "population.practices[0].listSize": 20_000,
      "population.practices[1].id": "b",
      "population.practices[1].name": "Park Road Medical Centre",
      "population.practices[1].listSize": 20_000,
    });
    const answers = answersFromContent(content, [
      "outcomes.metricYears[].nonElectiveAdmissionsPer100k.planned",
      "outcomes.metricYears[].financialYear",
    ]);
    expect(Object.keys(answers)).toEqual([
      "outcomes.metricYears[0].nonElectiveAdmissionsPer100k.planned",
      "outcomes.metricYears[0].financialYear",
      "outcomes.metricYears[1].nonElectiveAdmissionsPer100k.planned",
      "outcomes.metricYears[1].financialYear",
    ]);
  });

  it("answers ticked options as one list, and a checklist item by item", () => {
    expect(
      answersFromContent(content, ["population.servicesInScope", "population.servicesInScope[]", "enablers.highImpactChanges"]),
    ).toEqual({
      "population.servicesInScope": ["general_practice", "community_health"],
      "enablers.highImpactChanges.trustedAssessors": true,
      "enablers.highImpactChanges.focusOnChoice": false,
    });
  });

  it("gives an empty list of rows as an answer, and nothing for a path that names nothing", () => {
    expect(answersFromContent({ population: { practices: [] } }, ["population.practices"])).toEqual({ "population.practices": [] });
    expect(answersFromContent(content, ["population.hubs", "contract.contractOption", "population.practices[5].name"])).toEqual({});
  });

  it("give back the submission they were taken from", () => {
    const submission = exampleSubmission({
      modelType: "PACS",
      footprintName: "Greater Manchester",
      footprintCode: "E54000007",
      vanguardNumber: 5,
      checkpoint: 3,
      seed: 11,
    });
    expect(contentFromAnswers(answersFromContent(submission, SECTION_SLUGS))).toEqual(submission);
  });
});

describe("judgeExample", () => {
  it("judges as evaluate() does, with the model type from the answers", () => {
    const criterion = automatic("NCM-05");
    const pacs = example({ answers: { "about.modelType": "PACS", "population.registeredPopulation": 220_000 }, expected: "fail" });
    const outcome = judgeExample(criterion, pacs, REFERENCE);
    expect(outcome).toMatchObject({ outcome: "fail", fieldPath: "population.registeredPopulation", missing: false });
    const evaluation = evaluate(
      contentFromAnswers(pacs.answers),
      { id: "x", title: "x", publishedOn: "2017-08-01", criteria: [criterion] },
      {
        checkpoint: 1,
        reference: REFERENCE,
      },
    );
    expect(evaluation.results).toEqual([
      expect.objectContaining({ id: "NCM-05", outcome: outcome.outcome, message: outcome.message ?? null }),
    ]);
  });

  it("gives not applicable for another model type, or none yet when the criterion is tied to one", () => {
    const criterion = automatic("NCM-05");
    expect(
      judgeExample(criterion, example({ answers: { "about.modelType": "MCP", "population.registeredPopulation": 220_000 } }), REFERENCE),
    ).toEqual({
      outcome: "not_applicable",
    });
    expect(judgeExample(criterion, example({ answers: { "population.registeredPopulation": 220_000 } }), REFERENCE)).toEqual({
      outcome: "not_applicable",
    });
  });

  it("gives not applicable at a checkpoint the criterion skips", () => {
    const criterion = automatic("ISAP-06");
    const answers = { "about.modelType": "MCP", "contract.nhsTrustOrFoundationTrustParty": true } as const;
    expect(judgeExample(criterion, example({ answers, checkpoint: 1 }), REFERENCE)).toEqual({ outcome: "not_applicable" });
    expect(judgeExample(criterion, example({ answers, checkpoint: 2 }), REFERENCE)).toMatchObject({ outcome: "fail" });
  });

  it("leaves out an answer of the wrong type, as a saved draft's is", () => {
    const criterion = automatic("NCM-03");
    const outcome = judgeExample(
      criterion,
      example({ answers: { "about.modelType": "MCP", "population.registeredPopulation": "about 40k" } }),
      REFERENCE,
    );
    expect(outcome).toEqual(judgeExample(criterion, example({ answers: { "about.modelType": "MCP" } }), REFERENCE));
  });
});

describe("exampleProblems", () => {
  const rows = shipped[1]!.rows;
  const ncm05 = rows.find((row) => row.id === "NCM-05")!;
  const isap01 = rows.find((row) => row.id === "ISAP-01")!;
  const judgement = rows.find((row) => row.kind === "judgement")!;

  function problemsOf(setRows: CriterionRow[]) {
    return exampleProblems(compileCriteriaSet(setRows), REFERENCE);
  }

  it("names each automatic criterion without a passing or a failing example, and asks nothing of judgement criteria", () => {
    expect(problemsOf([{ ...isap01, examples: [] } as CriterionRow, judgement])).toEqual([
      { criterionId: "ISAP-01", message: "ISAP-01 has no passing example" },
      { criterionId: "ISAP-01", message: "ISAP-01 has no failing example" },
    ]);
    const onlyPassing: CriterionRow = {
      ...isap01,
      examples: [example({ name: "An MCP", answers: { "about.modelType": "MCP" } })],
    } as CriterionRow;
    expect(problemsOf([onlyPassing]).map((p) => p.message)).toEqual(["ISAP-01 has no failing example"]);
  });

  it("names an example that gives the wrong outcome, by position and name", () => {
    const row = {
      ...ncm05,
      examples: [
        example({ name: "A PACS of 250,000 people", answers: { "about.modelType": "PACS", "population.registeredPopulation": 250_000 } }),
        example({
          name: "A PACS of 220,000 people",
          expected: "fail",
          answers: { "about.modelType": "PACS", "population.registeredPopulation": 260_000 },
        }),
        example({ name: "An MCP", expected: "fail", answers: { "about.modelType": "MCP", "population.registeredPopulation": 20_000 } }),
      ],
    } as CriterionRow;
    expect(problemsOf([row])).toEqual([
      {
        criterionId: "NCM-05",
        exampleIndex: 1,
        exampleName: "A PACS of 220,000 people",
        message: "Example 2 of NCM-05 (‘A PACS of 220,000 people’) should fail but passes",
      },
      {
        criterionId: "NCM-05",
        exampleIndex: 2,
        exampleName: "An MCP",
        message: "Example 3 of NCM-05 (‘An MCP’) should fail but does not apply",
      },
    ]);
    const wrongPass = {
      ...ncm05,
      examples: [
        example({ name: "A PACS of 220,000 people", answers: { "about.modelType": "PACS", "population.registeredPopulation": 220_000 } }),
      ],
    } as CriterionRow;
    expect(problemsOf([wrongPass]).at(-1)?.message).toBe(
      "Example 1 of NCM-05 (‘A PACS of 220,000 people’) should pass but fails at population.registeredPopulation " +
        "(“Your registered population of 220,000 is below the 250,000 a PACS usually covers”)",
    );
  });

  it("names an answer at a field a submission does not have, or of a type it cannot hold", () => {
    const row = {
      ...ncm05,
      examples: [
        example({ name: "Beds", answers: { "about.modelType": "PACS", "population.beds": 40 } }),
        example({ name: "In words", expected: "fail", answers: { "about.modelType": "PACS", "population.registeredPopulation": "lots" } }),
      ],
    } as CriterionRow;
    const messages = problemsOf([row]).map((p) => p.message);
    expect(messages[0]).toBe("Example 1 of NCM-05 (‘Beds’) answers population.beds, which is not a field of a submission");
    expect(messages[1]).toMatch(
      /^Example 2 of NCM-05 \(‘In words’\) has an answer at population\.registeredPopulation that a submission cannot hold: /,
    );
    expect(messages[2]).toBe("Example 2 of NCM-05 (‘In words’) should fail but does not apply");
  });
});

describe.each(shipped)("the shipped set $id's examples", ({ rows, examples }) => {
  const compiled = compileCriteriaSet(rows);
  const automaticIds = rows.filter((row) => row.kind === "automatic").map((row) => row.id);

  it("are for its automatic criteria only, each with a passing and a failing example", () => {
    expect(Object.keys(examples).sort()).toEqual([...automaticIds].sort());
    for (const id of automaticIds) {
      expect(examples[id]?.filter((e) => e.expected === "pass").length, `${id} passing`).toBeGreaterThan(0);
      expect(examples[id]?.filter((e) => e.expected === "fail").length, `${id} failing`).toBeGreaterThan(0);
    }
  });

  it("each give the outcome they expect, so the set would be publishable by its examples", () => {
    expect(exampleProblems({ rows: withExamples(rows, examples), criteria: compiled.criteria }, REFERENCE)).toEqual([]);
  });

  it("are partial submissions, not whole ones", () => {
    for (const [id, list] of Object.entries(examples)) {
      for (const e of list) {
        const sections = new Set(Object.keys(e.answers).map((path) => path.split(".")[0]));
        expect(sections.size, `${id} ‘${e.name}’ answers ${[...sections].join(", ")}`).toBeLessThanOrEqual(3);
      }
    }
  });

  it("would be caught giving the wrong outcome", () => {
    const [id, list] = Object.entries(examples)[0]!;
    const flipped = { [id]: list.map((e) => ({ ...e, expected: e.expected === "pass" ? ("fail" as const) : ("pass" as const) })) };
    const problems = exampleProblems({ rows: withExamples(rows, { ...examples, ...flipped }), criteria: compiled.criteria }, REFERENCE);
    expect(problems.length).toBeGreaterThanOrEqual(list.length);
    expect(problems.every((p) => p.criterionId === id)).toBe(true);
  });
});
