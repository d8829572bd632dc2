import Database from "better-sqlite3";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, expectNoAxeViolations, launch, signIn } from "./browser.ts";
import { type RunningServer, startServer } from "./server.ts";

interface Person {
  email: string;
  name: string;
}

describe.skipIf(!chromiumPath)("reviewing a submission in Chromium", () => {
  // A server of its own: this file moves a demo submission through its checkpoint.
  let server: RunningServer;
  let browser: Browser;
  let submissionId: string;
  let title: string;
  let leadReviewer: Person;
  let secondReviewer: Person;

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    const sqlite = new Database(server.databaseFile, { readonly: true });
    try {
      const row = sqlite
        .prepare(
          `select s.id, s.title, a.lead_reviewer_id as lead, a.second_reviewer_id as second
           from submission s join review_assignment a on a.submission_id = s.id and a.checkpoint = s.checkpoint
           where s.state like 'checkpoint_.in_review' and json_extract(s.workflow_snapshot, '$.context.disagreement') is null
           order by s.id limit 1`,
        )
        .get() as { id: string; title: string; lead: string; second: string } | undefined;
      if (!row) throw new Error("the demo seed made no submission in review");
      const person = sqlite.prepare("select email, name from user where id = ?");
      submissionId = row.id;
      title = row.title;
      leadReviewer = person.get(row.lead) as Person;
      secondReviewer = person.get(row.second) as Person;
    } finally {
      sqlite.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(person: Person, javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto("/sign-in");
    if (javaScriptEnabled) await settled(page);
    await signIn(page, person.email);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`Welcome, ${person.name}`);
    if (javaScriptEnabled) await settled(page);
    return { context, page };
  }

  async function settled(page: Page) {
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page);
  }

  const banner = (page: Page) => page.locator(".nhsuk-notification-banner").textContent();

  it("the lead reviewer rates, comments and proposes a decision with JavaScript on, then cannot countersign it", async () => {
    const { context, page } = await signedIn(leadReviewer, true);

    await page.goto("/reviews");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your reviews");
    const table = page.getByRole("table", { name: "Your assigned reviews" });
    const row = table.getByRole("row").filter({ has: page.locator(`a[href="/reviews/${submissionId}"]`) });
    expect(await row.textContent()).toContain("Your action: Propose a decision");
    expect(await row.textContent()).toContain("Lead reviewer");
    expect(await row.textContent()).toMatch(/\d+(\.\d)? of 20/);
    await settled(page);

    // Sorting is a link the server reads, so the address says how the table is sorted.
    await table.getByRole("link", { name: /^Submission/ }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("?sort=submission&dir=asc");
    await expect.poll(() => table.getByRole("columnheader", { name: /^Submission/ }).getAttribute("aria-sort")).toBe("ascending");
    await settled(page);

    await page.locator(`a[href="/reviews/${submissionId}"]`).first().click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
    expect(await page.locator("main").textContent()).toContain("You are the lead reviewer.");
    await settled(page);

    // Rate the first key line of enquiry.
    const kloe = page.getByRole("group", { name: /^J-01 / });
    await kloe.getByLabel("Partly met").check();
    await page.getByLabel("Note on J-01 (optional)").fill("Benefits are plausible but not yet quantified");
    await page.getByRole("button", { name: "Save your ratings" }).click();
    await expect.poll(() => banner(page)).toContain("Your ratings have been saved.");
    const ratings = page.getByRole("table", { name: "Ratings so far" });
    expect(await ratings.getByRole("row", { name: /^J-01 / }).textContent()).toContain("Partly met");
    expect(await page.getByLabel("Note on J-01 (optional)").inputValue()).toBe("Benefits are plausible but not yet quantified");
    await settled(page);

    // Comment, shared with the lead and pinned to a field.
    await page.getByLabel("Comment", { exact: true }).fill("Please check the registered population against the list sizes.");
    await page.getByLabel("Shared with the system lead").check();
    await page.getByLabel("Pin it to a field (optional)").selectOption("population.registeredPopulation");
    await page.getByRole("button", { name: "Add comment" }).click();
    await expect.poll(() => banner(page)).toContain("Your comment has been added.");
    const comments = page.getByRole("region", { name: "Comments" });
    expect(await comments.textContent()).toContain("Please check the registered population against the list sizes.");
    expect(await comments.textContent()).toContain("Shared with the system lead");
    expect(await page.getByLabel("Comment", { exact: true }).inputValue()).toBe("");
    await settled(page);

    // Propose: first without a rationale, which the server refuses with its message.
    const propose = page.getByRole("form", { name: "Propose a decision" });
    await propose.getByLabel("Proceed with conditions").check();
    await propose.getByLabel("Amber/green").check();
    await propose.getByLabel("Condition 1").fill("Agree the acute risk share with the local trusts before checkpoint 2.");
    // Rows are added and removed by the server (the same buttons work without JavaScript), keeping what was typed.
    await propose.getByRole("button", { name: "Add another condition" }).click();
    await expect.poll(() => propose.getByLabel("Condition 2").count()).toBe(1);
    expect(await page.locator(".nhsuk-error-summary").count()).toBe(0);
    expect(await propose.getByLabel("Condition 1").inputValue()).toBe(
      "Agree the acute risk share with the local trusts before checkpoint 2.",
    );
    await propose.getByRole("button", { name: "Remove condition 2" }).click();
    await expect.poll(() => propose.getByLabel("Condition 2").count()).toBe(0);
    await propose.getByRole("button", { name: "Propose the decision" }).click();
    await expect.poll(() => page.locator(".nhsuk-error-summary").textContent()).toContain("Give the rationale for the decision");
    expect(await propose.getByLabel("Condition 1").inputValue()).toBe(
      "Agree the acute risk share with the local trusts before checkpoint 2.",
    );
    expect(await propose.getByLabel("Proceed with conditions").isChecked()).toBe(true);
    await settled(page);

    await propose.getByLabel("Rationale").fill("A credible case; the acute risk share is the one gap.");
    await propose.getByRole("button", { name: "Propose the decision" }).click();
    await expect.poll(() => banner(page)).toContain("Your proposed decision has been sent to the second reviewer to countersign.");

    // The proposer sees the proposal and why they cannot countersign it: no buttons.
    const countersign = page.getByRole("region", { name: "Countersign the decision" });
    expect(await countersign.textContent()).toContain("Proceed with conditions");
    expect(await countersign.textContent()).toContain("Agree the acute risk share with the local trusts before checkpoint 2.");
    expect(await countersign.textContent()).toContain("You proposed this decision, so another reviewer must countersign it.");
    expect(await countersign.getByRole("button").count()).toBe(0);
    expect(await countersign.getByRole("radio").count()).toBe(0);
    await settled(page);
    await context.close();
  });

  it("the second reviewer countersigns with JavaScript off", async () => {
    const { context, page } = await signedIn(secondReviewer, false);

    await page.goto("/reviews");
    const row = page.getByRole("row").filter({ has: page.locator(`a[href="/reviews/${submissionId}"]`) });
    expect(await row.textContent()).toContain("Your action: Countersign the decision");
    expect(await row.textContent()).toContain("Second reviewer");

    await page.locator(`a[href="/reviews/${submissionId}"]`).first().click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
    const countersign = page.getByRole("region", { name: "Countersign the decision" });
    expect(await countersign.textContent()).toContain(`${leadReviewer.name} proposed this decision`);
    expect(await countersign.textContent()).toContain("A credible case; the acute risk share is the one gap.");

    // The lead reviewer's comment and rating are on the same page.
    expect(await page.getByRole("region", { name: "Comments" }).textContent()).toContain("Please check the registered population");
    expect(
      await page
        .getByRole("table", { name: "Ratings so far" })
        .getByRole("row", { name: /^J-01 / })
        .textContent(),
    ).toContain("Partly met");

    // Disagreeing needs a reason.
    await countersign.getByLabel("No, I disagree").check();
    await countersign.getByRole("button", { name: "Confirm" }).click();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain(
      "Give your reason for disagreeing, so the lead reviewer can reconsider",
    );
    expect(await page.locator(".nhsuk-error-message").first().textContent()).toBe(
      "Error: Give your reason for disagreeing, so the lead reviewer can reconsider",
    );

    await page.getByRole("region", { name: "Countersign the decision" }).getByLabel("Yes, countersign the decision").check();
    await page.getByRole("region", { name: "Countersign the decision" }).getByRole("button", { name: "Confirm" }).click();
    expect(await banner(page)).toContain("You countersigned the decision. It is now final.");
    expect(await page.getByRole("region", { name: "Earlier decisions" }).textContent()).toContain("Proceed with conditions");
    expect(await page.getByRole("region", { name: "Conditions" }).textContent()).toContain(
      "Agree the acute risk share with the local trusts before checkpoint 2.",
    );
    expect(await page.getByRole("region", { name: "Countersign the decision" }).count()).toBe(0);
    await context.close();
  });
});
