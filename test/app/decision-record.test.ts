import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { findDecisionCountersign } from "../../app/.server/decisions.ts";
import { createDb, type Db } from "../../db/client.ts";
import { addComment, upsertAssessment } from "../../db/reviews.ts";
import { saveSection, updateSubmissionSummary } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const actors: Record<string, NamedActor> = {};

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["lead.kent", "lead.manchester", "reviewer.one", "reviewer.two", "admin"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    const row = await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow();
    actors[who] = actorFrom((await findUserProfile(database, row.id))!);
  }
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;
const HOUR = 3_600_000;

/** A clock for one submission's story, an hour per step, starting ten days ago. */
function storyClock() {
  let t = Date.now() - 10 * 24 * HOUR;
  return () => new Date((t += HOUR));
}

async function newKentSubmission(title: string, at: Date): Promise<string> {
  const lead = actors["lead.kent"]!;
  const started = await startSubmission(database, lead, { footprintCode: "E54000032", title, modelType: "MCP", at });
  if (!started.ok) throw new Error(started.reason);
  const example = exampleSubmission({
    modelType: "MCP",
    footprintName: "Kent and Medway",
    footprintCode: "E54000032",
    checkpoint: 1,
    seed: 3,
  });
  const content = { ...example, about: { ...example.about, title } } as Record<string, unknown>;
  for (const section of SECTION_SLUGS) {
    if (content[section] !== undefined) {
      await saveSection(database, { submissionId: started.id, section, data: content[section], updatedBy: lead.id, at: at.toISOString() });
    }
  }
  return started.id;
}

async function send(id: string, who: string, command: Parameters<typeof applyEvent>[3], at: Date) {
  const result = await applyEvent(database, id, actors[who]!, command, { at });
  if (!result.ok) throw new Error(`${command.type}: ${result.reason}`);
  return result;
}

async function loadRecord(who: string, id: string, number: string) {
  const { loader } = await import("../../app/routes/submission-decision.tsx");
  return loader(args(appRequest(`/submissions/${id}/decisions/${number}`, { cookie: cookies[who] }), { id, number }));
}

