import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, startSubmission } from "../../app/.server/assurance.ts";
import { createDb, type Db } from "../../db/client.ts";
import { findUserProfile } from "../../db/users.ts";
import { appRequest, context, formPost, prepareAppDatabase, runQueuedJobs, sessionCookieFor, settle } from "../support/app.ts";

/**
 * Every form answers a post with several mistakes by naming all of them at once (not the first,
 * nor the next only once that is fixed), and sends back what the person typed so the page keeps it.
 * Posts are what a browser without JavaScript sends; the reply is Conform's, as the page reads it.
 */

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
let draftId = "";

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["lead.manchester", "reviewer.one", "admin"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    ids[who] = (await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow()).id;
  }
  const lead = actorFrom((await findUserProfile(database, ids["lead.manchester"]!))!);
  const started = await startSubmission(database, lead, { footprintCode: "E54000007", title: "Salford MCP", modelType: "MCP" });
  if (!started.ok) throw new Error(started.reason);
  draftId = started.id;
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

type Reply = {
  init: { status: number };
  data: { result: { status: string; error: Record<string, string[] | null>; initialValue: Record<string, unknown> } };
};

type Action = (args: never) => Promise<unknown>;

async function post(action: Action, path: string, who: string, fields: Record<string, string>, params: Record<string, string> = {}) {
  const reply = (await settle(() =>
    action({ request: formPost(path, fields, { cookie: cookies[who] }), params, context } as never),
  )) as Reply;
  expect(reply.init?.status, JSON.stringify(reply)).toBe(400);
  return reply.data.result;
}

const routes = {
  pause: () => import("../../app/routes/submission-pause.tsx"),
  withdraw: () => import("../../app/routes/submission-withdraw.tsx"),
  check: () => import("../../app/routes/submission-check.tsx"),
  conditions: () => import("../../app/routes/submission-conditions.tsx"),
  assign: () => import("../../app/routes/submission-assign.tsx"),
  conflicts: () => import("../../app/routes/account-conflicts.tsx"),
  user: () => import("../../app/routes/admin-user.tsx"),
  criteria: () => import("../../app/routes/admin-criteria.tsx"),
  simulation: () => import("../../app/routes/admin-criteria-simulation.tsx"),
};

describe("pausing and resuming", () => {
  it("names a missing reason, a missing version and an unknown intent together", async () => {
    const { action } = await routes.pause();
    const result = await post(action, `/submissions/${draftId}/pause`, "admin", { intent: "halt", reason: " " }, { id: draftId });
    expect(result.error).toEqual({
      intent: ["Reload the page and try again"],
      reason: ["Enter the reason"],
      version: ["Reload the page and try again"],
    });
  });

  it("keeps the reason typed, cut to the field's 2,000 characters", async () => {
    const { action } = await routes.pause();
    const long = "Board cannot meet. ".repeat(120);
    const result = await post(
      action,
      `/submissions/${draftId}/pause`,
      "admin",
      { intent: "pause", reason: long, version: "1" },
      { id: draftId },
    );
    expect(result.error).toEqual({ reason: ["Reason must be 2,000 characters or fewer"] });
    expect(result.initialValue.reason).toBe(long.slice(0, 2000));
  });
});

describe("withdrawing", () => {
  it("names a missing reason and a missing version together, and keeps nothing the form does not have", async () => {
    const { action } = await routes.withdraw();
    const result = await post(action, `/submissions/${draftId}/withdraw`, "lead.manchester", { reason: "", forged: "x" }, { id: draftId });
    expect(result.error).toEqual({
      reason: ["Enter why the submission is being withdrawn"],
      version: ["Reload the page and try again"],
    });
    expect(result.initialValue).toEqual({});
  });

  it("keeps the reason typed when the version is wrong", async () => {
    const { action } = await routes.withdraw();
    const result = await post(
      action,
      `/submissions/${draftId}/withdraw`,
      "lead.manchester",
      { reason: "Started by mistake", version: "one" },
      { id: draftId },
    );
    expect(result.error).toEqual({ version: ["Reload the page and try again"] });
    expect(result.initialValue).toMatchObject({ reason: "Started by mistake" });
  });
});

describe("the declaration on check your answers", () => {
  it("names a missing declaration and a missing version together", async () => {
    const { action } = await routes.check();
    const result = await post(action, `/submissions/${draftId}/check`, "lead.manchester", {}, { id: draftId });
    expect(result.error).toEqual({
      declaration: ["Confirm the declaration before you submit"],
      version: ["Reload the page and try again"],
    });
  });

  it("keeps the tick when only the version is wrong", async () => {
    const { action } = await routes.check();
    const result = await post(action, `/submissions/${draftId}/check`, "lead.manchester", { declaration: "yes" }, { id: draftId });
    expect(result.initialValue).toMatchObject({ declaration: "yes" });
  });
});

describe("evidence for a condition", () => {
  it("names missing evidence, a missing condition and a missing version together", async () => {
    const { action } = await routes.conditions();
    const result = await post(action, `/submissions/${draftId}/conditions`, "lead.manchester", { evidence: "  " }, { id: draftId });
    expect(result.error).toEqual({
      conditionId: ["Reload the page and try again"],
      evidence: ["Describe the evidence that the condition has been met"],
      version: ["Reload the page and try again"],
    });
  });

  it("keeps the evidence typed, and which condition it was for", async () => {
    const { action } = await routes.conditions();
    const long = "e".repeat(5001);
    const result = await post(
      action,
      `/submissions/${draftId}/conditions`,
      "lead.manchester",
      { conditionId: "c1", evidence: long, version: "1" },
      { id: draftId },
    );
    expect(result.error).toEqual({ evidence: ["Evidence must be 5,000 characters or fewer"] });
    expect(result.initialValue).toMatchObject({ conditionId: "c1", evidence: long.slice(0, 5000) });
  });
});

