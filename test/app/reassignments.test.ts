import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission } from "../../app/.server/assurance.ts";
import { deactivateUser } from "../../app/.server/users.ts";
import { declareConflict } from "../../app/.server/conflicts.ts";
import { auditTrail } from "../../db/audit.ts";
import { createDb, type Db } from "../../db/client.ts";
import { listNotifications } from "../../db/notifications.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile, insertCredentialUser, updateUserRole } from "../../db/users.ts";
import { countReviewsToReassign } from "../../app/.server/suggestions.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

/**
 * Suggested assignments and reassignment through the pages (issue 16): the suggestions an admin
 * sees, changing one review's reviewers, and moving every review of a reviewer who can no longer
 * hold them from one page.
 */
let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const PEOPLE = ["lead.manchester", "lead.kent", "reviewer.one", "reviewer.two", "reviewer.three", "reviewer.four", "admin"] as const;

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of PEOPLE) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    ids[who] = (await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow()).id;
  }
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context }) as never;
const actorOf = async (who: (typeof PEOPLE)[number]) => actorFrom((await findUserProfile(database, ids[who]!))!);

async function submitted(lead: "lead.manchester" | "lead.kent", title: string) {
  const actor = await actorOf(lead);
  const footprint =
    lead === "lead.manchester" ? { code: "E54000007", name: "Greater Manchester" } : { code: "E54000032", name: "Kent and Medway" };
  const started = await startSubmission(database, actor, { footprintCode: footprint.code, title, modelType: "MCP" });
  if (!started.ok) throw new Error(started.reason);
  const content = exampleSubmission({ modelType: "MCP", footprintName: footprint.name, footprintCode: footprint.code, seed: 5 }) as Record<
    string,
    unknown
  >;
  for (const s of SECTION_SLUGS) {
    if (content[s] !== undefined) {
      await saveSection(database, {
        submissionId: started.id,
        section: s,
        data: content[s],
        updatedBy: actor.id,
        at: new Date().toISOString(),
      });
    }
  }
  expect(await applyEvent(database, started.id, actor, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });
  return started.id;
}

async function assigned(lead: "lead.manchester" | "lead.kent", title: string, pair: [string, string]) {
  const id = await submitted(lead, title);
  const result = await applyEvent(database, id, await actorOf("admin"), {
    type: "ASSIGN",
    leadReviewerId: ids[pair[0]]!,
    secondReviewerId: ids[pair[1]]!,
  });
  expect(result).toMatchObject({ ok: true });
  return id;
}