describe("the decision record of checkpoint 1 (proceed with conditions)", () => {
  let id: string;
  let decidedAt: Date;

  beforeAll(async () => {
    const next = storyClock();
    id = await newKentSubmission("Kent and Medway decision record", next());
    const one = actors["reviewer.one"]!;
    const two = actors["reviewer.two"]!;
    await send(id, "lead.kent", { type: "SUBMIT", declaration: true }, next());
    await send(id, "admin", { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id }, next());

    const before = next().toISOString();
    await upsertAssessment(database, {
      submissionId: id,
      checkpoint: 1,
      criterionId: "J-01",
      reviewerId: one.id,
      rating: "met",
      note: "Clear benefit for frail patients",
      at: before,
    });
    await upsertAssessment(database, {
      submissionId: id,
      checkpoint: 1,
      criterionId: "J-02",
      reviewerId: one.id,
      rating: "partly_met",
      note: "",
      at: before,
    });
    await upsertAssessment(database, {
      submissionId: id,
      checkpoint: 1,
      criterionId: "J-01",
      reviewerId: two.id,
      rating: "partly_met",
      note: "Benefit to acute trust unclear",
      at: before,
    });
    const comment = { submissionId: id, checkpoint: 1, versionNumber: 1, fieldPath: null, at: before };
    await addComment(database, {
      ...comment,
      authorId: one.id,
      visibility: "shared",
      body: "Please show the risk share with the acute trust.",
    });
    await addComment(database, {
      ...comment,
      authorId: two.id,
      visibility: "internal",
      body: "Internal: the finance lead doubts the savings.",
    });

    await send(
      id,
      "reviewer.one",
      {
        type: "PROPOSE_DECISION",
        decision: "proceed_with_conditions",
        confidence: "amber_green",
        rationale: "A credible model with engaged GPs.",
        conditions: [
          { id: "c1", text: "Agree the risk and gain share with the acute trust", fieldPath: "finance.riskGainShare.description" },
        ],
      },
      next(),
    );
    decidedAt = next();
    await send(id, "reviewer.two", { type: "COUNTERSIGN", agree: true }, decidedAt);

    // After the decision: none of this was in front of the signers.
    const after = next().toISOString();
    await upsertAssessment(database, {
      submissionId: id,
      checkpoint: 1,
      criterionId: "J-03",
      reviewerId: two.id,
      rating: "not_met",
      note: "Later thought",
      at: after,
    });
    await addComment(database, {
      ...comment,
      at: after,
      authorId: one.id,
      visibility: "shared",
      body: "A comment made after the decision.",
    });
    await updateSubmissionSummary(database, id, { title: "Renamed after the decision", modelType: "MCP", vanguardNumber: null });
  });

  it("shows the lead the decision, the version decided on, its checks, the ratings, shared comments and signers", async () => {
    const page = await loadRecord("lead.kent", id, "1");
    expect(page.submission).toMatchObject({
      id,
      title: "Kent and Medway decision record",
      footprintName: "Kent and Medway",
      regionName: expect.any(String),
      modelType: "MCP",
    });
    expect(page.submission.regionName).not.toBe("");
    expect(page.decision).toMatchObject({
      number: 1,
      checkpoint: 1,
      decision: "proceed_with_conditions",
      headline: "Proceed with conditions",
      confidenceLabel: "Amber/green",
      rationale: "A credible model with engaged GPs.",
      conditions: [
        {
          id: "c1",
          text: "Agree the risk and gain share with the acute trust",
          fieldPath: "finance.riskGainShare.description",
          criterionId: null,
        },
      ],
      changeRequests: [],
      decidedAt: decidedAt.toISOString(),
    });
    expect(page.reference).toBe(`${id}/1`);
    expect(page.version).toMatchObject({ number: 1, checkpoint: 1, submittedBy: "Kendall Lead" });
    expect(page.criteriaSet.id).toBe("2017-19");
    expect(page.results).toMatchObject({ checkpoint: 1, blockingFailures: [] });
    expect(page.results!.passed).toBeGreaterThan(0);

    const j01 = page.ratings.find((r) => r.id === "J-01")!;
    expect(j01.title).toBe("Net benefit");
    expect(j01.ratings.map((r) => r.ratingLabel).sort()).toEqual(["Met", "Partly met"]);
    // Reviewers' working notes are not for the lead.
    expect(j01.ratings.every((r) => r.note === null)).toBe(true);

    expect(page.comments.map((c) => c.body)).toEqual(["Please show the risk share with the acute trust."]);
    expect(page.showsInternal).toBe(false);

    const names = await database.selectFrom("user").select(["email", "name"]).execute();
    const nameOf = (email: string) => names.find((n) => n.email === email)!.name;
    expect(page.signers.proposer.name).toBe(nameOf("reviewer.one@example.nhs.uk"));
    expect(page.signers.proposer.at).not.toBeNull();
    expect(page.signers.countersigner).toEqual({ name: nameOf("reviewer.two@example.nhs.uk"), at: decidedAt.toISOString() });
  });

  it("shows reviewers and admins the internal comments and the notes too", async () => {
    for (const who of ["reviewer.one", "admin"]) {
      const page = await loadRecord(who, id, "1");
      expect(page.showsInternal).toBe(true);
      expect(page.comments.map((c) => [c.visibility, c.body])).toEqual([
        ["shared", "Please show the risk share with the acute trust."],
        ["internal", "Internal: the finance lead doubts the savings."],
      ]);
      const notes = page.ratings
        .find((r) => r.id === "J-01")!
        .ratings.map((r) => r.note)
        .sort();
      expect(notes).toEqual(["Benefit to acute trust unclear", "Clear benefit for frail patients"]);
    }
  });

  it("leaves out the ratings and comments made after the decision", async () => {
    const page = await loadRecord("reviewer.two", id, "1");
    expect(page.ratings.find((r) => r.id === "J-03")!.ratings).toEqual([]);
    expect(page.comments.map((c) => c.body)).not.toContain("A comment made after the decision.");
    expect(page.comments).toHaveLength(2);
    // The title the signers saw is the frozen version's.
    expect(page.submission.title).toBe("Kent and Medway decision record");
  });

  it("shows the hash and sequence number of the COUNTERSIGN audit entry that made it final", async () => {
    const entry = await database
      .selectFrom("audit_event")
      .select(["seq", "hash", "actor_id"])
      .where("chain", "=", id)
      .where("action", "=", "COUNTERSIGN")
      .executeTakeFirstOrThrow();
    const page = await loadRecord("lead.kent", id, "1");
    const entries = await database.selectFrom("audit_event").select("seq").where("chain", "=", id).execute();
    expect(page.audit).toMatchObject({ chain: id, seq: entry.seq, hash: entry.hash, check: { intact: true, entries: entries.length } });
    expect(page.recordUrl).toBe(`http://localhost:3000/submissions/${id}/decisions/1`);
    expect(page.audit.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await findDecisionCountersign(database, id, 1))?.hash).toBe(entry.hash);
  });

  it("says on the record itself when the audit log no longer checks out", async () => {
    const entry = await database
      .selectFrom("audit_event")
      .select(["id", "seq", "payload"])
      .where("chain", "=", id)
      .where("action", "=", "COUNTERSIGN")
      .executeTakeFirstOrThrow();
    // Someone with the database in hand, past its append-only trigger, rewrites the decision.
    await sql`drop trigger audit_event_no_update`.execute(database);
    try {
      await database
        .updateTable("audit_event")
        .set({ payload: JSON.stringify({ ...JSON.parse(entry.payload), actorName: "Someone Else" }) })
        .where("id", "=", entry.id)
        .execute();
      const page = await loadRecord("lead.kent", id, "1");
      expect(page.audit.check).toMatchObject({
        intact: false,
        brokenAt: entry.seq,
        problem: "its content does not match its hash (it was changed)",
      });
    } finally {
      await database.updateTable("audit_event").set({ payload: entry.payload }).where("id", "=", entry.id).execute();
      await sql`create trigger audit_event_no_update before update on audit_event
        begin select raise(abort, 'audit_event is append-only'); end`.execute(database);
    }
    expect((await loadRecord("lead.kent", id, "1")).audit.check.intact).toBe(true);
  });

  it("says so when the decision shown is not the one its reviewers signed", async () => {
    const row = await database.selectFrom("submission").select("workflow_snapshot").where("id", "=", id).executeTakeFirstOrThrow();
    const snapshot = JSON.parse(row.workflow_snapshot) as { context: { decisions: { rationale: string }[] } };
    snapshot.context.decisions[0]!.rationale = "A rationale nobody signed";
    await database
      .updateTable("submission")
      .set({ workflow_snapshot: JSON.stringify(snapshot) })
      .where("id", "=", id)
      .execute();
    try {
      const page = await loadRecord("lead.kent", id, "1");
      expect(page.audit.check).toMatchObject({
        intact: false,
        brokenAt: null,
        problem: expect.stringMatching(/differs from the one its lead reviewer proposed/),
      });
    } finally {
      await database.updateTable("submission").set({ workflow_snapshot: row.workflow_snapshot }).where("id", "=", id).execute();
    }
    expect((await loadRecord("lead.kent", id, "1")).audit.check.intact).toBe(true);
  });

  it("keeps the signers' and actors' names as they were when the decision was made, after a rename", async () => {
    const before = await loadRecord("lead.kent", id, "1");
    const { listAuditEvents } = await import("../../db/audit.ts");
    const one = actors["reviewer.one"]!.id;
    const original = (await database.selectFrom("user").select("name").where("id", "=", one).executeTakeFirstOrThrow()).name;
    await database.updateTable("user").set({ name: "Renamed Reviewer" }).where("id", "=", one).execute();
    try {
      const after = await loadRecord("lead.kent", id, "1");
      expect(after.signers.proposer.name).toBe(original);
      expect(after.signers).toEqual(before.signers);
      const { rows } = await listAuditEvents(database, { submissionId: id, actorId: one }, { offset: 0, limit: 50 });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.actorName === original)).toBe(true);
    } finally {
      await database.updateTable("user").set({ name: original }).where("id", "=", one).execute();
    }
  });

  it("answers 404 to another footprint's lead, for an unknown decision number and for a malformed one", async () => {
    expect(await settle(() => loadRecord("lead.manchester", id, "1"))).toMatchObject({ init: { status: 404 } });
    expect(await settle(() => loadRecord("lead.kent", id, "2"))).toMatchObject({ init: { status: 404 } });
    expect(await settle(() => loadRecord("lead.kent", id, "0"))).toMatchObject({ init: { status: 404 } });
    expect(await settle(() => loadRecord("lead.kent", id, "one"))).toMatchObject({ init: { status: 404 } });
    expect(await settle(() => loadRecord("reviewer.one", "no-such-submission", "1"))).toMatchObject({ init: { status: 404 } });
  });

  it("sends an anonymous visitor to sign in", async () => {
    const { loader } = await import("../../app/routes/submission-decision.tsx");
    const result = (await settle(() => loader(args(appRequest(`/submissions/${id}/decisions/1`), { id, number: "1" })))) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent(`/submissions/${id}/decisions/1`)}`);
  });
});

describe("numbering decisions across a change request, a resubmission and a disagreement", () => {
  it("numbers by agreeing countersignatures and replays each against the version then latest", async () => {
    const next = storyClock();
    const id = await newKentSubmission("Kent and Medway resubmitted", next());
    const one = actors["reviewer.one"]!;
    const two = actors["reviewer.two"]!;
    await send(id, "lead.kent", { type: "SUBMIT", declaration: true }, next());
    await send(id, "admin", { type: "ASSIGN", leadReviewerId: one.id, secondReviewerId: two.id }, next());
    await send(
      id,
      "reviewer.one",
      {
        type: "PROPOSE_DECISION",
        decision: "changes_requested",
        confidence: "amber",
        rationale: "The hub populations need explaining.",
        changeRequests: [{ id: "r1", text: "Explain how hub populations were estimated", fieldPath: "population.hubs" }],
      },
      next(),
    );
    await send(id, "reviewer.two", { type: "COUNTERSIGN", agree: true }, next());
    await send(id, "lead.kent", { type: "RESUBMIT", declaration: true }, next());
    await send(id, "reviewer.one", { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "First try." }, next());
    await send(id, "reviewer.two", { type: "COUNTERSIGN", agree: false, reason: "Not yet." }, next());
    const secondProposalAt = next();
    await send(
      id,
      "reviewer.one",
      { type: "PROPOSE_DECISION", decision: "proceed", confidence: "amber_green", rationale: "Second try." },
      secondProposalAt,
    );
    await send(id, "reviewer.two", { type: "COUNTERSIGN", agree: true }, next());

    const first = await loadRecord("lead.kent", id, "1");
    expect(first.decision).toMatchObject({ decision: "changes_requested", headline: "Changes requested", conditions: [] });
    expect(first.decision.changeRequests).toEqual([
      {
        id: "r1",
        text: "Explain how hub populations were estimated",
        fieldPath: "population.hubs",
        fieldLabel: "Population and scope: Hubs",
        criterionId: null,
      },
    ]);
    expect(first.version?.number).toBe(1);

    const second = await loadRecord("lead.kent", id, "2");
    expect(second.decision).toMatchObject({ decision: "proceed", confidenceLabel: "Amber/green", rationale: "Second try." });
    expect(second.version?.number).toBe(2);
    expect(second.signers.proposer.at).toBe(secondProposalAt.toISOString());

    const countersigns = await database
      .selectFrom("audit_event")
      .select(["hash", "payload"])
      .where("chain", "=", id)
      .where("action", "=", "COUNTERSIGN")
      .orderBy("seq")
      .execute();
    const agreed = countersigns.filter((c) => JSON.parse(c.payload).agree === true);
    expect(agreed).toHaveLength(2);
    expect([first.audit.hash, second.audit.hash]).toEqual(agreed.map((c) => c.hash));
    expect(await settle(() => loadRecord("lead.kent", id, "3"))).toMatchObject({ init: { status: 404 } });
  });
});
