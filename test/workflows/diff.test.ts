import { describe, expect, it } from "vitest";
import { changedSince, diffContent } from "../../workflows/diff.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { isKnownFieldPath, type Practice, type SubmissionContent } from "../../workflows/submission.ts";

const practice = (id: string | undefined, odsCode: string, listSize: number, name = `Practice ${odsCode}`): Practice => ({
  ...(id === undefined ? {} : { id }),
  name,
  odsCode,
  listSize,
});

function example(): SubmissionContent {
  return exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", checkpoint: 2, seed: 7 });
}

describe("diffContent", () => {
  it("finds nothing between identical content, or content that differs only in blanks", () => {
    expect(diffContent(example(), example())).toEqual([]);
    expect(diffContent({}, {})).toEqual([]);
    expect(diffContent({ about: { title: "" }, population: { practices: [] } }, { about: {} })).toEqual([]);
  });

  it("reports scalars added, removed and changed, with their values", () => {
    const before: SubmissionContent = {
      about: { title: "Kent MCP", procurementKind: "new_arrangement" },
      contract: { contractTermYears: 10 },
    };
    const after: SubmissionContent = { about: { title: "Kent and Medway MCP", modelType: "MCP" }, contract: { contractTermYears: 10 } };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "about.title", kind: "changed", before: "Kent MCP", after: "Kent and Medway MCP" },
      { fieldPath: "about.modelType", kind: "added", after: "MCP" },
      { fieldPath: "about.procurementKind", kind: "removed", before: "new_arrangement" },
    ]);
  });

  it("walks nested objects field by field, in the schema's order", () => {
    const before: SubmissionContent = {
      finance: { budget: { capitatedSumPence: 100_00, performancePaymentPercent: 3 }, riskGainShare: { hasRiskShare: false } },
    };
    const after: SubmissionContent = {
      finance: {
        riskGainShare: { hasRiskShare: true, description: "50:50" },
        budget: { capitatedSumPence: 120_00, performancePaymentPercent: 3 },
      },
    };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "finance.budget.capitatedSumPence", kind: "changed", before: 100_00, after: 120_00 },
      { fieldPath: "finance.riskGainShare.hasRiskShare", kind: "changed", before: false, after: true },
      { fieldPath: "finance.riskGainShare.description", kind: "added", after: "50:50" },
    ]);
  });

  it("orders changes by section, then field, then row", () => {
    const before = example();
    const after = structuredClone(before);
    after.governance!.gpPracticesSignedUpPercent = 12;
    after.population!.practices![1]!.listSize = 1;
    after.population!.practices![0]!.name = "Renamed";
    after.about!.title = "Retitled";
    after.population!.registeredPopulation = 1;
    expect(diffContent(before, after).map((c) => c.fieldPath)).toEqual([
      "about.title",
      "population.registeredPopulation",
      "population.practices[0].name",
      "population.practices[1].listSize",
      "governance.gpPracticesSignedUpPercent",
    ]);
  });

  it("matches rows by id, so reordering alone is no change and a changed row is found where it now is", () => {
    const before: SubmissionContent = {
      population: { practices: [practice("p1", "A10001", 1000), practice("p2", "A10002", 2000), practice("p3", "A10003", 3000)] },
    };
    const reordered: SubmissionContent = {
      population: { practices: [practice("p3", "A10003", 3000), practice("p1", "A10001", 1000), practice("p2", "A10002", 2000)] },
    };
    expect(diffContent(before, reordered)).toEqual([]);

    reordered.population!.practices![2]!.listSize = 2500;
    expect(diffContent(before, reordered)).toEqual([
      { fieldPath: "population.practices[2].listSize", kind: "changed", before: 2000, after: 2500 },
    ]);
  });

  it("keeps a row with the same id as one row even when its natural key changes", () => {
    const before: SubmissionContent = { population: { practices: [practice("p1", "A10001", 1000)] } };
    const after: SubmissionContent = { population: { practices: [practice("p1", "A10009", 1000, "Practice A10001")] } };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "population.practices[0].odsCode", kind: "changed", before: "A10001", after: "A10009" },
    ]);
  });

  it("matches rows without ids by their natural key", () => {
    const before: SubmissionContent = {
      population: { practices: [practice(undefined, "A10001", 1000), practice(undefined, "A10002", 2000)] },
      about: {
        commissioners: [
          { name: "NHS Kent CCG", kind: "ccg" },
          { name: "Kent County Council", kind: "local_authority" },
        ],
      },
      outcomes: {
        metricYears: [
          { financialYear: "2017-18", nonElectiveAdmissionsPer100k: { baseline: 10, planned: 9 } },
          { financialYear: "2018-19" },
        ],
      },
      governance: {
        governingBodyApprovals: [
          { checkpoint: 1, date: "2017-03-01", minuteReference: "GB/1" },
          { checkpoint: 2, date: "2017-09-01" },
        ],
      },
    };
    const after: SubmissionContent = {
      population: { practices: [practice(undefined, "A10002", 2000), practice(undefined, "A10001", 1100)] },
      about: {
        commissioners: [
          { name: "Kent County Council", kind: "local_authority" },
          { name: "NHS Kent CCG", kind: "ccg" },
        ],
      },
      outcomes: {
        metricYears: [
          { financialYear: "2018-19" },
          { financialYear: "2017-18", nonElectiveAdmissionsPer100k: { baseline: 10, planned: 8.5 } },
        ],
      },
      governance: {
        governingBodyApprovals: [
          { checkpoint: 2, date: "2017-09-01" },
          { checkpoint: 1, date: "2017-03-01", minuteReference: "GB/1a" },
        ],
      },
    };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "population.practices[1].listSize", kind: "changed", before: 1000, after: 1100 },
      { fieldPath: "outcomes.metricYears[1].nonElectiveAdmissionsPer100k.planned", kind: "changed", before: 9, after: 8.5 },
      { fieldPath: "governance.governingBodyApprovals[1].minuteReference", kind: "changed", before: "GB/1", after: "GB/1a" },
    ]);
  });

  it("falls back to position only for rows nothing else identifies", () => {
    const before: SubmissionContent = { population: { hubs: [{ population: 100 }, { name: "North hub", population: 200 }] } };
    const after: SubmissionContent = {
      population: {
        hubs: [
          { name: "North hub", population: 200 },
          { name: "South hub", population: 150 },
        ],
      },
    };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "population.hubs[1].name", kind: "added", after: "South hub" },
      { fieldPath: "population.hubs[1].population", kind: "changed", before: 100, after: 150 },
    ]);
  });

  it("reports a row in one version only as one change for the whole row, at its own version's index", () => {
    const before: SubmissionContent = {
      population: { practices: [practice("p1", "A10001", 1000), practice("p2", "A10002", 2000), practice("p3", "A10003", 3000)] },
    };
    const after: SubmissionContent = {
      population: { practices: [practice("p1", "A10001", 1000), practice("p3", "A10003", 3000), practice("p4", "A10004", 4000)] },
    };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "population.practices[1]", kind: "removed", before: practice("p2", "A10002", 2000) },
      { fieldPath: "population.practices[2]", kind: "added", after: practice("p4", "A10004", 4000) },
    ]);
  });

  it("treats rows with different ids as different rows even when their natural keys agree", () => {
    const before: SubmissionContent = { population: { practices: [practice("p1", "A10001", 1000)] } };
    const after: SubmissionContent = { population: { practices: [practice("p9", "A10001", 1000)] } };
    expect(diffContent(before, after).map((c) => [c.fieldPath, c.kind])).toEqual([
      ["population.practices[0]", "removed"],
      ["population.practices[0]", "added"],
    ]);
  });

  it("compares lists of plain values as sets", () => {
    const before: SubmissionContent = { population: { servicesInScope: ["general_practice", "community_health", "mental_health"] } };
    const after: SubmissionContent = { population: { servicesInScope: ["urgent_care", "community_health", "general_practice"] } };
    expect(diffContent(before, after)).toEqual([
      { fieldPath: "population.servicesInScope", kind: "removed", before: "mental_health" },
      { fieldPath: "population.servicesInScope", kind: "added", after: "urgent_care" },
    ]);
    expect(diffContent(after, { population: { servicesInScope: ["general_practice", "urgent_care", "community_health"] } })).toEqual([]);
  });

  it("gives only paths the schemas know", () => {
    const before = example();
    const after = exampleSubmission({
      modelType: "PACS",
      footprintName: "Kent and Medway",
      footprintCode: "E54000032",
      checkpoint: 3,
      seed: 8,
    });
    const changes = diffContent(before, after);
    expect(changes.length).toBeGreaterThan(10);
    for (const change of changes) expect(isKnownFieldPath(change.fieldPath), change.fieldPath).toBe(true);
    expect(diffContent(before, after)).toEqual(changes);
  });
});

