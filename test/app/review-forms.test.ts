import { describe, expect, it } from "vitest";
import { proposeSchema } from "../../app/.server/review-forms.ts";

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
});
