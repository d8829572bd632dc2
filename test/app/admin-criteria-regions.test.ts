import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { createDb, type Db } from "../../db/client.ts";
import { appRequest, context, formPost, prepareAppDatabase, runQueuedJobs, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  await seedDemoSubmissions(database);
  for (const who of ["lead.kent", "reviewer.one", "admin"]) cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
}, 120_000);
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;
type Returned = { init: { status: number } | null; data: Record<string, any> };

describe("the pipeline by region", () => {
  it("is read by admins and reviewers, never by leads", async () => {
    const { loader } = await import("../../app/routes/pipeline-regions.tsx");
    for (const who of ["admin", "reviewer.one"]) {
      const view = (await loader(args(appRequest("/pipeline/regions", { cookie: cookies[who] })))) as {
        stages: unknown[];
        regions: unknown[];
      };
      expect(view.regions).toHaveLength(7);
      expect(view.stages.length).toBeGreaterThan(8);
    }
    const lead = (await settle(() => loader(args(appRequest("/pipeline/regions", { cookie: cookies["lead.kent"] }))))) as Response;
    expect(lead.status).toBe(403);
  });

  it("shows the criteria failing most in the region asked for", async () => {
    const { loader } = await import("../../app/routes/pipeline-regions.tsx");
    const region = (await database.selectFrom("region").select("code").where("name", "=", "Midlands").executeTakeFirstOrThrow()).code;
    const view = (await loader(args(appRequest(`/pipeline/regions?failing=${region}`, { cookie: cookies.admin })))) as {
      failing: { regionName: string };
    };
    expect(view.failing.regionName).toBe("Midlands");
  });
});

describe("criteria publishing (admins only)", () => {
  it("lists every set and criterion to admins and refuses reviewers and leads, loader and action", async () => {
    const { loader, action } = await import("../../app/routes/admin-criteria.tsx");
    const view = (await loader(args(appRequest("/admin/criteria", { cookie: cookies.admin })))) as {
      sets: { id: string; criteria: unknown[]; pinned: number }[];
    };
    expect(view.sets.map((s) => s.id)).toEqual(["2016-17", "2017-19"]);
    expect(view.sets.map((s) => s.criteria.length)).toEqual([41, 40]);
    expect(view.sets[1]!.pinned).toBeGreaterThan(0);
    for (const who of ["reviewer.one", "lead.kent"]) {
      expect(((await settle(() => loader(args(appRequest("/admin/criteria", { cookie: cookies[who] }))))) as Response).status).toBe(403);
      const post = (await settle(() =>
        action(args(formPost("/admin/criteria", { target: "2016-17" }, { cookie: cookies[who] }))),
      )) as Response;
      expect(post.status).toBe(403);
    }
    expect(await database.selectFrom("criteria_simulation").selectAll().execute()).toEqual([]);
  });

  it("asks for a target set, runs the simulation, shows its findings, and moves chosen submissions with a reason", async () => {
    const criteria = await import("../../app/routes/admin-criteria.tsx");
    const page = await import("../../app/routes/admin-criteria-simulation.tsx");
    const missing = (await settle(() => criteria.action(args(formPost("/admin/criteria", {}, { cookie: cookies.admin }))))) as Returned;
    expect(missing.init?.status).toBe(400);
    expect(missing.data.result.error).toEqual({ target: ["Choose the criteria set to simulate"] });

    const started = (await criteria.action(
      args(formPost("/admin/criteria", { target: "2016-17" }, { cookie: cookies.admin })),
    )) as Response;
    expect(started.status).toBe(302);
    const id = started.headers.get("Location")!.split("/").at(-1)!;
    await runQueuedJobs("criteria-simulation");
    const done = (await page.loader(args(appRequest(`/admin/criteria/simulations/${id}`, { cookie: cookies.admin }), { id }))) as {
      simulation: { status: string; percent: number; result: { affected: number; listed: { id: string }[] } };
    };
    expect(done.simulation).toMatchObject({ status: "done", percent: 100 });
    expect(done.simulation.result.affected).toBeGreaterThan(0);

    // Reviewers cannot see or act on it; an unknown simulation is not found.
    const asReviewer = (await settle(() =>
      page.loader(args(appRequest(`/admin/criteria/simulations/${id}`, { cookie: cookies["reviewer.one"] }), { id })),
    )) as Response;
    expect(asReviewer.status).toBe(403);
    const unknown = (await settle(() =>
      page.loader(args(appRequest("/admin/criteria/simulations/nope", { cookie: cookies.admin }), { id: "nope" })),
    )) as Returned;
    expect(unknown.init?.status).toBe(404);

    // No reason and nothing ticked: both said, what was typed kept, nothing moved.
    const target = done.simulation.result.listed[0]!.id;
    const refused = (await page.action(
      args(formPost(`/admin/criteria/simulations/${id}`, { scope: "chosen", reason: "  " }, { cookie: cookies.admin }), { id }),
    )) as Returned;
    expect(refused.init?.status).toBe(400);
    expect(Object.keys(refused.data.result.error).sort()).toEqual(["reason", "submission"]);
    expect(refused.data.result.initialValue.scope).toBe("chosen");
    expect(
      (await database.selectFrom("submission").select("criteria_set").where("id", "=", target).executeTakeFirstOrThrow()).criteria_set,
    ).toBe("2017-19");

    const body = new URLSearchParams([
      ["scope", "chosen"],
      ["submission", target],
      ["reason", "Pilot of the older rules"],
    ]);
    const moved = (await page.action(
      args(appRequest(`/admin/criteria/simulations/${id}`, { method: "POST", body, cookie: cookies.admin }), { id }),
    )) as Response;
    expect(moved.status).toBe(302);
    expect(moved.headers.get("Location")).toBe(`/admin/criteria/simulations/${id}?moved=1`);
    expect(
      (await database.selectFrom("submission").select("criteria_set").where("id", "=", target).executeTakeFirstOrThrow()).criteria_set,
    ).toBe("2016-17");
  });
});
