import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent } from "../../app/.server/assurance.ts";
import { createDb, type Db } from "../../db/client.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { nationalClockKey } from "../../workflows/clock.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, flashOf, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let url = "";
let database: Db;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  ({ cleanup, url } = await prepareAppDatabase());
  database = createDb(url);
  for (const who of ["lead.kent", "lead.manchester", "reviewer.one", "reviewer.two", "admin"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
  }
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;

async function actorOf(email: string) {
  const row = await database.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(database, row.id))!);
}

async function startAs(who: string, fields: Record<string, string>) {
  const { action } = await import("../../app/routes/submissions.new.tsx");
  return (await settle(() => action(args(formPost("/submissions/new", fields, { cookie: cookies[who] }))))) as Response;
}

async function newKentSubmission(title = "Kent and Medway MCP") {
  const response = await startAs("lead.kent", { footprintCode: "E54000032", modelType: "MCP", title });
  return response.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
}

async function fillWithExample(id: string, checkpoint: 1 | 2 | 3 = 1) {
  const lead = await actorOf("lead.kent@example.nhs.uk");
  const content = exampleSubmission({
    modelType: "MCP",
    footprintName: "Kent and Medway",
    footprintCode: "E54000032",
    checkpoint,
    seed: 7,
  }) as Record<string, unknown>;
  for (const section of SECTION_SLUGS) {
    if (content[section] !== undefined)
      await saveSection(database, { submissionId: id, section, data: content[section], updatedBy: lead.id, at: new Date().toISOString() });
  }
}

describe("starting a submission", () => {
  it("starts a draft for the lead's footprint and opens its task list", async () => {
    const response = await startAs("lead.kent", { footprintCode: "E54000032", modelType: "PACS", title: "West Kent PACS" });
    expect(response.status).toBe(302);
    const id = response.headers.get("Location")!.match(/^\/submissions\/([^?]+)$/)![1]!;
    expect(await flashOf(response)).toBe("Your draft has been started. Nothing is sent to the national team until you submit it.");
    expect(await findSubmission(database, id)).toMatchObject({
      title: "West Kent PACS",
      model_type: "PACS",
      state: "draft",
      footprint_code: "E54000032",
    });
  });

  it("asks for the model type and title when they are missing", async () => {
    const result = (await startAs("lead.kent", { footprintCode: "E54000032" })) as unknown as {
      data: { error: Record<string, string[]> };
      init: { status: number };
    };
    expect(result.init.status).toBe(400);
    expect(result.data.error.modelType).toEqual(["Select the type of care model"]);
    expect(result.data.error.title).toEqual(["Enter a title for the proposal"]);
  });

  it("refuses a footprint the lead does not belong to", async () => {
    const result = (await startAs("lead.kent", { footprintCode: "E54000007", modelType: "MCP", title: "Not mine" })) as unknown as {
      init: { status: number };
    };
    expect(result.init.status).toBe(403);
    expect(await database.selectFrom("submission").select("id").where("footprint_code", "=", "E54000007").execute()).toEqual([]);
  });

  it("is for leads only", async () => {
    const { loader } = await import("../../app/routes/submissions.new.tsx");
    const result = (await settle(() => loader(args(appRequest("/submissions/new", { cookie: cookies["reviewer.one"] }))))) as Response;
    expect(result.status).toBe(403);
  });
});

describe("the lists and the task list", () => {
  it("shows a lead only their own footprints' submissions", async () => {
    const kentId = await newKentSubmission("Listed for Kent");
    const { loader } = await import("../../app/routes/submissions.tsx");
    const kent = await loader(args(appRequest("/submissions", { cookie: cookies["lead.kent"] })));
    const manchester = await loader(args(appRequest("/submissions", { cookie: cookies["lead.manchester"] })));
    expect(kent.submissions.map((s) => s.id)).toContain(kentId);
    expect(kent.submissions.every((s) => s.footprintCode === "E54000032")).toBe(true);
    expect(manchester.submissions.map((s) => s.id)).not.toContain(kentId);
  });

  it("shows the task list with each section's status from the checks, and 404 to another footprint's lead", async () => {
    const id = await newKentSubmission();
    const { loader } = await import("../../app/routes/submission.tsx");
    const page = await loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["lead.kent"] }), { id }));
    expect(page.sections.map((s) => [s.slug, s.status])).toEqual([
      ["about", expect.stringMatching(/in_progress|has_failing_checks/)],
      ["population", "not_started"],
      ["contract", "not_started"],
      ["finance", expect.any(String)],
      ["outcomes", expect.any(String)],
      ["enablers", expect.any(String)],
      ["governance", "not_started"],
      ["evidence", expect.any(String)],
    ]);
    expect(page.canSubmit).toBe(true);
    expect(page.timeline.map((e) => e.text)).toEqual(["Started the draft"]);

    const other = await settle(() => loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["lead.manchester"] }), { id })));
    expect(other).toMatchObject({ init: { status: 404 } });
    const unknown = await settle(() => loader(args(appRequest("/submissions/nope", { cookie: cookies["lead.kent"] }), { id: "nope" })));
    expect(unknown).toMatchObject({ init: { status: 404 } });
    // Reviewers see every submission (the pipeline) but cannot submit it.
    const reviewer = await loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["reviewer.one"] }), { id }));
    expect(reviewer.canSubmit).toBe(false);
  });
});

