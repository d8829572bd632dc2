import { createActor } from "xstate";
import { getShortestPaths } from "xstate/graph";
import { describe, expect, it } from "vitest";
import {
  type Actor,
  type AssuranceEvent,
  type AssuranceEventType,
  type AssuranceSnapshot,
  assuranceMachine,
  explainRefusal,
  RULES,
  stateKey,
  whoseTurn,
} from "../../workflows/assurance.machine.ts";

const FOOTPRINT = "E54000007";
const lead: Actor = { id: "lead-1", role: "lead", footprints: [FOOTPRINT], conflicts: [] };
const otherLead: Actor = { id: "lead-2", role: "lead", footprints: ["E54000032"], conflicts: [] };
const reviewerA: Actor = { id: "rev-a", role: "reviewer", footprints: [], conflicts: [] };
const reviewerB: Actor = { id: "rev-b", role: "reviewer", footprints: [], conflicts: [] };
const conflicted: Actor = { id: "rev-c", role: "reviewer", footprints: [], conflicts: [FOOTPRINT] };
const admin: Actor = { id: "admin-1", role: "admin", footprints: [], conflicts: [] };

const input = { submissionId: "sub-1", footprintCode: FOOTPRINT, modelType: "MCP" as const, createdBy: lead.id };

function start(snapshot?: AssuranceSnapshot) {
  const actor = createActor(assuranceMachine, snapshot ? { snapshot, input } : { input });
  actor.start();
  return actor;
}

function run(events: AssuranceEvent[], from?: AssuranceSnapshot): AssuranceSnapshot {
  const actor = start(from);
  for (const event of events) {
    const before = actor.getSnapshot();
    const refusal = explainRefusal(before, event);
    if (refusal) throw new Error(`${event.type} refused in ${stateKey(before.value)}: ${refusal}`);
    actor.send(event);
  }
  const snapshot = actor.getSnapshot();
  actor.stop();
  return snapshot;
}

const submit = (actor = lead, extra: Partial<{ blockingFailures: number; declaration: boolean }> = {}): AssuranceEvent => ({
  type: "SUBMIT",
  actor,
  blockingFailures: 0,
  declaration: true,
  ...extra,
});
const resubmit = (): AssuranceEvent => ({ type: "RESUBMIT", actor: lead, blockingFailures: 0, declaration: true });
const assign = (a = reviewerA, b = reviewerB, by = admin): AssuranceEvent => ({
  type: "ASSIGN",
  actor: by,
  leadReviewer: { id: a.id, role: a.role, conflicts: a.conflicts },
  secondReviewer: { id: b.id, role: b.role, conflicts: b.conflicts },
});
const propose = (
  decision: "proceed" | "proceed_with_conditions" | "changes_requested" | "do_not_proceed",
  by = reviewerA,
): AssuranceEvent => ({
  type: "PROPOSE_DECISION",
  actor: by,
  decision,
  confidence: "amber_green",
  rationale: "The case is credible and the governing body has scrutinised it.",
  conditions:
    decision === "proceed_with_conditions"
      ? [{ id: "c1", text: "Agree the acute risk share", fieldPath: "finance.riskGainShare.description" }]
      : [],
  changeRequests:
    decision === "changes_requested" ? [{ id: "r1", text: "Add the practices' list sizes", fieldPath: "population.practices" }] : [],
});
const countersign = (by = reviewerB, agree = true, reason?: string): AssuranceEvent => ({ type: "COUNTERSIGN", actor: by, agree, reason });
const evidence = (conditionId = "c1"): AssuranceEvent => ({
  type: "SUBMIT_CONDITION_EVIDENCE",
  actor: lead,
  conditionId,
  evidence: "Signed risk share, board minute 17/04",
});
const accept = (conditionId = "c1", by = reviewerA): AssuranceEvent => ({ type: "ACCEPT_CONDITION", actor: by, conditionId });

const throughCheckpoint = (decision: Parameters<typeof propose>[0]) => [assign(), propose(decision), countersign()];

