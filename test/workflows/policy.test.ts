import fs from "node:fs";
import { createActor } from "xstate";
import { describe, expect, it } from "vitest";
import {
  type Actor,
  type AssuranceEvent,
  type AssuranceSnapshot,
  assuranceMachine,
  explainRefusal,
  factsFrom,
  stateKey,
} from "../../workflows/assurance.machine.ts";
import { decide, mayWithdrawConflict, type PolicyActor, QUESTIONS, type Question, type SubmissionFacts } from "../../workflows/policy.ts";
import { STATE_KEYS, type StateKey } from "../../workflows/states.ts";

/**
 * The policy as a generated truth table: every kind of person × every state a submission can rest
 * in × every question, written out as the grid in policy-expectations.txt (a reviewer reads that
 * file, not this code; `UPDATE_POLICY_EXPECTATIONS=1` rewrites it after a deliberate change). Then
 * the same people and states against the machine itself: wherever the policy says yes to an event,
 * the machine accepts it, and wherever it says no, the machine refuses with the same sentence.
 */

const FOOTPRINT = "E54000007";
const person = (id: string, role: Actor["role"], extra: Partial<Actor> = {}): Actor => ({
  id,
  role,
  footprints: [],
  conflicts: [],
  ...extra,
});

const AUTHOR = person("lead-1", "lead", { footprints: [FOOTPRINT] });
const REVIEWER_A = person("rev-a", "reviewer");
const REVIEWER_B = person("rev-b", "reviewer");
const ADMIN = person("admin-1", "admin");

/** The kinds of person, each as the actor they are in every scenario. */
const KINDS: Record<string, Actor> = {
  "lead of the footprint, its author": AUTHOR,
  "another lead of the footprint": person("lead-3", "lead", { footprints: [FOOTPRINT] }),
  "lead of another footprint": person("lead-2", "lead", { footprints: ["E54000032"] }),
  "reviewer, not assigned": person("rev-u", "reviewer"),
  "reviewer, conflicted": person("rev-c", "reviewer", { conflicts: [FOOTPRINT] }),
  "lead reviewer": REVIEWER_A,
  "second reviewer": REVIEWER_B,
  "lead reviewer, conflicted since": { ...REVIEWER_A, conflicts: [FOOTPRINT] },
  administrator: ADMIN,
  "administrator, conflicted": { ...ADMIN, id: "admin-2", conflicts: [FOOTPRINT] },
};

const input = { submissionId: "sub-1", footprintCode: FOOTPRINT, modelType: "MCP" as const, createdBy: AUTHOR.id };

const submit = (type: "SUBMIT" | "RESUBMIT" = "SUBMIT"): AssuranceEvent => ({
  type,
  actor: AUTHOR,
  blockingFailures: 0,
  declaration: true,
});
const assign = (): AssuranceEvent => ({
  type: "ASSIGN",
  actor: ADMIN,
  leadReviewer: { id: REVIEWER_A.id, role: "reviewer", conflicts: [] },
  secondReviewer: { id: REVIEWER_B.id, role: "reviewer", conflicts: [] },
});
const propose = (decision: "proceed" | "proceed_with_conditions" | "changes_requested" | "do_not_proceed"): AssuranceEvent => ({
  type: "PROPOSE_DECISION",
  actor: REVIEWER_A,
  decision,
  confidence: "amber",
  rationale: "Credible, with the risk share still to agree.",
  conditions: decision === "proceed_with_conditions" ? [{ id: "c1", text: "Agree the acute risk share" }] : [],
  changeRequests: decision === "changes_requested" ? [{ id: "r1", text: "Add list sizes", fieldPath: "population.practices" }] : [],
});
const countersign = (): AssuranceEvent => ({ type: "COUNTERSIGN", actor: REVIEWER_B, agree: true });
const evidence = (): AssuranceEvent => ({
  type: "SUBMIT_CONDITION_EVIDENCE",
  actor: AUTHOR,
  conditionId: "c1",
  evidence: "Signed risk share",
});
const pause = (): AssuranceEvent => ({ type: "PAUSE", actor: ADMIN, reason: "National intervention" });
const withdraw = (): AssuranceEvent => ({ type: "WITHDRAW", actor: AUTHOR, reason: "Merged with a neighbour" });

const checkpoint = (decision: Parameters<typeof propose>[0] = "proceed"): AssuranceEvent[] => [
  submit(),
  assign(),
  propose(decision),
  countersign(),
];

