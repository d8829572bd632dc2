import { describe, expect, it } from "vitest";
import { loadShippedCriteriaSets } from "../support/criteria-sets.ts";
import { evaluate } from "../../workflows/evaluate.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { AFFECTED_LISTED, createImpactTally, criterionFlips } from "../../workflows/impact.ts";

const sets = await loadShippedCriteriaSets();

const reference = undefined;

describe("criterionFlips", () => {
  it("finds nothing when both evaluations are of the same set", () => {
    const content = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032" });
    const e = evaluate(content, sets.get("2017-19"), { checkpoint: 1, reference });
    expect(criterionFlips(e, e)).toEqual({ passToFail: [], failToPass: [] });
  });

  it("counts a criterion only one set has as passing under the other", () => {
    const content = exampleSubmission({ modelType: "PACS", footprintName: "Kent and Medway", footprintCode: "E54000032" });
    const now = evaluate(content, sets.get("2017-19"), { checkpoint: 1, reference });
    const failing = { ...now, results: now.results.map((r, i) => (i === 0 ? { ...r, outcome: "fail" as const } : r)) };
    const withoutIt = { ...now, results: now.results.slice(1) };
    expect(criterionFlips(failing, withoutIt).failToPass.map((r) => r.id)).toEqual([now.results[0]!.id]);
    expect(criterionFlips(withoutIt, failing).passToFail.map((r) => r.id)).toEqual([now.results[0]!.id]);
  });
});

describe("createImpactTally", () => {
  const submission = (id: string, regionCode = "R1", state = "draft") => ({
    id,
    title: `Submission ${id}`,
    footprintName: "F",
    regionCode,
    regionName: `Region ${regionCode}`,
    state,
    criteriaSet: "2017-19",
  });
  const base = evaluate(
    exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032" }),
    sets.get("2017-19"),
    { checkpoint: 1, reference },
  );
  const fail = (id: string, severity: "blocking" | "warning" = "blocking") => ({
    ...base.results[0]!,
    id,
    severity,
    outcome: "fail" as const,
  });
  const ok = { ...base, passed: true };
  const blocked = { ...base, passed: false };

  it("tallies flips by criterion, region and state, and counts the newly blocked", () => {
    const tally = createImpactTally("2016-17");
    tally.add(submission("a", "R1", "draft"), { passToFail: [fail("X")], failToPass: [] }, ok, blocked);
    tally.add(submission("b", "R2", "draft"), { passToFail: [fail("X"), fail("Y", "warning")], failToPass: [fail("Z")] }, blocked, blocked);
    tally.add(submission("c", "R2", "paused"), { passToFail: [], failToPass: [] }, ok, ok);
    tally.add(submission("d", "R1", "paused"), null, null, null);
    const r = tally.result();
    expect(r).toMatchObject({ targetSet: "2016-17", live: 4, alreadyOnTarget: 1, affected: 2, newlyBlocked: 1 });
    expect(r.byCriterion.map((c) => [c.criterionId, c.passToFail, c.failToPass])).toEqual([
      ["X", 2, 0],
      ["Y", 1, 0],
      ["Z", 0, 1],
    ]);
    expect(r.byRegion.map((g) => [g.regionCode, g.submissions, g.passToFail, g.failToPass])).toEqual([
      ["R1", 1, 1, 0],
      ["R2", 1, 2, 1],
    ]);
    expect(r.byState).toEqual([{ state: "draft", submissions: 2, passToFail: 3, failToPass: 1 }]);
    expect(r.listed.map((s) => s.id)).toEqual(["a", "b"]);
    expect(r.listed[0]).toMatchObject({ newlyBlocked: true, newFailures: ["X"], fixed: [] });
  });

  it("lists at most the most affected submissions, newly blocked first, however many there are", () => {
    const tally = createImpactTally("2016-17");
    for (let i = 0; i < 1000; i++) {
      const id = String(i).padStart(4, "0");
      tally.add(
        submission(id),
        { passToFail: i % 7 === 0 ? [fail("X"), fail("Y")] : [fail("X")], failToPass: [] },
        i === 500 ? ok : blocked,
        blocked,
      );
    }
    const r = tally.result();
    expect(r.affected).toBe(1000);
    expect(r.listed).toHaveLength(AFFECTED_LISTED);
    expect(r.listed[0]!.id).toBe("0500");
    expect(r.listed.slice(1, 144).every((s) => s.newFailures.length === 2)).toBe(true);
  });
});
