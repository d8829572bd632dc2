import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, type NamedActor, startSubmission, type WorkflowCommand } from "../../app/.server/assurance.ts";
import type { Db } from "../../db/client.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { saveSection, stateEntries } from "../../db/submissions.ts";
import { findUserProfile, insertCredentialUser, markUserDeactivated, updateUserRole } from "../../db/users.ts";
import { type ReviewerWorkload, reviewerLoads, reviewerWorkloads } from "../../db/workload.ts";
import { clockFor } from "../../workflows/clock.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

// Monday noon, after Christmas 2026: the clocks below run over Christmas Day, the Boxing Day
// substitute (Monday 28 December) and New Year's Day.
const NOW = new Date("2027-01-18T12:00:00.000Z");
const at = (iso: string) => ({ at: new Date(iso) });

const FOOTPRINTS = {
  manchester: { code: "E54000007", name: "Greater Manchester", lead: "lead.manchester@example.nhs.uk" },
  kent: { code: "E54000032", name: "Kent and Medway", lead: "lead.kent@example.nhs.uk" },
  blackCountry: { code: "E54000016", name: "The Black Country and West Birmingham", lead: "lead.blackcountry@example.nhs.uk" },
} as const;
type Place = keyof typeof FOOTPRINTS;

describe.each(databaseKinds)("reviewers' workload on $engine", (kind) => {
  let t: TestDatabase;
  const people: Record<string, NamedActor> = {};
  const ids: Record<string, string> = {};
  let everyone: ReviewerWorkload[];

  async function actor(db: Db, email: string): Promise<NamedActor> {
    const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    return actorFrom((await findUserProfile(db, row.id))!);
  }

  async function act(id: string, who: NamedActor, command: WorkflowCommand, when: string) {
    const result = await applyEvent(t.db, id, who, command, at(when));
    if (!result.ok) throw new Error(`${command.type} by ${who.name} at ${when}: ${result.reason}`);
  }

  /** A submission of `place` through the real runtime: drafted, submitted and assigned at `when`. */
  async function assigned(title: string, place: Place, lead: NamedActor, second: NamedActor, when: string) {
    const footprint = FOOTPRINTS[place];
    const author = people[footprint.lead]!;
    const started = await startSubmission(t.db, author, { footprintCode: footprint.code, title, modelType: "MCP", ...at(when) });
    if (!started.ok) throw new Error(started.reason);
    const content = exampleSubmission({ modelType: "MCP", footprintName: footprint.name, footprintCode: footprint.code, checkpoint: 1 });
    for (const section of SECTION_SLUGS) {
      const data = (content as Record<string, unknown>)[section];
      if (data !== undefined) await saveSection(t.db, { submissionId: started.id, section, data, updatedBy: author.id, at: when });
    }
    await act(started.id, author, { type: "SUBMIT", declaration: true }, when);
    await act(started.id, people.admin!, { type: "ASSIGN", leadReviewerId: lead.id, secondReviewerId: second.id }, when);
    ids[title] = started.id;
    return started.id;
  }

  const propose = (decision: "proceed" | "changes_requested"): WorkflowCommand => ({
    type: "PROPOSE_DECISION",
    decision,
    confidence: "amber",
    rationale: "Judged against the key lines of enquiry.",
    ...(decision === "changes_requested"
      ? { changeRequests: [{ id: "r1", text: "Agree the risk share", fieldPath: "finance.riskGainShare.description" }] }
      : {}),
  });

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    for (const email of [
      "admin@example.nhs.uk",
      "reviewer.one@example.nhs.uk",
      "reviewer.two@example.nhs.uk",
      "reviewer.three@example.nhs.uk",
      ...Object.values(FOOTPRINTS).map((f) => f.lead),
    ]) {
      people[email.split("@")[0]!] = await actor(t.db, email);
      people[email] = people[email.split("@")[0]!]!;
    }
    for (const [key, name] of [
      ["dana", "Dana Departed"],
      ["fran", "Fran Former"],
    ] as const) {
      await insertCredentialUser(t.db, { email: `${key}@example.nhs.uk`, name, role: "reviewer", passwordHash: "not-a-real-hash" });
      people[key] = await actor(t.db, `${key}@example.nhs.uk`);
    }
    const { admin, "reviewer.one": one, "reviewer.two": two, "reviewer.three": three, dana, fran } = people as Record<string, NamedActor>;

    // Running since Monday 14 December, through a proposal the second reviewer sent back.
    const a = await assigned("Salford clock", "manchester", one!, two!, "2026-12-14T00:00:00.000Z");
    await act(a, one!, propose("proceed"), "2026-12-15T00:00:00.000Z");
    await act(a, two!, { type: "COUNTERSIGN", agree: false, reason: "The finance case is thin." }, "2026-12-16T00:00:00.000Z");

    // Waiting for its countersignature since Tuesday 12 January.
    const b = await assigned("Medway countersign", "kent", three!, one!, "2027-01-11T00:00:00.000Z");
    await act(b, three!, propose("proceed"), "2027-01-12T00:00:00.000Z");

    // Returned to the lead for changes: the clock stops, the review is still the reviewers'.
    const c = await assigned("Dudley returned", "blackCountry", two!, three!, "2026-11-30T09:00:00.000Z");
    await act(c, two!, propose("changes_requested"), "2026-12-07T09:00:00.000Z");
    await act(c, three!, { type: "COUNTERSIGN", agree: true }, "2026-12-08T09:00:00.000Z");

    // Paused during review, after 3 working days.
    const d = await assigned("Bolton paused", "manchester", two!, one!, "2027-01-04T09:00:00.000Z");
    await act(d, admin!, { type: "PAUSE", reason: "National intervention" }, "2027-01-07T09:00:00.000Z");

    // Decided this month (checkpoint 1 passed): no longer open, a recent decision for both.
    const e = await assigned("Ashford decided", "kent", one!, three!, "2026-12-21T09:00:00.000Z");
    await act(e, one!, propose("proceed"), "2027-01-04T09:00:00.000Z");
    await act(e, three!, { type: "COUNTERSIGN", agree: true }, "2027-01-05T09:00:00.000Z");

    // Decided 91 days ago, then paused while with the local system: neither open nor recent.
    const f = await assigned("Wigan long ago", "manchester", two!, one!, "2026-10-05T09:00:00.000Z");
    await act(f, two!, propose("proceed"), "2026-10-12T09:00:00.000Z");
    await act(f, one!, { type: "COUNTERSIGN", agree: true }, "2026-10-19T12:00:00.000Z");
    await act(f, admin!, { type: "PAUSE", reason: "Procurement challenged" }, "2026-11-02T09:00:00.000Z");

    // Held by someone since deactivated and someone since made a lead.
    await assigned("Walsall orphaned", "blackCountry", dana!, fran!, "2027-01-13T09:00:00.000Z");
    await t.db.transaction().execute(async (trx) => {
      await markUserDeactivated(trx, { userId: dana!.id, by: admin!.id, reason: "Left the programme", at: "2027-01-14T09:00:00.000Z" });
      await updateUserRole(trx, { userId: fran!.id, role: "lead", at: "2027-01-14T09:00:00.000Z" });
    });

    // Withdrawn in review: closed, so nobody's.
    const h = await assigned("Canterbury withdrawn", "kent", one!, two!, "2027-01-11T09:00:00.000Z");
    await act(h, admin!, { type: "WITHDRAW", reason: "The partners withdrew" }, "2027-01-12T09:00:00.000Z");

    everyone = await reviewerWorkloads(t.db, NOW);
  }, 120_000);
  afterAll(async () => t?.destroy());

  const of = (name: string) => everyone.find((w) => w.name === name)!;
  const titles = (w: ReviewerWorkload) => w.openReviews.map((r) => `${r.title} (${r.as})`);

  it("lists every reviewer and every other holder of an open review, by name, and nobody else", () => {
    expect(everyone.map((w) => [w.name, w.role])).toEqual([
      ["Dana Departed", "reviewer"],
      ["Fran Former", "lead"],
      ["Quinn Reviewer", "reviewer"],
      ["Riley Reviewer", "reviewer"],
      ["Robin Reviewer", "reviewer"],
      ["Rowan Reviewer", "reviewer"],
    ]);
  });

  it("counts each reviewer's open reviews at the current checkpoint, as lead or second, soonest breach first", () => {
    expect(titles(of("Rowan Reviewer"))).toEqual(["Salford clock (lead)", "Medway countersign (second)", "Bolton paused (second)"]);
    expect(titles(of("Robin Reviewer"))).toEqual(["Salford clock (second)", "Dudley returned (lead)", "Bolton paused (lead)"]);
    expect(titles(of("Riley Reviewer"))).toEqual(["Medway countersign (lead)", "Dudley returned (second)"]);
  });

  it("leaves out decided, closed and withdrawn checkpoints, and a pause while with the local system", () => {
    const open = new Set(everyone.flatMap((w) => w.openReviews.map((r) => r.title)));
    for (const title of ["Ashford decided", "Wigan long ago", "Canterbury withdrawn"]) expect(open.has(title)).toBe(false);
  });

  it("gives the live national figure the pure clock gives from each trail", async () => {
    for (const r of everyone.flatMap((w) => w.openReviews)) {
      const clock = clockFor(await stateEntries(t.db, r.submissionId), NOW);
      const pure = clock.checkpoints.find((c) => c.checkpoint === r.checkpoint)!.nationalWorkingDaysUsed;
      expect(r.nationalDaysUsed, r.title).toBe(pure);
      expect(r.target).toBe(20);
    }
  });

  it("says which day a running clock reaches 20 working days, bank holidays skipped", () => {
    const salford = of("Rowan Reviewer").openReviews.find((r) => r.title === "Salford clock")!;
    // 14 December to noon on 18 January: 22.5 working days, the 20th of them Wednesday 13 January.
    expect(salford).toMatchObject({
      step: "checkpoint1.in_review",
      as: "lead",
      checkpoint: 1,
      footprintCode: "E54000007",
      footprintName: "Greater Manchester",
      nationalDaysUsed: 22.5,
      sla: "breached",
      breachOn: "2027-01-13",
      pausedDuring: null,
    });
    const medway = of("Riley Reviewer").openReviews.find((r) => r.title === "Medway countersign")!;
    // 5.5 used at noon on Monday 18 January; 14.5 more reach 20 on Friday 5 February.
    expect(medway).toMatchObject({
      step: "checkpoint1.awaiting_countersign",
      nationalDaysUsed: 5.5,
      sla: "within",
      breachOn: "2027-02-05",
    });
  });

  it("keeps a returned review open with its clock stopped", () => {
    const dudley = of("Robin Reviewer").openReviews.find((r) => r.title === "Dudley returned")!;
    // Monday 30 November 09:00 to Tuesday 8 December 09:00: six working days.
    expect(dudley).toMatchObject({ step: "checkpoint1.returned", as: "lead", nationalDaysUsed: 6, sla: "within", breachOn: null });
  });

  it("keeps a paused review open with the days it had used and no breach date", () => {
    const bolton = of("Robin Reviewer").openReviews.find((r) => r.title === "Bolton paused")!;
    expect(bolton).toMatchObject({
      step: "paused",
      pausedDuring: "checkpoint1.in_review",
      nationalDaysUsed: 3,
      sla: "within",
      breachOn: null,
    });
  });

  it("counts the decisions each person proposed or countersigned in the last 90 days only", () => {
    // Dudley (Robin proposed, Riley countersigned) and Ashford (Rowan, Riley); Wigan is 91 days old
    // and Salford's proposal was sent back.
    expect(everyone.map((w) => [w.name, w.completedLast90Days])).toEqual([
      ["Dana Departed", 0],
      ["Fran Former", 0],
      ["Quinn Reviewer", 0],
      ["Riley Reviewer", 2],
      ["Robin Reviewer", 1],
      ["Rowan Reviewer", 1],
    ]);
  });

  it("counts, without listing them, the same open reviews, parts and bands as the workload (what suggestions rank by)", async () => {
    const loads = await reviewerLoads(t.db, NOW);
    expect(loads.map((l) => l.name)).toEqual(everyone.map((w) => w.name));
    for (const w of everyone) {
      const load = loads.find((l) => l.id === w.id)!;
      expect(load).toMatchObject({ role: w.role, deactivated: w.deactivated, conflicts: w.conflicts.map((c) => c.footprintCode) });
      expect([...load.open].map(([id, band]) => [id, band.as, band.atRisk, band.footprintCode]).sort(), w.name).toEqual(
        w.openReviews.map((r) => [r.submissionId, r.as, r.sla !== "within", r.footprintCode]).sort(),
      );
    }
    // Someone is at risk or over, so the bands are tested both ways.
    expect(everyone.flatMap((w) => w.openReviews).some((r) => r.sla !== "within")).toBe(true);
    expect(everyone.flatMap((w) => w.openReviews).some((r) => r.sla === "within")).toBe(true);
  });

  it("flags a deactivated holder of open reviews, and gives each reviewer's declared conflicts", () => {
    expect(of("Dana Departed")).toMatchObject({ deactivated: true, email: "dana@example.nhs.uk" });
    expect(titles(of("Dana Departed"))).toEqual(["Walsall orphaned (lead)"]);
    expect(titles(of("Fran Former"))).toEqual(["Walsall orphaned (second)"]);
    expect(of("Rowan Reviewer").deactivated).toBe(false);
    expect(of("Riley Reviewer").conflicts).toEqual([{ footprintCode: "E54000007", footprintName: "Greater Manchester" }]);
    expect(of("Rowan Reviewer").conflicts).toEqual([]);
  });

  it("gives only the person asked for, with the same figures", async () => {
    const rowan = of("Rowan Reviewer");
    expect(await reviewerWorkloads(t.db, NOW, { userId: rowan.id })).toEqual([rowan]);
    expect(await reviewerWorkloads(t.db, NOW, { userId: of("Dana Departed").id })).toEqual([of("Dana Departed")]);
    expect(await reviewerWorkloads(t.db, NOW, { userId: "no-such-account" })).toEqual([]);
  });
});