describe("the assurance machine: the happy path and its branches", () => {
  it("goes from draft through three checkpoints to assured", () => {
    const s = run([
      submit(),
      ...throughCheckpoint("proceed"),
      submit(),
      ...throughCheckpoint("proceed"),
      submit(),
      ...throughCheckpoint("proceed"),
    ]);
    expect(stateKey(s.value)).toBe("assured");
    expect(s.status).toBe("done");
    expect(s.context.decisions.map((d) => [d.checkpoint, d.decision, d.proposedBy, d.countersignedBy, d.number])).toEqual([
      [1, "proceed", "rev-a", "rev-b", 1],
      [2, "proceed", "rev-a", "rev-b", 2],
      [3, "proceed", "rev-a", "rev-b", 3],
    ]);
    expect(s.context.versionsSubmitted).toBe(3);
  });

  it("walks the steps inside a checkpoint, and whose turn it is at each", () => {
    const steps: [AssuranceEvent, string, string][] = [
      [submit(), "checkpoint1.awaiting_assignment", "national"],
      [assign(), "checkpoint1.in_review", "national"],
      [propose("proceed"), "checkpoint1.awaiting_countersign", "national"],
      [countersign(), "procurement", "local"],
    ];
    let s = run([]);
    expect([stateKey(s.value), whoseTurn(stateKey(s.value))]).toEqual(["draft", "local"]);
    for (const [event, key, turn] of steps) {
      s = run([event], s);
      expect([stateKey(s.value), whoseTurn(stateKey(s.value))]).toEqual([key, turn]);
    }
  });

  it("returns for changes, then a resubmission goes back to the same reviewers", () => {
    const returned = run([submit(), ...throughCheckpoint("changes_requested")]);
    expect(stateKey(returned.value)).toBe("checkpoint1.returned");
    expect(returned.context.changeRequests).toEqual([
      { id: "r1", text: "Add the practices' list sizes", fieldPath: "population.practices" },
    ]);
    const back = run([resubmit()], returned);
    expect(stateKey(back.value)).toBe("checkpoint1.in_review");
    expect(back.context.reviewers).toEqual({ lead: "rev-a", second: "rev-b" });
    expect(back.context.versionsSubmitted).toBe(2);
    expect(back.context.changeRequests).toEqual([]);
  });

  it("ends as not assured when the decision is not to proceed", () => {
    const s = run([submit(), ...throughCheckpoint("do_not_proceed")]);
    expect(stateKey(s.value)).toBe("not_assured");
    expect(s.status).toBe("done");
  });

  it("a disagreeing countersigner sends the proposal back to the lead reviewer with the reason", () => {
    const s = run([submit(), assign(), propose("proceed"), countersign(reviewerB, false, "The finance case is not credible yet")]);
    expect(stateKey(s.value)).toBe("checkpoint1.in_review");
    expect(s.context.proposal).toBeNull();
    expect(s.context.disagreement).toEqual({ by: "rev-b", reason: "The finance case is not credible yet" });
  });

  it("keeps conditions open until discharged, and refuses the next checkpoint until then", () => {
    const s = run([submit(), ...throughCheckpoint("proceed_with_conditions")]);
    expect(stateKey(s.value)).toBe("procurement");
    expect(s.context.conditions).toMatchObject([{ id: "c1", status: "open", setAtCheckpoint: 1 }]);
    expect(explainRefusal(s, submit())).toBe(
      "1 condition from the last checkpoint has not been discharged yet. It must be before the next checkpoint.",
    );
    const withEvidence = run([evidence()], s);
    expect(explainRefusal(withEvidence, accept("c1", reviewerB))).toBeNull();
    const rejected = run(
      [{ type: "REJECT_CONDITION", actor: reviewerB, conditionId: "c1", reason: "Not signed by the acute trust" }],
      withEvidence,
    );
    expect(rejected.context.conditions[0]).toMatchObject({ status: "open", rejectionReason: "Not signed by the acute trust" });
    const discharged = run([evidence(), accept()], rejected);
    expect(discharged.context.conditions[0]).toMatchObject({ status: "discharged", dischargedBy: "rev-a" });
    expect(stateKey(run([submit()], discharged).value)).toBe("checkpoint2.awaiting_assignment");
  });

  it("after checkpoint 3 with conditions, becomes assured only when the last one is discharged", () => {
    const s = run([
      submit(),
      ...throughCheckpoint("proceed"),
      submit(),
      ...throughCheckpoint("proceed"),
      submit(),
      ...throughCheckpoint("proceed_with_conditions"),
    ]);
    expect(stateKey(s.value)).toBe("final_conditions");
    expect(stateKey(run([evidence(), accept()], s).value)).toBe("assured");
  });

  it("pauses from any step and resumes exactly where it was", () => {
    const inReview = run([submit(), assign()]);
    const paused = run([{ type: "PAUSE", actor: admin, reason: "National intervention: revisit the clinical model" }], inReview);
    expect(stateKey(paused.value)).toBe("paused");
    expect(whoseTurn("paused")).toBe("paused");
    expect(paused.context.pause).toEqual({ by: "admin-1", reason: "National intervention: revisit the clinical model" });
    const resumed = run([{ type: "RESUME", actor: admin, reason: "Model revised" }], paused);
    expect(stateKey(resumed.value)).toBe("checkpoint1.in_review");
    expect(resumed.context.pause).toBeNull();
    expect(resumed.context.reviewers).toEqual({ lead: "rev-a", second: "rev-b" });
  });

  it("survives a JSON round trip of its persisted snapshot, history included", () => {
    const actor = start();
    for (const e of [submit(), assign(), { type: "PAUSE", actor: admin, reason: "Intervention" } as AssuranceEvent]) actor.send(e);
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as AssuranceSnapshot;
    actor.stop();
    const restored = start(stored);
    restored.send({ type: "RESUME", actor: admin, reason: "Released" });
    expect(stateKey(restored.getSnapshot().value)).toBe("checkpoint1.in_review");
    restored.stop();
  });

  it("withdraws with a reason, from a step or while paused, and then nothing more happens", () => {
    const withdrawn = run([submit(), { type: "WITHDRAW", actor: lead, reason: "The CCGs chose another route" }]);
    expect(stateKey(withdrawn.value)).toBe("withdrawn");
    expect(withdrawn.context.closure).toEqual({ by: "lead-1", reason: "The CCGs chose another route" });
    expect(explainRefusal(withdrawn, assign())).toBe("The submission is closed, so nothing more can be done to it.");
    const paused = run([{ type: "PAUSE", actor: admin, reason: "Intervention" }]);
    expect(stateKey(run([{ type: "WITHDRAW", actor: admin, reason: "Stopped nationally" }], paused).value)).toBe("withdrawn");
  });
});

