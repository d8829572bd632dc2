import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS, type SubmissionContent } from "../../workflows/submission.ts";
import { chromiumPath, DEMO_PASSWORD, expectAccessible, isolatedServer } from "./browser.ts";

/**
 * What a keyboard describes of the focused element: whether nhsuk's focus style shows on it. The
 * design system marks focus with its yellow (#ffeb3b): an outline on inputs and the error summary,
 * a background on links and buttons, and a ring drawn by the label of a radio or checkbox (whose
 * input is hidden under it).
 */
function focusState(): { tag: string; visible: boolean; summary: boolean } {
  const yellow = "rgb(255, 235, 59)";
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return { tag: "body", visible: false, summary: false };
  const style = getComputedStyle(el);
  let visible =
    (style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2 && style.outlineColor === yellow) ||
    style.boxShadow.includes(yellow) ||
    style.backgroundColor === yellow;
  if (!visible && el instanceof HTMLInputElement && (el.type === "radio" || el.type === "checkbox")) {
    const ring = el.labels?.[0] ? getComputedStyle(el.labels[0], "::before").boxShadow : "none";
    visible = ring.includes(yellow);
  }
  const tag = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
  return { tag, visible, summary: el.classList.contains("nhsuk-error-summary") };
}

/**
 * Tab (or Shift+Tab, when the target is behind) until the target has focus, checking that every
 * element focus stops on shows it. Only the keyboard moves focus.
 */
async function tabTo(page: Page, target: Locator, limit = 200): Promise<void> {
  let handle = await target.elementHandle();
  for (let presses = 0; ; presses++) {
    // A client-side navigation can swap the page after the handle was taken (the address changes
    // before React commits the new route): take the target again from the page now showing.
    if (!(await handle.evaluate((el) => el.isConnected))) handle = await target.elementHandle();
    const where = await page.evaluate((el) => {
      const active = document.activeElement;
      if (active === el) return 0;
      if (!active || active === document.body) return 1;
      return active.compareDocumentPosition(el!) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
    }, handle);
    if (where === 0) return;
    expect(presses, `reached ${await target.evaluate((el) => el.outerHTML.slice(0, 120))} within ${limit} key presses`).toBeLessThan(limit);
    await page.keyboard.press(where > 0 ? "Tab" : "Shift+Tab");
    const focus = await page.evaluate(focusState);
    expect(focus.visible, `focus is visible on ${focus.tag}`).toBe(true);
  }
}

/** Types into the focused field, replacing what was there. */
async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}