describe("suggested reviewers on the assign page", () => {
  it("ranks pairs with their reasons, and never suggests the reviewer conflicted with the footprint", async () => {
    const id = await submitted("lead.manchester", "Bolton MCP");
    const { loader } = await import("../../app/routes/submission-assign.tsx");
    const page = await loader(args(appRequest(`/submissions/${id}/assign`, { cookie: cookies.admin }), { id }));
    expect(page.suggestions.pairs.length).toBeGreaterThan(0);
    for (const pair of page.suggestions.pairs) {
      expect([pair.leadId, pair.secondId]).not.toContain(ids["reviewer.three"]);
      expect(pair.reasons).toHaveLength(2);
      expect(pair.reasons[0]).toMatch(/^Lead reviewer .+: /);
    }
    expect(page.suggestions.notSuggested).toContainEqual({ name: "Riley Reviewer", why: "Declared a conflict with Greater Manchester." });
    // A suggestion's link fills in the choice.
    const chosen = await loader(
      args(appRequest(`/submissions/${id}/assign?lead=${ids["reviewer.four"]}&second=${ids["reviewer.two"]}`, { cookie: cookies.admin }), {
        id,
      }),
    );
    expect(chosen.chosen).toEqual({ lead: ids["reviewer.four"], second: ids["reviewer.two"] });
  });

  it("changes one review's reviewers with a reason, refusing it without one and keeping the choice", async () => {
    const id = await assigned("lead.manchester", "Wigan MCP", ["reviewer.one", "reviewer.two"]);
    const { loader, action } = await import("../../app/routes/submission-assign.tsx");
    const page = await loader(args(appRequest(`/submissions/${id}/assign`, { cookie: cookies.admin }), { id }));
    expect(page).toMatchObject({ reassigning: true, waiting: false, chosen: { lead: ids["reviewer.one"], second: ids["reviewer.two"] } });
    expect(page.suggestions.pairs.map((p) => [p.leadId, p.secondId])).not.toContainEqual([ids["reviewer.one"], ids["reviewer.two"]]);

    const form = {
      intent: "reassign",
      leadReviewerId: ids["reviewer.four"]!,
      secondReviewerId: ids["reviewer.two"]!,
      version: String(page.submission.version),
    };
    const refused = (await settle(() =>
      action(args(formPost(`/submissions/${id}/assign`, { ...form, reason: "" }, { cookie: cookies.admin }), { id })),
    )) as {
      data: { result: { error: Record<string, string[]>; initialValue: Record<string, string> } };
      init: { status: number };
    };
    expect(refused.init.status).toBe(400);
    expect(refused.data.result.error.reason).toEqual(["Give the reason for changing the reviewers"]);
    expect(refused.data.result.initialValue.leadReviewerId).toBe(ids["reviewer.four"]);

    const done = (await settle(() =>
      action(args(formPost(`/submissions/${id}/assign`, { ...form, reason: "Rowan is on leave" }, { cookie: cookies.admin }), { id })),
    )) as Response;
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/submissions/${id}`);
    expect((await auditTrail(database, id)).at(-1)).toMatchObject({ action: "REASSIGN", actor_id: ids.admin });
    const row = await database
      .selectFrom("review_assignment")
      .select(["lead_reviewer_id", "second_reviewer_id"])
      .where("submission_id", "=", id)
      .execute();
    expect(row).toEqual([{ lead_reviewer_id: ids["reviewer.four"], second_reviewer_id: ids["reviewer.two"] }]);
  });
});

describe("reassigning the reviews of someone who can no longer hold them", () => {
  it("after a deactivation, lists every affected review with suggestions, and reassigns all of them from one post", async () => {
    const titles = ["Oldham MCP", "Rochdale MCP", "Dover PACS"];
    const reviews = [
      await assigned("lead.manchester", titles[0]!, ["reviewer.one", "reviewer.two"]),
      await assigned("lead.manchester", titles[1]!, ["reviewer.two", "reviewer.one"]),
      await assigned("lead.kent", titles[2]!, ["reviewer.one", "reviewer.three"]),
    ];
    const admin = await actorOf("admin");
    expect(
      await deactivateUser(database, { id: admin.id, name: admin.name, role: "admin" } as never, ids["reviewer.one"]!, "Long-term leave"),
    ).toMatchObject({
      ok: true,
    });

    const userPage = await (await import("../../app/routes/admin-user.tsx")).loader(
      args(appRequest(`/admin/users/${ids["reviewer.one"]}`, { cookie: cookies.admin }), { userId: ids["reviewer.one"]! }),
    );
    expect(userPage.toReassign).toBeGreaterThanOrEqual(3);

    const { loader, action } = await import("../../app/routes/admin-reassignments.tsx");
    const url = `/admin/reassignments?user=${ids["reviewer.one"]}`;
    const page = await loader(args(appRequest(url, { cookie: cookies.admin })));
    const mine = page.reviews.filter((r) => reviews.includes(r.submissionId));
    expect(mine.map((r) => r.title).sort()).toEqual([...titles].sort());
    for (const r of mine) {
      expect(r.problems).toEqual([expect.stringMatching(/^Rowan Reviewer \((lead|second) reviewer\): account deactivated\.$/)]);
      const best = r.suggestions.pairs[0]!;
      // Whoever can stay, stays in their part; Rowan is never suggested.
      const stays = r.current.leadId === ids["reviewer.one"] ? r.current.secondId : r.current.leadId;
      expect([best.leadId, best.secondId]).toContain(stays);
      expect(r.allowed.map((a) => a.id)).not.toContain(ids["reviewer.one"]);
      expect(r.suggestions.notSuggested).toContainEqual({ name: "Rowan Reviewer", why: "Account deactivated." });
    }

    // Everything on the page posted, as the page's choices start: the first suggestion for each.
    const body: Record<string, string> = { reason: "Rowan is on long-term leave" };
    page.reviews.forEach((r, i) => {
      body[`reviews[${i}].submissionId`] = r.submissionId;
      body[`reviews[${i}].version`] = String(r.version);
      body[`reviews[${i}].leadReviewerId`] = r.suggestions.pairs[0]!.leadId;
      body[`reviews[${i}].secondReviewerId`] = r.suggestions.pairs[0]!.secondId;
    });
    for (const who of ["reviewer.two", "lead.manchester"] as const) {
      const refused = (await settle(() => action(args(formPost(url, body, { cookie: cookies[who] }))))) as Response;
      expect(refused.status).toBe(403);
    }
    const done = (await settle(() => action(args(formPost(url, body, { cookie: cookies.admin }))))) as Response;
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/admin/reassignments?reassigned=${page.reviews.length}&user=${ids["reviewer.one"]}`);

    for (const id of reviews) {
      const last = (await auditTrail(database, id)).at(-1)!;
      expect(last).toMatchObject({ action: "REASSIGN", actor_id: ids.admin });
      expect(last.payload).toMatchObject({ reason: "Rowan is on long-term leave" });
    }
    expect((await loader(args(appRequest(url, { cookie: cookies.admin })))).reviews).toEqual([]);
    const told = await listNotifications(database, ids["reviewer.one"]!);
    expect(
      told
        .filter((n) => n.kind === "unassigned" && titles.some((t) => n.title.endsWith(t)))
        .map((n) => n.title)
        .sort(),
    ).toEqual(titles.map((t) => `No longer reviewing: ${t}`).sort());
  });

  it("a conflict declared mid-review tells the administrators, and a refused row keeps the others done", async () => {
    const id = await assigned("lead.kent", "Medway PACS", ["reviewer.two", "reviewer.four"]);
    const reviewer = await findUserProfile(database, ids["reviewer.two"]!);
    await declareConflict(database, { ...reviewer!, role: "reviewer" } as never, {
      footprintCode: "E54000032",
      footprintName: "Kent and Medway",
      reason: "Joined a Kent provider's board",
    });
    const adminNotices = await listNotifications(database, ids.admin!);
    expect(adminNotices[0]).toMatchObject({ kind: "reassignment_needed", title: "Reviews to reassign: Robin Reviewer" });
    expect(adminNotices[0]?.link).toBe(`/admin/reassignments?user=${ids["reviewer.two"]}`);

    const { loader, action } = await import("../../app/routes/admin-reassignments.tsx");
    const page = await loader(args(appRequest("/admin/reassignments", { cookie: cookies.admin })));
    const row = page.reviews.find((r) => r.submissionId === id)!;
    expect(row.problems).toEqual(["Robin Reviewer (lead reviewer): declared a conflict with this footprint."]);
    // A choice left empty is refused beside its field; the submission keeps its reviewers.
    const refused = (await settle(() =>
      action(
        args(
          formPost(
            "/admin/reassignments",
            {
              reason: "Conflict",
              "reviews[0].submissionId": id,
              "reviews[0].version": String(row.version),
              "reviews[0].leadReviewerId": ids["reviewer.four"]!,
            },
            { cookie: cookies.admin },
          ),
        ),
      ),
    )) as { data: { rowErrors: Record<string, unknown>; posted: Record<string, unknown> }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    expect(refused.data.rowErrors[id]).toEqual({ field: "second", message: "Choose the second reviewer" });
    expect(refused.data.posted[id]).toEqual({ lead: ids["reviewer.four"], second: "" });
  });

  it("a reviewer made a lead is shown with the reviews they can no longer hold", async () => {
    const patId = await insertCredentialUser(database, {
      email: "pat@example.nhs.uk",
      name: "Pat Reviewer",
      role: "reviewer",
      passwordHash: "x",
    });
    ids.pat = patId;
    const id = await assigned("lead.kent", "Canterbury MCP", ["pat" as never, "reviewer.four"]);
    await database.transaction().execute((trx) => updateUserRole(trx, { userId: patId, role: "lead", at: new Date().toISOString() }));
    expect(await countReviewsToReassign(database, { userId: patId })).toBe(1);
    const { loader } = await import("../../app/routes/admin-reassignments.tsx");
    const page = await loader(args(appRequest(`/admin/reassignments?user=${patId}`, { cookie: cookies.admin })));
    expect(page.reviews.map((r) => [r.submissionId, r.problems])).toEqual([
      [id, ["Pat Reviewer (lead reviewer): not a national reviewer."]],
    ]);
  });
});
