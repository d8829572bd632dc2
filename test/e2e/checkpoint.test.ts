import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { fieldId } from "../../app/forms/field-id.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";

/**
 * Two reviewers and an admin take a submission through a checkpoint in the browser, and the lead
 * sees the decision; then a change request goes round: the lead answers it and the reviewer sees,
 * per request, what changed.
 */
describe.skipIf(!chromiumPath)("a checkpoint in Chromium, by two reviewers and an admin", () => {
  const env = isolatedServer();

  async function actor(email: string): Promise<NamedActor> {
    const user = await env.database.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    return actorFrom((await findUserProfile(env.database, user.id))!);
  }

  const as = (email: string, javaScriptEnabled = true) => signedInAs(env.browser, env.server, email, javaScriptEnabled);

  const accessible = (page: Page) => expectAccessible(page);

  /** A Kent submission with full content, submitted for checkpoint 1 by its lead. */
  async function submittedKent(title: string, seed: number) {
    const lead = await actor("lead.kent@example.nhs.uk");
    const started = await startSubmission(env.database, lead, { footprintCode: "E54000032", title, modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    const content = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", seed }) as Record<
      string,
      unknown
    >;
    content.about = { ...(content.about as object), title };
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
    const submitted = await applyEvent(env.database, started.id, lead, { type: "SUBMIT", declaration: true });
    if (!submitted.ok) throw new Error(submitted.reason);
    return started.id;
  }

  it("assign → assess → propose → countersign by the other reviewer → the lead sees the decision", async () => {
    const id = await submittedKent("Thanet integrated care MCP", 31);

    // The admin clears a pair with the conflict check, then assigns them.
    const admin = await as("admin@example.nhs.uk");
    await admin.page.goto("/admin/assignments");
    await accessible(admin.page);
    await admin.page.getByRole("link", { name: "Thanet integrated care MCP" }).click();
    await expect
      .poll(() => admin.page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Assign reviewers: Thanet integrated care MCP");
    const lead = admin.page.getByRole("group", { name: "Lead reviewer" });
    const second = admin.page.getByRole("group", { name: "Second reviewer" });
    await lead.getByLabel("Rowan Reviewer").check();
    await second.getByLabel("Rowan Reviewer").check();
    await admin.page.getByRole("button", { name: "Check for conflicts" }).click();
    await expect.poll(() => admin.page.getByRole("status").textContent()).toContain("Choose two different reviewers");
    await admin.page.getByRole("group", { name: "Second reviewer" }).getByLabel("Robin Reviewer").check();
    await admin.page.getByRole("button", { name: "Check for conflicts" }).click();
    await expect.poll(() => admin.page.getByRole("status").textContent()).toContain("No conflicts found");
    await accessible(admin.page);
    await admin.page.getByRole("button", { name: "Assign reviewers" }).click();
    await expect.poll(() => new URL(admin.page.url()).pathname).toBe("/admin/assignments");
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "checkpoint1.in_review" });
    await admin.context.close();

    // The lead reviewer rates, and proposes.
    const one = await as("reviewer.one@example.nhs.uk");
    await one.page.goto("/reviews");
    await one.page.locator(`a[href="/reviews/${id}"]`).first().click();
    await expect.poll(() => one.page.getByRole("heading", { level: 1 }).textContent()).toBe("Thanet integrated care MCP");
    await one.page
      .getByRole("group", { name: /^J-01 / })
      .getByLabel("Met", { exact: true })
      .check();
    await one.page.getByRole("button", { name: "Save your ratings" }).click();
    await expect
      .poll(() =>
        one.page
          .getByRole("table", { name: "Ratings so far" })
          .getByRole("row", { name: /^J-01 / })
          .textContent(),
      )
      .toContain("Met");
    const propose = one.page.getByRole("form", { name: "Propose a decision" });
    await propose.getByLabel("Proceed", { exact: true }).check();
    await propose.getByLabel("Green", { exact: true }).check();
    await propose.getByLabel("Rationale").fill("The model is credible, the GP engagement is real and the governing bodies scrutinised it.");
    await propose.getByRole("button", { name: "Propose the decision" }).click();
    await expect.poll(() => findSubmission(env.database, id).then((s) => s?.state)).toBe("checkpoint1.awaiting_countersign");
    await accessible(one.page);
    await one.context.close();

    // The second reviewer countersigns, with JavaScript off.
    const two = await as("reviewer.two@example.nhs.uk", false);
    await two.page.goto(`/reviews/${id}`);
    const countersign = two.page.getByRole("region", { name: "Countersign the decision" });
    await countersign.getByLabel("Yes, countersign the decision").check();
    await countersign.getByRole("button", { name: "Confirm" }).click();
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "procurement" });
    await two.context.close();

    // The lead sees the decision, its record and a notification.
    const leadPage = await as("lead.kent@example.nhs.uk");
    await leadPage.page.getByRole("link", { name: /^Notifications \(\d+ unread\)$/ }).click();
    await expect.poll(() => leadPage.page.locator("main").textContent()).toContain("Checkpoint 1 decision: Thanet integrated care MCP");
    await accessible(leadPage.page);
    await leadPage.page.goto(`/submissions/${id}`);
    await leadPage.page.getByRole("link", { name: "Checkpoint 1 decision: proceed" }).click();
    await expect.poll(() => new URL(leadPage.page.url()).pathname).toBe(`/submissions/${id}/decisions/1`);
    const hash = (
      await env.database
        .selectFrom("audit_event")
        .select("hash")
        .where("chain", "=", id)
        .where("action", "=", "COUNTERSIGN")
        .executeTakeFirstOrThrow()
    ).hash;
    // The URL changes before the new page has rendered, so wait for the record itself.
    await expect.poll(() => leadPage.page.locator("main").textContent()).toContain(hash);
    expect(await leadPage.page.locator("main").textContent()).toContain("Robin Reviewer");
    await accessible(leadPage.page);
    await leadPage.context.close();
  });

  it("changes requested → the lead answers and resubmits → the reviewer sees, per request, what changed", async () => {
    const id = await submittedKent("Canterbury coastal MCP", 37);
    const [admin, one, two] = await Promise.all(["admin", "reviewer.one", "reviewer.two"].map((w) => actor(`${w}@example.nhs.uk`)));
    await applyEvent(env.database, id, admin!, { type: "ASSIGN", leadReviewerId: one!.id, secondReviewerId: two!.id });
    await applyEvent(env.database, id, one!, {
      type: "PROPOSE_DECISION",
      decision: "changes_requested",
      confidence: "amber",
      rationale: "Two answers need work.",
      changeRequests: [
        { id: "r1", text: "Check the registered population against the practices' lists", fieldPath: "population.registeredPopulation" },
        { id: "r2", text: "Explain the contract term", fieldPath: "contract.contractTermYears" },
      ],
    });
    await applyEvent(env.database, id, two!, { type: "COUNTERSIGN", agree: true });

    const lead = await as("lead.kent@example.nhs.uk");
    await lead.page.goto(`/submissions/${id}`);
    await lead.page.locator(".nhsuk-inset-text", { hasText: "Check the registered population" }).getByRole("link").click();
    const input = lead.page.locator(`#${fieldId("population.registeredPopulation")}`);
    await expect.poll(() => lead.page.evaluate(() => document.activeElement?.id)).toBe(fieldId("population.registeredPopulation"));
    await input.fill((Number((await input.inputValue()).replaceAll(",", "")) + 400).toLocaleString("en-GB"));
    await lead.page.getByRole("button", { name: "Save and continue" }).click();
    await expect.poll(() => new URL(lead.page.url()).pathname).toBe(`/submissions/${id}`);
    await lead.page.getByRole("button", { name: "Check answers and resubmit" }).click();
    await lead.page.getByLabel(/I confirm these answers are accurate/).check();
    await lead.page.getByRole("button", { name: "Resubmit" }).click();
    await expect.poll(() => findSubmission(env.database, id).then((s) => s?.state)).toBe("checkpoint1.in_review");
    await lead.context.close();

    const reviewer = await as("reviewer.one@example.nhs.uk");
    await reviewer.page.goto(`/reviews/${id}`);
    const changes = reviewer.page.getByRole("region", { name: "Changes asked for, and what changed" });
    const populationRequest = changes.getByRole("listitem").filter({ hasText: "Check the registered population" });
    const termRequest = changes.getByRole("listitem").filter({ hasText: "Explain the contract term" });
    expect(await populationRequest.textContent()).toContain("Changed since the request");
    expect(await termRequest.textContent()).toContain("Not changed");
    await accessible(reviewer.page);
    await reviewer.context.close();
  });
});
