import { describe, expect, it } from "vitest";
import { loadShippedCriteriaSets } from "../support/criteria-sets.ts";
import { evaluate } from "../../workflows/evaluate.ts";
import { BLOCKING_PROBLEMS, exampleSubmission, withProblem, type BlockingProblem } from "../../workflows/fixtures.ts";
import { KEY_DATES, SubmissionContentSchema, type ModelType } from "../../workflows/submission.ts";
import { REFERENCE } from "./criterion-examples.ts";

const sets = await loadShippedCriteriaSets();
const setIds = sets.list.map((set) => set.id);

const example = (modelType: ModelType, seed: number, checkpoint: 1 | 2 | 3 = 1) =>
  exampleSubmission({ modelType, footprintName: "Greater Manchester", footprintCode: "E54000007", checkpoint, seed });

const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

describe("exampleSubmission", () => {
  it("gives the same content for the same options", () => {
    expect(example("MCP", 7, 2)).toEqual(example("MCP", 7, 2));
    expect(example("PACS", 7, 2)).not.toEqual(example("PACS", 8, 2));
  });

  it("varies with the seed, as forty demo submissions should", () => {
    const mcps = seeds.map((seed) => example("MCP", seed));
    const pacs = seeds.map((seed) => example("PACS", seed));
    const all = [...mcps, ...pacs];
    expect(new Set(all.map((c) => c.contract?.contractOption))).toEqual(new Set(["virtual", "partially_integrated", "fully_integrated"]));
    expect(new Set(all.map((c) => c.population?.registeredPopulation)).size).toBeGreaterThan(60);
    expect(new Set(all.map((c) => c.population?.practices?.length)).size).toBeGreaterThan(10);
    expect(new Set(all.map((c) => c.governance?.keyDates?.checkpoint1)).size).toBeGreaterThan(30);
    expect(new Set(all.map((c) => c.about?.commissioners?.length))).toEqual(new Set([1, 2, 3]));
  });

  it("is valid content, with realistic values", () => {
    for (const modelType of ["MCP", "PACS"] as const) {
      for (const seed of seeds) {
        const content = example(modelType, seed, 3);
        expect(SubmissionContentSchema.safeParse(content).success).toBe(true);

        const population = content.population?.registeredPopulation ?? 0;
        if (modelType === "MCP") expect(population).toBeGreaterThanOrEqual(30_000);
        else expect(population).toBeGreaterThanOrEqual(250_000);
        expect(population).toBeLessThan(1_000_000);

        const practices = content.population?.practices ?? [];
        const codes = practices.map((p) => p.odsCode);
        for (const code of codes) expect(code).toMatch(/^[A-Z]\d{5}$/);
        expect(new Set(codes).size).toBe(codes.length);
        expect(new Set(practices.map((p) => p.name)).size).toBe(practices.length);
        const listed = practices.reduce((sum, p) => sum + (p.listSize ?? 0), 0);
        expect(Math.abs(listed - population) / population).toBeLessThanOrEqual(0.05);

        expect(content.about?.commissioners?.[0]?.name).toBe("NHS Greater Manchester CCG");
        for (const key of KEY_DATES) {
          const date = content.governance?.keyDates?.[key] ?? "";
          expect(date >= "2016-01-01" && date <= "2019-12-31", `${key} ${date}`).toBe(true);
        }
        expect(content.outcomes?.metricYears?.map((y) => y.financialYear)).toHaveLength(3);
        expect(Number.isInteger(content.contract?.annualContractValuePence)).toBe(true);
      }
    }
  });

  it("carries approvals and board minutes up to the checkpoint asked for", () => {
    const atOne = example("PACS", 5, 1).governance;
    expect(atOne?.governingBodyApprovals?.map((a) => a.checkpoint)).toEqual([1]);
    expect(atOne?.providerBoardApprovals).toBeUndefined();
    const atThree = example("PACS", 5, 3);
    expect(atThree.governance?.governingBodyApprovals?.map((a) => a.checkpoint)).toEqual([1, 2, 3]);
    expect(atThree.governance?.providerBoardApprovals?.map((a) => a.checkpoint)).toEqual([2, 3]);
    const documentIds = atThree.evidence?.documents?.map((d) => d.id) ?? [];
    for (const approval of atThree.governance?.governingBodyApprovals ?? []) {
      expect(documentIds).toContain(approval.evidenceDocumentId);
    }
  });

  it("names the vanguard only when there is one", () => {
    expect(example("MCP", 1).about).not.toHaveProperty("vanguardNumber");
    const vanguard = exampleSubmission({
      modelType: "MCP",
      footprintName: "The Black Country and West Birmingham",
      footprintCode: "E54000016",
      vanguardNumber: 16,
    });
    expect(vanguard.about?.vanguardNumber).toBe(16);
    expect(vanguard.about?.commissioners?.[0]?.name).toBe("NHS Black Country CCG");
  });

  it.each(setIds)("passes every blocking criterion of %s for forty seeds", (setId) => {
    for (const modelType of ["MCP", "PACS"] as const) {
      for (const checkpoint of [1, 2, 3] as const) {
        for (const seed of seeds) {
          const evaluation = evaluate(example(modelType, seed, checkpoint), sets.get(setId), {
            checkpoint,
            reference: REFERENCE,
          });
          expect(evaluation.blockingFailures, `${modelType} ${checkpoint} ${seed}`).toEqual([]);
        }
      }
    }
  });
});

describe("withProblem", () => {
  const problems = Object.keys(BLOCKING_PROBLEMS) as BlockingProblem[];

  it.each(problems)("%s fails exactly its one blocking criterion, everywhere", (problem) => {
    for (const setId of setIds) {
      for (const modelType of ["MCP", "PACS"] as const) {
        for (const checkpoint of [1, 2, 3] as const) {
          const content = example(modelType, checkpoint + 10, checkpoint);
          const evaluation = evaluate(withProblem(content, problem), sets.get(setId), {
            checkpoint,
            reference: REFERENCE,
          });
          expect(
            evaluation.blockingFailures.map((r) => r.id),
            `${setId} ${modelType} ${checkpoint}`,
          ).toEqual([BLOCKING_PROBLEMS[problem].criterionId]);
        }
      }
    }
  });

  it("leaves the original alone", () => {
    const content = example("MCP", 2);
    const before = structuredClone(content);
    for (const problem of problems) withProblem(content, problem);
    expect(content).toEqual(before);
  });
});
