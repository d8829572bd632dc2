import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chromiumPath, expectAccessible, isolatedServer, signIn, signedInAs } from "./browser.ts";

const INVITEE = { name: "Sasha Surrey", email: "sasha.surrey@example.nhs.uk" };
const PASSWORD = "surrey heartlands passphrase";

/**
 * An administrator invites a lead, who sets a password from the emailed link and signs in; the
 * administrator then deactivates the account and the lead's open session ends. A server of its
 * own (production settings, so the link is read from the outbox, as an administrator would).
 */
describe.skipIf(!chromiumPath)("user administration in Chromium", () => {
  const env = isolatedServer();

  const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

  it("invites a user who sets a password and signs in, then deactivates them and their session ends", async () => {
    const admin = await signedInAs(env.browser, env.server, "admin@example.nhs.uk");
    const page = admin.page;
    // An administrator's work starts at the pipeline, and their home page says so.
    const start = page.locator(".nhsuk-action-link").getByRole("link");
    expect(await start.textContent()).toBe("Go to the pipeline");
    expect(await start.getAttribute("href")).toBe("/pipeline");
    expect(await page.getByRole("main").getByRole("link", { name: "Assign reviewers" }).count()).toBe(1);

    await page.goto("/admin/users");
    expect(await heading(page)).toBe("Users");
    expect(await page.getByRole("table").textContent()).toContain("lead.kent@example.nhs.uk");
    await expectAccessible(page);

    await page.getByRole("button", { name: "Invite a user" }).click();
    await expect.poll(() => heading(page)).toBe("Invite a user");
    await expectAccessible(page);

    // The browser checks the form first; nothing is lost and each problem is named.
    await page.getByLabel("Full name").fill(INVITEE.name);
    await page.getByLabel("System lead", { exact: true }).check();
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    const summary = await page.locator(".nhsuk-error-summary").textContent();
    expect(summary).toContain("Enter their email address");
    expect(summary).toContain("Select at least one footprint for a system lead");
    expect(await page.getByLabel("Full name").inputValue()).toBe(INVITEE.name);
    await expectAccessible(page);

    await page.getByLabel("Email address").fill(INVITEE.email);
    await page.getByLabel("Surrey Heartlands", { exact: true }).check();
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => heading(page)).toBe("Invitation sent");
    expect(await page.locator("main").textContent()).toContain(`We have emailed ${INVITEE.email}`);
    // Production settings: the link goes to its owner only, never onto the admin's page.
    expect(await page.getByTestId("set-password-link").count()).toBe(0);
    await expectAccessible(page);

    // With no mail relay the email waits in the outbox, where an administrator can read it.
    await page.goto("/admin/outbox");
    const row = page.getByRole("row").filter({ hasText: INVITEE.email });
    await row.getByText("Read the email").click();
    const email = (await row.locator(".nhsuk-details__text").textContent()) ?? "";
    const link = email.match(/http:\/\/localhost:\d+\/set-password\?token=[\w-]+/)?.[0];
    expect(link, email).toBeDefined();
    await expectAccessible(page);

    // The invited person, in a browser of their own.
    const invitee = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const theirs = await invitee.newPage();
    const opened = await theirs.goto(link!);
    expect(opened?.status()).toBe(200);
    expect(await heading(theirs)).toBe("Set your password");
    expect(await theirs.locator("main").textContent()).toContain(INVITEE.email);
    await expectAccessible(theirs);

    await theirs.getByLabel("New password").fill("too short");
    await theirs.getByLabel("Enter the password again").fill("different");
    await theirs.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => theirs.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    expect(await theirs.locator(".nhsuk-error-summary").textContent()).toContain("Password must be 12 characters or more");
    await expectAccessible(theirs);

    await theirs.getByLabel("New password").fill(PASSWORD);
    await theirs.getByLabel("Enter the password again").fill(PASSWORD);
    await theirs.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => new URL(theirs.url()).pathname).toBe("/sign-in");
    await expectAccessible(theirs);

    await signIn(theirs, INVITEE.email, PASSWORD);
    await expect.poll(() => heading(theirs)).toBe(`Welcome, ${INVITEE.name}`);
    expect(await theirs.locator("main").textContent()).toContain("Surrey Heartlands");
    await expectAccessible(theirs);

    // The link was for one use only.
    const again = await theirs.goto(link!);
    expect(again?.status()).toBe(410);
    expect(await heading(theirs)).toBe("This link has already been used");
    await expectAccessible(theirs);
    await theirs.goto("/");
    expect(await heading(theirs)).toBe(`Welcome, ${INVITEE.name}`);

    // The administrator finds them in the list, now active, and deactivates the account.
    await page.goto("/admin/users");
    const listed = page.getByRole("row").filter({ hasText: INVITEE.email });
    expect(await listed.textContent()).toContain("Active");
    await listed.getByRole("link", { name: INVITEE.name }).click();
    await expect.poll(() => heading(page)).toBe(INVITEE.name);
    await expectAccessible(page);

    await page.getByRole("button", { name: "Deactivate account" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "There is a problem" }).count()).toBe(1);
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter why the account is being deactivated");
    await expectAccessible(page);
    await page.getByLabel("Why is the account being deactivated?").fill("Moved to another trust");
    await page.getByRole("button", { name: "Deactivate account" }).click();
    await expect.poll(() => page.getByText("The account has been deactivated and its sessions ended.").count()).toBe(1);
    expect(await page.locator(".nhsuk-summary-list").textContent()).toContain("Moved to another trust");
    await expectAccessible(page);

    // Their open page now finds no session: the next request goes to sign in, and signing in fails.
    await theirs.getByRole("link", { name: "Your submissions", exact: true }).click();
    await expect.poll(() => new URL(theirs.url()).pathname).toBe("/sign-in");
    await signIn(theirs, INVITEE.email, PASSWORD);
    await expect.poll(() => theirs.locator(".nhsuk-error-summary").count()).toBe(1);
    expect(await theirs.locator(".nhsuk-error-summary").textContent()).toContain("Enter a correct email address and password");
    expect(new URL(theirs.url()).pathname).toBe("/sign-in");
    await expectAccessible(theirs);

    // Reactivated, the same password works again, and brings them back to the page they asked for.
    await page.getByRole("button", { name: "Reactivate account" }).click();
    await expect.poll(() => page.getByText("The account has been reactivated. They can sign in again.").count()).toBe(1);
    await expectAccessible(page);
    await signIn(theirs, INVITEE.email, PASSWORD);
    await expect.poll(() => new URL(theirs.url()).pathname).toBe("/submissions");
    await expect.poll(() => heading(theirs)).toBe("Your submissions");

    const invited = await env.database.selectFrom("user").select("id").where("email", "=", INVITEE.email).executeTakeFirstOrThrow();
    const actions = await env.database
      .selectFrom("audit_event")
      .select("action")
      .where("chain", "=", "admin")
      .where("payload", "like", `%${invited.id}%`)
      .orderBy("seq")
      .execute();
    expect(actions.map((a) => a.action)).toEqual(["INVITE_USER", "SET_PASSWORD", "DEACTIVATE_USER", "REACTIVATE_USER"]);

    await invitee.close();
    await admin.context.close();
  });

  it("works with JavaScript off: the server's errors keep what was typed, the invitation and the password are set", async () => {
    const admin = await signedInAs(env.browser, env.server, "admin@example.nhs.uk", false);
    const page = admin.page;
    await page.goto("/admin/users/invite");
    await page.getByLabel("Full name").fill("Nico Norfolk");
    await page.getByLabel("Email address").fill("nico.norfolk@example.nhs.uk");
    await page.getByLabel("National reviewer", { exact: true }).check();
    await page.getByLabel("Norfolk and Waveney", { exact: true }).check();
    await page.getByRole("button", { name: "Send invitation" }).click();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Only system leads belong to footprints");
    expect(await page.getByLabel("Full name").inputValue()).toBe("Nico Norfolk");
    expect(await page.getByLabel("Email address").inputValue()).toBe("nico.norfolk@example.nhs.uk");
    expect(await page.getByLabel("National reviewer", { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel("Norfolk and Waveney", { exact: true }).isChecked()).toBe(true);

    await page.getByLabel("Norfolk and Waveney", { exact: true }).uncheck();
    await page.getByRole("button", { name: "Send invitation" }).click();
    expect(await heading(page)).toBe("Invitation sent");

    const email = await env.database
      .selectFrom("outbox")
      .select("body")
      .where("to_address", "=", "nico.norfolk@example.nhs.uk")
      .executeTakeFirstOrThrow();
    const link = email.body.match(/http:\/\/localhost:\d+\/set-password\?token=[\w-]+/)![0];
    const invitee = await env.browser.newContext({ baseURL: env.server.baseUrl, javaScriptEnabled: false });
    const theirs = await invitee.newPage();
    await theirs.goto(link);
    await theirs.getByLabel("New password").fill("norfolk broads passphrase");
    await theirs.getByLabel("Enter the password again").fill("norfolk broads passphrase?");
    await theirs.getByRole("button", { name: "Set password" }).click();
    expect(await theirs.locator(".nhsuk-error-summary").textContent()).toContain("The passwords do not match");
    expect(await theirs.getByLabel("New password").inputValue()).toBe("");
    await theirs.getByLabel("New password").fill("norfolk broads passphrase");
    await theirs.getByLabel("Enter the password again").fill("norfolk broads passphrase");
    await theirs.getByRole("button", { name: "Set password" }).click();
    expect(new URL(theirs.url()).pathname).toBe("/sign-in");
    await signIn(theirs, "nico.norfolk@example.nhs.uk", "norfolk broads passphrase");
    expect(await heading(theirs)).toBe("Welcome, Nico Norfolk");

    await invitee.close();
    await admin.context.close();
  });

  it("shows a friendly page for a link that does not work", async () => {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    const response = await page.goto("/set-password?token=not-a-real-token");
    expect(response?.status()).toBe(400);
    expect(await heading(page)).toBe("This link is not valid");
    expect(await page.locator("main").textContent()).toContain("ask your programme administrator for a new invitation");
    await expectAccessible(page);
    await context.close();
  });
});
