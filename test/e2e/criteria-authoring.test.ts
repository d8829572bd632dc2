import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";

/**
 * Issue 14's done-when, as an administrator does it: a new version of the criteria written in the
 * browser, its examples refusing a publish until they are right, simulated, published with a
 * reason, two submissions moved to it, and the lead of one seeing the new criterion. Once with
 * JavaScript and once without, each on a server of its own.
 */
const LEADS = [
  { email: "lead.manchester@example.nhs.uk", footprint: "E54000007", term: "8" },
  { email: "lead.cheshireandmerseyside@example.nhs.uk", footprint: "E54000008", term: "9" },
];
const NEW_WARNING = "A fully integrated MCP needs a contract term of at least 10 years";

describe.skipIf(!chromiumPath).each([
  { js: true, mode: "with JavaScript" },
  { js: false, mode: "without JavaScript" },
])("writing, testing, simulating and publishing a criteria set $mode", ({ js }) => {
  const env = isolatedServer();
  // axe runs in the page, so only where scripts do (the accessibility sweep covers these pages too).
  const accessible = (page: Page) => (js ? expectAccessible(page) : Promise.resolve());

  /** Each lead makes their draft MCP fully integrated with a short term: what the new criterion warns about. */
  async function arrangeDrafts(): Promise<string[]> {
    const ids: string[] = [];
    for (const lead of LEADS) {
      const draft = await env.database
        .selectFrom("submission")
        .select("id")
        .where("footprint_code", "=", lead.footprint)
        .where("state", "=", "draft")
        .where("model_type", "=", "MCP")
        .executeTakeFirstOrThrow();
      ids.push(draft.id);
      const { context, page } = await signedInAs(env.browser, env.server, lead.email);
      await page.goto(`/submissions/${draft.id}/sections/contract`);
      await page.getByRole("radio", { name: "Fully integrated", exact: true }).check();
      await page.getByLabel("Contract term").fill(lead.term);
      await page.getByRole("button", { name: "Save and come back later" }).click();
      await page.waitForURL((url) => url.pathname === "/submissions");
      await context.close();
    }
    return ids;
  }

  async function save(page: Page) {
    await page.getByRole("button", { name: "Save criterion" }).click();
    await page.getByRole("heading", { level: 1, name: "New care models assurance criteria 2018-19" }).waitFor();
  }

  it("publishes 2018-19 only once every example is right, and the lead sees the new criterion", async () => {
    const [manchester, cheshire] = await arrangeDrafts();
    const { context, page } = await signedInAs(env.browser, env.server, "admin@example.nhs.uk", js);

    // A draft copied from 2017-19.
    await page.goto("/admin/criteria");
    await page.getByRole("link", { name: "Start a new version" }).click();
    await page.getByRole("radio", { name: "New care models assurance criteria 2017-19" }).check();
    await page.getByLabel("Name of the new version").fill("2018-19");
    await page.getByLabel("Title").fill("New care models assurance criteria 2018-19");
    await page.getByLabel("Date of the national guidance").fill("2018-04-01");
    await page.getByRole("button", { name: "Start the draft" }).click();
    await page.getByRole("heading", { level: 1, name: "New care models assurance criteria 2018-19" }).waitFor();
    expect(await page.getByText("Draft criteria set").count()).toBe(1);
    await accessible(page);

    // The PACS population warning: 250,000 becomes 200,000.
    await page.getByRole("link", { name: "NCM-05: PACS covers at least 250,000 people" }).click();
    await page.getByRole("heading", { level: 1, name: /^NCM-05/ }).waitFor();
    await accessible(page);
    await page.getByLabel("Title", { exact: true }).fill("PACS covers at least 200,000 people");
    const rule2 = page.getByRole("group", { name: "Rule 2" });
    await rule2.getByLabel("When").fill("population.registeredPopulation < 200000");
    await rule2
      .getByLabel("Message (FEEL text)")
      .fill(
        '"Your registered population of " + formatCount(population.registeredPopulation) + " is below the 200,000 a PACS usually covers"',
      );
    if (js) {
      // The examples' outcomes follow what is typed: 200,000 people no longer fails.
      await expect
        .poll(() => page.getByRole("group", { name: "Example 2" }).locator(".app-example-outcome").textContent())
        .toMatch(/Wrong: passes/);
      // So do the expression's problems, before anything is sent.
      await rule2.getByLabel("When").fill("population.registeredPopulaton < 200000");
      await expect.poll(() => rule2.locator(".app-live-problem").first().textContent()).toMatch(/registeredPopulation/);
      await rule2.getByLabel("When").fill("population.registeredPopulation < 200000");
    }
    // Enter in a text box saves: the form's first submit button is a hidden "Save criterion", not "Remove rule 1".
    await page.getByLabel("Title", { exact: true }).press("Enter");
    await page.getByRole("heading", { level: 1, name: "New care models assurance criteria 2018-19" }).waitFor();
    expect(await page.locator("#criterion-NCM-05").getByText("Needs attention").count()).toBe(1);
    const stored = await env.database.selectFrom("criteria_set").select("content").where("id", "=", "2018-19").executeTakeFirstOrThrow();
    const ncm05 = (JSON.parse(stored.content) as { id: string; table?: { rules: { when: string }[] } }[]).find((c) => c.id === "NCM-05");
    expect(ncm05?.table?.rules.map((r) => r.when)).toEqual([
      "population.registeredPopulation = null",
      "population.registeredPopulation < 200000",
    ]);

    // A new warning criterion with its two examples.
    await page.getByRole("link", { name: "Add a criterion" }).click();
    await page.getByLabel("Criterion id").fill("NCM-15");
    await page.getByLabel("Title", { exact: true }).fill("Fully integrated MCP contract of at least 10 years");
    await page.getByLabel("The rule in plain English").fill("A fully integrated MCP has a contract term of at least 10 years.");
    await page.getByLabel("Source").fill("S33");
    await page.getByRole("checkbox", { name: "PACS" }).uncheck();
    await page.getByLabel("Fields it may point at").fill("contract.contractTermYears");
    const rule1 = page.getByRole("group", { name: "Rule 1" });
    await rule1.getByLabel("When").fill('contract.contractOption = "fully_integrated" and contract.contractTermYears < 10');
    await rule1.getByLabel("Message (FEEL text)").fill(`"${NEW_WARNING}"`);
    await rule1.getByLabel("Field at fault (FEEL text)").fill('"contract.contractTermYears"');
    const passing = page.getByRole("group", { name: "Example 1" });
    await passing.getByLabel("What it shows").fill("Fully integrated for 15 years");
    await passing
      .getByLabel("Answers")
      .fill("about.modelType = MCP\ncontract.contractOption = Fully integrated\ncontract.contractTermYears = 15");
    const failing = page.getByRole("group", { name: "Example 2" });
    await failing.getByLabel("What it shows").fill("Fully integrated for 7 years");
    await failing
      .getByLabel("Answers")
      .fill("about.modelType = MCP\ncontract.contractOption = fully_integrated\ncontract.contractTermYears = 7");
    if (js) await expect.poll(() => failing.locator(".app-example-outcome").textContent()).toMatch(/Right: fails/);
    await accessible(page);
    await save(page);
    expect(await page.locator("#criterion-NCM-15").getByText("2 right").count()).toBe(1);

    // Publishing is refused while NCM-05's failing example passes.
    await page.getByRole("button", { name: "Check examples and run the impact simulation" }).click();
    await page
      .getByText(/NCM-05.*should fail but passes/)
      .first()
      .waitFor();
    await accessible(page);
    expect((await env.database.selectFrom("criteria_simulation").select("id").where("target_set", "=", "2018-19").execute()).length).toBe(
      0,
    );

    // Fixed: the failing example is now a PACS of 180,000.
    await page.getByRole("link", { name: "NCM-05: PACS covers at least 200,000 people" }).click();
    const example2 = page.getByRole("group", { name: "Example 2" });
    await example2.getByLabel("What it shows").fill("A PACS of 180,000 people");
    await example2.getByLabel("Answers").fill("about.modelType = PACS\npopulation.registeredPopulation = 180,000");
    if (js) await expect.poll(() => example2.locator(".app-example-outcome").textContent()).toMatch(/Right: fails/);
    await save(page);

    // The simulation: what would flip, by region; then published with a reason.
    await page.getByRole("button", { name: "Check examples and run the impact simulation" }).click();
    await page.getByRole("heading", { level: 1, name: "Publishing New care models assurance criteria 2018-19" }).waitFor();
    await page.getByRole("heading", { name: "By region" }).waitFor();
    const byRegion = page.getByRole("table", { name: "Checks that would flip, by region" });
    expect(await byRegion.getByRole("rowheader", { name: "North West" }).count()).toBe(1);
    expect(
      await page.getByRole("table", { name: "Checks that would flip, by criterion" }).getByRole("rowheader", { name: "NCM-15" }).count(),
    ).toBe(1);
    await accessible(page);
    await page.getByRole("button", { name: "Publish 2018-19" }).click();
    await page.getByText("Enter the reason for publishing it").first().waitFor();
    await page.getByLabel("Why is it being published?").fill("The 2018-19 planning guidance");
    await page.getByRole("button", { name: "Publish 2018-19" }).click();
    await page.getByText("2018-19 is published").first().waitFor();
    const published = await env.database
      .selectFrom("criteria_set")
      .select(["status", "content_hash"])
      .where("id", "=", "2018-19")
      .executeTakeFirstOrThrow();
    expect(published.status).toBe("published");
    const audit = await env.database
      .selectFrom("audit_event")
      .select("payload")
      .where("action", "=", "PUBLISH_CRITERIA_SET")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.payload)).toMatchObject({
      setId: "2018-19",
      contentHash: published.content_hash,
      reason: "The 2018-19 planning guidance",
    });

    // Two submissions moved to it.
    await page.getByLabel("Only the ones I tick below").check();
    for (const id of [manchester!, cheshire!]) await page.locator(`tbody input[value="${id}"]`).check();
    await page.getByLabel("Why are they being moved?").fill("Drafts join the 2018-19 round");
    await page.getByRole("button", { name: "Move submissions to 2018-19" }).click();
    await page.getByText("2 submissions were moved").first().waitFor();
    await accessible(page);
    await context.close();

    // The lead sees the new criterion on the task list.
    const lead = await signedInAs(env.browser, env.server, LEADS[0]!.email, js);
    await lead.page.goto(`/submissions/${manchester}`);
    await lead.page.getByText("Fully integrated MCP contract of at least 10 years").first().waitFor();
    await accessible(lead.page);
    await lead.context.close();
  });
});
