import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, type NamedActor, startSubmission } from "../../app/.server/assurance.ts";
import { createDb, type Db } from "../../db/client.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const actors: Record<string, NamedActor> = {};

const PEOPLE = ["lead.kent", "reviewer.one", "reviewer.two", "reviewer.three", "admin"] as const;
type Who = (typeof PEOPLE)[number];

const args = (request: Request) => ({ request, params: {}, context }) as never;

async function adminPage(who: Who | null, search = "") {
  const { loader } = await import("../../app/routes/admin-workload.tsx");
  return settle(() => loader(args(appRequest(`/admin/workload${search}`, who ? { cookie: cookies[who] } : {}))));
}

async function ownPage(who: Who | null) {
  const { loader } = await import("../../app/routes/reviews-workload.tsx");
  return settle(() => loader(args(appRequest("/reviews/workload", who ? { cookie: cookies[who] } : {}))));
}

beforeAll(async () => {
  let url: string;
  ({ cleanup, url } = await prepareAppDatabase());
  database = createDb(url);
  for (const who of PEOPLE) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    const row = await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow();
    actors[who] = actorFrom((await findUserProfile(database, row.id))!);
  }
  // One Kent submission in review: Rowan (reviewer.one) leads, Robin (reviewer.two) seconds.
  const lead = actors["lead.kent"]!;
  const started = await startSubmission(database, lead, { footprintCode: "E54000032", title: "Medway MCP", modelType: "MCP" });
  if (!started.ok) throw new Error(started.reason);
  const content = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", checkpoint: 1 });
  for (const section of SECTION_SLUGS) {
    const data = (content as Record<string, unknown>)[section];
    if (data !== undefined)
      await saveSection(database, { submissionId: started.id, section, data, updatedBy: lead.id, at: new Date().toISOString() });
  }
  expect(await applyEvent(database, started.id, lead, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });
  expect(
    await applyEvent(database, started.id, actors.admin!, {
      type: "ASSIGN",
      leadReviewerId: actors["reviewer.one"]!.id,
      secondReviewerId: actors["reviewer.two"]!.id,
    }),
  ).toMatchObject({ ok: true });
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

describe("/admin/workload", () => {
  it("shows an administrator every reviewer's load, with a chart when there is more than one", async () => {
    const data = (await adminPage("admin")) as Awaited<ReturnType<typeof import("../../app/routes/admin-workload.tsx").loader>>;
    expect(data.rows.map((r) => [r.name, r.open])).toEqual([
      ["Robin Reviewer", 1],
      ["Rowan Reviewer", 1],
      ["Quinn Reviewer", 0],
      ["Riley Reviewer", 0],
    ]);
    const rowan = data.rows.find((r) => r.name === "Rowan Reviewer")!;
    expect(rowan).toMatchObject({
      breakdown: ["Checkpoint 1: 1 in review"],
      nextBreach: { title: "Medway MCP", as: "lead" },
      reassign: null,
      conflicts: [],
    });
    expect(rowan.nextBreach?.breachWords).toMatch(/^Reaches the target on \d{1,2} \w+ \d{4}$/);
    expect(data.rows.find((r) => r.name === "Riley Reviewer")!.conflicts).toEqual(["Greater Manchester"]);
    expect(data.chart?.layout.bars.map((b) => [b.label, b.valueText])).toEqual([
      ["Quinn Reviewer", "0"],
      ["Riley Reviewer", "0"],
      ["Robin Reviewer", "1"],
      ["Rowan Reviewer", "1"],
    ]);
  });

  it("sorts by a column from the address, and falls back to the default for anything else", async () => {
    const byName = (await adminPage("admin", "?sort=reviewer&dir=desc")) as { rows: { name: string }[]; order: unknown };
    expect(byName.rows.map((r) => r.name)).toEqual(["Rowan Reviewer", "Robin Reviewer", "Riley Reviewer", "Quinn Reviewer"]);
    const unknown = (await adminPage("admin", "?sort=password&dir=sideways")) as { order: unknown };
    expect(unknown.order).toEqual({ sort: "breach", dir: "asc" });
  });

  it("refuses reviewers and leads, and sends the signed-out to sign in", async () => {
    for (const who of ["reviewer.one", "lead.kent"] as const) expect(((await adminPage(who)) as Response).status).toBe(403);
    const anonymous = (await adminPage(null)) as Response;
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/admin/workload")}`);
  });
});

describe("/reviews/workload", () => {
  it("shows a reviewer their own load and nobody else's", async () => {
    const data = (await ownPage("reviewer.one")) as Awaited<ReturnType<typeof import("../../app/routes/reviews-workload.tsx").loader>>;
    expect(data.rows.map((r) => r.name)).toEqual(["Rowan Reviewer"]);
    expect(data.rows[0]!.reviews.map((r) => [r.title, r.as, r.stepWords])).toEqual([["Medway MCP", "lead", "in review"]]);
    // Nothing of the second reviewer on the same submission, or of anyone else, is sent.
    const sent = JSON.stringify(data);
    for (const other of ["reviewer.two", "reviewer.three"] as const) {
      expect(sent).not.toContain(actors[other]!.id);
      expect(sent).not.toContain(actors[other]!.name);
    }
    const riley = (await ownPage("reviewer.three")) as typeof data;
    expect(riley.rows.map((r) => [r.name, r.open])).toEqual([["Riley Reviewer", 0]]);
  });

  it("sends an administrator to everyone's workload, refuses a lead and sends the signed-out to sign in", async () => {
    const admin = (await ownPage("admin")) as Response;
    expect([admin.status, admin.headers.get("Location")]).toEqual([302, "/admin/workload"]);
    expect(((await ownPage("lead.kent")) as Response).status).toBe(403);
    const anonymous = (await ownPage(null)) as Response;
    expect(anonymous.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/reviews/workload")}`);
  });
});
