import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { loadPipeline, parsePipelineParams } from "../../app/.server/pipeline.ts";
import { liveClock } from "../../workflows/clock.ts";
import { loadRegionsOverview, STAGES } from "../../app/.server/regions.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const NOW = new Date("2026-11-24T12:00:00Z");

describe.each(databaseKinds)("the pipeline by region on $engine", (kind) => {
  let t: TestDatabase;
  let submissions = 0;
  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    submissions = await seedDemoSubmissions(t.db, NOW);
  }, 120_000);
  afterAll(async () => t?.destroy());

  it("puts every submission in exactly one stage, in every region", async () => {
    const view = await loadRegionsOverview(t.db, { now: NOW });
    expect(view.stages.map((s) => s.key)).toEqual(STAGES.map((s) => s.key));
    expect(view.stages.reduce((n, s) => n + s.total.count, 0)).toBe(submissions);
    const byRegion = await t.db
      .selectFrom("submission")
      .innerJoin("footprint", "footprint.code", "submission.footprint_code")
      .select(["footprint.region_code as region", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("footprint.region_code")
      .execute();
    for (const { region, n } of byRegion) {
      const inRegion = view.stages.reduce((sum, s) => sum + s.cells.find((c) => c.regionCode === region)!.count, 0);
      expect(inRegion, region).toBe(Number(n));
    }
  });

  it("links every count to a pipeline view that lists exactly that many submissions", async () => {
    const view = await loadRegionsOverview(t.db, { now: NOW });
    const cells = [view.nationalByRegion, ...view.stages].flatMap((s) => [...s.cells, s.total]);
    expect(cells.length).toBe((STAGES.length + 1) * 8);
    for (const cell of cells) {
      const url = new URL(cell.href, "http://x");
      expect(url.pathname).toBe("/pipeline");
      const page = await loadPipeline(t.db, parsePipelineParams(url.searchParams), NOW);
      expect(page.total, cell.href).toBe(cell.count);
    }
    // The Midlands' national queue is one click away, longest on the clock first.
    const midlands = view.nationalByRegion.cells.find((c) => c.regionCode === view.regions.find((r) => r.name === "Midlands")!.code)!;
    expect(midlands.href).toMatch(/turn=national/);
    expect(midlands.href).toMatch(/sort=national-days&dir=desc/);
  });

  it("draws a funnel that starts with every submission and never grows", async () => {
    const { funnel } = await loadRegionsOverview(t.db, { now: NOW });
    expect(funnel.rows[0]).toMatchObject({ label: "Started", count: submissions, share: "100%" });
    for (let i = 1; i < funnel.rows.length; i++) expect(funnel.rows[i]!.count).toBeLessThanOrEqual(funnel.rows[i - 1]!.count);
    expect(funnel.rows.at(-1)!.count).toBeGreaterThan(0);
    // Bars are as long as their figures (d3's linear scale from 0), each labelled with its number.
    const [first, second] = funnel.chart.bars;
    expect(second!.barWidth / first!.barWidth).toBeCloseTo(funnel.rows[1]!.count / funnel.rows[0]!.count, 5);
    expect(first!.valueText).toBe(`${submissions} submissions (100%)`);
  });

  it("gives the median live national working days for each region and checkpoint", async () => {
    const view = await loadRegionsOverview(t.db, { now: NOW });
    const rows = await t.db
      .selectFrom("submission")
      .innerJoin("footprint", "footprint.code", "submission.footprint_code")
      .select([
        "footprint.region_code as regionCode",
        "submission.checkpoint",
        "submission.whose_turn as whoseTurn",
        "submission.national_days_used as nationalDaysUsed",
        "submission.state_entered_at as stateEnteredAt",
      ])
      .where("submission.checkpoint", ">=", 1)
      .where("submission.whose_turn", "in", ["local", "national", "paused"])
      .execute();
    let checked = 0;
    for (const region of view.clock.rows) {
      for (const n of [1, 2, 3]) {
        const values = rows
          .filter((r) => r.regionCode === region.regionCode && r.checkpoint === n)
          .map((r) => liveClock(r, NOW).nationalDaysUsed)
          .sort((a, b) => a - b);
        const cell = region.checkpoints[n - 1]!;
        expect(cell.n).toBe(values.length);
        if (values.length === 0) {
          expect(cell.median).toBe("None");
          continue;
        }
        const mid = values.length >> 1;
        const expected = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
        expect(cell.median).toBe(expected.toFixed(1));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
    // The target is drawn on every chart as a dashed, labelled line.
    for (const c of view.clock.charts) expect(c.chart.marker).toMatchObject({ text: "Target 20" });
    // Each bar's figure says what it counts: a median of days, and of how many submissions.
    const figures = view.clock.charts.flatMap((c) => c.chart.bars.map((b) => b.valueText));
    expect(figures.filter((f) => f !== "no submissions").length).toBeGreaterThan(0);
    for (const f of figures) expect(f).toMatch(/^(no submissions|\d+\.\d days \(1 submission\)|\d+\.\d days \([\d,]+ submissions\))$/);
  });

  it("records which criteria each submission fails, in step with its counts", async () => {
    const counts = await t.db.selectFrom("submission").select(["id", "failing_blocking", "failing_warnings", "region_code"]).execute();
    const failing = await t.db.selectFrom("failing_criterion").selectAll().execute();
    expect(failing.length).toBeGreaterThan(0);
    for (const s of counts) {
      const mine = failing.filter((f) => f.submission_id === s.id);
      // Each row carries its submission's region, which the regional view groups by.
      for (const f of mine) expect(f.region_code).toBe(s.region_code);
      expect(mine.filter((f) => f.severity === "blocking").length, s.id).toBe(s.failing_blocking);
      expect(mine.filter((f) => f.severity === "warning").length, s.id).toBe(s.failing_warnings);
    }
  });

  it("ranks the ten criteria open submissions fail most, for England and for one region", async () => {
    const england = await loadRegionsOverview(t.db, { now: NOW });
    expect(england.failing.regionName).toBe("England");
    expect(england.failing.rows.length).toBeGreaterThan(0);
    expect(england.failing.rows.length).toBeLessThanOrEqual(10);
    const tallies = england.failing.rows.map((r) => r.count);
    expect([...tallies].sort((a, b) => b - a)).toEqual(tallies);
    const open = await t.db
      .selectFrom("failing_criterion")
      .innerJoin("submission", "submission.id", "failing_criterion.submission_id")
      .select(["failing_criterion.criterion_id as id"])
      .where("submission.whose_turn", "<>", "closed")
      .execute();
    const top = england.failing.rows[0]!;
    expect(top.count).toBe(open.filter((r) => r.id === top.criterionId).length);
    expect(top.title).not.toBe(top.criterionId);
    // The chart names each criterion by its title, on a line above its bar.
    expect(england.failing.chart.labelsAbove).toBe(true);
    expect(england.failing.chart.bars[0]!.label).toBe(`${top.criterionId} ${top.title}`);

    // Closed submissions' failing rows are not counted (the demo has some).
    const closedFailing = await t.db
      .selectFrom("failing_criterion")
      .innerJoin("submission", "submission.id", "failing_criterion.submission_id")
      .select("failing_criterion.criterion_id")
      .where("submission.whose_turn", "=", "closed")
      .execute();
    expect(closedFailing.length).toBeGreaterThan(0);
    for (const row of england.failing.rows) expect(row.count).toBe(open.filter((r) => r.id === row.criterionId).length);

    const region = england.regions[0]!;
    const one = await loadRegionsOverview(t.db, { now: NOW, region: region.code });
    expect(one.failing).toMatchObject({ regionCode: region.code, regionName: region.name });
    const openInRegion = await t.db
      .selectFrom("failing_criterion")
      .innerJoin("submission", "submission.id", "failing_criterion.submission_id")
      .select(["failing_criterion.criterion_id as id"])
      .where("submission.whose_turn", "<>", "closed")
      .where("submission.region_code", "=", region.code)
      .execute();
    for (const row of one.failing.rows) expect(row.count).toBe(openInRegion.filter((r) => r.id === row.criterionId).length);
    for (const row of one.failing.rows) {
      expect(row.count).toBeLessThanOrEqual(england.failing.rows.find((r) => r.criterionId === row.criterionId)?.count ?? Infinity);
    }
    // An unknown region is England, never an error.
    expect((await loadRegionsOverview(t.db, { now: NOW, region: "'; drop table submission; --" })).failing.regionName).toBe("England");
  });
});
