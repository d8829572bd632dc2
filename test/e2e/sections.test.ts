import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, startSubmission } from "../../app/.server/assurance.ts";
import { readDraft } from "../../app/.server/submissions.ts";
import { createDb, type Db } from "../../db/client.ts";
import { findUserProfile } from "../../db/users.ts";
import { chromiumPath, expectNoAxeViolations, launch, signIn } from "./browser.ts";
import { type RunningServer, startServer } from "./server.ts";

// A server of its own, so the test can create fresh drafts in its database and read back exactly
// what the pages saved.
describe.skipIf(!chromiumPath)("the section pages in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let database: Db;

  beforeAll(async () => {
    server = await startServer();
    database = createDb(`file:${server.databaseFile}`);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await database?.destroy();
    await server?.stop();
  });

  async function newKentDraft(title: string): Promise<string> {
    const user = await database.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
    const lead = actorFrom((await findUserProfile(database, user.id))!);
    const started = await startSubmission(database, lead, { footprintCode: "E54000032", title, modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    return started.id;
  }

  async function signedIn(options: { javaScriptEnabled: boolean }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: options.javaScriptEnabled });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await signIn(page, "lead.kent@example.nhs.uk");
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    return { context, page };
  }

  /**
   * axe once the page has settled: hydrated, and the NHS header's script has finished laying out
   * its navigation (axe's target-size check reads positions, which move while it does).
   */
  async function expectAccessible(page: Page) {
    await page.waitForLoadState("networkidle");
    await page.locator("header[data-nhsuk-header-init]").waitFor({ state: "attached" });
    await expectNoAxeViolations(page);
  }

  const value = (page: Page, id: string) => page.locator(`#${id}`).inputValue();
  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

  it("works with JavaScript off: rows are added and removed by the server, bad money is explained, then it saves", async () => {
    const id = await newKentDraft("Kent and Medway MCP (no JavaScript)");
    const { context, page } = await signedIn({ javaScriptEnabled: false });

    await page.goto(`/submissions/${id}/sections/population`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Kent and Medway MCP (no JavaScript) – Population and scope");
    // An empty list starts with one row to fill in.
    expect(await page.getByRole("group", { name: "Practice 1" }).count()).toBe(1);

    await page.getByLabel("Registered population").fill("24,000");
    await page.locator("#f-population-practices-0-name").fill("Church Street Surgery");
    await page.locator("#f-population-practices-0-listSize").fill(" 12,000 ");
    await page.getByRole("button", { name: "Add another practice" }).click();

    // The server applied the intent: a second row, everything typed kept, nothing saved.
    expect(await page.getByRole("group", { name: "Practice 2" }).count()).toBe(1);
    expect(await value(page, "f-population-registeredPopulation")).toBe("24,000");
    expect(await value(page, "f-population-practices-0-name")).toBe("Church Street Surgery");
    expect(await value(page, "f-population-practices-0-listSize")).toBe(" 12,000 ");
    expect(await value(page, "f-population-practices-1-name")).toBe("");
    expect((await readDraft(database, id)).content.population).toBeUndefined();

    await page.locator("#f-population-practices-1-name").fill("Park Road Medical Centre");
    await page.locator("#f-population-practices-1-listSize").fill("12 000");
    await page.getByRole("button", { name: "Add another practice" }).click();
    await page.locator("#f-population-practices-2-name").fill("A practice added by mistake");
    await page.getByRole("button", { name: "Remove practice 3" }).click();
    expect(await page.getByRole("group", { name: "Practice 3" }).count()).toBe(0);
    expect(await value(page, "f-population-practices-1-name")).toBe("Park Road Medical Centre");

    await page.getByLabel("General practice").check();
    // Enter in a text box saves (the form's first submit button is "Save and continue", not "Remove").
    await page.locator("#f-population-practices-1-listSize").press("Enter");
    expect(new URL(page.url()).pathname).toBe(`/submissions/${id}`);
    // The confirmation travels in a one-time cookie, not the address: shown once on the task list.
    expect(new URL(page.url()).search).toBe("");
    expect(await page.getByText("Your answers have been saved. Nothing is sent to the national team until you submit.").count()).toBe(1);
    await page.reload();
    expect(await page.getByText("Your answers have been saved. Nothing is sent to the national team until you submit.").count()).toBe(0);

    const population = (await readDraft(database, id)).content.population;
    expect(population).toMatchObject({
      registeredPopulation: 24000,
      practices: [
        { name: "Church Street Surgery", listSize: 12000 },
        { name: "Park Road Medical Centre", listSize: 12000 },
      ],
      servicesInScope: ["general_practice"],
    });
    // Every row has a stable id.
    expect(population?.practices?.every((p) => typeof p.id === "string" && p.id.length > 0)).toBe(true);

    // Money: pounds in, pence stored; shorthand is explained and what was typed stays.
    await page.goto(`/submissions/${id}/sections/finance`);
    await page.getByLabel("Capitated sum each year").fill("£1.5m");
    await page.getByLabel("Performance payment").fill("3.5%");
    await page.getByRole("button", { name: "Save and continue" }).click();
    const summary = page.locator(".nhsuk-error-summary");
    expect(await summary.getByRole("heading").textContent()).toBe("There is a problem");
    expect(await summary.getByRole("link").allTextContents()).toEqual(["Enter the capitated sum each year in pounds, like 1,500,000"]);
    expect(await summary.getByRole("link").getAttribute("href")).toBe("#f-finance-budget-capitatedSumPence");
    expect(await page.locator(".nhsuk-error-message").allTextContents()).toEqual([
      "Error: Enter the capitated sum each year in pounds, like 1,500,000",
    ]);
    expect(await value(page, "f-finance-budget-capitatedSumPence")).toBe("£1.5m");
    expect(await value(page, "f-finance-budget-performancePaymentPercent")).toBe("3.5%");
    expect((await readDraft(database, id)).content.finance).toBeUndefined();

    await page.getByLabel("Capitated sum each year").fill("1,500,000.00");
    await page.getByRole("button", { name: "Save and come back later" }).click();
    expect(new URL(page.url()).pathname).toBe("/submissions");
    expect((await readDraft(database, id)).content.finance).toEqual({
      budget: { capitatedSumPence: 150_000_000, performancePaymentPercent: 3.5 },
    });
    await context.close();
  });

  it("with JavaScript on: passes axe, checks in the browser without posting, and links focus the field", async () => {
    const id = await newKentDraft("Kent and Medway MCP (JavaScript)");
    const { context, page } = await signedIn({ javaScriptEnabled: true });
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    // A hydration mismatch (say, a row id made differently on server and client) shows up here.
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));

    await page.goto(`/submissions/${id}/sections/population`);
    await expectAccessible(page);
    expect(await page.getByRole("heading", { name: "Checks for this section" }).count()).toBe(1);

    // A check links to the field at fault.
    await page.getByRole("link", { name: "Select the services in scope" }).click();
    await expect.poll(() => focusedId(page)).toBe("f-population-servicesInScope");

    // Rows are added in the browser, with nothing posted.
    await page.locator("#f-population-practices-0-name").fill("Church Street Surgery");
    await page.getByRole("button", { name: "Add another practice" }).click();
    await expect.poll(() => page.getByRole("group", { name: "Practice 2" }).count()).toBe(1);
    expect(await value(page, "f-population-practices-0-name")).toBe("Church Street Surgery");
    await page.getByRole("button", { name: "Add another practice" }).click();
    await page.locator("#f-population-practices-2-name").fill("A practice added by mistake");
    await page.getByRole("button", { name: "Remove practice 3" }).click();
    await expect.poll(() => page.getByRole("group", { name: "Practice 3" }).count()).toBe(0);
    expect(posts).toEqual([]);
    await expectAccessible(page);

    // Checked as you leave the field, and again on save: the errors show and nothing is posted.
    await page.locator("#f-population-practices-0-listSize").fill("12.5");
    await page.locator("#f-population-practices-0-listSize").blur();
    await expect
      .poll(() => page.locator(".nhsuk-error-message").allTextContents())
      .toEqual(["Error: Enter the list size of practice 1 as a whole number"]);
    await page.getByLabel("Registered population").fill("lots");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    const summary = page.locator(".nhsuk-error-summary");
    expect(await summary.getByRole("link").allTextContents()).toEqual([
      "Enter the registered population as a whole number, like 12,000",
      "Enter the list size of practice 1 as a whole number",
    ]);
    expect(posts).toEqual([]);
    await expectAccessible(page);

    await summary.getByRole("link", { name: "Enter the list size of practice 1 as a whole number", exact: true }).click();
    await expect.poll(() => focusedId(page)).toBe("f-population-practices-0-listSize");

    // Fixed, it saves through the action and goes to the task list.
    await page.getByLabel("Registered population").fill("12,000");
    await page.locator("#f-population-practices-0-listSize").fill("12,000");
    await page.locator("#f-population-practices-1-name").fill("Park Road Medical Centre");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/submissions/${id}`);
    expect((await readDraft(database, id)).content.population).toMatchObject({
      registeredPopulation: 12000,
      practices: [{ name: "Church Street Surgery", listSize: 12000 }, { name: "Park Road Medical Centre" }],
    });

    // A ?field= link from another page focuses that exact input, and so does a #id anchor.
    await page.goto(`/submissions/${id}/sections/population?field=${encodeURIComponent("population.practices[1].listSize")}`);
    await page.waitForLoadState("networkidle");
    expect(await focusedId(page)).toBe("f-population-practices-1-listSize");
    await expectAccessible(page);
    await page.goto(`/submissions/${id}/sections/governance?field=${encodeURIComponent("governance.keyDates.checkpoint1")}`);
    await page.waitForLoadState("networkidle");
    expect(await focusedId(page)).toBe("f-governance-keyDates-checkpoint1");
    await expectAccessible(page);
    await page.goto(`/submissions/${id}/sections/population#f-population-registeredPopulation`);
    await page.waitForLoadState("networkidle");
    await expect.poll(() => focusedId(page)).toBe("f-population-registeredPopulation");
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it("a failure's link, followed within the app, focuses its field and scrolls it into view", async () => {
    const id = await newKentDraft("Kent and Medway MCP (failure links)");
    const { context, page } = await signedIn({ javaScriptEnabled: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/submissions/${id}/check`);
    await page.waitForLoadState("networkidle");
    // The failure whose field lies furthest down its page: a radio in the finance section.
    const link = page.locator(`main a[href*="/sections/finance?field="]`).last();
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/submissions/${id}/sections/finance`);
    expect(new URL(page.url()).search).toBe(new URL(href, server.baseUrl).search);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? "")).toMatch(/^f-finance-/);
    // Focused and on screen: the page scrolled to the field after the client-side navigation.
    const seen = await page.evaluate(() => {
      const rect = document.activeElement!.getBoundingClientRect();
      return { top: rect.top, bottom: rect.bottom, height: window.innerHeight, scrolled: window.scrollY };
    });
    expect(seen.scrolled).toBeGreaterThan(0);
    expect(seen.top).toBeGreaterThanOrEqual(0);
    expect(seen.bottom).toBeLessThanOrEqual(seen.height);
    await context.close();
  });

  it("the about, contract, finance, outcomes and enablers pages of a new draft pass axe", async () => {
    const id = await newKentDraft("Kent and Medway MCP (every page)");
    // One signed-in tab, each page loaded afresh in it.
    const { context, page } = await signedIn({ javaScriptEnabled: true });
    for (const section of ["about", "contract", "finance", "outcomes", "enablers"]) {
      await page.goto(`/submissions/${id}/sections/${section}`);
      expect(await page.getByRole("button", { name: "Save and continue" }).count(), section).toBe(1);
      if (section === "about") {
        // Until About is first saved, it starts with what the lead gave when starting the submission.
        expect(await page.getByLabel("Title of the proposal").inputValue()).toBe("Kent and Medway MCP (every page)");
        expect(await page.getByLabel("Multispecialty community provider (MCP)").isChecked()).toBe(true);
      }
      await expectAccessible(page);
    }
    await context.close();
  });

  it("shows a submission with the national team read-only, with the reason", async () => {
    const submitted = await database
      .selectFrom("submission")
      .select("id")
      .where("footprint_code", "=", "E54000032")
      .where("state", "like", "checkpoint%")
      .where("state", "not like", "%.returned")
      .executeTakeFirstOrThrow();
    const { context, page } = await signedIn({ javaScriptEnabled: true });
    await page.goto(`/submissions/${submitted.id}/sections/population`);
    expect(await page.locator(".nhsuk-inset-text").textContent()).toContain("The submission is with the national team now");
    expect(await page.locator("main form").count()).toBe(0);
    expect(await page.locator("main .nhsuk-summary-list").count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await context.close();
  });
});
