import { describe, expect, it } from "vitest";
import { mayWithdrawConflict, maySeeSubmission, type PolicyActor } from "../../workflows/policy.ts";

const GM = { footprintCode: "E54000007", footprintName: "Greater Manchester" };
const person = (role: PolicyActor["role"], extra: Partial<PolicyActor> = {}): PolicyActor => ({
  id: `${role}-1`,
  role,
  footprints: [],
  conflicts: [],
  ...extra,
});

describe("who may see a submission beyond its pipeline row", () => {
  const table: [string, PolicyActor, "allowed" | "not found" | "refused"][] = [
    ["its footprint's lead", person("lead", { footprints: [GM.footprintCode] }), "allowed"],
    ["a lead of another footprint", person("lead", { footprints: ["E54000032"] }), "not found"],
    ["a lead of no footprint", person("lead"), "not found"],
    ["a reviewer", person("reviewer"), "allowed"],
    ["a reviewer conflicted with another footprint", person("reviewer", { conflicts: ["E54000032"] }), "allowed"],
    ["a reviewer conflicted with its footprint", person("reviewer", { conflicts: [GM.footprintCode] }), "refused"],
    ["an administrator", person("admin"), "allowed"],
    // Administrators manage conflicts and assignments: a recorded conflict stops them being assigned, not seeing.
    ["an administrator with a conflict", person("admin", { conflicts: [GM.footprintCode] }), "allowed"],
  ];

  it.each(table)("%s: %s", (_who, actor, expected) => {
    const verdict = maySeeSubmission(actor, GM);
    const outcome = verdict.allowed ? "allowed" : verdict.hidden ? "not found" : "refused";
    expect(outcome).toBe(expected);
  });

  it("tells a conflicted reviewer why, naming the footprint", () => {
    expect(maySeeSubmission(person("reviewer", { conflicts: [GM.footprintCode] }), GM)).toEqual({
      allowed: false,
      hidden: false,
      reason:
        "You have declared a conflict of interest with Greater Manchester, so you cannot see its submissions. Ask a programme administrator if this is wrong.",
    });
  });

  it("answers another footprint's lead exactly as a missing submission", () => {
    expect(maySeeSubmission(person("lead", { footprints: ["E54000032"] }), GM)).toEqual({
      allowed: false,
      hidden: true,
      reason: "Submission not found.",
    });
  });
});

describe("who may withdraw a conflict of interest", () => {
  const reviewer = person("reviewer", { id: "r1" });
  it.each([
    ["the reviewer, who declared it", reviewer, { userId: "r1", declaredBy: "r1" }, true],
    ["the reviewer, when an administrator recorded it", reviewer, { userId: "r1", declaredBy: "a1" }, false],
    ["the reviewer, when the recorder's account is gone", reviewer, { userId: "r1", declaredBy: null }, false],
    ["another reviewer", person("reviewer", { id: "r2" }), { userId: "r1", declaredBy: "r1" }, false],
    ["an administrator, whoever recorded it", person("admin", { id: "a2" }), { userId: "r1", declaredBy: "r1" }, true],
  ] as const)("%s: %s", (_who, actor, conflict, allowed) => {
    expect(mayWithdrawConflict(actor, conflict).allowed).toBe(allowed);
  });
});
