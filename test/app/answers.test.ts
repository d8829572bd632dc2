import { describe, expect, it } from "vitest";
import { compareVersions } from "../../app/forms/answers.ts";
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

  it("finds nothing to say about identical versions", () => {
    expect(compareVersions(3, 4, before, structuredClone(before))).toEqual({ from: 3, to: 4, total: 0, sections: [] });
  });
});
