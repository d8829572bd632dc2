import { describe, expect, it } from "vitest";
import { hasTag, STATE_KEYS, whatHappensNext } from "../../workflows/states.ts";

describe("what happens next, by state", () => {
  it("is said for every state but the submittable ones, whose words depend on the draft's checks", () => {
    for (const state of STATE_KEYS) {
      const next = whatHappensNext(state, "lead");
      if (hasTag(state, "submittable")) expect(next, state).toBeNull();
      else expect(next, state).toMatch(/\.$/);
    }
  });

  it("asks the lead to answer a return, and tells anyone else whose turn it is", () => {
    expect(whatHappensNext("checkpoint2.returned", "lead")).toBe(
      "The reviewers asked for changes at checkpoint 2. Answer each request below, then resubmit.",
    );
    expect(whatHappensNext("checkpoint2.returned", "others")).toBe("Returned to the local system for changes at checkpoint 2.");
    expect(whatHappensNext("checkpoint3.awaiting_assignment", "others")).toBe(
      "Submitted for checkpoint 3. The programme team will assign two national reviewers.",
    );
  });

  it("says nothing of a state it does not know", () => {
    expect(whatHappensNext("checkpoint9.in_review", "lead")).toBeNull();
  });
});
