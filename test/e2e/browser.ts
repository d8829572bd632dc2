import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { createDb, type Db } from "../../db/client.ts";
import { type RunningServer, startServer } from "./server.ts";

export const baseUrl = inject("baseUrl");
export const chromiumPath = inject("chromiumPath");
export const DEMO_PASSWORD = "assure-demo-password";

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function newContext(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl, javaScriptEnabled: options.javaScriptEnabled ?? true });
}

/**
 * WCAG 2.2 AA checks on the page as it stands. axe needs JavaScript in the page, so this runs in
 * JS-enabled contexts only; the no-JS pages are the same server HTML.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(await axeViolations(page), `axe violations on ${page.url()}`).toEqual([]);
}

/** axe's WCAG 2.2 AA violations on the page as it stands, one line each: rule, help and where. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Legacy mode runs axe.run in the page itself. The default opens a blank page for every analysis
  // to merge the results of cross-origin frames, which these pages don't have; without it the
  // accessibility sweep's 95 pages and states took 305 s instead of 393 s on this 2-core machine.
  // Only violations are wanted: axe then describes one node of each pass, not every node checked
  // (the pipeline page: 1.35 s instead of 1.9–2.2 s; the outbox: 1.6 s instead of 2.4–3.2 s).
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .options({ resultTypes: ["violations"] })
    .setLegacyMode()
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  // Exactly: with single sign-on on, "Sign in with NHSmail" is a button too.
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/**
 * axe once the page has settled: hydrated, and the NHS header's script has finished laying out
 * its navigation (axe's target-size check reads positions, which move while it does).
 */
export async function expectAccessible(page: Page): Promise<void> {
  await settled(page);
  await expectNoAxeViolations(page);
}

/** Hydrated, and the NHS header's script has laid out its navigation. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.locator("header[data-nhsuk-header-init]").waitFor({ state: "attached" });
}

/** A fresh browser context signed in as one of the demo accounts, on its home page. */
export async function signedInAs(
  browser: Browser,
  server: { baseUrl: string },
  email: string,
  javaScriptEnabled = true,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await signIn(page, email);
  // Navigation's own timeout, not expect.poll's one second: sign-in is slow on a busy machine.
  await page.waitForURL((url) => url.pathname === "/");
  return { context, page };
}

/**
 * For a describe block that needs a server of its own (its database to arrange and inspect):
 * starts one with a Chromium beside it before the tests and stops both after.
 */
export function isolatedServer() {
  const it = {} as { server: RunningServer; database: Db; browser: Browser };
  beforeAll(async () => {
    it.server = await startServer();
    it.database = createDb(`file:${it.server.databaseFile}`);
    it.browser = await launch();
  });
  afterAll(async () => {
    await it.browser?.close();
    await it.database?.destroy();
    await it.server?.stop();
  });
  return it;
}
