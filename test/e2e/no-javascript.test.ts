import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { actorFrom, startSubmission } from "../../app/.server/assurance.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { chromiumPath, isolatedServer, signedInAs } from "./browser.ts";

/**
 * The main journeys with JavaScript off, each asserting its outcome in the database: every form
 * posts to the server and every answer is a new page. (Already covered elsewhere with JavaScript
 * off: saving sections, answering a change request, inviting a user, declaring conflicts,
 * filtering the pipeline, uploading evidence, signing in.)
 *
 * One proposal goes the whole way: the lead starts it, fixes a section and submits it; the admin
 * assigns reviewers; the lead reviewer rates and proposes a decision with a condition; the second
 * reviewer countersigns; the lead gives evidence for the condition and the reviewer accepts it;
 * the admin pauses and resumes it. Then a lead withdraws a draft.
 */
describe.skipIf(!chromiumPath)("the main journeys with JavaScript off", () => {
  const env = isolatedServer();
  const noJs = (email: string) => signedInAs(env.browser, env.server, email, false);
  const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
  const state = async (id: string) => (await findSubmission(env.database, id))?.state;
  const banner = (page: Page) => page.locator(".nhsuk-notification-banner").textContent();

  it("a proposal from draft to a discharged condition, then paused and resumed", async () => {
    const title = "Maidstone and Tunbridge Wells MCP";

    // The lead starts it (nothing typed: the server explains), then fills in the answers they
    // have prepared (saved straight to the draft here), and fixes the population section.
    const lead = await noJs("lead.kent@example.nhs.uk");
    await lead.page.goto("/submissions/new");
    await lead.page.getByRole("button", { name: "Start submission" }).click();
    expect(await lead.page.locator(".nhsuk-error-summary").count()).toBe(1);
    await lead.page.getByLabel("Multispecialty community provider (MCP)").check();
    await lead.page.getByLabel("Title of the proposal").fill(title);
    await lead.page.getByRole("button", { name: "Start submission" }).click();
    expect(await heading(lead.page)).toBe(title);
    const id = new URL(lead.page.url()).pathname.split("/")[2]!;

    const leadUser = await env.database
      .selectFrom("user")
      .select("id")
      .where("email", "=", "lead.kent@example.nhs.uk")
      .executeTakeFirstOrThrow();
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: "Kent and Medway",
      footprintCode: "E54000032",
      seed: 44,
    }) as Record<string, unknown>;
    content.about = { ...(content.about as object), title };
    // The services in scope left out, for the lead to tick on the page.
    const population = content.population as { servicesInScope?: string[] };
    const services = population.servicesInScope ?? [];
    population.servicesInScope = [];
    for (const section of SECTION_SLUGS) {
      if (content[section] !== undefined) {
        await saveSection(env.database, {
          submissionId: id,
          section,
          data: content[section],
          updatedBy: leadUser.id,
          at: new Date().toISOString(),
        });
      }
    }

    await lead.page.goto(`/submissions/${id}`);
    expect(await lead.page.locator("#status-population").textContent()).toBe("In progress");
    await lead.page.locator(`a.nhsuk-task-list__link[href="/submissions/${id}/sections/population"]`).click();
    for (const service of services) {
      await lead.page.locator(`[name="servicesInScope"][value="${service}"]`).check();
    }
    await lead.page.getByRole("button", { name: "Save and continue" }).click();
    expect(new URL(lead.page.url()).pathname).toBe(`/submissions/${id}`);
    expect(await lead.page.locator("#status-population").textContent()).toBe("Ready");
    await lead.page.getByRole("button", { name: "Check answers and submit for checkpoint 1" }).click();
    await lead.page.getByLabel(/I confirm these answers are accurate/).check();
    await lead.page.getByRole("button", { name: "Submit for checkpoint 1" }).click();
    expect(await heading(lead.page)).toBe("Submitted for checkpoint 1");
    expect(await state(id)).toBe("checkpoint1.awaiting_assignment");

    // The admin checks a pair for conflicts, then assigns them.
    const admin = await noJs("admin@example.nhs.uk");
    await admin.page.goto("/admin/assignments");
    await admin.page.getByRole("link", { name: title }).click();
    await admin.page.getByRole("group", { name: "Lead reviewer" }).getByLabel("Rowan Reviewer").check();
    await admin.page.getByRole("group", { name: "Second reviewer" }).getByLabel("Rowan Reviewer").check();
    await admin.page.getByRole("button", { name: "Check for conflicts" }).click();
    expect(await admin.page.getByRole("status").textContent()).toContain("Choose two different reviewers");
    expect(await state(id)).toBe("checkpoint1.awaiting_assignment");
    await admin.page.getByRole("group", { name: "Second reviewer" }).getByLabel("Robin Reviewer").check();
    await admin.page.getByRole("button", { name: "Assign reviewers" }).click();
    expect(new URL(admin.page.url()).pathname).toBe("/admin/assignments");
    expect(await state(id)).toBe("checkpoint1.in_review");

    // The lead reviewer rates a key line of enquiry and proposes proceeding with a condition.
    const one = await noJs("reviewer.one@example.nhs.uk");
    await one.page.goto(`/reviews/${id}`);
    await one.page
      .getByRole("group", { name: /^J-01 / })
      .getByLabel("Met", { exact: true })
      .check();
    await one.page.getByLabel("Note on J-01 (optional)").fill("The case for change is clear");
    await one.page.getByRole("button", { name: "Save your ratings" }).click();
    expect(await banner(one.page)).toContain("Your ratings have been saved.");
    expect(
      await one.page
        .getByRole("table", { name: "Ratings so far" })
        .getByRole("row", { name: /^J-01 / })
        .textContent(),
    ).toContain("Met");
    const propose = one.page.getByRole("form", { name: "Propose a decision" });
    await propose.getByLabel("Proceed with conditions").check();
    await propose.getByLabel("Green", { exact: true }).check();
    await propose.getByLabel("Condition 1").fill("Publish the hub opening plan before checkpoint 2.");
    await propose.getByRole("button", { name: "Propose the decision" }).click();
    expect(await one.page.locator(".nhsuk-error-summary").textContent()).toContain("Give the rationale for the decision");
    expect(await one.page.getByRole("form", { name: "Propose a decision" }).getByLabel("Condition 1").inputValue()).toBe(
      "Publish the hub opening plan before checkpoint 2.",
    );
    await one.page
      .getByRole("form", { name: "Propose a decision" })
      .getByLabel("Rationale")
      .fill("Strong local support; one gap to close.");
    await one.page.getByRole("form", { name: "Propose a decision" }).getByRole("button", { name: "Propose the decision" }).click();
    expect(await banner(one.page)).toContain("Your proposed decision has been sent to the second reviewer to countersign.");
    expect(await state(id)).toBe("checkpoint1.awaiting_countersign");

    // The second reviewer countersigns.
    const two = await noJs("reviewer.two@example.nhs.uk");
    await two.page.goto(`/reviews/${id}`);
    const countersign = two.page.getByRole("form", { name: "Countersign the decision" });
    await countersign.getByLabel("Yes, countersign the decision").check();
    await countersign.getByRole("button", { name: "Confirm" }).click();
    expect(await banner(two.page)).toContain("You countersigned the decision. It is now final.");
    expect(await state(id)).toBe("procurement");

    // The lead gives evidence for the condition; the reviewer accepts it.
    await lead.page.goto(`/submissions/${id}/conditions`);
    await lead.page.getByRole("button", { name: "Send evidence for review" }).click();
    expect(await lead.page.locator(".nhsuk-error-summary").count()).toBe(1);
    await lead.page.getByLabel("Evidence that this condition has been met").fill("The plan was published on the CCG's website.");
    await lead.page.getByRole("button", { name: "Send evidence for review" }).click();
    expect(await lead.page.locator("main").textContent()).toContain("Evidence given: The plan was published on the CCG's website.");

    await one.page.goto(`/reviews/${id}`);
    await one.page.getByRole("button", { name: "Accept the evidence" }).click();
    expect(await banner(one.page)).toContain("You accepted the evidence. The condition is discharged.");
    const snapshot = (await findSubmission(env.database, id))!.workflow_snapshot;
    expect(snapshot.context.conditions.map((c) => c.status)).toEqual(["discharged"]);

    // The admin pauses it (a reason is needed), and resumes it where it was.
    await admin.page.goto(`/submissions/${id}/pause`);
    await admin.page.getByRole("button", { name: "Pause submission" }).click();
    expect(await admin.page.locator(".nhsuk-error-summary").textContent()).toContain("Enter the reason");
    await admin.page.getByLabel("Why is it being paused?").fill("Local elections: the CCG board cannot meet");
    await admin.page.getByRole("button", { name: "Pause submission" }).click();
    expect(new URL(admin.page.url()).pathname).toBe(`/submissions/${id}`);
    expect(await state(id)).toBe("paused");
    await admin.page.goto(`/submissions/${id}/pause`);
    await admin.page.getByLabel("Why is it being resumed?").fill("The board has met");
    await admin.page.getByRole("button", { name: "Resume submission" }).click();
    expect(await state(id)).toBe("procurement");

    for (const session of [lead, admin, one, two]) await session.context.close();
  });

  it("a lead withdraws a draft, giving a reason", async () => {
    const user = await env.database
      .selectFrom("user")
      .select("id")
      .where("email", "=", "lead.kent@example.nhs.uk")
      .executeTakeFirstOrThrow();
    const started = await startSubmission(env.database, actorFrom((await findUserProfile(env.database, user.id))!), {
      footprintCode: "E54000032",
      title: "Sheppey MCP (started by mistake)",
      modelType: "MCP",
    });
    if (!started.ok) throw new Error(started.reason);

    const { context, page } = await noJs("lead.kent@example.nhs.uk");
    await page.goto(`/submissions/${started.id}/withdraw`);
    await page.getByRole("button", { name: "Withdraw submission" }).click();
    expect(await page.locator(".nhsuk-error-summary").count()).toBe(1);
    expect(await state(started.id)).toBe("draft");
    await page.getByLabel("Why is it being withdrawn?").fill("Started by mistake: Sheppey is part of the Swale proposal");
    await page.getByRole("button", { name: "Withdraw submission" }).click();
    expect(new URL(page.url()).pathname).toBe("/submissions");
    expect(await state(started.id)).toBe("withdrawn");
    await context.close();
  });
});
