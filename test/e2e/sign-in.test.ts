import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, chromiumPath, expectNoAxeViolations, launch, newContext, signIn } from "./browser.ts";
import { startServer } from "./server.ts";

const ACCOUNTS = [
  { email: "admin@example.nhs.uk", name: "Alex Admin", role: "Programme administrator" },
  { email: "reviewer.one@example.nhs.uk", name: "Rowan Reviewer", role: "National reviewer" },
  { email: "reviewer.two@example.nhs.uk", name: "Robin Reviewer", role: "National reviewer" },
  { email: "reviewer.three@example.nhs.uk", name: "Riley Reviewer", role: "National reviewer", shows: "Greater Manchester" },
  { email: "lead.manchester@example.nhs.uk", name: "Morgan Lead", role: "System lead", shows: "Greater Manchester (E54000007)" },
  {
    email: "lead.blackcountry@example.nhs.uk",
    name: "Bailey Lead",
    role: "System lead",
    shows: "The Black Country and West Birmingham (E54000016)",
  },
  { email: "lead.kent@example.nhs.uk", name: "Kendall Lead", role: "System lead", shows: "Kent and Medway (E54000032)" },
];

describe.skipIf(!chromiumPath)("signing in and out in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it.each(ACCOUNTS)("$email signs in with JavaScript on, sees their home page, and signs out", async (account) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/");
    if (account === ACCOUNTS[0]) await expectNoAxeViolations(page);

    await signIn(page, account.email);
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`Welcome, ${account.name}`);
    const accountNav = page.getByRole("navigation", { name: "Account" });
    expect(await accountNav.textContent()).toContain(account.name);
    expect(await accountNav.textContent()).toContain(account.role);
    expect(await page.locator("main").textContent()).toContain(account.email);
    if (account.shows) expect(await page.locator("main").textContent()).toContain(account.shows);
    await expectNoAxeViolations(page);

    await accountNav.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByText("You have signed out.").count()).toBe(1);
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });

  it("validates in the browser with JavaScript on: nothing is posted while the form is incomplete", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    await page.goto("/sign-in");
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    const summary = page.locator(".nhsuk-error-summary");
    expect(await summary.textContent()).toContain("Enter your email address");
    expect(await summary.textContent()).toContain("Enter your password");
    expect(posts).toEqual([]);
    await expectNoAxeViolations(page);

    // The summary's links move focus to the field at fault.
    await summary.getByRole("link", { name: "Enter your password" }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password");
    await context.close();
  });

  it("works with JavaScript off: errors come back from the server, the email is kept, then sign-in succeeds", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/sign-in");

    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter your email address");
    expect(await page.locator(".nhsuk-error-message").allTextContents()).toEqual([
      "Error: Enter your email address",
      "Error: Enter your password",
    ]);

    await signIn(page, "lead.kent@example.nhs.uk", "not-the-right-password");
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter a correct email address and password");
    expect(await page.getByLabel("Email address").inputValue()).toBe("lead.kent@example.nhs.uk");
    expect(await page.getByLabel("Password").inputValue()).toBe("");

    await signIn(page, "lead.kent@example.nhs.uk");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Kendall Lead");
    await page.getByRole("navigation", { name: "Account" }).getByRole("button", { name: "Sign out" }).click();
    expect(await page.getByText("You have signed out.").count()).toBe(1);
    await context.close();
  });

  it("brings an anonymous visitor back to the page they asked for, which here is a friendly 404", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const first = await page.goto("/submissions/does-not-exist?tab=evidence");
    expect(first?.status()).toBe(200);
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/submissions/does-not-exist?tab=evidence");
    await signIn(page, "reviewer.one@example.nhs.uk");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    expect(new URL(page.url()).pathname).toBe("/submissions/does-not-exist");
    const response = await page.goto("/submissions/does-not-exist");
    expect(response?.status()).toBe(404);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it("answers /healthz with the database reachable", async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ database: { reachable: true } });
  });
});

describe.skipIf(!chromiumPath)("a server error", () => {
  it("shows a friendly page with an error ID that is also in the server's log", async () => {
    // A server of its own, whose database we damage underneath it, so the fault is real.
    const server = await startServer();
    const browser = await launch();
    try {
      const context = await browser.newContext({ baseURL: server.baseUrl });
      const page: Page = await context.newPage();
      await page.goto("/sign-in");
      await signIn(page, "lead.manchester@example.nhs.uk");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Morgan Lead");

      const sqlite = new Database(server.databaseFile);
      sqlite.exec("drop table footprint_member");
      sqlite.close();

      const response = await page.goto("/");
      expect(response?.status()).toBe(500);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Sorry, there is a problem with the service");
      const errorId = await page.getByTestId("error-id").textContent();
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      const logged = server
        .output()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: string; errorId?: string; path?: string; error?: string });
      expect(logged).toContainEqual(expect.objectContaining({ level: "error", errorId, path: "/" }));
      expect(await page.content()).not.toContain("footprint_member");
      await expectNoAxeViolations(page);
      await context.close();
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
