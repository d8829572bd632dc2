import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { wordParagraphs } from "../support/docx.ts";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";
import { ACCOUNT, findDemoIds } from "./demo.ts";

/**
 * The proposal as a paper in Chromium: the Word document downloaded from the task list and from
 * the versions page, named from the title, and the print view as it prints.
 */
describe.skipIf(!chromiumPath)("the proposal as a document in Chromium", () => {
  const env = isolatedServer();

  async function returnedSubmission() {
    const { returned } = findDemoIds(env.server.databaseFile);
    const { title } = await env.database.selectFrom("submission").select("title").where("id", "=", returned).executeTakeFirstOrThrow();
    return { id: returned, title };
  }

  it("downloads the draft from the task list and a version from the versions page, each named from the title", async () => {
    const submission = await returnedSubmission();
    const { context, page } = await signedInAs(env.browser, env.server, ACCOUNT.lead);
    await page.goto(`/submissions/${submission.id}`);
    const [draft] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download as a Word document", exact: true }).click(),
    ]);
    expect(draft.suggestedFilename()).toBe(`${submission.title} (current draft).docx`);
    const paragraphs = wordParagraphs(fs.readFileSync(await draft.path()));
    expect(paragraphs[0]).toEqual({ style: "Title", text: submission.title });

    await page.goto(`/submissions/${submission.id}/versions`);
    const [version] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download version 1 as a Word document" }).click(),
    ]);
    expect(version.suggestedFilename()).toBe(`${submission.title} (version 1).docx`);
    expect(wordParagraphs(fs.readFileSync(await version.path())).map((p) => p.text)).toContain("The proposal for checkpoint 1: version 1");
    await context.close();
  });

  it("opens the print view from the task list, and prints it without the service's header, footer and links", async () => {
    const submission = await returnedSubmission();
    const { context, page } = await signedInAs(env.browser, env.server, ACCOUNT.lead);
    await page.goto(`/submissions/${submission.id}`);
    await page.getByRole("link", { name: "Open the print view" }).click();
    await page.waitForURL((url) => url.pathname === `/submissions/${submission.id}/proposal`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(submission.title);
    await expectAccessible(page);

    await page.emulateMedia({ media: "print" });
    for (const hidden of [".nhsuk-header__navigation", ".nhsuk-footer", ".nhsuk-back-link", ".app-no-print"]) {
      expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    }
    // The paper itself still prints whole: its title, sections and checks.
    expect(await page.getByRole("heading", { level: 2, name: "About the proposal" }).isVisible()).toBe(true);
    expect(await page.getByRole("heading", { level: 2, name: /^National checks: / }).isVisible()).toBe(true);
    // Each printed page is numbered: Chromium read the page rule's bottom margin box (an unknown or
    // malformed one would be dropped from the style sheet).
    const marginBoxes = await page.evaluate(() =>
      [...document.styleSheets].flatMap((sheet) =>
        [...sheet.cssRules]
          .filter((rule): rule is CSSPageRule => rule instanceof CSSPageRule)
          .flatMap((rule) => [...rule.cssRules].map((margin) => margin.cssText)),
      ),
    );
    expect(marginBoxes).toEqual([expect.stringMatching(/^@bottom-right \{.*content: "Page " counter\(page\) " of " counter\(pages\);/)]);
    await context.close();
  });
});
