import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import type { FormReply } from "../../app/components/review/forms.ts";
import { auditTrail } from "../../db/audit.ts";
import { createDb, type Db } from "../../db/client.ts";
import { listComments } from "../../db/reviews.ts";
import { findSubmission, findVersion, saveSection } from "../../db/submissions.ts";
import { declareReviewerConflict, findUserProfile } from "../../db/users.ts";
import { pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import type { JudgementCriterion } from "../../workflows/criteria-data/types.ts";
import { judgementCriteria } from "../../workflows/criteria-data/sets.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, flashOf, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let url = "";
let database: Db;
let kloes: JudgementCriterion[] = [];
const cookies: Record<string, string> = {};
const actors: Record<string, NamedActor> = {};

const PEOPLE = ["lead.kent", "lead.manchester", "lead.blackcountry", "reviewer.one", "reviewer.two", "reviewer.three", "admin"] as const;
type Who = (typeof PEOPLE)[number];

beforeAll(async () => {
  ({ cleanup, url } = await prepareAppDatabase());
  database = createDb(url);
  for (const who of PEOPLE) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    actors[who] = await actorOf(who);
  }
  kloes = judgementCriteria(await pinnedCriteriaSet(database, "2017-19"), 1);
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

async function actorOf(who: Who): Promise<NamedActor> {
  const row = await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(database, row.id))!);
}

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;

const FOOTPRINTS = {
  "lead.kent": { code: "E54000032", name: "Kent and Medway" },
  "lead.manchester": { code: "E54000007", name: "Greater Manchester" },
  "lead.blackcountry": { code: "E54000016", name: "The Black Country and West Birmingham" },
} as const;

