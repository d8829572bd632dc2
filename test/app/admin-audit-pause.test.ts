import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, startSubmission } from "../../app/.server/assurance.ts";
import { createDb, type Db } from "../../db/client.ts";
import { findSubmission } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { appRequest, context, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
let submissionId = "";

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["lead.kent", "reviewer.one", "admin"]) cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
  const leadId = (await database.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow())
    .id;
  const started = await startSubmission(database, actorFrom((await findUserProfile(database, leadId))!), {
    footprintCode: "E54000032",
    title: "Medway MCP",
    modelType: "MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  submissionId = started.id;
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;

describe("pause and resume (admins, with a reason)", () => {
  it("pauses with a reason, then resumes where it was", async () => {
    const { action } = await import("../../app/routes/submission-pause.tsx");
    const id = submissionId;
    const noReason = (await settle(() =>
      action(args(formPost(`/submissions/${id}/pause`, { intent: "pause", reason: " ", version: "1" }, { cookie: cookies.admin }), { id })),
    )) as {
      init: { status: number };
      data: { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } };
    };
    expect(noReason.init.status).toBe(400);
    expect(noReason.data.result.error).toEqual({ reason: ["Enter the reason"] });
    const paused = (await settle(() =>
      action(
        args(
          formPost(
            `/submissions/${id}/pause`,
            { intent: "pause", reason: "National intervention", version: "1" },
            { cookie: cookies.admin },
          ),
          { id },
        ),
      ),
    )) as Response;
    expect(paused.status).toBe(302);
    expect(await findSubmission(database, id)).toMatchObject({ state: "paused", whose_turn: "paused" });
    const resumed = (await settle(() =>
      action(
        args(formPost(`/submissions/${id}/pause`, { intent: "resume", reason: "Released", version: "2" }, { cookie: cookies.admin }), {
          id,
        }),
      ),
    )) as Response;
    expect(resumed.status).toBe(302);
    expect(await findSubmission(database, id)).toMatchObject({ state: "draft" });
  });

  it("is refused to reviewers and leads", async () => {
    const { loader, action } = await import("../../app/routes/submission-pause.tsx");
    const id = submissionId;
    for (const who of ["reviewer.one", "lead.kent"]) {
      expect(
        ((await settle(() => loader(args(appRequest(`/submissions/${id}/pause`, { cookie: cookies[who] }), { id })))) as Response).status,
      ).toBe(403);
      const post = (await settle(() =>
        action(
          args(formPost(`/submissions/${id}/pause`, { intent: "pause", reason: "x", version: "3" }, { cookie: cookies[who] }), { id }),
        ),
      )) as Response;
      expect(post.status).toBe(403);
    }
    expect(await findSubmission(database, id)).toMatchObject({ state: "draft", version: 3 });
  });
});

describe("the audit log page", () => {
  it("lists entries filtered by submission and action, for admins only", async () => {
    const { loader } = await import("../../app/routes/admin-audit.tsx");
    const all = await loader(args(appRequest(`/admin/audit?submission=${submissionId}`, { cookie: cookies.admin })));
    expect(all.entries.map((e) => e.action)).toEqual(["RESUME", "PAUSE", "CREATE"]);
    const pauses = await loader(args(appRequest(`/admin/audit?submission=${submissionId}&action=PAUSE`, { cookie: cookies.admin })));
    expect(pauses.entries.map((e) => e.description)).toEqual(["Paused the submission: National intervention"]);
    const junk = await loader(
      args(
        appRequest(`/admin/audit?from=yesterday&page=-4&action=${encodeURIComponent("'; drop table audit_event; --")}`, {
          cookie: cookies.admin,
        }),
      ),
    );
    expect(junk.entries).toEqual([]);
    expect(junk.page).toBe(1);
    for (const who of ["reviewer.one", "lead.kent"]) {
      expect(((await settle(() => loader(args(appRequest("/admin/audit", { cookie: cookies[who] }))))) as Response).status).toBe(403);
    }
  });

  it("verifies the chains on request and reports the first broken link", async () => {
    const { action } = await import("../../app/routes/admin-audit.tsx");
    const intact = await action(args(formPost("/admin/audit", {}, { cookie: cookies.admin })));
    expect(intact.verdict).toMatchObject({ intact: true });
    await sql`drop trigger audit_event_no_update`.execute(database);
    await database.updateTable("audit_event").set({ payload: "{}" }).where("chain", "=", submissionId).where("seq", "=", 2).execute();
    const broken = await action(args(formPost("/admin/audit", {}, { cookie: cookies.admin })));
    expect(broken.verdict).toMatchObject({ intact: false, firstBroken: { chain: submissionId, seq: 2 } });
    const refused = (await settle(() => action(args(formPost("/admin/audit", {}, { cookie: cookies["reviewer.one"] }))))) as Response;
    expect(refused.status).toBe(403);
  });
});
