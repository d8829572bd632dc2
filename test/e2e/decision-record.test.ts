import Database from "better-sqlite3";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client.ts";
import { addComment, upsertAssessment } from "../../db/reviews.ts";
import { chromiumPath, expectNoAxeViolations, launch, signIn } from "./browser.ts";
import { type RunningServer, startServer } from "./server.ts";

interface Decided {
  id: string;
  footprintName: string;
  leadEmail: string;
  hash: string;
  seq: number;
  at: string;
  proposerId: string;
}

const AFTER_CHECKPOINT_1 = ["procurement", "mobilisation", "final_conditions", "assured"];

// A server of its own, so marking notifications read and declaring conflicts touch nobody else's data.
describe.skipIf(!chromiumPath)("the decision record, notifications, outbox and conflicts in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let decided: Decided;

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();

    // A demo submission past checkpoint 1, its footprint's lead, and the hash of its first decision.
    const sqlite = new Database(server.databaseFile, { readonly: true });
    try {
      const row = sqlite
        .prepare(
          `select s.id, f.name as footprintName, u.email as leadEmail, a.hash, a.seq, a.at,
             (select p.actor_id from audit_event p where p.chain = s.id and p.action = 'PROPOSE_DECISION' and p.seq < a.seq
              order by p.seq desc limit 1) as proposerId
           from submission s
           join footprint f on f.code = s.footprint_code
           join footprint_member m on m.footprint_code = s.footprint_code
           join user u on u.id = m.user_id and u.role = 'lead'
           join audit_event a on a.chain = s.id and a.action = 'COUNTERSIGN'
           where (s.state in (${AFTER_CHECKPOINT_1.map(() => "?").join(", ")}) or s.state like 'checkpoint2.%' or s.state like 'checkpoint3.%')
             and json_extract(a.payload, '$.agree') = 1
           order by s.id, a.seq limit 1`,
        )
        .get(...AFTER_CHECKPOINT_1) as Decided | undefined;
      if (!row) throw new Error("the demo seed made no submission with a decision");
      decided = row;
    } finally {
      sqlite.close();
    }

    // The demo seed rates nothing and comments on nothing: give the decision something of each.
    const db = createDb(`file:${server.databaseFile}`);
    try {
      const before = new Date(new Date(decided.at).getTime() - 60_000).toISOString();
      const comment = {
        submissionId: decided.id,
        checkpoint: 1,
        versionNumber: 1,
        authorId: decided.proposerId,
        fieldPath: null,
        at: before,
      };
      await upsertAssessment(db, {
        submissionId: decided.id,
        checkpoint: 1,
        criterionId: "J-01",
        reviewerId: decided.proposerId,
        rating: "met",
        note: "Strong case",
        at: before,
      });
      await upsertAssessment(db, {
        submissionId: decided.id,
        checkpoint: 1,
        criterionId: "J-02",
        reviewerId: decided.proposerId,
        rating: "not_met",
        note: "",
        at: before,
      });
      await addComment(db, { ...comment, visibility: "shared", body: "A comment shared with the lead." });
      await addComment(db, {
        ...comment,
        visibility: "internal",
        fieldPath: "finance.riskGainShare.description",
        body: "An internal comment.",
      });
    } finally {
      await db.destroy();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(email: string, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await signIn(page, email);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Welcome, /);
    return { context, page };
  }

  const recordPath = () => `/submissions/${decided.id}/decisions/1`;

  it("shows the footprint's lead the decision with its audit hash, prints as a letter, and passes axe", async () => {
    const { context, page } = await signedIn(decided.leadEmail);
    const response = await page.goto(recordPath());
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Checkpoint 1 decision: /);
    const main = page.locator("main");
    expect(await main.textContent()).toContain(`The system leads of ${decided.footprintName}`);
    expect(await main.textContent()).toContain("NHS England");
    expect(await main.textContent()).toContain(`${decided.id}/1`);
    expect(await page.getByText(decided.hash, { exact: true }).count()).toBe(1);
    expect(await main.textContent()).toContain(`Entry ${decided.seq} of this submission's audit log`);
    // Told in plain words that the record checks itself, and where to open it; no commands for a lead.
    expect(await main.textContent()).not.toContain("npm run");
    expect(await page.getByTestId("audit-check").textContent()).toMatch(
      /entries of this submission.s audit log matches its seal and the entry before it, and the decision shown is the one that was proposed and countersigned/,
    );
    expect(await main.getByRole("link", { name: new RegExp(`/submissions/${decided.id}/decisions/1$`) }).count()).toBe(1);
    expect(await main.textContent()).toContain("A comment shared with the lead.");
    expect(await main.textContent()).not.toContain("An internal comment.");
    const ratings = page.getByRole("table", { name: "Reviewers' ratings of the key lines of enquiry at checkpoint 1" });
    expect(await ratings.textContent()).toContain("J-01 Net benefit");
    expect(await ratings.textContent()).toContain("Not met");
    expect(await ratings.textContent()).not.toContain("Strong case");

    const print = page.getByRole("button", { name: "Print this decision" });
    await expect.poll(() => print.isVisible()).toBe(true);
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page);

    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("navigation", { name: "Menu" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
    expect(await print.isVisible()).toBe(false);
    expect(await page.getByRole("link", { name: "Back to the submission" }).isVisible()).toBe(false);
    expect(await page.locator("footer").isVisible()).toBe(false);
    expect(await page.getByText("New Care Models Programme").isVisible()).toBe(true);
    expect(await page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);
    expect(await page.getByText(decided.hash, { exact: true }).isVisible()).toBe(true);
    expect(await page.getByTestId("audit-check").isVisible()).toBe(true);
    await page.emulateMedia({ media: "screen" });
    await context.close();
  });

  it("works without JavaScript (no print button: the browser prints it), and for an admin", async () => {
    const { context, page } = await signedIn(decided.leadEmail, false);
    expect((await page.goto(recordPath()))?.status()).toBe(200);
    expect(await page.getByText(decided.hash, { exact: true }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Print this decision" }).count()).toBe(0);
    await context.close();

    const admin = await signedIn("admin@example.nhs.uk");
    expect((await admin.page.goto(recordPath()))?.status()).toBe(200);
    expect(await admin.page.getByText(decided.hash, { exact: true }).count()).toBe(1);
    expect(await admin.page.locator("main").textContent()).toContain("An internal comment.");
    expect(await admin.page.locator("main").textContent()).toContain("Strong case");
    await admin.page.waitForLoadState("networkidle");
    await expectNoAxeViolations(admin.page);
    expect((await admin.page.goto(`/submissions/${decided.id}/decisions/99`))?.status()).toBe(404);
    await admin.context.close();
  });

  it("lists the admin's notifications, marks them all read, and passes axe", async () => {
    const { context, page } = await signedIn("admin@example.nhs.uk");
    expect((await page.goto("/notifications"))?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Notifications");
    expect(await page.locator("main .nhsuk-tag", { hasText: "Unread" }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("heading", { level: 2, name: /^Submitted for checkpoint \d: / }).count()).toBeGreaterThan(0);
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page);

    await page.getByRole("button", { name: "Mark all as read" }).click();
    await expect.poll(() => page.getByText("All your notifications are marked as read.").count()).toBe(1);
    expect(await page.locator("main .nhsuk-tag", { hasText: "Unread" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Mark all as read" }).count()).toBe(0);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it("shows the admin the outbox with each email readable, and passes axe", async () => {
    const { context, page } = await signedIn("admin@example.nhs.uk");
    expect((await page.goto("/admin/outbox"))?.status()).toBe(200);
    const table = page.getByRole("table", { name: "Emails in the outbox" });
    expect(await table.getByRole("row").count()).toBeGreaterThan(1);
    await table.locator("summary").first().click();
    expect(await table.getByText("Open it in NCM Assure:").first().isVisible()).toBe(true);
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page);

    // Fifty to a page; the older ones are a link away.
    const pagination = page.getByRole("navigation", { name: "Pagination" });
    await pagination.getByRole("link", { name: /Next/ }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("?page=2");
    await expect.poll(() => pagination.getByRole("link", { name: /Previous/ }).count()).toBe(1);
    await context.close();

    const reviewer = await signedIn("reviewer.one@example.nhs.uk");
    expect((await reviewer.page.goto("/admin/outbox"))?.status()).toBe(403);
    await reviewer.context.close();
  });

  it("lets a reviewer declare and withdraw a conflict without JavaScript, explaining a mistake; axe with it on", async () => {
    const { context, page } = await signedIn("reviewer.three@example.nhs.uk", false);
    await page.goto("/account/conflicts");
    const table = page.getByRole("table", { name: "Conflicts you have declared" });
    expect(await table.textContent()).toContain("Greater Manchester");

    await page.getByLabel("Reason").fill("Worked for Kent Community Health until last year");
    await page.getByRole("button", { name: "Declare conflict" }).click();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Select the footprint you have a conflict with");
    expect(await page.title()).toBe("Error: Your declared conflicts – NCM Assure");
    expect(await page.getByLabel("Reason").inputValue()).toBe("Worked for Kent Community Health until last year");

    await page.getByLabel("Footprint").selectOption({ label: "Kent and Medway (South East)" });
    await page.getByRole("button", { name: "Declare conflict" }).click();
    expect(await page.getByText("Your conflict with Kent and Medway has been declared.").count()).toBe(1);
    expect(await page.title()).toBe("Your declared conflicts – NCM Assure");
    expect(await table.textContent()).toContain("Worked for Kent Community Health until last year");

    await table.getByRole("button", { name: "Withdraw the conflict with Kent and Medway" }).click();
    expect(await page.getByText("Your conflict with Kent and Medway has been withdrawn.").count()).toBe(1);
    expect(await table.textContent()).not.toContain("Kent and Medway");
    await context.close();

    const withJs = await signedIn("reviewer.three@example.nhs.uk");
    await withJs.page.goto("/account/conflicts");
    await withJs.page.getByRole("button", { name: "Declare conflict" }).click();
    await expect.poll(() => withJs.page.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    await withJs.page.waitForLoadState("networkidle");
    await expectNoAxeViolations(withJs.page);
    await withJs.context.close();
  });
});