/** A submission of the lead's footprint, filled with example answers, submitted and assigned. */
async function inReview(options: { lead?: keyof typeof FOOTPRINTS; title?: string; leadReviewer?: Who; secondReviewer?: Who } = {}) {
  const leadWho = options.lead ?? "lead.kent";
  const footprint = FOOTPRINTS[leadWho];
  const lead = actors[leadWho]!;
  const started = await startSubmission(database, lead, {
    footprintCode: footprint.code,
    title: options.title ?? `${footprint.name} MCP`,
    modelType: "MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  const id = started.id;
  const content = exampleSubmission({
    modelType: "MCP",
    footprintName: footprint.name,
    footprintCode: footprint.code,
    checkpoint: 1,
    seed: 7,
  }) as Record<string, unknown>;
  for (const section of SECTION_SLUGS) {
    if (content[section] !== undefined)
      await saveSection(database, { submissionId: id, section, data: content[section], updatedBy: lead.id, at: new Date().toISOString() });
  }
  expect(await applyEvent(database, id, lead, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });
  expect(
    await applyEvent(database, id, actors.admin!, {
      type: "ASSIGN",
      leadReviewerId: actors[options.leadReviewer ?? "reviewer.one"]!.id,
      secondReviewerId: actors[options.secondReviewer ?? "reviewer.two"]!.id,
    }),
  ).toMatchObject({ ok: true });
  return id;
}

async function proposed(id: string, decision: "proceed" | "proceed_with_conditions" = "proceed", by: Who = "reviewer.one") {
  const result = await applyEvent(database, id, actors[by]!, {
    type: "PROPOSE_DECISION",
    decision,
    confidence: "amber_green",
    rationale: "A credible case",
    ...(decision === "proceed_with_conditions" ? { conditions: [{ id: "c1", text: "Agree the acute risk share" }] } : {}),
  });
  expect(result).toMatchObject({ ok: true });
}

async function versionOf(id: string) {
  return (await findSubmission(database, id))!.version;
}

async function workspace(who: Who, id: string, query = "") {
  const { loader } = await import("../../app/routes/review.tsx");
  return loader(args(appRequest(`/reviews/${id}${query}`, { cookie: cookies[who] }), { id }));
}

type Reply = { data: FormReply; init: { status: number } };

async function post(who: Who, id: string, fields: Record<string, string>) {
  const { action } = await import("../../app/routes/review.tsx");
  return settle(() => action(args(formPost(`/reviews/${id}`, fields, { cookie: cookies[who] }), { id })));
}

function errorsOf(reply: unknown): Record<string, string[] | null> {
  return (reply as Reply).data.result.error ?? {};
}

describe("your reviews", () => {
  it("lists only the reviewer's own assignments, with their role and the live clock", async () => {
    const mine = await inReview({
      title: "Listed for reviewer one and three",
      leadReviewer: "reviewer.one",
      secondReviewer: "reviewer.three",
    });
    const { loader } = await import("../../app/routes/reviews.tsx");
    const one = await loader(args(appRequest("/reviews", { cookie: cookies["reviewer.one"] })));
    const two = await loader(args(appRequest("/reviews", { cookie: cookies["reviewer.two"] })));
    const three = await loader(args(appRequest("/reviews", { cookie: cookies["reviewer.three"] })));
    expect(one.reviews.find((r) => r.id === mine)).toMatchObject({
      role: "lead",
      state: "checkpoint1.in_review",
      checkpoint: 1,
      footprintName: "Kent and Medway",
      regionName: expect.any(String),
      targetDays: 20,
      action: "Propose a decision",
    });
    expect(three.reviews.find((r) => r.id === mine)).toMatchObject({ role: "second", action: null });
    expect(two.reviews.map((r) => r.id)).not.toContain(mine);
    expect(one.reviews.every((r) => r.daysUsed >= 0)).toBe(true);
  });

  it("sorts on the server by the column and direction in the address, and ignores unknown ones", async () => {
    await inReview({ title: "Aardvark sorting MCP" });
    await inReview({ title: "Zebra sorting MCP" });
    const { loader } = await import("../../app/routes/reviews.tsx");
    const titles = async (query: string) =>
      (await loader(args(appRequest(`/reviews${query}`, { cookie: cookies["reviewer.two"] })))).reviews
        .map((r) => r.title)
        .filter((t) => t.endsWith("sorting MCP"));
    expect(await titles("?sort=submission&dir=asc")).toEqual(["Aardvark sorting MCP", "Zebra sorting MCP"]);
    expect(await titles("?sort=submission&dir=desc")).toEqual(["Zebra sorting MCP", "Aardvark sorting MCP"]);
    const fallback = await loader(args(appRequest("/reviews?sort=nonsense&dir=sideways", { cookie: cookies["reviewer.two"] })));
    expect(fallback.order).toEqual({ sort: "days", dir: "desc" });
    const byRole = await loader(args(appRequest("/reviews?sort=role&dir=desc", { cookie: cookies["reviewer.two"] })));
    expect(byRole.order).toEqual({ sort: "role", dir: "desc" });
  });

  it("highlights a proposal waiting for the second reviewer's countersignature", async () => {
    const id = await inReview({ title: "Waiting for a countersignature" });
    await proposed(id);
    const { loader } = await import("../../app/routes/reviews.tsx");
    const two = await loader(args(appRequest("/reviews", { cookie: cookies["reviewer.two"] })));
    expect(two.reviews.find((r) => r.id === id)).toMatchObject({ role: "second", action: "Countersign the decision" });
    const one = await loader(args(appRequest("/reviews", { cookie: cookies["reviewer.one"] })));
    expect(one.reviews.find((r) => r.id === id)).toMatchObject({ action: null });
  });

  it("is refused to a system lead with 403", async () => {
    const { loader } = await import("../../app/routes/reviews.tsx");
    const refused = await settle(() => loader(args(appRequest("/reviews", { cookie: cookies["lead.kent"] }))));
    expect((refused as Response).status).toBe(403);
  });
});

describe("the review workspace", () => {
  it("shows the assigned lead reviewer everything on one page, and offers every form", async () => {
    const id = await inReview();
    const page = await workspace("reviewer.one", id);
    expect(page.submission).toMatchObject({
      id,
      state: "checkpoint1.in_review",
      checkpoint: 1,
      footprintName: "Kent and Medway",
      whoseTurn: "national",
      targetDays: 20,
    });
    expect(page.you.role).toBe("lead");
    expect(page.version?.number).toBe(1);
    expect(page.version?.sections.map((s) => s.slug)).toEqual([
      "about",
      "population",
      "contract",
      "finance",
      "outcomes",
      "enablers",
      "governance",
    ]);
    const population = page.version!.sections.find((s) => s.slug === "population")!.blocks;
    expect(population.find((b) => b.kind === "table")).toMatchObject({
      fieldPath: "population.practices",
      label: "Participating GP practices",
    });
    expect(page.version?.checks.blocking).toEqual([]);
    expect(page.version?.checks.passed.length).toBeGreaterThan(0);
    expect(page.ratings.refusal).toBeNull();
    expect(page.ratings.criteria.map((c) => c.id)).toEqual(kloes.map((c) => c.id));
    expect(page.comments.refusal).toBeNull();
    expect(page.canPropose).toBe(true);
    expect(page.proposeRefusal).toBeNull();
    expect(page.timeline.map((e) => e.text)).toEqual(["Assigned the reviewers", "Submitted version 1 for assurance", "Started the draft"]);
    expect(page.timeline[0]!.who).toBe("Alex Admin");
    expect(page.reviewers).toMatchObject({ lead: { name: "Rowan Reviewer" }, second: { name: "Robin Reviewer" } });
    const options = page.fieldOptions.flatMap((g) => g.options);
    expect(options).toContainEqual({ value: "population.registeredPopulation", label: "Registered population" });
    // A whole list and each of its rows, named as the page names them.
    expect(options).toContainEqual({ value: "population.hubs", label: "Hubs" });
    expect(options.find((o) => o.value === "population.practices[0]")?.label).toMatch(/^Practice 1 \(.+\)$/);
    expect(options.map((o) => o.label).join("|")).not.toMatch(/[a-z][A-Z]|_|\[\d/);
  });

  it("lets an unassigned reviewer look, but not rate, comment or propose", async () => {
    const id = await inReview();
    const page = await workspace("reviewer.three", id);
    expect(page.you.role).toBeNull();
    expect(page.ratings.refusal).toBe("Only the two reviewers assigned to this checkpoint can rate its key lines of enquiry.");
    expect(page.comments.refusal).toBe("Only the reviewers assigned to this checkpoint and programme administrators can comment on it.");
    expect(page.proposeRefusal).toBe("Only the lead reviewer assigned to this checkpoint can propose its decision.");
    expect(page.canPropose).toBe(false);

    const rate = await post("reviewer.three", id, { intent: "rate", "ratings[0].criterionId": kloes[0]!.id, "ratings[0].rating": "met" });
    expect((rate as Reply).init.status).toBe(403);
    expect(errorsOf(rate)[""]).toEqual(["Only the two reviewers assigned to this checkpoint can rate its key lines of enquiry."]);
    const comment = await post("reviewer.three", id, { intent: "comment", body: "Looks fine", visibility: "shared" });
    expect((comment as Reply).init.status).toBe(403);
    const propose = await post("reviewer.three", id, {
      intent: "propose",
      version: String(await versionOf(id)),
      decision: "proceed",
      confidence: "green",
      rationale: "Fine",
    });
    expect((propose as Reply).init.status).toBe(403);
    expect(errorsOf(propose)[""]).toEqual(["Only the lead reviewer assigned to this checkpoint can propose its decision."]);
    expect(await listComments(database, id, { includeInternal: true })).toEqual([]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.in_review" });
  });

  it("offers an administrator pause, withdraw and changing the reviewers from the workspace, and a reviewer none of them", async () => {
    const id = await inReview();
    expect((await workspace("admin", id)).actions).toEqual({
      review: true,
      assign: false,
      reassign: true,
      pause: true,
      resume: false,
      withdraw: true,
    });
    expect((await workspace("reviewer.three", id)).actions).toEqual({
      review: true,
      assign: false,
      reassign: false,
      pause: false,
      resume: false,
      withdraw: false,
    });
  });

  it("is refused to a system lead with 403, from the loader and the action", async () => {
    const id = await inReview();
    const { loader, action } = await import("../../app/routes/review.tsx");
    const page = await settle(() => loader(args(appRequest(`/reviews/${id}`, { cookie: cookies["lead.kent"] }), { id })));
    expect((page as Response).status).toBe(403);
    const posted = await settle(() =>
      action(
        args(formPost(`/reviews/${id}`, { intent: "comment", body: "x", visibility: "shared" }, { cookie: cookies["lead.kent"] }), { id }),
      ),
    );
    expect((posted as Response).status).toBe(403);
  });

  it("answers an unknown submission with 404", async () => {
    const unknown = await settle(() => workspace("reviewer.one", "no-such-submission"));
    expect(unknown).toMatchObject({ init: { status: 404 } });
  });
});

describe("ratings and comments", () => {
  it("saves a rating with its note and shows it again, beside the other reviewer's", async () => {
    const id = await inReview();
    const [first, second] = kloes;
    const saved = (await post("reviewer.one", id, {
      intent: "rate",
      "ratings[0].criterionId": first!.id,
      "ratings[0].rating": "partly_met",
      "ratings[0].note": "Benefits are plausible but not quantified",
      "ratings[1].criterionId": second!.id,
      "ratings[1].rating": "",
      "ratings[1].note": "",
    })) as Response;
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(saved)).toBe("Your ratings have been saved.");
    expect(
      (await post("reviewer.two", id, { intent: "rate", "ratings[0].criterionId": first!.id, "ratings[0].rating": "met" })) as Response,
    ).toMatchObject({ status: 302 });

    const page = await workspace("reviewer.one", id);
    const row = page.ratings.criteria.find((c) => c.id === first!.id)!;
    expect(row.lead).toMatchObject({ rating: "partly_met", note: "Benefits are plausible but not quantified" });
    expect(row.mine).toMatchObject({ rating: "partly_met" });
    expect(row.second).toMatchObject({ rating: "met", note: "" });
    expect(page.ratings.criteria.find((c) => c.id === second!.id)!.lead).toBeNull();
  });

  it("asks for a rating when a note is given without one, and for at least one rating", async () => {
    const id = await inReview();
    const noteOnly = await post("reviewer.one", id, { intent: "rate", "ratings[0].criterionId": kloes[0]!.id, "ratings[0].note": "Hmm" });
    expect((noteOnly as Reply).init.status).toBe(400);
    expect(errorsOf(noteOnly)["ratings[0].rating"]).toEqual([`Choose a rating for ${kloes[0]!.id}, or remove its note`]);
    const wrong = await post("reviewer.one", id, {
      intent: "rate",
      "ratings[0].criterionId": kloes[0]!.id,
      "ratings[0].rating": "brilliant",
    });
    expect(errorsOf(wrong)["ratings[0].rating"]).toEqual(["Choose met, partly met or not met"]);
  });

  it("names a pinned comment's field as it was in the version the comment was made on", async () => {
    const id = await inReview();
    expect(
      (
        (await post("reviewer.one", id, {
          intent: "comment",
          body: "Is this list size right?",
          visibility: "shared",
          fieldPath: "population.practices[0].listSize",
        })) as Response
      ).status,
    ).toBe(302);
    const v1 = (await findVersion(database, id, 1))!;
    const practices = v1.content.population!.practices!;
    expect(practices.length).toBeGreaterThan(1);
    // A later version whose first practice is another (the first one removed), as a resubmission would bring.
    const stored = await database.selectFrom("submission_version").selectAll().where("id", "=", v1.id).executeTakeFirstOrThrow();
    await database
      .insertInto("submission_version")
      .values({
        ...stored,
        id: `${v1.id}-2`,
        number: 2,
        content: JSON.stringify({ ...v1.content, population: { ...v1.content.population, practices: practices.slice(1) } }),
      })
      .execute();

    const pinned = (await workspace("reviewer.one", id)).comments.items.find((c) => c.body === "Is this list size right?")!;
    expect(pinned.versionNumber).toBe(1);
    expect(pinned.field?.label).toContain(practices[0]!.name);
    expect(pinned.field?.label).not.toContain(practices[1]!.name);

    // The lead's task list names it the same way, whatever the draft holds now.
    await saveSection(database, {
      submissionId: id,
      section: "population",
      data: { ...v1.content.population, practices: practices.slice(1) },
      updatedBy: actors["lead.kent"]!.id,
      at: new Date().toISOString(),
    });
    const { taskListFor } = await import("../../app/.server/task-list.ts");
    const { requireSubmission } = await import("../../app/.server/submissions.ts");
    const leadRow = await database
      .selectFrom("user")
      .select("id")
      .where("email", "=", "lead.kent@example.nhs.uk")
      .executeTakeFirstOrThrow();
    const list = await taskListFor(database, await requireSubmission(database, (await findUserProfile(database, leadRow.id))!, id));
    const shown = list.comments.find((c) => c.body === "Is this list size right?")!;
    expect(shown.fieldLabel).toContain(practices[0]!.name);
  });

  it("adds shared and internal comments, pinned to a field; a lead never sees the internal one", async () => {
    const id = await inReview();
    const shared = (await post("reviewer.one", id, {
      intent: "comment",
      body: "Check the registered population against the practice list sizes",
      visibility: "shared",
      fieldPath: "population.registeredPopulation",
    })) as Response;
    expect(shared.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(shared)).toBe("Your comment has been added.");
    expect(
      ((await post("reviewer.two", id, { intent: "comment", body: "Internal: finance looks thin", visibility: "internal" })) as Response)
        .status,
    ).toBe(302);
    expect(((await post("admin", id, { intent: "comment", body: "Admin note", visibility: "internal" })) as Response).status).toBe(302);

    const page = await workspace("reviewer.one", id);
    expect(page.comments.items.map((c) => [c.body, c.visibility])).toEqual([
      ["Check the registered population against the practice list sizes", "shared"],
      ["Internal: finance looks thin", "internal"],
      ["Admin note", "internal"],
    ]);
    expect(page.comments.items[0]).toMatchObject({
      field: { fieldPath: "population.registeredPopulation", anchor: "answer-population-registeredPopulation" },
      versionNumber: 1,
      changedSince: false,
    });
    expect(page.comments.items[0]!.author).toBeTruthy();

    const forLead = await listComments(database, id, { includeInternal: false });
    expect(forLead.map((c) => c.body)).toEqual(["Check the registered population against the practice list sizes"]);
  });

  it("refuses a comment with no text, no visibility or an unknown field, keeping what was typed", async () => {
    const id = await inReview();
    const empty = await post("reviewer.one", id, { intent: "comment", body: "  ", visibility: "" });
    expect((empty as Reply).init.status).toBe(400);
    expect(errorsOf(empty)).toMatchObject({ body: ["Enter your comment"], visibility: ["Choose who can see the comment"] });
    const unknown = await post("reviewer.one", id, {
      intent: "comment",
      body: "About nothing",
      visibility: "shared",
      fieldPath: "population.nonsense",
    });
    expect(errorsOf(unknown).fieldPath).toEqual(["Choose a field of the submission, or leave the comment unpinned"]);
    expect((unknown as Reply).data.result.initialValue).toMatchObject({ body: "About nothing", visibility: "shared" });
    expect(await listComments(database, id, { includeInternal: true })).toEqual([]);
  });

  it("marks a pinned comment when a later version changed its field, and shows each change request with whether it changed", async () => {
    const id = await inReview();
    await post("reviewer.one", id, {
      intent: "comment",
      body: "Population looks low",
      visibility: "shared",
      fieldPath: "population.registeredPopulation",
    });
    await post("reviewer.one", id, {
      intent: "comment",
      body: "Contract term fine",
      visibility: "internal",
      fieldPath: "contract.contractTermYears",
    });
    await applyEvent(database, id, actors["reviewer.one"]!, {
      type: "PROPOSE_DECISION",
      decision: "changes_requested",
      confidence: "amber",
      rationale: "Population figures need work",
      changeRequests: [
        { id: "r1", text: "Check the registered population", fieldPath: "population.registeredPopulation" },
        { id: "r2", text: "Say more about the contract", fieldPath: "contract.contractOption" },
      ],
    });
    await applyEvent(database, id, actors["reviewer.two"]!, { type: "COUNTERSIGN", agree: true });
    const row = await database
      .selectFrom("submission_section")
      .select("data")
      .where("submission_id", "=", id)
      .where("section", "=", "population")
      .executeTakeFirstOrThrow();
    const population = JSON.parse(row.data);
    await saveSection(database, {
      submissionId: id,
      section: "population",
      data: { ...population, registeredPopulation: population.registeredPopulation + 1000 },
      updatedBy: actors["lead.kent"]!.id,
      at: new Date().toISOString(),
    });
    expect(await applyEvent(database, id, actors["lead.kent"]!, { type: "RESUBMIT", declaration: true })).toMatchObject({
      ok: true,
      state: "checkpoint1.in_review",
    });

    const page = await workspace("reviewer.one", id);
    expect(page.version?.number).toBe(2);
    expect(page.resubmission).toMatchObject({
      previousNumber: 1,
      requests: [
        {
          text: "Check the registered population",
          changed: true,
          field: { label: "Population and scope: Registered population", anchor: "answer-population-registeredPopulation" },
        },
        { text: "Say more about the contract", changed: false },
      ],
    });
    expect(page.comments.items.map((c) => [c.body, c.changedSince])).toEqual([
      ["Population looks low", true],
      ["Contract term fine", false],
    ]);
    expect(page.decisions).toMatchObject([{ number: 1, checkpoint: 1, decisionText: "Changes requested", confidence: "Amber" }]);
  });
});

describe("proposing a decision", () => {
  it("needs a rationale: 400 with the message, everything typed kept, nothing changed", async () => {
    const id = await inReview();
    const version = await versionOf(id);
    const trail = (await auditTrail(database, id)).length;
    const result = await post("reviewer.one", id, {
      intent: "propose",
      version: String(version),
      decision: "proceed",
      confidence: "green",
      rationale: "",
    });
    expect((result as Reply).init.status).toBe(400);
    expect(errorsOf(result).rationale).toEqual(["Give the rationale for the decision"]);
    expect((result as Reply).data.result.initialValue).toMatchObject({ decision: "proceed", confidence: "green" });
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.in_review", version });
    expect((await auditTrail(database, id)).length).toBe(trail);
  });

  it("needs a condition for 'proceed with conditions', and a field or criterion for each change request", async () => {
    const id = await inReview();
    const version = String(await versionOf(id));
    const base = { intent: "propose", version, confidence: "amber", rationale: "Because" };
    const noCondition = await post("reviewer.one", id, { ...base, decision: "proceed_with_conditions", "conditions[0].text": "" });
    expect(errorsOf(noCondition)["conditions[0].text"]).toEqual(["Write at least one condition for a decision to proceed with conditions"]);
    const untied = await post("reviewer.one", id, { ...base, decision: "changes_requested", "changeRequests[0].text": "Fix it" });
    expect(errorsOf(untied)["changeRequests[0].fieldPath"]).toEqual(["Choose the field or the criterion this change request is about"]);
    const badCriterion = await post("reviewer.one", id, {
      ...base,
      decision: "changes_requested",
      "changeRequests[0].text": "Fix it",
      "changeRequests[0].criterionId": "NOPE-1",
    });
    expect(errorsOf(badCriterion)["changeRequests[0].criterionId"]).toEqual(["Choose a criterion from the list"]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.in_review" });
  });

  it("adds and removes condition rows without JavaScript, saving nothing", async () => {
    const id = await inReview();
    const version = String(await versionOf(id));
    const added = await post("reviewer.one", id, {
      intent: "propose",
      version,
      decision: "proceed_with_conditions",
      "conditions[0].text": "First condition",
      __intent__: JSON.stringify({ type: "insert", payload: { name: "conditions" } }),
    });
    expect((added as Reply).init.status).toBe(200);
    const rows = ((added as Reply).data.result.initialValue as { conditions: unknown[] }).conditions;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ text: "First condition" });
    const removed = await post("reviewer.one", id, {
      intent: "propose",
      version,
      "conditions[0].text": "First condition",
      "conditions[1].text": "Second condition",
      __intent__: JSON.stringify({ type: "remove", payload: { name: "conditions", index: 0 } }),
    });
    expect(((removed as Reply).data.result.initialValue as { conditions: unknown[] }).conditions).toEqual([{ text: "Second condition" }]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.in_review" });
  });

  it("is refused to the second reviewer with the machine's reason, 403, state unchanged", async () => {
    const id = await inReview();
    const version = await versionOf(id);
    const result = await post("reviewer.two", id, {
      intent: "propose",
      version: String(version),
      decision: "proceed",
      confidence: "green",
      rationale: "Fine by me",
    });
    expect((result as Reply).init.status).toBe(403);
    expect(errorsOf(result)[""]).toEqual(["Only the lead reviewer assigned to this checkpoint can propose its decision."]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.in_review", version });
  });

  it("tells a reviewer working on an old copy that someone else changed it (409)", async () => {
    const id = await inReview();
    const version = await versionOf(id);
    const result = await post("reviewer.one", id, {
      intent: "propose",
      version: String(version - 1),
      decision: "proceed",
      confidence: "green",
      rationale: "Fine",
    });
    expect((result as Reply).init.status).toBe(409);
    expect(errorsOf(result)[""]![0]).toMatch(/^Someone else changed this submission/);
  });

  it("sends the lead reviewer's proposal, with its conditions, for countersigning", async () => {
    const id = await inReview();
    const result = (await post("reviewer.one", id, {
      intent: "propose",
      version: String(await versionOf(id)),
      decision: "proceed_with_conditions",
      confidence: "amber_green",
      rationale: "A credible case with one gap",
      "conditions[0].text": "Agree the acute risk share",
      "conditions[0].fieldPath": "finance.riskGainShare.description",
      "conditions[0].criterionId": "",
      "conditions[1].text": "",
      "changeRequests[0].text": "Ignored for this decision",
    })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(result)).toBe("Your proposed decision has been sent to the second reviewer to countersign.");
    const page = await workspace("reviewer.two", id);
    expect(page.submission.state).toBe("checkpoint1.awaiting_countersign");
    expect(page.proposal).toMatchObject({
      decision: "proceed_with_conditions",
      decisionText: "Proceed with conditions",
      confidence: "Amber/green",
      rationale: "A credible case with one gap",
      conditions: [{ text: "Agree the acute risk share", field: { fieldPath: "finance.riskGainShare.description" } }],
      changeRequests: [],
    });
    expect(page.canCountersign).toBe(true);
  });
});

describe("countersigning", () => {
  it("refuses the proposer with the reason, 403, and changes nothing (not even the audit trail)", async () => {
    const id = await inReview();
    await proposed(id);
    const before = await findSubmission(database, id);
    const trail = await auditTrail(database, id);
    const page = await workspace("reviewer.one", id);
    expect(page.countersignRefusal).toBe("You proposed this decision, so another reviewer must countersign it.");
    expect(page.canCountersign).toBe(false);

    const result = await post("reviewer.one", id, { intent: "countersign", version: String(before!.version), agree: "yes" });
    expect((result as Reply).init.status).toBe(403);
    expect(errorsOf(result)[""]).toEqual(["You proposed this decision, so another reviewer must countersign it."]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.awaiting_countersign", version: before!.version });
    expect(await auditTrail(database, id)).toEqual(trail);
  });

  it("refuses a reviewer who is not the second reviewer, and keeps a conflicted reviewer out of the review altogether", async () => {
    const conflictMessage = (footprint: string) =>
      `You have declared a conflict of interest with ${footprint}, so you cannot see its submissions. Ask a programme administrator if this is wrong.`;
    // Riley (reviewer.three) is conflicted with Greater Manchester: neither the workspace nor its forms.
    const manchester = await inReview({ lead: "lead.manchester" });
    await proposed(manchester);
    const hidden = await settle(() => workspace("reviewer.three", manchester));
    expect(hidden).toMatchObject({ init: { status: 403 }, data: conflictMessage("Greater Manchester") });
    const conflictedPost = await post("reviewer.three", manchester, {
      intent: "countersign",
      version: String(await versionOf(manchester)),
      agree: "yes",
    });
    expect(conflictedPost).toMatchObject({ init: { status: 403 }, data: conflictMessage("Greater Manchester") });
    expect(await findSubmission(database, manchester)).toMatchObject({ state: "checkpoint1.awaiting_countersign" });

    // A reviewer without a conflict who is not the second reviewer sees why they cannot countersign.
    const page = await workspace(
      "reviewer.three",
      await inReview({ lead: "lead.kent" }).then(async (id) => {
        await proposed(id);
        return id;
      }),
    );
    expect(page.countersignRefusal).toBe("Only the second reviewer assigned to this checkpoint can countersign its decision.");

    // A second reviewer who declares a conflict after being assigned may no longer countersign, or see it.
    const blackCountry = await inReview({ lead: "lead.blackcountry" });
    await proposed(blackCountry);
    await declareReviewerConflict(database, { userId: actors["reviewer.two"]!.id, footprintCode: "E54000016", reason: "Former employer" });
    const conflicted = await post("reviewer.two", blackCountry, {
      intent: "countersign",
      version: String(await versionOf(blackCountry)),
      agree: "yes",
    });
    expect(conflicted).toMatchObject({ init: { status: 403 }, data: conflictMessage("The Black Country and West Birmingham") });
    expect(await findSubmission(database, blackCountry)).toMatchObject({ state: "checkpoint1.awaiting_countersign" });
  });

  it("needs a reason to disagree, then sends the decision back to the lead reviewer", async () => {
    const id = await inReview();
    await proposed(id);
    const version = String(await versionOf(id));
    const noReason = await post("reviewer.two", id, { intent: "countersign", version, agree: "no", reason: " " });
    expect((noReason as Reply).init.status).toBe(400);
    expect(errorsOf(noReason).reason).toEqual(["Give your reason for disagreeing, so the lead reviewer can reconsider"]);
    const nothing = await post("reviewer.two", id, { intent: "countersign", version });
    expect(errorsOf(nothing).agree).toEqual(["Choose whether you agree with the proposed decision"]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.awaiting_countersign" });

    const disagreed = (await post("reviewer.two", id, {
      intent: "countersign",
      version,
      agree: "no",
      reason: "The hub populations do not add up",
    })) as Response;
    expect(disagreed.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(disagreed)).toBe(
      "You disagreed with the proposed decision. It has gone back to the lead reviewer with your reason.",
    );
    const page = await workspace("reviewer.one", id);
    expect(page.submission.state).toBe("checkpoint1.in_review");
    expect(page.disagreement).toMatchObject({ reason: "The hub populations do not add up" });
    expect(page.timeline[0]!.text).toBe(
      "Disagreed with the proposed decision and sent it back to the lead reviewer: The hub populations do not add up",
    );
  });

  it("makes the decision final when the second reviewer agrees", async () => {
    const id = await inReview();
    await proposed(id);
    const result = (await post("reviewer.two", id, {
      intent: "countersign",
      version: String(await versionOf(id)),
      agree: "yes",
    })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(result)).toBe("You countersigned the decision. It is now final.");
    expect(await findSubmission(database, id)).toMatchObject({ state: "procurement" });
    const page = await workspace("reviewer.two", id);
    expect(page.decisions).toMatchObject([{ number: 1, decisionText: "Proceed", confidence: "Amber/green" }]);
  });
});

describe("condition evidence", () => {
  async function withEvidence() {
    const id = await inReview();
    await proposed(id, "proceed_with_conditions");
    await applyEvent(database, id, actors["reviewer.two"]!, { type: "COUNTERSIGN", agree: true });
    const given = await applyEvent(database, id, actors["lead.kent"]!, {
      type: "SUBMIT_CONDITION_EVIDENCE",
      conditionId: "c1",
      evidence: "Signed by both boards",
    });
    expect(given).toMatchObject({ ok: true, state: "procurement" });
    return id;
  }

  const conditionOf = async (id: string) => (await findSubmission(database, id))!.workflow_snapshot.context.conditions[0];

  it("lets a signer reject the evidence with a reason, which the lead then sees", async () => {
    const id = await withEvidence();
    const page = await workspace("reviewer.one", id);
    expect(page.conditions).toMatchObject([
      { id: "c1", status: "evidence_submitted", evidence: "Signed by both boards", reviewRefusal: null },
    ]);

    const version = String(await versionOf(id));
    const noReason = await post("reviewer.one", id, { intent: "reject-condition", conditionId: "c1", version, reason: "" });
    expect((noReason as Reply).init.status).toBe(400);
    expect((noReason as Reply).data).toMatchObject({ form: "condition", conditionId: "c1" });
    expect(errorsOf(noReason).reason).toEqual(["Say why the evidence is not enough"]);

    const rejected = (await post("reviewer.one", id, {
      intent: "reject-condition",
      conditionId: "c1",
      version,
      reason: "The minutes are not attached",
    })) as Response;
    expect(rejected.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(rejected)).toBe(
      "You did not accept the evidence. The condition is open again, with your reason for the system lead.",
    );
    expect(await conditionOf(id)).toMatchObject({ status: "open", rejectionReason: "The minutes are not attached" });
  });

  it("lets a signer accept it, and refuses a reviewer who signed nothing", async () => {
    const id = await withEvidence();
    const version = String(await versionOf(id));
    const page = await workspace("reviewer.three", id);
    expect(page.conditions[0]!.reviewRefusal).toBe(
      "Only a reviewer who signed the decision that set this condition can judge its evidence.",
    );
    const refused = await post("reviewer.three", id, { intent: "accept-condition", conditionId: "c1", version });
    expect((refused as Reply).init.status).toBe(403);
    expect(errorsOf(refused)[""]).toEqual(["Only a reviewer who signed the decision that set this condition can judge its evidence."]);
    expect(await conditionOf(id)).toMatchObject({ status: "evidence_submitted" });

    const accepted = (await post("reviewer.two", id, { intent: "accept-condition", conditionId: "c1", version })) as Response;
    expect(accepted.headers.get("Location")).toBe(`/reviews/${id}`);
    expect(await flashOf(accepted)).toBe("You accepted the evidence. The condition is discharged.");
    expect(await conditionOf(id)).toMatchObject({ status: "discharged" });
  });

  it("refuses a post with no known intent as a bad request", async () => {
    const id = await inReview();
    const result = await post("reviewer.one", id, { intent: "explode" });
    expect(result).toMatchObject({ init: { status: 400 } });
  });
});