async function expectFocusOnErrorSummary(page: Page): Promise<void> {
  await page.locator(".nhsuk-error-summary").waitFor();
  await expect.poll(() => page.evaluate(focusState)).toMatchObject({ summary: true, visible: true });
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

/**
 * Two journeys with the keyboard alone (Tab, Shift+Tab, Enter, Space, and typing into the field
 * that has focus): a lead fixes a section and submits for assurance, and a second reviewer
 * countersigns. Every stop shows nhsuk's focus style, and a validation error moves focus to the
 * error summary, whether the browser or the server found it.
 */
describe.skipIf(!chromiumPath)("keyboard-only journeys in Chromium", () => {
  const env = isolatedServer();

  async function actor(email: string): Promise<NamedActor> {
    const user = await env.database.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    return actorFrom((await findUserProfile(env.database, user.id))!);
  }

  async function kentDraft(title: string, content: SubmissionContent): Promise<string> {
    const lead = await actor("lead.kent@example.nhs.uk");
    const started = await startSubmission(env.database, lead, { footprintCode: "E54000032", title, modelType: "PACS" });
    if (!started.ok) throw new Error(started.reason);
    for (const section of SECTION_SLUGS) {
      const data = (content as Record<string, unknown>)[section];
      if (data !== undefined)
        await saveSection(env.database, { submissionId: started.id, section, data, updatedBy: lead.id, at: new Date().toISOString() });
    }
    return started.id;
  }

  /**
   * A PACS's registered population comes from dozens of practices; four, with the same lists in
   * total, keep the pages (one Tab stop per answer) short enough to tab through quickly.
   */
  function withFourPractices(content: SubmissionContent): SubmissionContent {
    const practices = content.population?.practices ?? [];
    const merged = practices.slice(0, 4).map((practice, i) => ({
      ...practice,
      listSize: practices.filter((_, j) => j % 4 === i).reduce((sum, p) => sum + (p.listSize ?? 0), 0),
    }));
    return { ...content, population: { ...content.population, practices: merged } };
  }

  /** Signs in from the sign-in page with the keyboard, and lands on the home page. */
  async function signInByKeyboard(email: string): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.locator("header[data-nhsuk-header-init]").waitFor({ state: "attached" });
    await tabTo(page, page.getByLabel("Email address"));
    await page.keyboard.type(email);
    await tabTo(page, page.getByLabel("Password"));
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    await page.locator("header[data-nhsuk-header-init]").waitFor({ state: "attached" });
    return { page, close: () => context.close() };
  }

  /** Follows a link or presses a button with Enter, then waits for the next page to settle. */
  async function enterAndWait(page: Page, path: string): Promise<void> {
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).pathname).toBe(path);
    await page.waitForLoadState("networkidle");
  }

  it("a lead fixes a section and submits it for checkpoint 1", async () => {
    const title = "Ashford and Canterbury PACS";
    const content = exampleSubmission({ modelType: "PACS", footprintName: "Kent and Medway", footprintCode: "E54000032", seed: 5 });
    content.about = { ...content.about, title };
    // A PACS must include core acute services: the one blocking failure, in the population section.
    content.population = {
      ...content.population,
      servicesInScope: (content.population?.servicesInScope ?? []).filter((s) => s !== "core_acute"),
    };
    const id = await kentDraft(title, withFourPractices(content));

    const { page, close } = await signInByKeyboard("lead.kent@example.nhs.uk");
    await tabTo(page, page.getByRole("link", { name: "Your submissions", exact: true }));
    await enterAndWait(page, "/submissions");
    await tabTo(page, page.getByRole("link", { name: title }));
    await enterAndWait(page, `/submissions/${id}`);
    await expect.poll(() => page.locator("#status-population").textContent()).toBe("Has failing checks");

    await tabTo(page, page.locator(`a.nhsuk-task-list__link[href="/submissions/${id}/sections/population"]`));
    await enterAndWait(page, `/submissions/${id}/sections/population`);

    // A mistake, found by the browser: focus goes to the error summary, whose link goes to the field.
    const population = page.getByLabel("Registered population");
    const before = await population.inputValue();
    await tabTo(page, population);
    await typeOver(page, "about 24 thousand");
    await page.keyboard.press("Enter");
    await expectFocusOnErrorSummary(page);
    await expectAccessible(page);
    await tabTo(page, page.locator(".nhsuk-error-summary a").first());
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await population.getAttribute("id"));

    // Checked again as it changes ("455," is not a number yet), but focus stays in the field.
    await typeOver(page, before);
    expect(await population.inputValue()).toBe(before);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await population.getAttribute("id"));

    // Back up to the section's failing check, whose link leads to the services; tick core acute, save.
    const checks = page.locator("section", { has: page.getByRole("heading", { name: "Checks for this section" }) });
    await tabTo(page, checks.locator('a[href="#f-population-servicesInScope"]'));
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("f-population-servicesInScope");
    const coreAcute = page.locator('[name="servicesInScope"][value="core_acute"]');
    await tabTo(page, coreAcute, 10);
    await page.keyboard.press("Space");
    expect(await coreAcute.isChecked()).toBe(true);
    await tabTo(page, page.getByRole("button", { name: "Save and continue" }), 30);
    await enterAndWait(page, `/submissions/${id}`);
    await expect.poll(() => page.locator("#status-population").textContent()).toBe("Ready");

    await tabTo(page, page.getByRole("button", { name: "Check answers and submit for checkpoint 1" }));
    await enterAndWait(page, `/submissions/${id}/check`);

    // Submitted without the declaration: the page says so, and focus goes to its error summary.
    const submit = page.getByRole("button", { name: "Submit for checkpoint 1", exact: true });
    await tabTo(page, submit);
    await page.keyboard.press("Enter");
    await expectFocusOnErrorSummary(page);
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Confirm the declaration before you submit");
    await tabTo(page, page.locator(".nhsuk-error-summary a").first());
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("submit-declaration");
    await page.keyboard.press("Space");
    await tabTo(page, submit);
    await enterAndWait(page, `/submissions/${id}/submitted`);
    await expect.poll(() => heading(page)).toBe("Submitted for checkpoint 1");
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "checkpoint1.awaiting_assignment" });
    await close();
  });

  it("a second reviewer countersigns the proposed decision", async () => {
    const title = "Medway and Swale PACS";
    const content = exampleSubmission({ modelType: "PACS", footprintName: "Kent and Medway", footprintCode: "E54000032", seed: 5 });
    content.about = { ...content.about, title };
    const id = await kentDraft(title, withFourPractices(content));
    const [lead, admin, one, two] = await Promise.all(
      ["lead.kent", "admin", "reviewer.one", "reviewer.two"].map((who) => actor(`${who}@example.nhs.uk`)),
    );
    for (const [who, command] of [
      [lead, { type: "SUBMIT", declaration: true }],
      [admin, { type: "ASSIGN", leadReviewerId: one!.id, secondReviewerId: two!.id }],
      [one, { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "A credible model with real GP engagement." }],
    ] as const) {
      const result = await applyEvent(env.database, id, who!, command as never);
      expect(result.ok, command.type).toBe(true);
    }

    const { page, close } = await signInByKeyboard("reviewer.two@example.nhs.uk");
    await tabTo(page, page.getByRole("link", { name: "Your reviews", exact: true }));
    await enterAndWait(page, "/reviews");
    await tabTo(page, page.locator(`a[href="/reviews/${id}"]`).first());
    await enterAndWait(page, `/reviews/${id}`);
    await expect.poll(() => heading(page)).toBe(title);

    // "On this page" takes the keyboard straight to the form.
    await tabTo(page, page.getByRole("navigation", { name: "On this page" }).getByRole("link", { name: "Countersign the decision" }));
    await page.keyboard.press("Enter");
    const form = page.getByRole("form", { name: "Countersign the decision" });
    const confirm = form.getByRole("button", { name: "Confirm" });
    await tabTo(page, confirm, 10);

    // Confirmed without choosing: the server's error summary takes focus and leads to the choice.
    await page.keyboard.press("Enter");
    await expectFocusOnErrorSummary(page);
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Choose whether you agree with the proposed decision");
    await tabTo(page, page.locator(".nhsuk-error-summary a").first());
    await page.keyboard.press("Enter");
    const yes = page.getByRole("form", { name: "Countersign the decision" }).getByLabel("Yes, countersign the decision");
    await expect.poll(() => yes.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Space");
    expect(await yes.isChecked()).toBe(true);
    await tabTo(page, page.getByRole("form", { name: "Countersign the decision" }).getByRole("button", { name: "Confirm" }));
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator(".nhsuk-notification-banner").textContent())
      .toContain("You countersigned the decision. It is now final.");
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "procurement" });
    await close();
  });
});