/** How each state is reached: conditions are left open where a state can hold them. */
const SCENARIOS: Record<StateKey, AssuranceEvent[]> = {
  draft: [],
  "checkpoint1.awaiting_assignment": [submit()],
  "checkpoint1.in_review": [submit(), assign()],
  "checkpoint1.awaiting_countersign": [submit(), assign(), propose("proceed")],
  "checkpoint1.returned": checkpoint("changes_requested"),
  procurement: checkpoint("proceed_with_conditions"),
  "checkpoint2.awaiting_assignment": [...checkpoint(), submit()],
  "checkpoint2.in_review": [...checkpoint(), submit(), assign()],
  "checkpoint2.awaiting_countersign": [...checkpoint(), submit(), assign(), propose("proceed")],
  "checkpoint2.returned": [...checkpoint(), ...checkpoint("changes_requested")],
  mobilisation: [...checkpoint(), ...checkpoint("proceed_with_conditions"), evidence()],
  "checkpoint3.awaiting_assignment": [...checkpoint(), ...checkpoint(), submit()],
  "checkpoint3.in_review": [...checkpoint(), ...checkpoint(), submit(), assign()],
  "checkpoint3.awaiting_countersign": [...checkpoint(), ...checkpoint(), submit(), assign(), propose("proceed")],
  "checkpoint3.returned": [...checkpoint(), ...checkpoint(), ...checkpoint("changes_requested")],
  final_conditions: [...checkpoint(), ...checkpoint(), ...checkpoint("proceed_with_conditions"), evidence()],
  paused: [submit(), assign(), pause()],
  assured: [...checkpoint(), ...checkpoint(), ...checkpoint()],
  not_assured: checkpoint("do_not_proceed"),
  withdrawn: [withdraw()],
};

function reach(events: AssuranceEvent[]): AssuranceSnapshot {
  const actor = createActor(assuranceMachine, { input });
  actor.start();
  for (const event of events) {
    const refusal = explainRefusal(actor.getSnapshot(), event);
    if (refusal) throw new Error(`${event.type} refused in ${stateKey(actor.getSnapshot().value)}: ${refusal}`);
    actor.send(event);
  }
  const snapshot = actor.getSnapshot();
  actor.stop();
  return snapshot;
}

const snapshots = Object.fromEntries(STATE_KEYS.map((key) => [key, reach(SCENARIOS[key])])) as Record<StateKey, AssuranceSnapshot>;
// As the machine knows them: the footprint by its code.
const facts = (key: StateKey): SubmissionFacts => factsFrom(snapshots[key].context, key);

const SHORT: Record<string, string> = {
  draft: "draft",
  procurement: "proc",
  mobilisation: "mobil",
  final_conditions: "final",
  paused: "paused",
  assured: "assur",
  not_assured: "notas",
  withdrawn: "withd",
};
const STEP_SHORT: Record<string, string> = { awaiting_assignment: "aa", in_review: "ir", awaiting_countersign: "ac", returned: "rt" };
const shortName = (key: StateKey) => {
  const [top, step] = key.split(".");
  return step ? `${top!.replace("checkpoint", "c")}.${STEP_SHORT[step]}` : SHORT[key]!;
};
const mark = (actor: PolicyActor, q: Question, key: StateKey) => {
  const verdict = decide(actor, q, facts(key));
  return verdict.allowed ? "yes" : verdict.hidden ? "404" : "-";
};

function grid(): string {
  const width = Math.max(...Object.keys(KINDS).map((k) => k.length)) + 2;
  const header = `${"".padEnd(width)}${STATE_KEYS.map((k) => shortName(k).padStart(7)).join("")}`;
  const blocks = QUESTIONS.map((q) =>
    [
      `## ${q}`,
      header,
      ...Object.entries(KINDS).map(
        ([name, actor]) => `${name.padEnd(width)}${STATE_KEYS.map((k) => mark(actor, q, k).padStart(7)).join("")}`,
      ),
    ].join("\n"),
  );
  const legend = [
    "# Who may do what, in every state: the assurance policy (workflows/policy.ts) as a truth table.",
    '# "yes" allowed; "-" refused with the reason; "404" answered as if the submission did not exist.',
    "# States: c1.aa = checkpoint 1 awaiting assignment, .ir in review, .ac awaiting countersign, .rt returned; proc = procurement,",
    "# mobil = mobilisation, final = final conditions, assur = assured, notas = not assured, withd = withdrawn.",
    "# Generated by test/workflows/policy.test.ts; rewrite with UPDATE_POLICY_EXPECTATIONS=1 after a deliberate change.",
  ];
  return `${[...legend, "", blocks.join("\n\n")].join("\n")}\n`;
}

const EXPECTATIONS = new URL("./policy-expectations.txt", import.meta.url);