const reviewerD: Actor = { id: "rev-d", role: "reviewer", footprints: [], conflicts: [] };
const reassign = (a: Actor, b: Actor, extra: Partial<{ by: Actor; reason: string; deactivated: boolean }> = {}): AssuranceEvent => ({
  type: "REASSIGN",
  actor: extra.by ?? admin,
  leadReviewer: { id: a.id, role: a.role, conflicts: a.conflicts, deactivated: extra.deactivated ?? false },
  secondReviewer: { id: b.id, role: b.role, conflicts: b.conflicts },
  reason: extra.reason ?? "Reviewer A is on long-term leave",
});

describe("changing a checkpoint's reviewers part-way", () => {
  it("replaces a reviewer in review and keeps the step", () => {
    const s = run([submit(), assign(), reassign(reviewerD, reviewerB)]);
    expect(stateKey(s.value)).toBe("checkpoint1.in_review");
    expect(s.context.reviewers).toEqual({ lead: "rev-d", second: "rev-b" });
  });

  it("withdraws a decision proposed by the lead who leaves: back to review, for the new lead to propose", () => {
    const s = run([submit(), assign(), propose("proceed"), reassign(reviewerD, reviewerB)]);
    expect(stateKey(s.value)).toBe("checkpoint1.in_review");
    expect(s.context.proposal).toBeNull();
    expect(explainRefusal(s, countersign())).toMatch(/no proposed decision/i);
    expect(stateKey(run([propose("proceed", reviewerD), countersign()], s).value)).toBe("procurement");
  });

  it("keeps the proposal when only the second reviewer changes", () => {
    const s = run([submit(), assign(), propose("proceed"), reassign(reviewerA, reviewerD)]);
    expect(stateKey(s.value)).toBe("checkpoint1.awaiting_countersign");
    expect(s.context.proposal?.proposedBy).toBe("rev-a");
    expect(stateKey(run([countersign(reviewerD)], s).value)).toBe("procurement");
  });

  it("while paused, takes effect on resuming: a withdrawn proposal leaves the review step, not the countersignature", () => {
    const paused = run([submit(), assign(), propose("proceed"), { type: "PAUSE", actor: admin, reason: "Intervention" }]);
    const changed = run([reassign(reviewerD, reviewerB)], paused);
    expect(stateKey(changed.value)).toBe("paused");
    expect(changed.context.reviewers).toEqual({ lead: "rev-d", second: "rev-b" });
    const resumed = run([{ type: "RESUME", actor: admin, reason: "Released" }], changed);
    expect(stateKey(resumed.value)).toBe("checkpoint1.in_review");
  });

  it("keeps the same reviewers through a return for changes", () => {
    const returned = run([submit(), ...throughCheckpoint("changes_requested"), reassign(reviewerA, reviewerD)]);
    expect(stateKey(returned.value)).toBe("checkpoint1.returned");
    expect(run([resubmit()], returned).context.reviewers).toEqual({ lead: "rev-a", second: "rev-d" });
  });

  it.each<[string, AssuranceEvent[], AssuranceEvent, string]>([
    [
      "a reviewer asks",
      [submit(), assign()],
      reassign(reviewerD, reviewerB, { by: reviewerB }),
      "Only a programme administrator can change a checkpoint's reviewers.",
    ],
    [
      "before anyone is assigned",
      [submit()],
      reassign(reviewerD, reviewerB),
      "No reviewers have been assigned to this checkpoint yet: assign them instead.",
    ],
    [
      "after the checkpoint is decided",
      [submit(), ...throughCheckpoint("proceed")],
      reassign(reviewerD, reviewerB),
      "Reviewers can be changed only while a checkpoint is in review.",
    ],
    [
      "with no reason",
      [submit(), assign()],
      reassign(reviewerD, reviewerB, { reason: " " }),
      "Give the reason for changing the reviewers.",
    ],
    [
      "the same pair",
      [submit(), assign()],
      reassign(reviewerA, reviewerB),
      "These are the reviewers already assigned. Choose at least one different reviewer.",
    ],
    [
      "to a conflicted reviewer",
      [submit(), assign()],
      reassign(conflicted, reviewerB),
      "The lead reviewer has declared a conflict with this footprint, so cannot be the lead reviewer.",
    ],
    [
      "to a deactivated account",
      [submit(), assign()],
      reassign(reviewerD, reviewerB, { deactivated: true }),
      "The lead reviewer's account is deactivated, so cannot be the lead reviewer.",
    ],
    [
      "to one person as both",
      [submit(), assign()],
      reassign(reviewerD, reviewerD),
      "Choose two different reviewers: the same person cannot be both lead and second reviewer.",
    ],
  ])("refuses %s", (_name, events, event, reason) => {
    expect(explainRefusal(run(events), event)).toBe(reason);
  });

  it("after a decided checkpoint, while paused, is refused", () => {
    const paused = run([submit(), ...throughCheckpoint("proceed"), { type: "PAUSE", actor: admin, reason: "Intervention" }]);
    expect(explainRefusal(paused, reassign(reviewerD, reviewerB))).toBe("Reviewers can be changed only while a checkpoint is in review.");
  });
});

