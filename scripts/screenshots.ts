/**
 * Screenshots of the main pages, for docs/screenshots/: `npx tsx scripts/screenshots.ts` after
 * `npm run build`. It starts the production build on a spare port with a fresh demo database (as
 * the end-to-end tests do), signs in as each role in Chromium (/usr/bin/chromium or CHROMIUM_PATH)
 * at 1280 px wide, and saves each page whole as a PNG. Not part of `npm test`.
 */
import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { ACCOUNT, findDemoIds } from "../test/e2e/demo.ts";
import { startServer } from "../test/e2e/server.ts";

const OUT = "docs/screenshots";
const PASSWORD = "assure-demo-password";

interface Shot {
  file: string;
  as: string;
  path: string;
  /** Something to do on the page first, such as sending a form with a mistake in it. */
  before?: (page: Page) => Promise<void>;
  /** Taken only when the page exists (routes being added in parallel). */
  optional?: boolean;
}

async function signedIn(browser: Browser, baseUrl: string, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  return page;
}

async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.locator("header[data-nhsuk-header-init]").waitFor({ state: "attached" });
}

async function main() {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
  try {
    const ids = findDemoIds(server.databaseFile);
    const shots: Shot[] = [
      { file: "home-lead.png", as: ACCOUNT.lead, path: "/" },
      { file: "home-reviewer.png", as: ACCOUNT.reviewer, path: "/" },
      { file: "home-admin.png", as: ACCOUNT.admin, path: "/" },
      { file: "task-list.png", as: ACCOUNT.lead, path: `/submissions/${ids.draft}` },
      {
        file: "section-with-errors.png",
        as: ACCOUNT.lead,
        path: `/submissions/${ids.draft}/sections/finance`,
        before: async (page) => {
          await page.getByLabel("Capitated sum each year").fill("£1.5m");
          await page.getByRole("button", { name: "Save and continue" }).click();
          await page.locator(".nhsuk-error-summary").waitFor();
        },
      },
      { file: "check-answers.png", as: ACCOUNT.lead, path: `/submissions/${ids.draft}/check` },
      { file: "review-workspace.png", as: ACCOUNT.reviewer, path: `/reviews/${ids.toPropose}` },
      { file: "decision-record.png", as: ACCOUNT.lead, path: `/submissions/${ids.returned}/decisions/1` },
      // One region's submissions: every column, without a 25-row page the height of a wall.
      { file: "pipeline.png", as: ACCOUNT.admin, path: "/pipeline?region=SE" },
      { file: "admin-users.png", as: ACCOUNT.admin, path: "/admin/users" },
      { file: "audit-log.png", as: ACCOUNT.admin, path: `/admin/audit?submission=${ids.assured}` },
      { file: "regions.png", as: ACCOUNT.admin, path: "/pipeline/regions", optional: true },
      { file: "criteria.png", as: ACCOUNT.admin, path: "/admin/criteria", optional: true },
    ];

    fs.mkdirSync(OUT, { recursive: true });
    const pages = new Map<string, Page>();
    for (const shot of shots) {
      let page = pages.get(shot.as);
      if (!page) {
        page = await signedIn(browser, server.baseUrl, shot.as);
        pages.set(shot.as, page);
      }
      const response = await page.goto(shot.path);
      if (response?.status() !== 200) {
        if (shot.optional) {
          process.stdout.write(`skipped ${shot.file}: ${shot.path} answered ${response?.status()}\n`);
          continue;
        }
        throw new Error(`${shot.path} answered ${response?.status()}`);
      }
      await settled(page);
      if (shot.before) {
        await shot.before(page);
        await settled(page);
      }
      const file = path.join(OUT, shot.file);
      await page.screenshot({ path: file, fullPage: true });
      process.stdout.write(`${file} (${Math.round(fs.statSync(file).size / 1024)} KB)\n`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