describe("the assurance policy's truth table", () => {
  it("reaches every state a submission can rest in through the real machine", () => {
    for (const key of STATE_KEYS) expect(stateKey(snapshots[key].value), key).toBe(key);
  });

  it(`matches policy-expectations.txt: ${Object.keys(KINDS).length} kinds of person × ${STATE_KEYS.length} states × ${QUESTIONS.length} questions`, () => {
    const actual = grid();
    if (process.env.UPDATE_POLICY_EXPECTATIONS === "1") fs.writeFileSync(EXPECTATIONS, actual);
    expect(actual).toBe(fs.readFileSync(EXPECTATIONS, "utf8"));
  });

  it("gives every refusal a sentence, and hides a submission only from another footprint's lead", () => {
    for (const [name, actor] of Object.entries(KINDS)) {
      for (const key of STATE_KEYS) {
        for (const q of QUESTIONS) {
          const verdict = decide(actor, q, facts(key));
          if (verdict.allowed) continue;
          expect(verdict.reason.length, `${name} ${q} ${key}`).toBeGreaterThan(20);
          expect(verdict.hidden, `${name} ${q} ${key}`).toBe(name === "lead of another footprint");
        }
      }
    }
  });
});

/** A well-formed event for a question, as this person would send it. */
function eventFor(q: Question, actor: Actor, key: StateKey): AssuranceEvent | null {
  switch (q) {
    case "submit":
      return { type: key.endsWith(".returned") ? "RESUBMIT" : "SUBMIT", actor, blockingFailures: 0, declaration: true };
    case "assign":
      return { ...(assign() as Extract<AssuranceEvent, { type: "ASSIGN" }>), actor };
    case "propose":
      return { ...(propose("proceed") as Extract<AssuranceEvent, { type: "PROPOSE_DECISION" }>), actor };
    case "countersign":
      return { type: "COUNTERSIGN", actor, agree: true };
    case "give-condition-evidence":
      return { type: "SUBMIT_CONDITION_EVIDENCE", actor, conditionId: "c1", evidence: "Signed" };
    case "judge-condition":
      return { type: "ACCEPT_CONDITION", actor, conditionId: "c1" };
    case "pause":
      return { type: "PAUSE", actor, reason: "Intervention" };
    case "resume":
      return { type: "RESUME", actor, reason: "Resolved" };
    case "withdraw":
      return { type: "WITHDRAW", actor, reason: "No longer needed" };
    default:
      return null;
  }
}

describe("the machine agrees with the policy", () => {
  const cases = STATE_KEYS.flatMap((key) =>
    Object.entries(KINDS).flatMap(([name, actor]) =>
      QUESTIONS.flatMap((q) => {
        const event = eventFor(q, actor, key);
        return event ? [{ key, name, q, actor, event }] : [];
      }),
    ),
  );

  it(`accepts exactly what the policy allows, and refuses with its sentence (${cases.length} cases)`, () => {
    let compared = 0;
    for (const { key, name, q, actor, event } of cases) {
      const snapshot = snapshots[key];
      // A judgement needs evidence to judge: in the condition states it was given in the scenario.
      if (q === "judge-condition" && !snapshot.context.conditions.some((c) => c.status === "evidence_submitted")) continue;
      const verdict = decide(actor, q, facts(key));
      const refusal = explainRefusal(snapshot, event);
      expect(
        refusal === null,
        `${name} ${q} in ${key}: policy ${verdict.allowed ? "allows" : `refuses (${!verdict.allowed && verdict.reason})`}, machine ${refusal ?? "accepts"}`,
      ).toBe(verdict.allowed);
      if (!verdict.allowed) expect(refusal, `${name} ${q} in ${key}`).toBe(verdict.reason);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe("who may withdraw a conflict of interest", () => {
  const reviewer = person("r1", "reviewer");
  it.each([
    ["the reviewer, who declared it", reviewer, { userId: "r1", declaredBy: "r1" }, true],
    ["the reviewer, when an administrator recorded it", reviewer, { userId: "r1", declaredBy: "a1" }, false],
    ["the reviewer, when the recorder's account is gone", reviewer, { userId: "r1", declaredBy: null }, false],
    ["another reviewer", person("r2", "reviewer"), { userId: "r1", declaredBy: "r1" }, false],
    ["an administrator, whoever recorded it", person("a2", "admin"), { userId: "r1", declaredBy: "r1" }, true],
  ] as const)("%s: %s", (_who, actor, conflict, allowed) => {
    expect(mayWithdrawConflict(actor, conflict).allowed).toBe(allowed);
  });
});
