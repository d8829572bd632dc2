import { describe, expect, it } from "vitest";
import { actorFrom, applyEvent, type NamedActor, startSubmission } from "../../app/.server/assurance.ts";
import { hashPassword } from "better-auth/crypto";
import { auditTrail } from "../../db/audit.ts";
import { listNotifications } from "../../db/notifications.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile, insertCredentialUser } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";

/**
 * Issue 16, tried as a new administrator would, with JavaScript on and off: suggestions with their
 * reasons on the assign page (never the conflicted reviewer), then a reviewer with three open
 * reviews deactivated and all three moved to someone else from one page, each change audited and
 * the people told.
 */
describe.skipIf(!chromiumPath).each([
  { js: true, reviewer: "Sasha Reviewer", email: "reviewer.sasha@example.nhs.uk" },
  { js: false, reviewer: "Toni Reviewer", email: "reviewer.toni@example.nhs.uk" },
])("suggested assignments and reassignment, JavaScript $js", ({ js, reviewer, email }) => {
  const env = isolatedServer();

  const actorByEmail = async (address: string): Promise<NamedActor> => {
    const row = await env.database.selectFrom("user").select("id").where("email", "=", address).executeTakeFirstOrThrow();
    return actorFrom((await findUserProfile(env.database, row.id))!);
  };

  async function submitted(lead: NamedActor, footprint: { code: string; name: string }, title: string) {
    const started = await startSubmission(env.database, lead, { footprintCode: footprint.code, title, modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: footprint.name,
      footprintCode: footprint.code,
      seed: 8,
    }) as Record<string, unknown>;
    for (const section of SECTION_SLUGS) {
      if (content[section] !== undefined) {
        await saveSection(env.database, {
          submissionId: started.id,
          section,
          data: content[section],
          updatedBy: lead.id,
          at: new Date().toISOString(),
        });
      }
    }
    expect(await applyEvent(env.database, started.id, lead, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });
    return started.id;
  }

  it("an admin chooses a suggested pair for a new checkpoint 1 submission; the conflicted reviewer is never suggested", async () => {
    const lead = await actorByEmail("lead.manchester@example.nhs.uk");
    const id = await submitted(lead, { code: "E54000007", name: "Greater Manchester" }, "Stockport MCP");
    const admin = await signedInAs(env.browser, env.server, "admin@example.nhs.uk", js);
    await admin.page.goto(`/submissions/${id}/assign`);
    const suggestions = admin.page.locator(".app-suggestions > li");
    expect(await suggestions.count()).toBeGreaterThan(0);
    const texts = await suggestions.allTextContents();
    for (const text of texts) {
      expect(text).not.toContain("Riley Reviewer");
      expect(text).toMatch(/Lead reviewer .+: .*(open review|no other open reviews)/);
    }
    // The reviewer with nothing on is the first suggested lead.
    expect(texts[0]).toContain("Quinn Reviewer (lead)");
    await admin.page.getByText(/^Not suggested/).click();
    await expect.poll(() => admin.page.getByText("Riley Reviewer: Declared a conflict with Greater Manchester.").isVisible()).toBe(true);
    if (js) await expectAccessible(admin.page);

    await suggestions
      .first()
      .getByRole("link", { name: /Choose this pair/ })
      .click();
    await expect.poll(() => admin.page.url()).toContain("lead=");
    const quinn = await actorByEmail("reviewer.four@example.nhs.uk");
    await expect.poll(() => admin.page.locator(`input[name="leadReviewerId"][value="${quinn.id}"]`).isChecked()).toBe(true);
    await admin.page.getByRole("button", { name: "Assign reviewers", exact: true }).click();
    await admin.page.waitForURL((url) => url.pathname === "/admin/assignments");
    const row = await env.database.selectFrom("review_assignment").selectAll().where("submission_id", "=", id).executeTakeFirstOrThrow();
    expect(row.lead_reviewer_id).toBe(quinn.id);
    await admin.context.close();
  });

  it("deactivates a reviewer with three open reviews and reassigns all three from one page", async () => {
    const reviewerId = await insertCredentialUser(env.database, {
      email,
      name: reviewer,
      role: "reviewer",
      passwordHash: await hashPassword("assure-demo-password"),
    });
    const [kent, manchester, admin, two] = await Promise.all(
      ["lead.kent@example.nhs.uk", "lead.manchester@example.nhs.uk", "admin@example.nhs.uk", "reviewer.two@example.nhs.uk"].map(
        actorByEmail,
      ),
    );
    const titles = ["Ashford PACS", "Swale MCP", "Trafford MCP"];
    const ids: string[] = [];
    for (const [i, title] of titles.entries()) {
      const id =
        i < 2
          ? await submitted(kent!, { code: "E54000032", name: "Kent and Medway" }, title)
          : await submitted(manchester!, { code: "E54000007", name: "Greater Manchester" }, title);
      const pair =
        i === 1 ? { leadReviewerId: two!.id, secondReviewerId: reviewerId } : { leadReviewerId: reviewerId, secondReviewerId: two!.id };
      expect(await applyEvent(env.database, id, admin!, { type: "ASSIGN", ...pair })).toMatchObject({ ok: true });
      ids.push(id);
    }
    // The leaving reviewer had proposed a decision on the first: it is withdrawn with the change.
    const leaving = await actorByEmail(email);
    expect(
      await applyEvent(env.database, ids[0]!, leaving, {
        type: "PROPOSE_DECISION",
        decision: "proceed",
        confidence: "green",
        rationale: "Credible.",
      }),
    ).toMatchObject({ ok: true, state: "checkpoint1.awaiting_countersign" });

    const page = (await signedInAs(env.browser, env.server, "admin@example.nhs.uk", js)).page;
    await page.goto(`/admin/users/${reviewerId}`);
    await page.getByLabel("Why is the account being deactivated?").fill("On long-term leave from December");
    await page.getByRole("button", { name: "Deactivate account" }).click();
    await expect.poll(() => page.getByText("3 reviews need another reviewer").isVisible()).toBe(true);
    await page.getByRole("link", { name: "Reassign them" }).click();
    await page.waitForURL((url) => url.pathname === "/admin/reassignments");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`Reviews to reassign from ${reviewer}`);
    expect(await page.locator("fieldset h2").allTextContents()).toEqual(titles.map((t) => `${t}, checkpoint 1`));
    if (js) await expectAccessible(page);

    // Each starts from its first suggestion, which keeps Robin Reviewer, who can stay.
    for (const id of ids) {
      const choices = [await page.locator(`#review-${id}-lead`).inputValue(), await page.locator(`#review-${id}-second`).inputValue()];
      expect(choices).toContain(two!.id);
      expect(choices).not.toContain(reviewerId);
      expect(choices).not.toContain("");
    }
    await page.getByRole("button", { name: "Reassign all 3 reviews" }).click();
    await expect.poll(() => page.locator(".nhsuk-notification-banner").textContent()).toContain("3 reviews reassigned");
    expect(await page.getByText(`${reviewer} holds no reviews that need another reviewer.`).isVisible()).toBe(true);

    for (const id of ids) {
      const last = (await auditTrail(env.database, id)).at(-1)!;
      expect(last).toMatchObject({ action: "REASSIGN", actor_id: admin!.id });
      expect(last.payload).toMatchObject({ reason: `${reviewer} can no longer review these submissions.` });
      const row = await env.database.selectFrom("review_assignment").selectAll().where("submission_id", "=", id).executeTakeFirstOrThrow();
      expect([row.lead_reviewer_id, row.second_reviewer_id]).not.toContain(reviewerId);
    }
    expect((await auditTrail(env.database, ids[0]!)).at(-1)).toMatchObject({
      from_state: "checkpoint1.awaiting_countersign",
      to_state: "checkpoint1.in_review",
    });
    const told = (await listNotifications(env.database, reviewerId)).filter((n) => n.kind === "unassigned").map((n) => n.title);
    expect(told.sort()).toEqual(titles.map((t) => `No longer reviewing: ${t}`).sort());
    expect((await listNotifications(env.database, two!.id)).some((n) => n.kind === "reviewers_changed" || n.kind === "assigned")).toBe(
      true,
    );
    // The deactivation is on the admin chain too.
    const adminChain = await env.database.selectFrom("audit_event").select("action").where("chain", "=", "admin").execute();
    expect(adminChain.map((e) => e.action)).toContain("DEACTIVATE_USER");
  });

  it("the lead downloads their proposal as a Word document from the task list", async () => {
    const kent = await actorByEmail("lead.kent@example.nhs.uk");
    const id = await submitted(kent, { code: "E54000032", name: "Kent and Medway" }, "Sittingbourne MCP");
    const lead = await signedInAs(env.browser, env.server, "lead.kent@example.nhs.uk", js);
    await lead.page.goto(`/submissions/${id}`);
    const [download] = await Promise.all([
      lead.page.waitForEvent("download"),
      lead.page.getByRole("link", { name: "Download as a Word document", exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Sittingbourne MCP \((current draft|version 1)\)\.docx$/);
    await lead.context.close();
  });
});
