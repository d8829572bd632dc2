import { describe, expect, it } from "vitest";
import {
  type AnswerBlock,
  answerTargets,
  compareVersions,
  fieldLabel,
  fieldPathLabel,
  sectionAnswers,
  shownFieldPath,
  shownPaths,
} from "../../app/forms/answers.ts";
import { codeShapedText } from "../support/code-shaped.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import type { SubmissionContent } from "../../workflows/submission.ts";

const before = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", seed: 3 });

function edited(change: (content: SubmissionContent) => void): SubmissionContent {
  const after = structuredClone(before);
  change(after);
  return after;
}

describe("what changed between versions, in words", () => {
  it("names a practice's row by the practice, and writes numbers as the page does", () => {
    const after = edited((c) => {
      c.population!.practices![1]!.listSize = 12345;
    });
    const comparison = compareVersions(1, 2, before, after);
    expect(comparison).toMatchObject({ from: 1, to: 2, total: 1 });
    const [section] = comparison.sections;
    expect(section!.title).toBe("Population and scope");
    expect(section!.changes).toEqual([
      {
        fieldPath: "population.practices[1].listSize",
        kind: "changed",
        label: `Practice 2 (${before.population!.practices![1]!.name}): List size`,
        before: [new Intl.NumberFormat("en-GB").format(before.population!.practices![1]!.listSize!)],
        after: ["12,345"],
      },
    ]);
  });

  it("writes money from pence in pounds, and a removed row by the name it had", () => {
    const after = edited((c) => {
      c.finance!.pooledBudgetMinimumPence = 123_456_700;
      c.population!.practices!.pop();
    });
    const changes = compareVersions(1, 2, before, after).sections.flatMap((s) => s.changes);
    const money = changes.find((c) => c.fieldPath === "finance.pooledBudgetMinimumPence");
    expect(money?.label).toBe("Minimum pooled budget required");
    expect(money?.after).toEqual(["£1,234,567"]);
    const last = before.population!.practices!.at(-1)!;
    const removed = changes.find((c) => c.kind === "removed");
    expect(removed?.label).toBe(`Practice ${before.population!.practices!.length} (${last.name})`);
    expect(removed?.after).toBeNull();
    expect(removed?.before).toContain(`Practice name: ${last.name}`);
  });

  it("names a service added, a High Impact Change dropped, and a field cleared in a row that moved", () => {
    const after = edited((c) => {
      const services = c.population!.servicesInScope!;
      c.population!.servicesInScope = services.includes("diagnostics")
        ? services.filter((x) => x !== "diagnostics")
        : [...services, "diagnostics"];
      c.enablers!.highImpactChanges!.patientFlowMonitoring = false;
      // A new practice first, and the list size of the one that was first cleared.
      const practices = c.population!.practices!;
      delete practices[0]!.listSize;
      practices.unshift({ id: "new-row", name: "New Road Surgery", odsCode: "P99999", listSize: 5000 });
    });
    const changes = compareVersions(1, 2, before, after).sections.flatMap((s) => s.changes);
    const service = changes.find((c) => c.fieldPath.startsWith("population.servicesInScope"));
    expect([...(service?.before ?? []), ...(service?.after ?? [])]).toEqual(["Diagnostics"]);
    const change = changes.find((c) => c.fieldPath === "enablers.highImpactChanges.patientFlowMonitoring");
    expect(change).toMatchObject({ label: "High Impact Change model: Systems to monitor patient flow", before: ["Yes"], after: ["No"] });
    const cleared = changes.find((c) => c.fieldPath.endsWith(".listSize") && c.kind === "removed");
    expect(cleared?.label).toBe(`Practice 2 (${before.population!.practices![0]!.name}): List size`);
  });

  it("finds nothing to say about identical versions", () => {
    expect(compareVersions(3, 4, before, structuredClone(before))).toEqual({ from: 3, to: 4, total: 0, sections: [] });
  });
});

describe("answers in the question's words", () => {
  const sections = ["about", "population", "contract", "finance", "outcomes", "enablers", "governance", "evidence"] as const;

  it("shows every section of a whole submission with no stored code in it", () => {
    const words = sections.map((s) => JSON.stringify(sectionAnswers(s, before).map(blockText)));
    for (const text of words) expect(codeShapedText(text)).toEqual([]);
    const contract = sectionAnswers("contract", before);
    const option = contract.flatMap((b) => (b.kind === "summary" ? b.rows : [])).find((r) => r.fieldPath === "contract.contractOption");
    expect(option?.label).toBe("Contract option");
    expect(option?.lines[0]).toMatch(/^[A-Z][a-z]+ [a-z]+/);
  });

  it("lays practices out as a table and metric years as a card each", () => {
    const population = sectionAnswers("population", before);
    const practices = population.find((b) => b.kind === "table");
    expect(practices).toMatchObject({ label: "Participating GP practices", columns: ["Practice name", "ODS code", "List size"] });
    if (practices?.kind !== "table") throw new Error("no table");
    expect(practices.rows[0]!.cells[2]).toBe(new Intl.NumberFormat("en-GB").format(before.population!.practices![0]!.listSize!));

    const years = sectionAnswers("outcomes", before).find((b) => b.kind === "cards");
    if (years?.kind !== "cards") throw new Error("no cards");
    const year = before.outcomes!.metricYears![0]!;
    expect(years.cards[0]!.title).toBe(`Financial year 1 (${year.financialYear})`);
    // A metric's baseline and plan share one row.
    expect(years.cards[0]!.rows.find((r) => r.label.startsWith("Non-elective"))?.lines).toEqual([
      expect.stringMatching(/^Baseline: /),
      expect.stringMatching(/^Planned: /),
    ]);
  });

  it("names every field path the criteria and reviewers use, including a whole list and one row", () => {
    expect(fieldLabel("contract.contractOption", before)).toBe("Contract option");
    expect(fieldPathLabel("population.hubs", before)).toBe("Population and scope: Hubs");
    expect(fieldLabel("population.practices[0].odsCode", before)).toBe(`Practice 1 (${before.population!.practices![0]!.name}): ODS code`);
    expect(fieldLabel("governance.keyDates.checkpoint1", before)).toMatch(/^Key dates: Date of /);
    const targets = sections.flatMap((s) => answerTargets(s, before));
    expect(targets.length).toBeGreaterThan(30);
    for (const t of targets) expect(codeShapedText(t.label), t.fieldPath).toEqual([]);
  });

  it("links a field to the nearest answer the page shows", () => {
    const shown = shownPaths(sectionAnswers("population", before));
    expect(shownFieldPath("population.practices[1].listSize", shown)).toBe("population.practices[1]");
    expect(shownFieldPath("population.registeredPopulation", shown)).toBe("population.registeredPopulation");
    expect(shownFieldPath("population.hubs", shown)).toBe("population.hubs");
  });
});

function blockText(block: AnswerBlock): unknown {
  switch (block.kind) {
    case "heading":
      return block.text;
    case "summary":
      return block.rows.map((r) => [r.label, r.lines]);
    case "table":
      return [block.label, block.columns, block.rows.map((r) => [r.name, r.cells])];
    case "cards":
      return [block.label, block.cards.map((c) => [c.title, c.rows.map((r) => [r.label, r.lines])])];
  }
}