describe("the process rules refuse with a reason a person can read", () => {
  const cases: [string, AssuranceEvent[], AssuranceEvent, string][] = [
    ["a lead of another footprint submits", [], submit(otherLead), "Submission not found."],
    ["a reviewer submits", [], submit(reviewerA), "Only a system lead of this submission's footprint can submit it."],
    ["blocking checks fail", [], submit(lead, { blockingFailures: 2 }), "2 blocking checks are still failing. Fix them before you submit."],
    ["one blocking check fails", [], submit(lead, { blockingFailures: 1 }), "1 blocking check is still failing. Fix it before you submit."],
    ["no declaration", [], submit(lead, { declaration: false }), "Confirm the declaration before you submit."],
    ["a reviewer assigns", [submit()], assign(reviewerA, reviewerB, reviewerA), "Only a programme administrator can assign reviewers."],
    [
      "the same reviewer twice",
      [submit()],
      assign(reviewerA, reviewerA),
      "Choose two different reviewers: the same person cannot be both lead and second reviewer.",
    ],
    [
      "a conflicted lead reviewer",
      [submit()],
      assign(conflicted, reviewerB),
      "The lead reviewer has declared a conflict with this footprint, so cannot be the lead reviewer.",
    ],
    [
      "a conflicted second reviewer",
      [submit()],
      assign(reviewerA, conflicted),
      "The second reviewer has declared a conflict with this footprint, so cannot be the second reviewer.",
    ],
    [
      "an author as reviewer",
      [submit()],
      assign({ ...lead, role: "reviewer" }, reviewerB),
      "The lead reviewer wrote or submitted this submission, so cannot be the lead reviewer.",
    ],
    [
      "a lead as reviewer",
      [submit()],
      assign(otherLead, reviewerB),
      "The lead reviewer is not a reviewer, so cannot be the lead reviewer.",
    ],
    [
      "the second reviewer proposes",
      [submit(), assign()],
      propose("proceed", reviewerB),
      "Only the lead reviewer assigned to this checkpoint can propose its decision.",
    ],
    [
      "the proposer countersigns",
      [submit(), assign(), propose("proceed")],
      countersign(reviewerA),
      "You proposed this decision, so another reviewer must countersign it.",
    ],
    [
      "an unassigned reviewer countersigns",
      [submit(), assign(), propose("proceed")],
      countersign({ ...reviewerA, id: "rev-d" }),
      "Only the second reviewer assigned to this checkpoint can countersign its decision.",
    ],
    [
      "a reviewer conflicted with the footprint countersigns",
      [submit(), assign(), propose("proceed")],
      countersign(conflicted),
      "You have declared a conflict of interest with E54000007, so you cannot see its submissions. Ask a programme administrator if this is wrong.",
    ],
    [
      "a disagreement without reason",
      [submit(), assign(), propose("proceed")],
      countersign(reviewerB, false, "  "),
      "Give your reason for disagreeing, so the lead reviewer can reconsider.",
    ],
    [
      "countersigning before a proposal",
      [submit(), assign()],
      countersign(),
      "There is no proposed decision waiting for a countersignature.",
    ],
    ["a lead pauses", [], { type: "PAUSE", actor: lead, reason: "x" }, "Only a programme administrator can pause a submission."],
    ["a pause without reason", [], { type: "PAUSE", actor: admin, reason: "" }, "Give the reason for pausing (the national intervention)."],
    [
      "another footprint's lead withdraws",
      [],
      { type: "WITHDRAW", actor: otherLead, reason: "x" },
      // The runtime answers them "not found" before the machine is asked; the machine says the same.
      "Submission not found.",
    ],
    [
      "submitting twice",
      [submit()],
      submit(),
      "The submission is with the national team, so there is nothing to submit until they return it or it passes the checkpoint.",
    ],
  ];

  it.each(cases)("when %s", (_label, before, event, reason) => {
    const s = run(before);
    expect(s.can(event)).toBe(false);
    expect(explainRefusal(s, event)).toBe(reason);
  });

  it("a proposal needs a rationale, conditions when conditional, and change requests tied to a field or criterion", () => {
    const s = run([submit(), assign()]);
    expect(explainRefusal(s, { ...propose("proceed"), rationale: " " } as AssuranceEvent)).toBe("Give the rationale for the decision.");
    expect(explainRefusal(s, { ...propose("proceed_with_conditions"), conditions: [] } as AssuranceEvent)).toBe(
      "Write at least one condition for a decision to proceed with conditions.",
    );
    expect(explainRefusal(s, { ...propose("changes_requested"), changeRequests: [{ id: "x", text: "Fix it" }] } as AssuranceEvent)).toBe(
      "Tie each change request to a field or a criterion, so the lead knows what to change.",
    );
    expect(
      explainRefusal(s, {
        ...propose("changes_requested"),
        changeRequests: [{ id: "x", text: "Fix it", fieldPath: "population.nonsense" }],
      } as AssuranceEvent),
    ).toBe('"population.nonsense" is not a field of the submission. Choose the field the request is about.');
  });
});

