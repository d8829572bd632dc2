import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";

/**
 * The pipeline end to end on a server of its own (so the demo submissions are exactly what its
 * database says): filtering with JavaScript off and on, sorting by a header, paging, and the CSV
 * download, with axe on every page.
 */
describe.skipIf(!chromiumPath)("the pipeline in Chromium", () => {
  const env = isolatedServer();

  async function countIn(region?: string): Promise<number> {
    let query = env.database.selectFrom("submission").innerJoin("footprint", "footprint.code", "submission.footprint_code");
    if (region) query = query.where("footprint.region_code", "=", region);
    const row = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  const summary = (page: Page) => page.getByText(/^Showing \d+ to \d+ of \d+ submissions?$|^No submissions match/).textContent();
  /** A column's cells as shown, without the heading each cell carries for narrow screens. */
  const column = (page: Page, index: number) =>
    page.locator(`tbody tr td:nth-child(${index})`).evaluateAll((cells) =>
      cells.map((c) =>
        [...c.childNodes]
          .filter((n) => !(n instanceof Element && n.classList.contains("nhsuk-table-responsive__heading")))
          .map((n) => n.textContent)
          .join("")
          .trim(),
      ),
    );
  const titles = (page: Page) => page.locator("tbody tr td:nth-child(1) > a").allTextContents();
  const header = (page: Page, name: RegExp) => page.locator("thead th").filter({ has: page.getByRole("link", { name }) });

  async function downloadCsv(page: Page, linkName: RegExp) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: linkName }).click()]);
    expect(download.suggestedFilename()).toMatch(/^ncm-pipeline-\d{4}-\d{2}-\d{2}\.csv$/);
    const path = await download.path();
    const text = fs.readFileSync(path, "utf8").replace(/^\uFEFF/, "");
    return text.split("\r\n").filter((l) => l !== "");
  }

  it("filters with JavaScript off, sorts by a header, pages and downloads the CSV", async () => {
    const total = await countIn();
    const southEast = await countIn("SE");
    expect(total).toBeGreaterThan(25);
    expect(southEast).toBeGreaterThan(1);

    const { context, page } = await signedInAs(env.browser, env.server, "admin@example.nhs.uk", false);
    await page.goto("/pipeline");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Pipeline");
    expect(await summary(page)).toBe(`Showing 1 to ${Math.min(50, total)} of ${total} submissions`);
    expect(await header(page, /^Last activity/).getAttribute("aria-sort")).toBe("descending");

    // Filter: a GET form, so the view is in the address.
    await page.getByLabel("Region").selectOption({ label: "South East" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("region")).toBe("SE");
    // Only what is set goes in the address, and the filter in force shows as a tag that removes it.
    expect(new URL(page.url()).search).toBe("?region=SE");
    expect(await page.getByRole("link", { name: "Remove filter Region: South East" }).count()).toBe(1);
    expect(await summary(page)).toBe(`Showing 1 to ${southEast} of ${southEast} submissions`);
    expect(new Set(await column(page, 3))).toEqual(new Set(["South East"]));
    expect(await page.getByLabel("Region").inputValue()).toBe("SE");

    // Sort by title, keeping the filter; the header says how it is sorted and offers the other way.
    await page
      .locator("thead")
      .getByRole("link", { name: /^Submission/ })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get("sort")).toBe("title");
    expect(new URL(page.url()).searchParams.get("region")).toBe("SE");
    expect(await header(page, /^Submission/).getAttribute("aria-sort")).toBe("ascending");
    const ascending = await titles(page);
    expect(ascending).toEqual([...ascending].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    await page
      .locator("thead")
      .getByRole("link", { name: /^Submission/ })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get("dir")).toBe("desc");
    expect(await header(page, /^Submission/).getAttribute("aria-sort")).toBe("descending");
    expect(await titles(page)).toEqual([...ascending].reverse());

    // The export carries the same view.
    const lines = await downloadCsv(page, /^Export these \d+ submissions as CSV$/);
    expect(lines[0]).toMatch(/^Submission ID,Title,Footprint code,Footprint,Region,Model,/);
    expect(lines).toHaveLength(southEast + 1);
    expect(lines.slice(1).every((l) => l.includes(",South East,"))).toBe(true);
    expect(lines[1]).toContain(`,${(await titles(page))[0]},`);

    // Clear, then page through 25 at a time.
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("");
    await page.getByRole("link", { name: "Show 25 per page" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 1 to 25 of ${total} submissions`);
    await page.getByRole("link", { name: "Next page" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 26 to ${Math.min(50, total)} of ${total} submissions`);
    expect(await page.getByRole("link", { name: "Page 2" }).getAttribute("aria-current")).toBe("page");
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");
    await page.getByRole("link", { name: "Previous page" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 1 to 25 of ${total} submissions`);
    await context.close();
  });

  it("filters, sorts, pages and downloads with JavaScript on, and every page passes axe", async () => {
    const total = await countIn();
    const { context, page } = await signedInAs(env.browser, env.server, "reviewer.one@example.nhs.uk", true);
    await page.setViewportSize({ width: 1280, height: 800 });
    // The server sends the table's rows as it kept them (app/.server/kept-rows.ts): the browser must
    // hydrate them as its own, with no mismatch for React to report and no row rendered again.
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto("/pipeline");
    await expectAccessible(page);
    expect(errors).toEqual([]);
    // On a 1,280 × 800 screen the table fits without scrolling sideways, and its first rows show
    // without scrolling past the filters.
    const fit = await page.evaluate(() => {
      const region = document.querySelector("section[aria-label^='Submissions']")!;
      const firstRow = document.querySelector("tbody tr")!.getBoundingClientRect();
      return { overflow: region.scrollWidth - region.clientWidth, firstRowBottom: firstRow.bottom };
    });
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(fit.firstRowBottom).toBeLessThan(800);

    // The demo's London submissions waiting on the national team (their titles name the footprint).
    const london = await env.database
      .selectFrom("submission")
      .innerJoin("footprint", "footprint.code", "submission.footprint_code")
      .select("submission.id")
      .where("footprint.name", "like", "%London%")
      .where("submission.whose_turn", "=", "national")
      .execute();
    expect(london.length).toBeGreaterThan(1);
    await page.getByLabel("Search submissions").fill("london");
    await page.getByLabel("Whose turn").selectOption({ label: "National team" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 1 to ${london.length} of ${london.length} submissions`);
    expect(new URL(page.url()).searchParams.get("q")).toBe("london");
    const turns = await column(page, 7);
    expect(turns).toEqual(london.map(() => "National team"));
    for (const row of await page.locator("tbody tr").allTextContents()) expect(row.toLowerCase()).toContain("london");
    await expectAccessible(page);

    // Table links are plain anchors that navigate inside the app (decision 006): a mark left on the
    // window survives the sort, the page and the row link below, as it would not a document load.
    await page.evaluate(() => Object.assign(window, { stillThisDocument: true }));
    const sameDocument = () => page.evaluate(() => (window as { stillThisDocument?: boolean }).stillThisDocument === true);

    // Sort by the live national clock, most used first.
    await page
      .locator("thead")
      .getByRole("link", { name: /^National working days/ })
      .click();
    await expect.poll(() => header(page, /^National working days/).getAttribute("aria-sort")).toBe("descending");
    const used = (await column(page, 9)).map((t) => Number.parseFloat(t));
    expect(used).toEqual([...used].sort((a, b) => b - a));
    await expectAccessible(page);

    const lines = await downloadCsv(page, /^Export (these \d+ submissions|this submission) as CSV$/);
    expect(lines[0]).toContain("National working days used,National target (working days),SLA status,Lead reviewer,Second reviewer");
    expect(lines).toHaveLength(turns.length + 1);
    expect(lines.slice(1).every((l) => l.includes(",National team,"))).toBe(true);

    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 1 to ${Math.min(50, total)} of ${total} submissions`);
    expect(await page.getByLabel("Search submissions").inputValue()).toBe("");
    await page.getByRole("link", { name: "Show 25 per page" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 1 to 25 of ${total} submissions`);
    await page.getByRole("link", { name: "Page 2" }).click();
    await expect.poll(() => summary(page)).toBe(`Showing 26 to ${Math.min(50, total)} of ${total} submissions`);
    await expectAccessible(page);
    expect(await sameDocument()).toBe(true);

    // A row's title opens its review in the same document; Back returns to the same page of the list.
    const first = page.locator("tbody tr td:nth-child(1) > a").first();
    const href = await first.getAttribute("href");
    await first.click();
    await page.waitForURL((url) => url.pathname === href);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).not.toBe("Pipeline");
    expect(await sameDocument()).toBe(true);
    await page.goBack();
    await expect.poll(() => summary(page)).toBe(`Showing 26 to ${Math.min(50, total)} of ${total} submissions`);

    await page.goto("/pipeline?sla=breached&q=no-such-submission");
    expect(await summary(page)).toBe("No submissions match these filters.");
    await expectAccessible(page);
    await context.close();
  });

  it("is not offered to a system lead", async () => {
    const { context, page } = await signedInAs(env.browser, env.server, "lead.kent@example.nhs.uk", false);
    const response = await page.goto("/pipeline");
    expect(response?.status()).toBe(403);
    const csv = await page.request.get("/pipeline.csv");
    expect(csv.status()).toBe(403);
    await context.close();
  });
});
