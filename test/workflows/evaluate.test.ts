import { describe, expect, it } from "vitest";
import { loadShippedCriteriaSets } from "../support/criteria-sets.ts";
import { evaluate, type Evaluation } from "../../workflows/evaluate.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS, parseSubmissionContent, type SubmissionContent } from "../../workflows/submission.ts";
import { REFERENCE, baseContent } from "./criterion-examples.ts";

const sets = await loadShippedCriteriaSets();
const setIds = sets.list.map((set) => set.id);

const latest = sets.latest;
const ids = (results: Evaluation["results"]) => results.map((r) => r.id);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe("section status", () => {
  it("is not started everywhere for empty content, which cannot be submitted", () => {
    const evaluation = evaluate({}, latest, { checkpoint: 1 });
    for (const slug of SECTION_SLUGS) expect(evaluation.sections[slug]).toBe("not_started");
    expect(evaluation.passed).toBe(false);
    expect(evaluation.blockingFailures.map((r) => r.id)).toContain("ISAP-01");
    expect(evaluation.modelType).toBeNull();
  });

  it("is in progress where something is entered but fields the criteria need are still empty", () => {
    const content: SubmissionContent = {
      about: { title: "Salford MCP", modelType: "MCP" },
      population: { registeredPopulation: 0 },
      enablers: { sevenDayServices: false },
    };
    const evaluation = evaluate(content, latest, { checkpoint: 1 });
    expect(evaluation.sections).toMatchObject({
      about: "in_progress", // commissioners, procurement kind, footprint still empty
      population: "has_failing_checks", // a registered population of 0 is wrong, not missing
      contract: "not_started",
      enablers: "in_progress", // the High Impact Changes are unanswered; "no" to seven-day services is only a warning in 2017-19
      governance: "not_started",
    });
  });

  it("has failing checks where a blocking criterion fails on what was entered", () => {
    const content = baseContent("MCP", 1);
    const approval = content.governance?.governingBodyApprovals?.[0];
    if (approval) approval.date = "2030-01-01";
    const evaluation = evaluate(content, latest, { checkpoint: 1, reference: REFERENCE });
    expect(evaluation.sections.governance).toBe("has_failing_checks");
    expect(evaluation.blockingFailures).toEqual([
      expect.objectContaining({
        id: "ISAP-05",
        fieldPath: "governance.governingBodyApprovals[0].date",
        section: "governance",
        missing: false,
      }),
    ]);
    expect(evaluation.passed).toBe(false);
  });

  it("stays ready beside a failing warning on a value that is filled in", () => {
    const content = baseContent("PACS", 1);
    const population = content.population!;
    population.registeredPopulation = 200_000;
    population.practices = [{ id: "a", name: "Riverside Surgery", odsCode: "P84001", listSize: 200_000 }];
    const evaluation = evaluate(content, latest, { checkpoint: 1, reference: REFERENCE });
    expect(evaluation.warnings.map((r) => r.id)).toEqual(["NCM-05"]);
    expect(evaluation.sections.population).toBe("ready");
    expect(evaluation.passed).toBe(true);
  });

  it("is in progress when a warning still wants a field filled in, without stopping submission", () => {
    const content = baseContent("MCP", 1);
    delete content.outcomes?.plannedEmergencyAdmissionReductionPercent;
    const evaluation = evaluate(content, latest, { checkpoint: 1, reference: REFERENCE });
    expect(evaluation.sections.outcomes).toBe("in_progress");
    expect(evaluation.passed).toBe(true);
  });

  it("puts a failure in the section of the field it points at", () => {
    const content = baseContent("MCP", 2);
    delete content.governance?.keyDates?.checkpoint2;
    const evaluation = evaluate(content, latest, { checkpoint: 2, reference: REFERENCE });
    const isap05 = evaluation.results.find((r) => r.id === "ISAP-05");
    expect(isap05).toMatchObject({ outcome: "fail", fieldPath: "governance.keyDates.checkpoint2", section: "governance" });
  });

  it("is ready everywhere for a complete example", () => {
    for (const modelType of ["MCP", "PACS"] as const) {
      const evaluation = evaluate(baseContent(modelType, 3), latest, { checkpoint: 3, reference: REFERENCE });
      for (const slug of SECTION_SLUGS) expect(evaluation.sections[slug], `${modelType} ${slug}`).toBe("ready");
      expect(evaluation.passed).toBe(true);
      expect(evaluation.blockingFailures).toEqual([]);
    }
  });

  it("counts an answered 'no' as something entered", () => {
    const evaluation = evaluate({ enablers: { sevenDayServices: false } }, sets.get("2016-17"), { checkpoint: 1 });
    expect(evaluation.sections.enablers).toBe("has_failing_checks");
    const empty = evaluate({ enablers: { highImpactChanges: {} }, about: { title: "  " } }, latest, { checkpoint: 1 });
    expect(empty.sections.enablers).toBe("not_started");
    expect(empty.sections.about).toBe("not_started");
  });
});

