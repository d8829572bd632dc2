import { describe, expect, it } from "vitest";
import { chromiumPath, expectAccessible, isolatedServer, signedInAs } from "./browser.ts";

/**
 * The administrator's analytical pages in Chromium: the pipeline by region (and the two clicks
 * from signing in to "what is stuck on the national side in the Midlands, and why"), and
 * criteria publishing with an impact simulation and a move, with JavaScript on and off.
 */
describe.skipIf(!chromiumPath)("regions and criteria in Chromium", () => {
  const env = isolatedServer();

  it("answers 'what is stuck on the national side in the Midlands, and why' in two clicks", async () => {
    const midlands = (await env.database.selectFrom("region").select("code").where("name", "=", "Midlands").executeTakeFirstOrThrow()).code;
    const stuck = await env.database
      .selectFrom("submission")
      .innerJoin("footprint", "footprint.code", "submission.footprint_code")
      .select(["submission.title", "submission.state"])
      .where("footprint.region_code", "=", midlands)
      .where("submission.whose_turn", "=", "national")
      .execute();
    expect(stuck.length).toBeGreaterThan(0);

    const { context, page } = await signedInAs(env.browser, env.server, "admin@example.nhs.uk");
    // Click 1: the header's "Regions".
    await page.getByRole("navigation").getByRole("link", { name: "Regions" }).click();
    await page.getByRole("heading", { level: 1, name: "Pipeline by region" }).waitFor();
    await expectAccessible(page);
    // Every chart has a title (an image, or a group when its bars link), and its numbers are in a table too.
    expect(await page.locator("svg.ncm-chart:is([role=img], [role=group]) > title").count()).toBe(5);
    expect(await page.getByRole("table", { name: "Submissions reaching each point" }).count()).toBe(1);
    // A bar's link is named by what it shows, label then figure, so a spoken command finds it (WCAG 2.5.3).
    const bars = page.locator("svg.ncm-chart a");
    expect(await bars.count()).toBeGreaterThan(0);
    for (const bar of await bars.all()) expect(await bar.getAttribute("aria-label")).toBeNull();
    expect(await page.getByRole("link", { name: /^Midlands \d+\.\d days \([\d,]+ submissions?\)$/ }).count()).toBeGreaterThan(0);

    // Click 2: the Midlands cell of "With the national team".
    await page.getByRole("link", { name: `With the national team, all checkpoints, Midlands: ${stuck.length}` }).click();
    await page.getByRole("heading", { level: 1, name: "Pipeline" }).waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get("turn")).toBe("national");
    const url = new URL(page.url());
    expect(url.searchParams.get("region")).toBe(midlands);
    expect(url.searchParams.get("sort")).toBe("national-days");
    await page.getByText(`of ${stuck.length} submission`).first().waitFor();
    // The why: each row's state (waiting for reviewers, in review, waiting for a countersignature) and its clock.
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(stuck.length);
    for (const s of stuck) expect(await rows.filter({ hasText: s.title }).count()).toBe(1);
    expect(await page.locator("tbody").textContent()).toMatch(/of 20/);
    await expectAccessible(page);
    await context.close();
  });

  it("works for a reviewer with JavaScript off: the charts are in the page, the region chooser is a GET form", async () => {
    const { context, page } = await signedInAs(env.browser, env.server, "reviewer.one@example.nhs.uk", false);
    await page.goto("/pipeline/regions");
    expect(await page.locator("svg.ncm-chart").count()).toBe(5);
    await page.locator("#failing-region").selectOption({ label: "London" });
    await page.getByRole("button", { name: "Show criteria" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("failing")).toBe("LON");
    expect(await page.getByRole("status").filter({ hasText: "open submissions in London" }).count()).toBe(1);
    // Each count is a plain link to the pipeline it counts.
    await page.locator("tbody a").first().click();
    await page.getByRole("heading", { level: 1, name: "Pipeline" }).waitFor();
    await context.close();
  });

  it("runs an impact simulation and moves a chosen submission with a reason (JavaScript on)", async () => {
    const { context, page } = await signedInAs(env.browser, env.server, "admin@example.nhs.uk");
    await page.goto("/admin/criteria");
    await expectAccessible(page);
    // Nothing chosen: the error summary takes focus.
    await page.getByRole("button", { name: "Run impact simulation" }).click();
    await page.getByText("Choose the criteria set to simulate").first().waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toContain("nhsuk-error-summary");
    await expectAccessible(page);

    await page.getByRole("radio", { name: "New care models assurance criteria 2016-17" }).check();
    await page.getByRole("button", { name: "Run impact simulation" }).click();
    await page.getByRole("heading", { level: 1, name: /Moving live submissions to/ }).waitFor();
    await page.getByText("Live submissions checked").waitFor();
    await expectAccessible(page);
    const affected = page.locator("tbody input[type=checkbox]");
    expect(await affected.count()).toBeGreaterThan(0);
    const chosenId = await affected.first().getAttribute("value");

    // Moving without a reason keeps the ticks and says what is missing.
    await page.getByLabel("Only the ones I tick below").check();
    await affected.first().check();
    await page.getByRole("button", { name: /Move submissions to/ }).click();
    await page.getByText("Enter the reason for moving them").first().waitFor();
    expect(await page.locator(`tbody input[value="${chosenId}"]`).isChecked()).toBe(true);
    await page.getByLabel("Why are they being moved?").fill("Pilot of the 2016-17 seven-day services rules");
    await page.getByRole("button", { name: /Move submissions to/ }).click();
    await page.getByRole("heading", { name: "Submissions moved" }).waitFor();
    expect(await page.getByRole("status").filter({ hasText: "1 submission was moved" }).count()).toBe(1);
    const row = await env.database.selectFrom("submission").select("criteria_set").where("id", "=", chosenId!).executeTakeFirstOrThrow();
    expect(row.criteria_set).toBe("2016-17");
    await context.close();
  });

  it("runs a simulation with JavaScript off: the progress page reloads itself until the findings are there", async () => {
    const { context, page } = await signedInAs(env.browser, env.server, "admin@example.nhs.uk", false);
    await page.goto("/admin/criteria");
    await page.getByRole("radio", { name: "New care models assurance criteria 2017-19" }).check();
    await page.getByRole("button", { name: "Run impact simulation" }).click();
    await page.getByText("Live submissions checked").waitFor();
    expect(await page.getByRole("heading", { name: "By criterion" }).count()).toBe(1);
    // While a run is going, the page shows a progress bar and (without JavaScript) reloads itself.
    const admin = (await env.database.selectFrom("user").select("id").where("email", "=", "admin@example.nhs.uk").executeTakeFirstOrThrow())
      .id;
    await env.database
      .insertInto("criteria_simulation")
      .values({
        id: "running-sim",
        target_set: "2016-17",
        status: "running",
        processed: 150,
        total: 600,
        result: null,
        error: null,
        started_by: admin,
        started_at: new Date().toISOString(),
        finished_at: null,
      })
      .execute();
    await page.goto("/admin/criteria/simulations/running-sim");
    expect(await page.getByLabel("Checked 150 of 600 live submissions (25%)").getAttribute("value")).toBe("150");
    expect(await page.locator("noscript").evaluateAll((n) => n.map((e) => e.innerHTML).join(""))).toContain('http-equiv="refresh"');
    await env.database
      .updateTable("criteria_simulation")
      .set({
        status: "done",
        processed: 600,
        result: JSON.stringify({
          targetSet: "2016-17",
          live: 600,
          alreadyOnTarget: 0,
          affected: 0,
          newlyBlocked: 0,
          byCriterion: [],
          byRegion: [],
          byState: [],
          listed: [],
        }),
      })
      .where("id", "=", "running-sim")
      .execute();
    await page.getByText("Live submissions checked").waitFor();

    // The runs are listed on the criteria page with links back to them.
    await page.goto("/admin/criteria");
    const runs = page.getByRole("table", { name: "Recent impact simulations" }).locator("tbody tr");
    expect(await runs.count()).toBeGreaterThanOrEqual(2);
    expect(await runs.locator('a[href="/admin/criteria/simulations/running-sim"]').count()).toBe(1);
    await context.close();
  });
});
