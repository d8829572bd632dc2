import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { fieldId } from "../../app/forms/field-id.ts";
import { SECTION_FIELDS, EDITABLE_SECTIONS, type EditableSection } from "../../app/forms/sections.ts";
import { type FormValues, toFormValues } from "../../app/forms/spec.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS, type SubmissionContent } from "../../workflows/submission.ts";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";

/**
 * The lead's journeys end to end, on a server of their own: a whole MCP proposal typed in from
 * empty and submitted; a PACS whose blocking failure is fixed by following its link; a change
 * request answered and resubmitted with JavaScript off.
 */
describe.skipIf(!chromiumPath)("the lead's journeys in Chromium", () => {
  const env = isolatedServer();

  async function actor(email: string): Promise<NamedActor> {
    const user = await env.database.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    return actorFrom((await findUserProfile(env.database, user.id))!);
  }

  const signedIn = (email: string, javaScriptEnabled = true) => signedInAs(env.browser, env.server, email, javaScriptEnabled);

  const accessible = (page: Page) => expectAccessible(page);

  /** Form field names and the text a person would type, Conform style: `practices[0].name`. */
  function flatten(values: FormValues, prefix = ""): [string, string | string[]][] {
    const out: [string, string | string[]][] = [];
    for (const [key, value] of Object.entries(values)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (value === undefined || key === "id" || key === "evidenceDocumentId") continue;
      if (typeof value === "string") out.push([name, value]);
      else if (Array.isArray(value)) {
        if (value.every((v) => typeof v === "string")) out.push([name, value as string[]]);
        else
          (value as FormValues[]).forEach((row, i) => {
            out.push(...flatten(row, `${name}[${i}]`));
          });
      } else out.push(...flatten(value, name));
    }
    return out;
  }

  /** Types a section's answers into its page as a person would, adding rows first. */
  async function fillSection(page: Page, section: EditableSection, content: SubmissionContent) {
    const values = toFormValues(SECTION_FIELDS[section], content[section]);
    for (const spec of SECTION_FIELDS[section]) {
      if (spec.kind !== "list") continue;
      const rows = (values[spec.name] as FormValues[] | undefined)?.length ?? 0;
      for (let shown = 1; shown < rows; shown++) {
        await page.locator(`#${fieldId(`${section}.${spec.name}`)}`).click();
        await page
          .locator(`[name="${spec.name}[${shown}].${spec.fields.find((f) => f.kind !== "heading")!.name}"]`)
          .first()
          .waitFor();
      }
    }
    for (const [name, value] of flatten(values)) {
      const field = page.locator(`[name="${name}"]`);
      const type = await field.first().evaluate((el) => (el instanceof HTMLInputElement ? el.type : el.tagName.toLowerCase()));
      if (type === "radio") await page.locator(`[name="${name}"][value="${value}"]`).check();
      else if (type === "checkbox") for (const v of value as string[]) await page.locator(`[name="${name}"][value="${v}"]`).check();
      else if (type === "select") await field.selectOption(String(value));
      else await field.fill(String(value));
    }
  }

  it("a lead starts an MCP proposal, answers every section and submits it for checkpoint 1", async () => {
    const { context, page } = await signedIn("lead.kent@example.nhs.uk");
    await page.getByRole("link", { name: "Your submissions", exact: true }).click();
    await page.getByRole("button", { name: "Start a new submission" }).click();
    await page.getByLabel("Multispecialty community provider (MCP)").check();
    await page.getByLabel("Title of the proposal").fill("Swale and Medway multispecialty community provider");
    await accessible(page);
    await page.getByRole("button", { name: "Start submission" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Swale and Medway multispecialty community provider");
    const id = new URL(page.url()).pathname.split("/")[2]!;
    expect(await page.locator("#status-population").textContent()).toBe("Not started");
    await accessible(page);

    const content = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", seed: 21 });
    content.about = { ...content.about, title: "Swale and Medway multispecialty community provider" };
    for (const section of EDITABLE_SECTIONS) {
      await page.goto(`/submissions/${id}`);
      await page.locator(`a.nhsuk-task-list__link[href="/submissions/${id}/sections/${section}"]`).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/submissions/${id}/sections/${section}`);
      await page.waitForLoadState("networkidle");
      await fillSection(page, section, content);
      await page.getByRole("button", { name: "Save and continue" }).click();
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe(`/submissions/${id}`);
      expect(await page.locator(`#status-${section}`).textContent(), section).not.toBe("Has failing checks");
    }

    await page.getByRole("button", { name: "Check answers and submit for checkpoint 1" }).click();
    await expect.poll(() => page.getByText("No blocking check fails").count()).toBe(1);
    await accessible(page);
    await page.getByLabel(/I confirm these answers are accurate/).check();
    await page.getByRole("button", { name: "Submit for checkpoint 1" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Submitted for checkpoint 1");
    await accessible(page);
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "checkpoint1.awaiting_assignment", failing_blocking: 0 });
    const saved = await env.database.selectFrom("submission_section").select("section").where("submission_id", "=", id).execute();
    expect(saved.map((s) => s.section).sort()).toEqual([...EDITABLE_SECTIONS].sort());
    await context.close();
  });

  async function draftWith(
    email: string,
    footprint: { code: string; name: string },
    modelType: "MCP" | "PACS",
    content: SubmissionContent,
  ) {
    const lead = await actor(email);
    const started = await startSubmission(env.database, lead, {
      footprintCode: footprint.code,
      title: content.about?.title ?? "Proposal",
      modelType,
    });
    if (!started.ok) throw new Error(started.reason);
    for (const section of SECTION_SLUGS) {
      const data = (content as Record<string, unknown>)[section];
      if (data !== undefined)
        await saveSection(env.database, { submissionId: started.id, section, data, updatedBy: lead.id, at: new Date().toISOString() });
    }
    return { id: started.id, lead };
  }

  it("a PACS that leaves out core acute services is fixed by following the failure's link to the exact field", async () => {
    const content = exampleSubmission({ modelType: "PACS", footprintName: "Greater Manchester", footprintCode: "E54000007", seed: 5 });
    content.about = { ...content.about, title: "Tameside and Glossop PACS" };
    content.population = {
      ...content.population,
      servicesInScope: (content.population?.servicesInScope ?? []).filter((s) => s !== "core_acute"),
    };
    const { id } = await draftWith("lead.manchester@example.nhs.uk", { code: "E54000007", name: "Greater Manchester" }, "PACS", content);

    const { context, page } = await signedIn("lead.manchester@example.nhs.uk");
    await page.goto(`/submissions/${id}/check`);
    const failure = page.locator(".nhsuk-warning-callout li", { hasText: "NCM-06" });
    expect(await failure.count()).toBe(1);
    expect(await page.getByRole("button", { name: /Submit for checkpoint/ }).count()).toBe(0);
    await accessible(page);

    const href = await failure.getByRole("link").getAttribute("href");
    await failure.getByRole("link").click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/submissions/${id}/sections/population`);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("name")), { message: href ?? "" })
      .toBe("servicesInScope");
    await page.locator('[name="servicesInScope"][value="core_acute"]').check();
    await page.getByRole("button", { name: "Save and continue" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/submissions/${id}`);
    expect(await page.locator("#status-population").textContent()).toBe("Ready");

    await page.goto(`/submissions/${id}/check`);
    await page.getByLabel(/I confirm these answers are accurate/).check();
    await page.getByRole("button", { name: "Submit for checkpoint 1" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Submitted for checkpoint 1");
    await context.close();
  });

  it("with JavaScript off, a lead answers a change request and resubmits; the request shows it was answered", async () => {
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: "The Black Country and West Birmingham",
      footprintCode: "E54000016",
      seed: 9,
    });
    content.about = { ...content.about, title: "Dudley MCP" };
    const { id, lead } = await draftWith(
      "lead.blackcountry@example.nhs.uk",
      { code: "E54000016", name: "The Black Country and West Birmingham" },
      "MCP",
      content,
    );
    const [one, two, admin] = await Promise.all(["reviewer.one", "reviewer.two", "admin"].map((w) => actor(`${w}@example.nhs.uk`)));
    for (const [who, command] of [
      [lead, { type: "SUBMIT", declaration: true }],
      [admin, { type: "ASSIGN", leadReviewerId: one!.id, secondReviewerId: two!.id }],
      [
        one,
        {
          type: "PROPOSE_DECISION",
          decision: "changes_requested",
          confidence: "amber",
          rationale: "Population needs checking",
          changeRequests: [
            {
              id: "r1",
              text: "Your registered population does not match the practices' lists: check it",
              fieldPath: "population.registeredPopulation",
            },
          ],
        },
      ],
      [two, { type: "COUNTERSIGN", agree: true }],
    ] as const) {
      const result = await applyEvent(env.database, id, who!, command as never);
      expect(result.ok, command.type).toBe(true);
    }

    const { context, page } = await signedIn("lead.blackcountry@example.nhs.uk", false);
    await page.goto(`/submissions/${id}`);
    const request = page.locator(".nhsuk-inset-text", { hasText: "Your registered population does not match" });
    expect(await request.textContent()).toContain("Not changed yet");
    await request.getByRole("link").click();
    expect(new URL(page.url()).pathname).toBe(`/submissions/${id}/sections/population`);
    expect(await page.locator(`#${fieldId("population.registeredPopulation")}`).getAttribute("autofocus")).not.toBeNull();
    const current = await page.locator(`#${fieldId("population.registeredPopulation")}`).inputValue();
    const corrected = Number(current.replaceAll(",", "")) + 250;
    await page.locator(`#${fieldId("population.registeredPopulation")}`).fill(corrected.toLocaleString("en-GB"));
    await page.getByRole("button", { name: "Save and continue" }).click();
    expect(await page.locator(".nhsuk-inset-text", { hasText: "Your registered population does not match" }).textContent()).toContain(
      "Changed since the request",
    );

    await page.getByRole("button", { name: "Check answers and resubmit" }).click();
    await page.getByRole("button", { name: "Resubmit" }).click();
    // Without the declaration the server says so, and nothing moves.
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Confirm the declaration before you submit");
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "checkpoint1.returned" });
    await page.getByLabel(/I confirm these answers are accurate/).check();
    await page.getByRole("button", { name: "Resubmit" }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Submitted for checkpoint 1");
    expect(await findSubmission(env.database, id)).toMatchObject({ state: "checkpoint1.in_review" });
    await context.close();
  });
});