// ---------------------------------------------------------------------------------------------
// Generated paths: every state reached, and every event type tried in every state.

const EVENT_TYPES = Object.keys(RULES) as AssuranceEventType[];

/** For each event type, the events worth trying: one that the rules allow and some they refuse. */
function candidateEvents(snapshot: AssuranceSnapshot): AssuranceEvent[] {
  const conditionIds = snapshot.context.conditions.map((c) => c.id);
  const id = conditionIds[0] ?? "c1";
  return [
    submit(),
    submit(otherLead),
    submit(lead, { blockingFailures: 1 }),
    resubmit(),
    assign(),
    assign(reviewerA, conflicted),
    reassign(reviewerD, reviewerB),
    reassign(reviewerA, reviewerD),
    reassign(reviewerD, reviewerB, { by: reviewerA }),
    propose("proceed"),
    propose("proceed_with_conditions"),
    propose("changes_requested"),
    propose("do_not_proceed"),
    propose("proceed", reviewerB),
    countersign(),
    countersign(reviewerA),
    countersign(reviewerB, false, "Not yet"),
    evidence(id),
    accept(id),
    { type: "REJECT_CONDITION", actor: reviewerA, conditionId: id, reason: "Not enough" },
    { type: "PAUSE", actor: admin, reason: "Intervention" },
    { type: "PAUSE", actor: lead, reason: "x" },
    { type: "RESUME", actor: admin, reason: "Released" },
    { type: "WITHDRAW", actor: lead, reason: "Stopping" },
  ];
}

