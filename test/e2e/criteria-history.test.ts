import { describe, expect, it } from "vitest";
import type { CriterionRow } from "../../workflows/criteria-data/types.ts";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";
import { ACCOUNT } from "./demo.ts";

/**
 * The criteria history in Chromium (issue 14, step 6): an administrator compares two versions of
 * the national criteria, published or draft, and reads what changed criterion by criterion.
 */
describe.skipIf(!chromiumPath)("criteria history in Chromium", () => {
  const env = isolatedServer();

  it("compares the two newest versions by default, and any two chosen (JavaScript on)", async () => {
    const { context, page } = await signedInAs(env.browser, env.server, ACCOUNT.admin);
    await page.goto("/admin/criteria/history");
    await page.getByRole("heading", { level: 1, name: "Criteria history" }).waitFor();
    expect(await page.getByLabel("Compare", { exact: true }).inputValue()).toBe("2017-19");
    expect(await page.getByLabel("with", { exact: true }).inputValue()).toBe("2016-17");
    await page
      .getByRole("heading", {
        name: "Changes from New care models assurance criteria 2016-17 to New care models assurance criteria 2017-19",
      })
      .waitFor();
    expect(await page.getByRole("status").textContent()).toBe("5 criteria added, 6 retired, 35 unchanged.");
    // Each change under its criterion, in the newer set's order with the retired ones where they were.
    const headings = await page.locator("main h3").allTextContents();
    expect(headings.map((h) => h.split(":")[0])).toEqual([
      "BCF-09",
      "BCF-10",
      "BCF-03",
      "BCF-05",
      "BCF-06",
      "BCF-07",
      "BCF-16",
      "BCF-17",
      "BCF-18",
      "BCF-19",
      "BCF-15",
    ]);
    const retired = page.getByRole("region", { name: "BCF-09: Out-of-hospital investment or retained risk share (2016-17 condition 7)" });
    expect(await retired.getByRole("listitem").allTextContents()).toEqual(["Retired"]);
    const added = page.getByRole("region", { name: "BCF-03: Pooled budget at least the minimum" });
    expect(await added.getByRole("listitem").first().textContent()).toBe("Added");
    await expectAccessible(page);

    // The same version twice: nothing differs.
    await page.getByLabel("with", { exact: true }).selectOption("2017-19");
    await page.getByRole("button", { name: "Show changes" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("with")).toBe("2017-19");
    await expect.poll(() => page.getByRole("status").textContent()).toBe("No differences: all 40 criteria are the same.");
    expect(await page.locator("main h3").count()).toBe(0);
    await context.close();
  });

  it("marks drafts, compares the newest with the version it was based on, shows FEEL as code and refuses an unknown version (JavaScript off)", async () => {
    const published = await env.database
      .selectFrom("criteria_set")
      .select(["content", "content_hash"])
      .where("id", "=", "2017-19")
      .executeTakeFirstOrThrow();
    // A draft made from 2017-19 that lowers the MCP population threshold: the newest version.
    const rows = JSON.parse(published.content) as CriterionRow[];
    const ncm03 = rows.find((row) => row.id === "NCM-03");
    if (ncm03?.kind !== "automatic") throw new Error("NCM-03 is an automatic criterion in 2017-19");
    const rule = ncm03.table.rules[1];
    if (!rule || "forEach" in rule) throw new Error("NCM-03's second rule is a plain rule");
    const draftRows = rows.map((row) =>
      row.id === "NCM-03" && row.kind === "automatic"
        ? { ...row, table: { ...row.table, rules: [row.table.rules[0]!, { ...rule, when: "population.registeredPopulation < 25000" }] } }
        : row,
    );
    await env.database
      .insertInto("criteria_set")
      .values({
        id: "2018-19",
        title: "New care models assurance criteria 2018-19",
        published_on: "2018-04-01",
        status: "draft",
        content: JSON.stringify(draftRows),
        content_hash: "not-checked-for-a-draft",
        based_on: "2017-19",
        created_at: new Date().toISOString(),
        created_by: null,
        published_at: null,
        published_by: null,
        publish_reason: null,
      })
      .execute();

    const { context, page } = await signedInAs(env.browser, env.server, ACCOUNT.admin, false);
    await page.goto("/admin/criteria/history");
    const compare = page.getByLabel("Compare", { exact: true });
    expect(await compare.inputValue()).toBe("2018-19");
    expect(await compare.locator("option:checked").textContent()).toBe("New care models assurance criteria 2018-19 (draft)");
    expect(await page.getByLabel("with", { exact: true }).inputValue()).toBe("2017-19");
    expect(await page.getByRole("status").textContent()).toBe("1 criterion changed, 39 unchanged.");
    const changed = page.getByRole("region", { name: /^NCM-03: / });
    expect(await changed.getByRole("listitem").allTextContents()).toEqual([
      "Rule 2's condition changed from population.registeredPopulation < 30000 to population.registeredPopulation < 25000",
    ]);
    expect(await changed.locator("code").allTextContents()).toEqual([
      "population.registeredPopulation < 30000",
      "population.registeredPopulation < 25000",
    ]);

    // The GET form works without JavaScript.
    await page.getByLabel("Compare", { exact: true }).selectOption("2018-19");
    await page.getByLabel("with", { exact: true }).selectOption("2016-17");
    await page.getByRole("button", { name: "Show changes" }).click();
    await page.waitForURL((url) => url.searchParams.get("with") === "2016-17");
    expect(await page.getByRole("status").textContent()).toBe("5 criteria added, 1 changed, 6 retired, 34 unchanged.");

    // An id that names no version: the reason beside the field and in the summary, and no comparison.
    const response = await page.goto("/admin/criteria/history?compare=2099-00&with=2017-19");
    expect(response?.status()).toBe(400);
    const message = "There is no version of the criteria called ‘2099-00’: choose one from the list";
    expect(await page.locator("#compare-error").textContent()).toBe(`Error: ${message}`);
    expect(await page.locator(".nhsuk-error-summary").getByRole("link", { name: message }).getAttribute("href")).toBe("#compare");
    expect(await page.title()).toBe("Error: Criteria history – NCM Assure");
    expect(await page.getByRole("status").count()).toBe(0);
    await context.close();

    // The same error page passes axe (which needs JavaScript in the page).
    const withScript = await signedInAs(env.browser, env.server, ACCOUNT.admin);
    await withScript.page.goto("/admin/criteria/history?compare=2099-00&with=2017-19");
    await withScript.page.locator("#compare-error").waitFor();
    await expectAccessible(withScript.page);
    await withScript.context.close();
  });

  it("is for administrators only", async () => {
    const { context, page } = await signedInAs(env.browser, env.server, ACCOUNT.reviewer);
    const response = await page.goto("/admin/criteria/history");
    expect(response?.status()).toBe(403);
    await context.close();
  });
});
