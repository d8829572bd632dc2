// The national criteria sets as production judges with them: the rows the migration stored, loaded
// and compiled by db/criteria-sets.ts. Every automatic criterion's passing, failing and
// not-applicable examples (criterion-examples.ts) run against its decision table.
import { describe, expect, it } from "vitest";
import { automaticCriteria, criterionById, judgementCriteria } from "../../workflows/criteria-data/sets.ts";
import type { AutomaticCriterion, CheckOutcome, Criterion } from "../../workflows/criteria-data/types.ts";
import { isKnownFieldPath, toFieldPathPattern, type Checkpoint } from "../../workflows/submission.ts";
import { loadShippedCriteriaSets } from "../support/criteria-sets.ts";
import { REFERENCE, baseContent, criterionExamples, type Example } from "./criterion-examples.ts";

const sets = await loadShippedCriteriaSets();
const allCriteria: Criterion[] = [...new Map(sets.list.flatMap((set) => set.criteria).map((c) => [c.id, c] as const)).values()];
const allAutomatic = allCriteria.filter((c): c is AutomaticCriterion => c.kind === "automatic");

function run(criterion: AutomaticCriterion, example: Example): CheckOutcome {
  const content = baseContent(example.modelType ?? "MCP", example.checkpoint ?? 1);
  example.edit?.(content);
  return criterion.check(content, {
    checkpoint: example.checkpoint ?? 1,
    modelType: content.about?.modelType,
    reference: example.withoutReference ? undefined : REFERENCE,
  });
}

function assertApplies(criterion: AutomaticCriterion, example: Example) {
  const checkpoint: Checkpoint = example.checkpoint ?? 1;
  expect(criterion.appliesTo.checkpoints, `${criterion.id} "${example.name}" is at a checkpoint it skips`).toContain(checkpoint);
  expect(criterion.appliesTo.modelTypes).toContain(example.modelType ?? "MCP");
}