describe("changedSince", () => {
  const before: SubmissionContent = {
    about: { title: "Kent MCP" },
    population: {
      registeredPopulation: 6000,
      practices: [practice("p1", "A10001", 1000), practice("p2", "A10002", 2000), practice("p3", "A10003", 3000)],
    },
  };

  it("answers for one field", () => {
    const after = structuredClone(before);
    after.population!.registeredPopulation = 6100;
    expect(changedSince(before, after, "population.registeredPopulation")).toBe(true);
    expect(changedSince(before, after, "about.title")).toBe(false);
    expect(changedSince(before, after, "population.practices[1].listSize")).toBe(false);
  });

  it("answers for a parent path when anything under it changed", () => {
    const after = structuredClone(before);
    after.population!.practices![2]!.listSize = 3100;
    expect(changedSince(before, after, "population")).toBe(true);
    expect(changedSince(before, after, "population.practices")).toBe(true);
    expect(changedSince(before, after, "population.practices[2]")).toBe(true);
    expect(changedSince(before, after, "population.practices[2].listSize")).toBe(true);
    expect(changedSince(before, after, "population.practices[2].name")).toBe(false);
    expect(changedSince(before, after, "population.practices[0]")).toBe(false);
    expect(changedSince(before, after, "about")).toBe(false);
  });

  it("follows a row to where it moved, and counts a removed row as changed", () => {
    const after = structuredClone(before);
    after.population!.practices = [practice("p0", "A10000", 500), practice("p3", "A10003", 3000), practice("p1", "A10001", 1000)];
    // p2 (index 1 in the before version) was removed; p3 and p1 moved but did not change.
    expect(changedSince(before, after, "population.practices[1]")).toBe(true);
    expect(changedSince(before, after, "population.practices[2].listSize")).toBe(false);
    expect(changedSince(before, after, "population.practices[0]")).toBe(false);
    expect(changedSince(before, after, "population.practices")).toBe(true);
  });

  it("refuses something that is not a field path", () => {
    expect(() => changedSince(before, before, "population..practices")).toThrow(/Not a field path/);
    expect(() => changedSince(before, before, "[0]")).toThrow(/Not a field path/);
  });
});
