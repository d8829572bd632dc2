import { describe, expect, it } from "vitest";
import { proposeSchema, RateSchema } from "../../app/.server/review-forms.ts";

describe("the proposal form", () => {
  it("reports every mistake at once: a missing condition with a missing rating and rationale", () => {
    const result = proposeSchema([]).safeParse({ intent: "propose", version: 3, decision: "proceed_with_conditions", conditions: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["confidence", "Choose a delivery confidence rating"],
      ["rationale", "Give the rationale for the decision"],
      ["conditions.0.text", "Write at least one condition for a decision to proceed with conditions"],
    ]);
  });

  it("reports a missing decision beside the other fields' mistakes", () => {
    const result = proposeSchema([]).safeParse({ intent: "propose", version: 3, confidence: "green" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["decision", "rationale"]);
  });

  it("passes a complete proposal through with its decision, confidence and rationale", () => {
    const result = proposeSchema([]).safeParse({
      intent: "propose",
      version: 3,
      decision: "proceed",
      confidence: "amber",
      rationale: " Sound. ",
    });
    expect(result.success && result.data).toMatchObject({ decision: "proceed", confidence: "amber", rationale: "Sound." });
  });

  it("still asks for a condition when the page's version is stale or the rationale too long", () => {
    const result = proposeSchema([]).safeParse({
      intent: "propose",
      decision: "proceed_with_conditions",
      confidence: "green",
      rationale: "r".repeat(10_001),
    });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["version", "rationale", "conditions.0.text"]);
  });

  it("survives a forged list that is not a list, reporting it with the rest", () => {
    const result = proposeSchema([]).safeParse({ intent: "propose", version: 3, decision: "changes_requested", changeRequests: "x" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual([
      "changeRequests",
      "confidence",
      "rationale",
      "changeRequests.0.text",
    ]);
  });
});

describe("the ratings form", () => {
  it("names a note without a rating alongside a rating that is not one of the choices", () => {
    const result = RateSchema.safeParse({
      intent: "rate",
      ratings: [
        { criterionId: "J-01", rating: "bogus" },
        { criterionId: "J-02", note: "Needs work" },
      ],
    });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["ratings.0.rating", "Choose met, partly met or not met"],
      ["ratings.1.rating", "Choose a rating for J-02, or remove its note"],
    ]);
  });
});