describe("the criteria sets", () => {
  it("are 2016-17 and 2017-19, the latter the latest", () => {
    expect(sets.list.map((set) => set.id)).toEqual(["2016-17", "2017-19"]);
    expect(sets.latest.id).toBe("2017-19");
    for (const set of sets.list) expect(set.publishedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("cover every ISAP and NCM criterion of the research, and the judgement criteria, in both sets", () => {
    const shared = [
      ...["01", "02", "03", "04", "05", "06", "07", "08"].map((n) => `ISAP-${n}`),
      ...Array.from({ length: 14 }, (_, i) => `NCM-${String(i + 1).padStart(2, "0")}`),
      ...["01", "02", "03", "05", "06", "07", "08", "09", "10", "11", "13"].map((n) => `J-${n}`),
      "BCF-12",
      "BCF-14",
    ];
    for (const set of sets.list) {
      const ids = set.criteria.map((c) => c.id);
      expect(ids).toEqual(expect.arrayContaining(shared));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("differ where the Better Care Fund conditions did", () => {
    const bcf = (id: "2016-17" | "2017-19") =>
      sets
        .get(id)
        .criteria.filter((c) => c.domain === "better-care-fund")
        .map((c) => `${c.id} ${c.severity}`);
    expect(bcf("2016-17")).toEqual([
      "BCF-09 blocking",
      "BCF-10 blocking",
      "BCF-12 warning",
      "BCF-14 blocking",
      "BCF-16 blocking",
      "BCF-17 blocking",
      "BCF-18 blocking",
      "BCF-19 blocking",
    ]);
    expect(bcf("2017-19")).toEqual([
      "BCF-03 blocking",
      "BCF-05 blocking",
      "BCF-06 blocking",
      "BCF-07 blocking",
      "BCF-12 warning",
      "BCF-14 blocking",
      "BCF-15 warning",
    ]);
  });

  it("hold the product's example rules at the product's severities", () => {
    const set = sets.latest;
    const severity = (id: string) => criterionById(set, id)?.severity;
    expect(severity("ISAP-07")).toBe("blocking"); // at least one commissioner
    expect(severity("NCM-01")).toBe("blocking"); // contract option given
    expect(severity("NCM-03")).toBe("warning"); // MCP at least 30,000
    expect(severity("NCM-05")).toBe("warning"); // PACS at least 250,000
    expect(severity("NCM-06")).toBe("blocking"); // PACS includes core acute
    expect(severity("NCM-09")).toBe("blocking"); // fully integrated MCP acute risk share
    expect(severity("ISAP-04")).toBe("blocking"); // dates in order
    expect(severity("ISAP-05")).toBe("blocking"); // governing-body approval by the checkpoint
    expect(severity("NCM-14")).toBe("warning"); // list sizes within 5%
    expect(severity("BCF-12")).toBe("warning"); // 3.5% cut
    expect(criterionById(set, "BCF-14")?.rule).toMatch(/does not apply to the annual contract value/);
  });

  it("apply later-checkpoint rules only from that checkpoint", () => {
    const set = sets.latest;
    expect(criterionById(set, "ISAP-06")?.appliesTo.checkpoints).toEqual([2]);
    expect(criterionById(set, "ISAP-08")?.appliesTo.checkpoints).toEqual([2, 3]);
    expect(criterionById(set, "NCM-10")?.appliesTo.checkpoints).toEqual([2, 3]);
    expect(criterionById(set, "J-11")?.appliesTo.checkpoints).toEqual([3]);
  });

  it("give every criterion its descriptive fields", () => {
    for (const c of allCriteria) {
      expect(c.id).toMatch(/^(ISAP|NCM|BCF|J)-\d{2}$/);
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.rule.length).toBeGreaterThan(20);
      expect(c.source.length).toBeGreaterThan(1);
      expect(c.appliesTo.modelTypes.length).toBeGreaterThan(0);
      expect(c.appliesTo.checkpoints.length).toBeGreaterThan(0);
      expect(c.fieldPaths.length).toBeGreaterThan(0);
      expect(c.kind === "automatic" ? typeof c.check : c.domain).toBe(c.kind === "automatic" ? "function" : "judgement");
    }
  });

  it("are frozen, so a pinned set cannot change under a submission", () => {
    const set = sets.get("2016-17");
    expect(Object.isFrozen(set)).toBe(true);
    expect(Object.isFrozen(set.criteria)).toBe(true);
    expect(Object.isFrozen(set.criteria[0])).toBe(true);
  });
});

describe("judgement criteria", () => {
  it("are the key lines of enquiry for each checkpoint, from the research's Stage column", () => {
    const set = sets.latest;
    expect(judgementCriteria(set, 1).map((c) => c.id)).toEqual([
      "J-01",
      "J-02",
      "J-03",
      "J-05",
      "J-06",
      "J-07",
      "J-08",
      "J-09",
      "J-10",
      "J-13",
    ]);
    expect(judgementCriteria(set, 2).map((c) => c.id)).toEqual(["J-01", "J-02", "J-03", "J-05", "J-06", "J-08"]);
    expect(judgementCriteria(set, 3).map((c) => c.id)).toEqual(["J-01", "J-05", "J-11"]);
    expect(judgementCriteria(sets.get("2016-17"), 1)).toEqual(judgementCriteria(set, 1));
  });

  it("are never computed", () => {
    for (const c of judgementCriteria(sets.get("2016-17"), 1)) {
      expect(c.kind).toBe("judgement");
      expect("check" in c).toBe(false);
    }
  });
});

describe("field paths", () => {
  it.each(allCriteria.map((c) => [c.id, c] as const))("%s declares only fields the schemas have", (_, criterion) => {
    for (const path of criterion.fieldPaths) {
      expect(isKnownFieldPath(path, { allowAnyIndex: true }), path).toBe(true);
    }
  });
});

describe("every automatic criterion has a passing and a failing example", () => {
  it("and the examples table covers every automatic criterion of both sets, and nothing else", () => {
    const automaticIds = sets.list.flatMap((set) => automaticCriteria(set).map((c) => c.id));
    for (const id of automaticIds) {
      expect(criterionExamples[id]?.pass.length ?? 0, `${id} has no passing example`).toBeGreaterThan(0);
      expect(criterionExamples[id]?.fail.length ?? 0, `${id} has no failing example`).toBeGreaterThan(0);
    }
    expect(Object.keys(criterionExamples).sort()).toEqual([...new Set(automaticIds)].sort());
  });

  for (const criterion of allAutomatic) {
    const examples = criterionExamples[criterion.id];
    if (!examples) continue;
    describe(`${criterion.id} ${criterion.title}`, () => {
      it.each(examples.pass.map((e) => [e.name, e] as const))("passes: %s", (_, example) => {
        assertApplies(criterion, example);
        expect(run(criterion, example)).toMatchObject({ outcome: "pass" });
      });

      it.each(examples.fail.map((e) => [e.name, e] as const))("fails: %s", (_, example) => {
        assertApplies(criterion, example);
        const outcome = run(criterion, example);
        expect(outcome).toMatchObject({ outcome: "fail", fieldPath: example.fieldPath, missing: example.missing });
        if (outcome.outcome !== "fail") return;
        if (typeof example.message === "string") expect(outcome.message).toBe(example.message);
        else expect(outcome.message).toMatch(example.message);
        // The field at fault exists, and is one the criterion says it may point at.
        expect(isKnownFieldPath(outcome.fieldPath), outcome.fieldPath).toBe(true);
        expect(criterion.fieldPaths).toContain(toFieldPathPattern(outcome.fieldPath));
      });

      if (examples.notApplicable?.length) {
        it.each(examples.notApplicable.map((e) => [e.name, e] as const))("does not apply: %s", (_, example) => {
          expect(run(criterion, example)).toMatchObject({ outcome: "not_applicable" });
        });
      }
    });
  }
});

describe("decision tables", () => {
  it("never change the content they check", () => {
    const content = baseContent("PACS", 3);
    const before = structuredClone(content);
    for (const criterion of allAutomatic) {
      for (const checkpoint of [1, 2, 3] as const) {
        criterion.check(content, { checkpoint, modelType: "PACS", reference: REFERENCE });
      }
    }
    expect(content).toEqual(before);
  });
});