describe("results", () => {
  it("carry what the task list and the decision record show", () => {
    const content = baseContent("MCP", 1);
    content.about!.commissioners = [];
    const evaluation = evaluate(content, latest, { checkpoint: 1, reference: REFERENCE });
    expect(evaluation.results.find((r) => r.id === "ISAP-07")).toEqual({
      id: "ISAP-07",
      title: "At least one commissioner",
      severity: "blocking",
      domain: "isap",
      outcome: "fail",
      message: "Add at least one commissioner organisation",
      fieldPath: "about.commissioners",
      section: "about",
      missing: true,
    });
    expect(evaluation.results.find((r) => r.id === "NCM-01")).toEqual({
      id: "NCM-01",
      title: "Contract option given",
      severity: "blocking",
      domain: "proposal",
      outcome: "pass",
      message: null,
      fieldPath: null,
      section: "contract",
      missing: false,
    });
  });

  it("follow the set's order and leave out judgement criteria", () => {
    const evaluation = evaluate(baseContent("PACS", 2), latest, { checkpoint: 2, reference: REFERENCE });
    const order = latest.criteria.map((c) => c.id);
    const resultIds = ids(evaluation.results);
    expect([...resultIds].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(resultIds);
    expect(resultIds.some((id) => id.startsWith("J-"))).toBe(false);
    expect(evaluation.warnings.every((r) => r.severity === "warning" && r.outcome === "fail")).toBe(true);
  });

  it("judge a criterion two sets share once for one submission, with the same results as judging each set alone", () => {
    const content = baseContent("PACS", 2);
    const older = sets.get("2016-17");
    const newer = sets.get("2017-19");
    const outcomes = new Map();
    const shared = { checkpoint: 2 as const, reference: REFERENCE, outcomes };
    expect(evaluate(content, older, shared)).toEqual(evaluate(content, older, { checkpoint: 2, reference: REFERENCE }));
    const judgedForOlder = outcomes.size;
    expect(evaluate(content, newer, shared)).toEqual(evaluate(content, newer, { checkpoint: 2, reference: REFERENCE }));
    // The rows the two sets share compiled to the same criteria, so only the newer set's own were added.
    const olderIds = new Set(older.criteria.map((c) => c.id));
    const ownToNewer = evaluate(content, newer, { checkpoint: 2, reference: REFERENCE }).results.filter((r) => !olderIds.has(r.id));
    expect(ownToNewer.length).toBeGreaterThan(0);
    expect(outcomes.size).toBe(judgedForOlder + ownToNewer.length);
  });

  it("are the same every time for the same input, and leave the content alone", () => {
    const content = deepFreeze(baseContent("MCP", 2));
    for (const set of sets.list) {
      const first = evaluate(content, set, { checkpoint: 2, reference: REFERENCE });
      const second = evaluate(structuredClone(content), set, { checkpoint: 2, reference: REFERENCE });
      expect(second).toEqual(first);
      expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    }
  });
});

describe("applicability", () => {
  it("brings in later-checkpoint criteria only at their checkpoint", () => {
    const content = baseContent("MCP", 3);
    const at = (checkpoint: 1 | 2 | 3) => ids(evaluate(content, latest, { checkpoint, reference: REFERENCE }).results);
    expect(at(1)).not.toContain("ISAP-08");
    expect(at(1)).not.toContain("NCM-10");
    expect(at(1)).not.toContain("ISAP-06");
    expect(at(2)).toEqual(expect.arrayContaining(["ISAP-06", "ISAP-08", "NCM-10"]));
    expect(at(3)).toEqual(expect.arrayContaining(["ISAP-08", "NCM-10"]));
    expect(at(3)).not.toContain("ISAP-06");
  });

  it("asks for the provider board's approval from checkpoint 2 but not before", () => {
    const content = baseContent("MCP", 1);
    expect(content.governance?.providerBoardApprovals).toBeUndefined();
    expect(evaluate(content, latest, { checkpoint: 1, reference: REFERENCE }).passed).toBe(true);
    const atTwo = evaluate(content, latest, { checkpoint: 2, reference: REFERENCE });
    expect(ids(atTwo.blockingFailures)).toEqual(expect.arrayContaining(["ISAP-05", "ISAP-08"]));
  });

  it("runs only the criteria of the model type given", () => {
    const mcp = ids(evaluate(baseContent("MCP", 1), latest, { checkpoint: 1 }).results);
    const pacs = ids(evaluate(baseContent("PACS", 1), latest, { checkpoint: 1 }).results);
    expect(mcp).toEqual(expect.arrayContaining(["NCM-03", "NCM-04", "NCM-09"]));
    expect(mcp).not.toContain("NCM-05");
    expect(pacs).toContain("NCM-05");
    expect(pacs).not.toEqual(expect.arrayContaining(["NCM-03"]));
  });

  it("without a model type, leaves model-specific criteria out and fails ISAP-01", () => {
    const content = baseContent("MCP", 1);
    delete content.about?.modelType;
    const evaluation = evaluate(content, latest, { checkpoint: 1, reference: REFERENCE });
    expect(ids(evaluation.blockingFailures)).toEqual(["ISAP-01"]);
    for (const id of ["NCM-03", "NCM-04", "NCM-05", "NCM-09"]) expect(ids(evaluation.results)).not.toContain(id);
    expect(evaluation.sections.about).toBe("in_progress");
  });

  it("treats lookups as not applicable without reference lists", () => {
    const evaluation = evaluate(baseContent("MCP", 1), latest, { checkpoint: 1 });
    const outcome = (id: string) => evaluation.results.find((r) => r.id === id)?.outcome;
    expect(outcome("NCM-12")).toBe("not_applicable");
    expect(outcome("NCM-13")).toBe("not_applicable");
  });

  it("makes seven-day services a condition in 2016-17 and advice in 2017-19", () => {
    const content = baseContent("PACS", 1);
    content.enablers!.sevenDayServices = false;
    const old = evaluate(content, sets.get("2016-17"), { checkpoint: 1, reference: REFERENCE });
    const current = evaluate(content, sets.get("2017-19"), { checkpoint: 1, reference: REFERENCE });
    expect(ids(old.blockingFailures)).toEqual(["BCF-16"]);
    expect(old.passed).toBe(false);
    expect(ids(current.blockingFailures)).toEqual([]);
    expect(ids(current.warnings)).toContain("BCF-15");
    expect(current.passed).toBe(true);
  });

  it("asks for delayed transfers split by who is responsible only in 2017-19", () => {
    const content = baseContent("MCP", 1);
    for (const year of content.outcomes?.metricYears ?? []) delete year.delayedTransfersSocialCarePer100k;
    expect(evaluate(content, sets.get("2016-17"), { checkpoint: 1, reference: REFERENCE }).passed).toBe(true);
    expect(ids(evaluate(content, sets.get("2017-19"), { checkpoint: 1, reference: REFERENCE }).blockingFailures)).toEqual(["BCF-07"]);
  });
});

describe("the example content", () => {
  const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
  it.each(setIds)("passes every blocking criterion of %s, for both models, every checkpoint and many seeds", (setId) => {
    const set = sets.get(setId);
    for (const modelType of ["MCP", "PACS"] as const) {
      for (const checkpoint of [1, 2, 3] as const) {
        for (const seed of seeds) {
          const content = exampleSubmission({
            modelType,
            footprintName: "Kent and Medway",
            footprintCode: "E54000032",
            vanguardNumber: seed % 3 === 0 ? 17 : undefined,
            checkpoint,
            seed,
          });
          const evaluation = evaluate(content, set, { checkpoint, reference: REFERENCE });
          expect(evaluation.blockingFailures, `${modelType} checkpoint ${checkpoint} seed ${seed}`).toEqual([]);
        }
      }
    }
  });
});

describe("a stored draft of any shape", () => {
  it.each([
    ["nothing", null],
    ["a string", "draft"],
    [
      "wrong types everywhere",
      {
        about: { modelType: 3, commissioners: "NHS Salford CCG", footprintCode: 7 },
        population: { registeredPopulation: "40,000", practices: [null, 4, { listSize: "8000" }], hubs: {} },
        contract: { contractOption: true, annualContractValuePence: "£250m" },
        finance: { budget: [], riskGainShare: { description: 42 } },
        outcomes: { metricYears: [{ financialYear: 2017, nonElectiveAdmissionsPer100k: "high" }] },
        enablers: { highImpactChanges: [true, true] },
        governance: { keyDates: "soon", governingBodyApprovals: [{ checkpoint: "1", date: 20170101 }] },
        evidence: { documents: [{}] },
      },
    ],
  ])("is evaluated through parseSubmissionContent without throwing: %s", (_, raw) => {
    const { content } = parseSubmissionContent(raw);
    for (const set of sets.list) {
      for (const checkpoint of [1, 2, 3] as const) {
        expect(evaluate(content, set, { checkpoint, reference: REFERENCE }).passed).toBe(false);
      }
    }
  });
});