describe("check your answers and submit", () => {
  it("lists the blocking failures with links to the exact fields, and refuses to submit", async () => {
    const id = await newKentSubmission();
    const { loader, action } = await import("../../app/routes/submission-check.tsx");
    const page = await loader(args(appRequest(`/submissions/${id}/check`, { cookie: cookies["lead.kent"] }), { id }));
    expect(page.blocking.length).toBeGreaterThan(0);
    const commissioners = page.blocking.find((b) => b.id === "ISAP-07");
    expect(commissioners?.link).toBe(`/submissions/${id}/sections/about?field=${encodeURIComponent("about.commissioners")}`);

    const result = (await settle(() =>
      action(args(formPost(`/submissions/${id}/check`, { declaration: "yes", version: "1" }, { cookie: cookies["lead.kent"] }), { id })),
    )) as { data: { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } }; init: { status: number } };
    expect(result.init.status).toBe(403);
    expect(result.data.result.error[""]?.[0]).toMatch(/blocking checks? (is|are) still failing/);
    expect(await findSubmission(database, id)).toMatchObject({ state: "draft" });
  });

  it("needs the declaration, then submits, freezes version 1 and says what happens next", async () => {
    const id = await newKentSubmission();
    await fillWithExample(id);
    const { loader, action } = await import("../../app/routes/submission-check.tsx");
    const page = await loader(args(appRequest(`/submissions/${id}/check`, { cookie: cookies["lead.kent"] }), { id }));
    expect(page.blocking).toEqual([]);
    // Practices read as a table of rows in the form's words, not one row per sub-field.
    const population = page.sections.find((s) => s.slug === "population")!.blocks;
    const practices = population.find((b) => b.kind === "table" && b.fieldPath === "population.practices");
    expect(practices).toMatchObject({ label: "Participating GP practices", columns: ["Practice name", "ODS code", "List size"] });
    expect(JSON.stringify(page.sections)).not.toMatch(/fully_integrated|new_nhs_trust|general_practice|Practices 1:/);

    const noDeclaration = (await settle(() =>
      action(args(formPost(`/submissions/${id}/check`, { version: "1" }, { cookie: cookies["lead.kent"] }), { id })),
    )) as { data: { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } }; init: { status: number } };
    expect(noDeclaration.init.status).toBe(400);
    expect(noDeclaration.data.result.error).toEqual({ declaration: ["Confirm the declaration before you submit"] });

    const stale = (await settle(() =>
      action(args(formPost(`/submissions/${id}/check`, { declaration: "yes", version: "0" }, { cookie: cookies["lead.kent"] }), { id })),
    )) as { init: { status: number } };
    expect(stale.init.status).toBe(409);

    const submitted = (await settle(() =>
      action(args(formPost(`/submissions/${id}/check`, { declaration: "yes", version: "1" }, { cookie: cookies["lead.kent"] }), { id })),
    )) as Response;
    expect(submitted.status).toBe(302);
    expect(submitted.headers.get("Location")).toBe(`/submissions/${id}/submitted?version=1`);
    const row = (await findSubmission(database, id))!;
    expect(row).toMatchObject({ state: "checkpoint1.awaiting_assignment", whose_turn: "national", region_code: "SE" });
    // The pipeline's stored clock key, written with the transition, is the pure clock's.
    expect(row.national_clock_key).toBeCloseTo(
      nationalClockKey({ whoseTurn: "national", nationalDaysUsed: row.national_days_used, stateEnteredAt: row.state_entered_at })!,
      9,
    );

    const { loader: confirmation } = await import("../../app/routes/submission-submitted.tsx");
    expect(
      await confirmation(args(appRequest(`/submissions/${id}/submitted?version=1`, { cookie: cookies["lead.kent"] }), { id })),
    ).toMatchObject({
      checkpoint: 1,
      version: 1,
    });
  });

  it("refuses a submit posted by another footprint's lead with 404 and by a reviewer with a reason", async () => {
    const id = await newKentSubmission();
    await fillWithExample(id);
    const { action } = await import("../../app/routes/submission-check.tsx");
    const other = await settle(() =>
      action(
        args(formPost(`/submissions/${id}/check`, { declaration: "yes", version: "1" }, { cookie: cookies["lead.manchester"] }), { id }),
      ),
    );
    expect(other).toMatchObject({ init: { status: 404 } });
    const reviewer = (await settle(() =>
      action(args(formPost(`/submissions/${id}/check`, { declaration: "yes", version: "1" }, { cookie: cookies["reviewer.one"] }), { id })),
    )) as { data: { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } }; init: { status: number } };
    expect(reviewer.init.status).toBe(403);
    expect(reviewer.data.result.error[""]).toEqual(["Only a system lead of this submission's footprint can submit it."]);
    expect(await findSubmission(database, id)).toMatchObject({ state: "draft", version: 1 });
  });
});