/** Every state a submission can rest in, read from the machine definition itself. */
function restingStates(): string[] {
  const keys: string[] = [];
  const walk = (node: (typeof assuranceMachine)["root"], path: string[]) => {
    const children = Object.values(node.states);
    if (node.type === "history") return;
    if (children.length === 0) {
      // `decided` passes straight on (an eventless transition), so nothing ever rests there.
      if (node.key !== "decided") keys.push(path.filter((p) => p !== "active").join("."));
      return;
    }
    for (const child of children) walk(child, [...path, child.key]);
  };
  walk(assuranceMachine.root, []);
  return keys.sort();
}

describe("generated paths through the machine", () => {
  const serializeState = (s: AssuranceSnapshot) =>
    JSON.stringify([stateKey(s.value), s.context.checkpoint, s.context.proposal?.decision, s.context.conditions.map((c) => c.status)]);
  const paths = getShortestPaths(assuranceMachine, { input, events: candidateEvents, serializeState });
  const reached = new Map(paths.map((p) => [stateKey(p.state.value), p.state as AssuranceSnapshot]));

  it("reaches every state the machine defines", () => {
    expect([...reached.keys()].sort()).toEqual(restingStates());
    expect(reached.size).toBe(20);
  });

  it("tries every event type in every state: each either moves the machine or is refused with a reason", () => {
    let tried = 0;
    let moved = 0;
    for (const [key, snapshot] of reached) {
      for (const type of EVENT_TYPES) {
        const events = candidateEvents(snapshot).filter((e) => e.type === type);
        expect(events.length, `${type} has candidates`).toBeGreaterThan(0);
        for (const event of events) {
          tried += 1;
          const reason = explainRefusal(snapshot, event);
          if (reason === null) {
            moved += 1;
            expect(snapshot.can(event), `${type} in ${key}`).toBe(true);
          } else {
            expect(reason.length, `${type} in ${key}`).toBeGreaterThan(10);
            expect(reason).not.toMatch(/undefined|null|\[object/);
          }
        }
      }
    }
    expect(tried).toBe(reached.size * candidateEvents(run([])).length);
    expect(moved).toBeGreaterThan(0);
  });
});
