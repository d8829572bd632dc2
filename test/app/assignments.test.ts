import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission } from "../../app/.server/assurance.ts";
import { createDb, type Db } from "../../db/client.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["lead.manchester", "reviewer.one", "reviewer.two", "reviewer.three", "admin"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    ids[who] = (await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow()).id;
  }
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;

async function submittedManchester() {
  const lead = actorFrom((await findUserProfile(database, ids["lead.manchester"]!))!);
  const started = await startSubmission(database, lead, { footprintCode: "E54000007", title: "Salford MCP", modelType: "MCP" });
  if (!started.ok) throw new Error(started.reason);
  const content = exampleSubmission({
    modelType: "MCP",
    footprintName: "Greater Manchester",
    footprintCode: "E54000007",
    seed: 11,
  }) as Record<string, unknown>;
  for (const s of SECTION_SLUGS) {
    if (content[s] !== undefined)
      await saveSection(database, {
        submissionId: started.id,
        section: s,
        data: content[s],
        updatedBy: lead.id,
        at: new Date().toISOString(),
      });
  }
  await applyEvent(database, started.id, lead, { type: "SUBMIT", declaration: true });
  return started.id;
}

describe("assigning reviewers", () => {
  it("lists submissions waiting for reviewers to admins only", async () => {
    const id = await submittedManchester();
    const { loader } = await import("../../app/routes/admin-assignments.tsx");
    const page = await loader(args(appRequest("/admin/assignments", { cookie: cookies.admin })));
    expect(page.queue.map((q) => q.id)).toContain(id);
    for (const who of ["reviewer.one", "lead.manchester"]) {
      const refused = (await settle(() => loader(args(appRequest("/admin/assignments", { cookie: cookies[who] }))))) as Response;
      expect(refused.status).toBe(403);
    }
  });

  it("shows, before choosing, who cannot review and why", async () => {
    const id = await submittedManchester();
    const { loader } = await import("../../app/routes/submission-assign.tsx");
    const page = await loader(args(appRequest(`/submissions/${id}/assign`, { cookie: cookies.admin }), { id }));
    expect(page.reviewers.find((r) => r.id === ids["reviewer.three"])?.blockedBecause).toBe("Declared a conflict with this footprint");
    expect(page.reviewers.find((r) => r.id === ids["reviewer.one"])?.blockedBecause).toBeNull();
    // Each reviewer is told apart by their email, and the page is waiting for them.
    expect(page.reviewers.find((r) => r.id === ids["reviewer.one"])?.email).toBe("reviewer.one@example.nhs.uk");
    expect(page).toMatchObject({ waiting: true, notNow: null, submission: { checkpoint: 1 } });
  });

  it("says why a draft cannot have reviewers yet, instead of a checkpoint it does not have", async () => {
    const started = await startSubmission(database, actorFrom((await findUserProfile(database, ids["lead.manchester"]!))!), {
      footprintCode: "E54000007",
      title: "Manchester draft",
      modelType: "PACS",
    });
    if (!started.ok) throw new Error(started.reason);
    const { loader } = await import("../../app/routes/submission-assign.tsx");
    const page = await loader(args(appRequest(`/submissions/${started.id}/assign`, { cookie: cookies.admin }), { id: started.id }));
    expect(page).toMatchObject({
      waiting: false,
      notNow: "Reviewers are assigned only when a checkpoint is waiting for them.",
      submission: { checkpoint: null },
    });
  });

  it("runs the conflict check without assigning, and explains a block", async () => {
    const id = await submittedManchester();
    const { action } = await import("../../app/routes/submission-assign.tsx");
    const post = (fields: Record<string, string>) =>
      settle(() =>
        action(args(formPost(`/submissions/${id}/assign`, { version: "2", ...fields }, { cookie: cookies.admin }), { id })),
      ) as Promise<{
        data: { check?: { ok: boolean; message: string } };
      }>;
    const blocked = await post({ intent: "check", leadReviewerId: ids["reviewer.three"]!, secondReviewerId: ids["reviewer.one"]! });
    expect(blocked.data.check).toEqual({
      ok: false,
      message: "Riley Reviewer has declared a conflict with this footprint, so cannot be the lead reviewer.",
    });
    const same = await post({ intent: "check", leadReviewerId: ids["reviewer.one"]!, secondReviewerId: ids["reviewer.one"]! });
    expect(same.data.check?.message).toBe("Choose two different reviewers: the same person cannot be both lead and second reviewer.");
    const clear = await post({ intent: "check", leadReviewerId: ids["reviewer.one"]!, secondReviewerId: ids["reviewer.two"]! });
    expect(clear.data.check?.ok).toBe(true);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.awaiting_assignment", version: 2 });
  });

  it("assigns a clear pair, and refuses a conflicted one or a stale page", async () => {
    const id = await submittedManchester();
    const { action } = await import("../../app/routes/submission-assign.tsx");
    const post = (cookie: string, fields: Record<string, string>) =>
      settle(() => action(args(formPost(`/submissions/${id}/assign`, { intent: "assign", ...fields }, { cookie }), { id })));

    const conflicted = (await post(cookies.admin!, {
      version: "2",
      leadReviewerId: ids["reviewer.one"]!,
      secondReviewerId: ids["reviewer.three"]!,
    })) as { init: { status: number } };
    expect(conflicted.init.status).toBe(403);
    const stale = (await post(cookies.admin!, {
      version: "1",
      leadReviewerId: ids["reviewer.one"]!,
      secondReviewerId: ids["reviewer.two"]!,
    })) as { init: { status: number } };
    expect(stale.init.status).toBe(409);
    const byReviewer = (await post(cookies["reviewer.one"]!, {
      version: "2",
      leadReviewerId: ids["reviewer.one"]!,
      secondReviewerId: ids["reviewer.two"]!,
    })) as Response;
    expect(byReviewer.status).toBe(403);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.awaiting_assignment" });

    const done = (await post(cookies.admin!, {
      version: "2",
      leadReviewerId: ids["reviewer.one"]!,
      secondReviewerId: ids["reviewer.two"]!,
    })) as Response;
    expect(done.status).toBe(302);
    expect(await findSubmission(database, id)).toMatchObject({ state: "checkpoint1.in_review" });
  });
});