describe("change requests, conditions and withdrawal", () => {
  async function submittedAndAssigned() {
    const id = await newKentSubmission();
    await fillWithExample(id);
    const lead = await actorOf("lead.kent@example.nhs.uk");
    const [one, two, admin] = await Promise.all(["reviewer.one", "reviewer.two", "admin"].map((w) => actorOf(`${w}@example.nhs.uk`)));
    await applyEvent(database, id, lead, { type: "SUBMIT", declaration: true });
    await applyEvent(database, id, admin!, { type: "ASSIGN", leadReviewerId: one!.id, secondReviewerId: two!.id });
    return { id, lead, one: one!, two: two! };
  }

  it("shows each change request with its field, and marks it changed once the lead edits that field", async () => {
    const { id, lead, one, two } = await submittedAndAssigned();
    await applyEvent(database, id, one, {
      type: "PROPOSE_DECISION",
      decision: "changes_requested",
      confidence: "amber",
      rationale: "Population figures need work",
      changeRequests: [{ id: "r1", text: "Check the registered population", fieldPath: "population.registeredPopulation" }],
    });
    await applyEvent(database, id, two, { type: "COUNTERSIGN", agree: true });

    const { loader } = await import("../../app/routes/submission.tsx");
    const before = await loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["lead.kent"] }), { id }));
    expect(before.changeRequests).toEqual([
      expect.objectContaining({
        text: "Check the registered population",
        link: `/submissions/${id}/sections/population?field=population.registeredPopulation`,
        changed: false,
      }),
    ]);
    const rows = await database
      .selectFrom("submission_section")
      .select("data")
      .where("submission_id", "=", id)
      .where("section", "=", "population")
      .executeTakeFirstOrThrow();
    const population = JSON.parse(rows.data);
    await saveSection(database, {
      submissionId: id,
      section: "population",
      data: { ...population, registeredPopulation: population.registeredPopulation + 1000 },
      updatedBy: lead.id,
      at: new Date().toISOString(),
    });
    const after = await loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["lead.kent"] }), { id }));
    expect(after.changeRequests[0]!.changed).toBe(true);
    expect(after.canSubmit).toBe(true);
  });

  it("shows the lead the comments shared with them, never the internal ones", async () => {
    const { id, one } = await submittedAndAssigned();
    const { addComment } = await import("../../db/reviews.ts");
    const at = new Date().toISOString();
    await addComment(database, {
      submissionId: id,
      checkpoint: 1,
      versionNumber: 1,
      authorId: one.id,
      visibility: "shared",
      fieldPath: "population.hubs",
      body: "Say how hubs were drawn",
      at,
    });
    await addComment(database, {
      submissionId: id,
      checkpoint: 1,
      versionNumber: 1,
      authorId: one.id,
      visibility: "internal",
      fieldPath: null,
      body: "Finance looks thin",
      at,
    });
    const { loader } = await import("../../app/routes/submission.tsx");
    const lead = await loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["lead.kent"] }), { id }));
    expect(lead.comments.map((c) => [c.body, c.link])).toEqual([
      ["Say how hubs were drawn", `/submissions/${id}/sections/population?field=population.hubs`],
    ]);
    const reviewer = await loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["reviewer.two"] }), { id }));
    expect(reviewer.comments.map((c) => c.body)).toEqual(["Say how hubs were drawn", "Finance looks thin"]);
  });

  it("lets the lead give evidence for a condition, and refuses a reviewer doing it", async () => {
    const { id, one, two } = await submittedAndAssigned();
    await applyEvent(database, id, one, {
      type: "PROPOSE_DECISION",
      decision: "proceed_with_conditions",
      confidence: "amber_green",
      rationale: "Good, with one condition",
      conditions: [{ id: "c1", text: "Agree the acute risk share" }],
    });
    await applyEvent(database, id, two, { type: "COUNTERSIGN", agree: true });
    const row = await findSubmission(database, id);
    // Before the button: the check page and the task list say submitting waits for the condition.
    const open = "1 condition from the last checkpoint has not been discharged yet. It must be before the next checkpoint.";
    const check = await import("../../app/routes/submission-check.tsx");
    const checkPage = await check.loader(args(appRequest(`/submissions/${id}/check`, { cookie: cookies["lead.kent"] }), { id }));
    expect(checkPage.canSubmit).toBe(false);
    expect(checkPage.notYet[0]).toBe(open);
    const taskList = await import("../../app/routes/submission.tsx");
    const tasks = await taskList.loader(args(appRequest(`/submissions/${id}`, { cookie: cookies["lead.kent"] }), { id }));
    expect(tasks.nextSteps.startsWith(open)).toBe(true);
    const { action } = await import("../../app/routes/submission-conditions.tsx");
    const reviewer = (await settle(() =>
      action(
        args(
          formPost(
            `/submissions/${id}/conditions`,
            { conditionId: "c1", evidence: "x", version: String(row!.version) },
            { cookie: cookies["reviewer.one"] },
          ),
          { id },
        ),
      ),
    )) as { init: { status: number }; data: { error: string } };
    expect(reviewer.init.status).toBe(403);
    const empty = (await settle(() =>
      action(
        args(
          formPost(
            `/submissions/${id}/conditions`,
            { conditionId: "c1", evidence: " ", version: String(row!.version) },
            { cookie: cookies["lead.kent"] },
          ),
          { id },
        ),
      ),
    )) as { init: { status: number }; data: { error: string } };
    expect(empty.init.status).toBe(400);
    const ok = (await settle(() =>
      action(
        args(
          formPost(
            `/submissions/${id}/conditions`,
            { conditionId: "c1", evidence: "Signed by both boards", version: String(row!.version) },
            { cookie: cookies["lead.kent"] },
          ),
          { id },
        ),
      ),
    )) as Response;
    expect(ok.status).toBe(302);
    // It confirms itself on the page it returns to, as every other action does.
    expect(await flashOf(ok)).toBe("Your evidence has been sent to the reviewers.");
    const snapshot = (await findSubmission(database, id))!.workflow_snapshot;
    expect(snapshot.context.conditions[0]).toMatchObject({ status: "evidence_submitted", evidence: "Signed by both boards" });
  });

  it("withdraws with a reason after confirmation; another footprint's lead gets 404", async () => {
    const id = await newKentSubmission();
    const { loader, action } = await import("../../app/routes/submission-withdraw.tsx");
    expect(
      await settle(() => loader(args(appRequest(`/submissions/${id}/withdraw`, { cookie: cookies["lead.manchester"] }), { id }))),
    ).toMatchObject({
      init: { status: 404 },
    });
    const noReason = (await settle(() =>
      action(args(formPost(`/submissions/${id}/withdraw`, { reason: "", version: "1" }, { cookie: cookies["lead.kent"] }), { id })),
    )) as { init: { status: number }; data: { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } } };
    expect(noReason.data.result.error).toEqual({ reason: ["Enter why the submission is being withdrawn"] });
    const done = (await settle(() =>
      action(
        args(formPost(`/submissions/${id}/withdraw`, { reason: "Alliance route chosen", version: "1" }, { cookie: cookies["lead.kent"] }), {
          id,
        }),
      ),
    )) as Response;
    expect(done.headers.get("Location")).toBe("/submissions");
    expect(await flashOf(done)).toBe("The submission was withdrawn. Its history is kept.");
    expect(await findSubmission(database, id)).toMatchObject({ state: "withdrawn" });

    // Sent again from the page they had (a double click, a retry after a dropped connection): told
    // it changed, and the page renders saying why there is no form, rather than a 403 page.
    const again = (await settle(() =>
      action(args(formPost(`/submissions/${id}/withdraw`, { reason: "Again", version: "1" }, { cookie: cookies["lead.kent"] }), { id })),
    )) as { init: { status: number }; data: { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } } };
    expect(again.init.status).toBe(409);
    expect(again.data.result.error[""]?.[0]).toMatch(/^Someone else changed this submission/);
    const page = await loader(args(appRequest(`/submissions/${id}/withdraw`, { cookie: cookies["lead.kent"] }), { id }));
    expect(page.notNow).toBe("The submission is closed, so nothing more can be done to it.");
  });
});
