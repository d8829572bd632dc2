import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, expectNoAxeViolations, launch, signIn } from "./browser.ts";
import { type RunningServer, startServer } from "./server.ts";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe.skipIf(!chromiumPath)("evidence and versions in Chromium", () => {
  // A server of its own, so this file can add a draft to its database and keep uploads apart.
  let server: RunningServer;
  let browser: Browser;
  let uploads: string;
  let draftId: string;
  let versionedId: string;

  beforeAll(async () => {
    uploads = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-e2e-uploads-"));
    process.env.UPLOADS_DIR = uploads; // the server inherits this process's environment
    server = await startServer();
    browser = await launch();

    const { createDb } = await import("../../db/client.ts");
    const { findUserProfile } = await import("../../db/users.ts");
    const { actorFrom, startSubmission } = await import("../../app/.server/assurance.ts");
    const db = createDb(`file:${server.databaseFile}`);
    try {
      const user = await db.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
      const lead = actorFrom((await findUserProfile(db, user.id))!);
      const started = await startSubmission(db, lead, {
        footprintCode: "E54000032",
        title: "Kent and Medway evidence test",
        modelType: "MCP",
      });
      if (!started.ok) throw new Error(started.reason);
      draftId = started.id;
    } finally {
      await db.destroy();
    }

    // A demo submission of Kent's with at least two versions, straight from the server's database.
    const sqlite = new Database(server.databaseFile, { readonly: true });
    const row = sqlite
      .prepare(
        `select s.id from submission s join submission_version v on v.submission_id = s.id
         where s.footprint_code = 'E54000032' group by s.id having count(*) >= 2 order by s.id limit 1`,
      )
      .get() as { id: string } | undefined;
    sqlite.close();
    if (!row) throw new Error("the demo seed made no submission of Kent's with two versions");
    versionedId = row.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(uploads, { recursive: true, force: true });
  });

  async function signedIn(javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await signIn(page, "lead.kent@example.nhs.uk");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Kendall Lead");
    if (javaScriptEnabled) await expectNoAxeViolations(page);
    return { context, page };
  }

  const evidencePage = () => `/submissions/${draftId}/sections/evidence`;

  async function upload(page: Page, file: { name: string; mimeType: string; buffer: Buffer }, section: string, description: string) {
    await page.getByLabel("File", { exact: true }).setInputFiles(file);
    await page.getByLabel(section).check();
    await page.getByLabel("Description (optional)").fill(description);
    await page.getByRole("button", { name: "Upload file" }).click();
  }

  it("uploads, lists and downloads a PDF with JavaScript on, and explains a wrong file", async () => {
    const { context, page } = await signedIn(true);
    const response = await page.goto(evidencePage());
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Evidence");
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page);

    await upload(
      page,
      { name: "board-minutes.pdf", mimeType: "application/pdf", buffer: PDF },
      "Governance and engagement",
      "Board minutes",
    );
    await expect.poll(() => page.getByText("board-minutes.pdf has been uploaded.").count()).toBe(1);
    const table = page.getByRole("table", { name: "Uploaded documents" });
    expect(await table.textContent()).toContain("Governance and engagement");
    expect(await table.textContent()).toContain("Board minutes");
    await expectNoAxeViolations(page);

    const [download] = await Promise.all([page.waitForEvent("download"), table.getByRole("link", { name: "board-minutes.pdf" }).click()]);
    expect(download.suggestedFilename()).toBe("board-minutes.pdf");
    expect(fs.readFileSync(await download.path())).toEqual(PDF);

    // Named .pdf, but a PNG inside: only the server can tell, and it says so without losing the answers.
    await upload(page, { name: "photo.pdf", mimeType: "application/pdf", buffer: PNG }, "Finance and risk", "Not really a PDF");
    await expect.poll(() => page.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("The selected file must be a PDF, Word or Excel file");
    expect(await page.locator(".nhsuk-error-message").first().textContent()).toBe(
      "Error: The selected file must be a PDF, Word or Excel file",
    );
    expect(await page.getByLabel("Finance and risk").isChecked()).toBe(true);
    expect(await page.getByLabel("Description (optional)").inputValue()).toBe("Not really a PDF");
    await expectNoAxeViolations(page);

    // Checked in the browser before anything is sent.
    await page
      .getByLabel("File", { exact: true })
      .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    await page.getByRole("button", { name: "Upload file" }).click();
    await expect
      .poll(() => page.locator(".nhsuk-error-summary").textContent())
      .toContain("The selected file must be a PDF, Word or Excel file");
    expect(await table.getByRole("link").count()).toBe(1);
    await context.close();
  });

  it("uploads and deletes with JavaScript off", async () => {
    const { context, page } = await signedIn(false);
    await page.goto(evidencePage());

    await upload(
      page,
      { name: "wrong.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: PDF },
      "Outcomes and metrics",
      "Kept after an error",
    );
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("The selected file must be a PDF, Word or Excel file");
    expect(await page.getByLabel("Outcomes and metrics").isChecked()).toBe(true);
    expect(await page.getByLabel("Description (optional)").inputValue()).toBe("Kept after an error");

    // Too big to read at all: refused on its declared length, but the other answers come back.
    const huge = path.join(uploads, "huge.pdf");
    fs.writeFileSync(huge, Buffer.concat([PDF, Buffer.alloc(22 * 1024 * 1024)]));
    await page.getByLabel("File", { exact: true }).setInputFiles(huge);
    await page.getByLabel("Integration enablers").check();
    await page.getByLabel("Description (optional)").fill("Far too big");
    await page.getByRole("button", { name: "Upload file" }).click();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("The selected file must be smaller than 20MB");
    expect(await page.getByLabel("Integration enablers").isChecked()).toBe(true);
    expect(await page.getByLabel("Description (optional)").inputValue()).toBe("Far too big");
    fs.rmSync(huge);

    await upload(page, { name: "case-for-change.pdf", mimeType: "application/pdf", buffer: PDF }, "About the proposal", "Case for change");
    expect(await page.getByText("case-for-change.pdf has been uploaded.").count()).toBe(1);
    const table = page.getByRole("table", { name: "Uploaded documents" });
    expect(await table.getByRole("link").allTextContents()).toEqual(["board-minutes.pdf", "case-for-change.pdf"]);

    await table.getByRole("button", { name: "Delete case-for-change.pdf" }).click();
    expect(await page.getByText("The document has been deleted from the draft.").count()).toBe(1);
    expect(await table.getByRole("link").allTextContents()).toEqual(["board-minutes.pdf"]);
    await context.close();
  });

  it("shows a demo submission's versions and compares them", async () => {
    const { context, page } = await signedIn(true);
    const response = await page.goto(`/submissions/${versionedId}/versions`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Versions");
    const versions = page.getByRole("table", { name: "Submitted versions" });
    expect(await versions.getByRole("row").count()).toBeGreaterThanOrEqual(3);
    expect(await versions.textContent()).toContain("Kendall Lead");

    const heading = page.getByRole("heading", { name: /^Changes from version \d+ to version \d+$/ });
    expect(await heading.count()).toBe(1);
    const changes = page.locator("tr[data-field-path]");
    expect(await changes.count()).toBeGreaterThan(0);
    expect(await page.locator("main .nhsuk-tag").first().textContent()).toMatch(/^(Added|Removed|Changed)$/);
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page);

    await page.getByLabel("From version").selectOption("2");
    await page.getByLabel("To version").selectOption("1");
    await page.getByRole("button", { name: "Compare" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Changes from version 2 to version 1" }).count()).toBe(1);
    expect(new URL(page.url()).search).toBe("?from=2&to=1");
    await expectNoAxeViolations(page);

    // Another footprint's lead cannot see it.
    await context.close();
    const other = await browser.newContext({ baseURL: server.baseUrl });
    const otherPage = await other.newPage();
    await otherPage.goto("/sign-in");
    await signIn(otherPage, "lead.manchester@example.nhs.uk");
    await expect.poll(() => otherPage.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Morgan Lead");
    expect((await otherPage.goto(`/submissions/${versionedId}/versions`))?.status()).toBe(404);
    await expect.poll(() => otherPage.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    await expectNoAxeViolations(otherPage);
    await other.close();
  });

  it("downloads a demo document whole, and shows the friendly page for one that is missing", async () => {
    const { context, page } = await signedIn(true);
    await page.goto(`/submissions/${versionedId}`);
    const sqlite = new Database(server.databaseFile, { readonly: true });
    const version = sqlite
      .prepare("select content from submission_version where submission_id = ? order by number desc limit 1")
      .get(versionedId) as { content: string };
    sqlite.close();
    const document = (JSON.parse(version.content) as { evidence: { documents: { id: string; fileName: string; sizeBytes: number }[] } })
      .evidence.documents[0]!;
    const response = await context.request.get(`/submissions/${versionedId}/evidence/${document.id}`);
    expect(response.status()).toBe(200);
    expect((await response.body()).length).toBe(document.sizeBytes);

    const missing = await page.goto(`/submissions/${versionedId}/evidence/no-such-document`);
    expect(missing?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    expect(await page.title()).toBe("Page not found – NCM Assure");
    // The service's own stylesheet, so it looks like every other page.
    expect(await page.locator("header.nhsuk-header").evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(0, 94, 184)");
    await expectNoAxeViolations(page);
    await context.close();
  });
});