describe("assigning reviewers", () => {
  it("names both missing reviewers and a missing version together", async () => {
    const { action } = await routes.assign();
    const result = await post(action, `/submissions/${draftId}/assign`, "admin", { intent: "assign" }, { id: draftId });
    expect(result.error).toEqual({
      leadReviewerId: ["Choose the lead reviewer"],
      secondReviewerId: ["Choose the second reviewer"],
      version: ["Reload the page and try again"],
    });
  });

  it("keeps the lead reviewer chosen when the second is missing", async () => {
    const { action } = await routes.assign();
    const result = await post(
      action,
      `/submissions/${draftId}/assign`,
      "admin",
      { intent: "check", leadReviewerId: ids["reviewer.one"]!, version: "1" },
      { id: draftId },
    );
    expect(result.error).toEqual({ secondReviewerId: ["Choose the second reviewer"] });
    expect(result.initialValue).toMatchObject({ intent: "check", leadReviewerId: ids["reviewer.one"] });
  });
});

describe("declaring your own conflict", () => {
  it("names a missing footprint and a reason too long together", async () => {
    const { action } = await routes.conflicts();
    const result = await post(action, "/account/conflicts", "reviewer.one", { intent: "declare", reason: "r".repeat(2001) });
    expect(result.error).toEqual({
      footprintCode: ["Select the footprint you have a conflict with"],
      reason: ["Reason must be 2,000 characters or fewer"],
    });
  });

  it("keeps the reason typed when the footprint is missing", async () => {
    const { action } = await routes.conflicts();
    const result = await post(action, "/account/conflicts", "reviewer.one", { intent: "declare", reason: "Worked for the CCG" });
    expect(result.initialValue).toMatchObject({ reason: "Worked for the CCG" });
  });
});

describe("an account's page", () => {
  it("names a missing footprint and a missing reason for a conflict together", async () => {
    const { action } = await routes.user();
    const id = ids["reviewer.one"]!;
    const result = await post(action, `/admin/users/${id}`, "admin", { intent: "record-conflict" }, { userId: id });
    expect(result.error).toEqual({
      conflictFootprint: ["Select the footprint they have a conflict with"],
      conflictReason: ["Enter the reason for the conflict"],
    });
  });

  it("keeps the footprints ticked when no role is chosen, and a deactivation reason that is too long", async () => {
    const { action } = await routes.user();
    const id = ids["reviewer.one"]!;
    const access = await post(action, `/admin/users/${id}`, "admin", { intent: "access", footprints: "E54000007" }, { userId: id });
    expect(access.error).toEqual({ role: ["Select a role"] });
    expect([access.initialValue.footprints].flat()).toEqual(["E54000007"]);
    const long = "d".repeat(2001);
    const deactivate = await post(
      action,
      `/admin/users/${id}`,
      "admin",
      { intent: "deactivate", deactivationReason: long },
      { userId: id },
    );
    expect(deactivate.error).toEqual({ deactivationReason: ["Reason must be 2,000 characters or fewer"] });
    expect(deactivate.initialValue.deactivationReason).toBe(long.slice(0, 2000));
  });
});

describe("criteria simulations", () => {
  it("keeps an unknown set as chosen while saying to choose one", async () => {
    const { action } = await routes.criteria();
    const result = await post(action, "/admin/criteria", "admin", { target: "1999-00" });
    expect(result.error).toEqual({ target: ["Choose the criteria set to simulate"] });
    expect(result.initialValue).toEqual({ target: "1999-00" });
  });

  it("names a missing choice of submissions and a missing reason together when moving them, and keeps the ticks", async () => {
    const criteria = await routes.criteria();
    const started = (await criteria.action({
      request: formPost("/admin/criteria", { target: "2016-17" }, { cookie: cookies.admin }),
      params: {},
      context,
    } as never)) as Response;
    const id = started.headers.get("Location")!.split("/").at(-1)!;
    await runQueuedJobs("criteria-simulation");
    const { action } = await routes.simulation();
    const path = `/admin/criteria/simulations/${id}`;
    const nothing = await post(action, path, "admin", {}, { id });
    expect(nothing.error).toEqual({
      scope: ["Choose which submissions to move"],
      reason: ["Enter the reason for moving them"],
    });
    // Ticks without a reason: the reason is asked for and the ticks kept.
    const ticked = await post(action, path, "admin", { scope: "chosen", submission: draftId }, { id });
    expect(ticked.error).toEqual({ reason: ["Enter the reason for moving them"] });
    expect([ticked.initialValue.submission].flat()).toEqual([draftId]);
    // Neither ticks nor a reason: both are said at once.
    const chosenNone = await post(action, path, "admin", { scope: "chosen" }, { id });
    expect(Object.keys(chosenNone.error).sort()).toEqual(["reason", "submission"]);
  });
});

describe("a page that only has buttons", () => {
  it("refuses a post it did not make, and a reviewer's post to an admin's form is refused before it is read", async () => {
    const { action } = await import("../../app/routes/notifications.tsx");
    const forged = (await settle(() =>
      action({ request: formPost("/notifications", { intent: "delete-all" }, { cookie: cookies.admin }), params: {}, context } as never),
    )) as { init: { status: number } };
    expect(forged.init.status).toBe(400);
    const { action: pause } = await routes.pause();
    const refused = (await settle(() =>
      pause({
        request: formPost(`/submissions/${draftId}/pause`, {}, { cookie: cookies["reviewer.one"] }),
        params: { id: draftId },
        context,
      } as never),
    )) as Response;
    expect(refused.status).toBe(403);
    expect(appRequest("/").method).toBe("GET");
  });
});
