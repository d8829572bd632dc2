// `npm run bench`: every figure of issues 7 and 13 in one run, printed against its target and written to
// bench/results.json as { "name": { "value": n, "unit": "…" } }.
//
// 1. builds the app with the benchmark's two extra pages (NCM_BENCH_ROUTES=1, into build-bench/)
//    and reads JS per page from that build's manifest;
// 2. criteria evaluation (the sets loaded from the database: bench/criteria-data.bench.ts), the
//    proposal's Word export with 500 practices (bench/export.bench.ts), and workflow events/s, in
//    this process, on SQLite and PostgreSQL: the server BENCH_DATABASE_URL or TEST_DATABASE_URL
//    names, or else a throwaway one started for the run as .ci/run does (bench/postgres.ts);
// 3. seeds BENCH_SUBMISSIONS (50,000) submissions into a fresh SQLite file (bench/seed.ts), serves
//    the same build with the bare framework (express + createRequestHandler, bench/bare-server.js)
//    for its floor, then starts server.js in production mode on it and measures pages with
//    autocannon (10 connections, BENCH_DURATION seconds each after a warm-up), signed in with real
//    session cookies; a page with a target relative to a floor is measured in rounds alternating
//    with that floor (loadPaired), so that the machine's drift weighs on both alike; then the CSV
//    export's time to first byte and the server's peak RSS growth while streaming it;
// 4. seeds the same submissions into a PostgreSQL database and measures the pipeline there on one
//    server.js, then on two behind one port (a round-robin proxy, bench/proxy.js).
// Everything runs on 127.0.0.1 and is stopped and deleted at the end. Not part of `npm test`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon, { type Result } from "autocannon";
import { sweepClockWarnings } from "../app/.server/notifications.ts";
import { simulateCriteriaImpact } from "../app/.server/criteria-impact.ts";
import { createDb } from "../db/client.ts";
import { DEMO_PASSWORD } from "../db/seed/demo.ts";
import { measureCriteriaData } from "./criteria-data.bench.ts";
import { EXPORT_PRACTICES, measureExport } from "./export.bench.ts";
import { jsPerPage } from "./js-per-page.ts";
import { measureRuntime } from "./runtime.bench.ts";
import { seedWithDrafts, timeRegionsOverview } from "./regions-criteria.bench.ts";
import { type BenchPostgres, benchPostgres, withDatabase } from "./postgres.ts";
import { seedBenchDatabase } from "./seed.ts";
import { BENCH_BUILD, type BenchServer, buildForBench, signIn, startBareServer, startBenchServer, startProxy } from "./server.ts";

const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 50_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARM_UP = Math.max(1, Math.round(DURATION / 3));
const CONNECTIONS = 10;
/** Rounds of a page against its floor (loadPaired). */
const PAIRED_ROUNDS = 5;
const RESULTS = path.join(import.meta.dirname, "results.json");

/** Two admin views of the pipeline: the national queue by its live clock (the heaviest sort), and one region by title. */
const PIPELINE_VIEWS = [
  { key: "national_queue", label: "national queue, live national-days sort", path: "/pipeline?turn=national&sort=national-days&dir=desc" },
  { key: "region", label: "one region, title sort", path: "/pipeline?region=LON&sort=title" },
] as const;
const ADMIN = "admin@example.nhs.uk";
const LEAD = "lead.kent@example.nhs.uk";
const LEAD_FOOTPRINT = "E54000032";

type Verdict = "met" | "NOT MET" | "reference" | "not built" | "skipped" | "FAILED";
interface Row {
  label: string;
  value: number | null;
  unit: string;
  target: string;
  verdict: Verdict;
  note?: string;
}
const rows: Row[] = [];
const results: Record<string, { value: number; unit: string }> = {};

function figure(key: string, label: string, value: number, unit: string, target = "", met?: boolean, note?: string) {
  results[key] = { value: Number(value.toFixed(unit === "µs" || unit === "KB" ? 1 : value < 10 ? 2 : 0)), unit };
  rows.push({ label, value, unit, target, verdict: met === undefined ? "reference" : met ? "met" : "NOT MET", note });
}

function note(label: string, verdict: Verdict, target = "") {
  rows.push({ label, value: null, unit: "", target, verdict });
}

function step(text: string) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
}

interface Load {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** Requests that failed or got no answer within autocannon's 10 s, e.g. while the clock sweep held the server. */
  failed: number;
}

/** One address under autocannon for `duration` seconds, every response's latency kept. */
async function hammer(url: string, cookie: string | undefined, duration: number, times?: number[]): Promise<Result> {
  const headers = cookie ? { cookie } : undefined;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration, headers }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    if (times) instance.on("response", (_client, _status, _bytes, time) => times.push(time));
  });
  // A non-200 means the benchmark is wrong (say, signed out and redirected); stop rather than measure it.
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 200`);
  return result;
}

function summarise(results: Result[], times: number[]): Load {
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN;
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  return {
    rps: requests / results.reduce((n, r) => n + r.duration, 0),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    requests,
    failed: results.reduce((n, r) => n + r.errors, 0),
  };
}

/** autocannon against one address: a warm-up, then DURATION seconds; every answer must be 200, and requests without one are counted. */
async function load(url: string, cookie?: string): Promise<Load> {
  await hammer(url, cookie, WARM_UP);
  const times: number[] = [];
  return summarise([await hammer(url, cookie, DURATION, times)], times);
}

interface Target {
  url: string;
  cookie?: string | undefined;
}

/**
 * A page and the floor it is measured against, in alternating rounds (floor, page, floor, page,
 * …; DURATION seconds of each in all, after a warm-up of each). The machines this runs on are
 * shared, and their speed drifts by a factor of two within one run: measured one after the
 * other, a page could be timed in a slow minute and its floor in a fast one. Alternating weighs
 * any drift on both alike, and the share is taken from the totals.
 */
async function loadPaired(page: Target, floor: Target, rounds = PAIRED_ROUNDS): Promise<{ page: Load; floor: Load }> {
  await hammer(floor.url, floor.cookie, WARM_UP);
  await hammer(page.url, page.cookie, WARM_UP);
  const each = Math.max(1, Math.round(DURATION / rounds));
  const floorRuns: Result[] = [];
  const pageRuns: Result[] = [];
  const floorTimes: number[] = [];
  const pageTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    floorRuns.push(await hammer(floor.url, floor.cookie, each, floorTimes));
    pageRuns.push(await hammer(page.url, page.cookie, each, pageTimes));
  }
  return { page: summarise(pageRuns, pageTimes), floor: summarise(floorRuns, floorTimes) };
}

/** Streams the CSV export, timing the first body byte and sampling the server's RSS meanwhile. */
async function csvExport(server: BenchServer, cookie: string) {
  const baseline = server.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rss());
  }, 5);
  try {
    const started = performance.now();
    const response = await fetch(`${server.baseUrl}/pipeline.csv`, { headers: { cookie } });
    if (!response.ok || !response.body) throw new Error(`/pipeline.csv answered ${response.status}`);
    let firstByte = 0;
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      if (!firstByte) firstByte = performance.now() - started;
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) lines++;
    }
    peak = Math.max(peak, server.rss());
    return { firstByte, total: performance.now() - started, rows: lines - 1, megabytes: bytes / 1e6, rssGrowth: (peak - baseline) / 1e6 };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The impact simulation (how a criteria change would move every live submission), over its own
 * 50,000 submissions with full drafts (bench/regions-criteria.bench.ts): the copies in the page
 * benchmark's database have no section content, and judging empty drafts would flatter it.
 */
async function measureImpact(): Promise<{ seconds: number; live: number; regionsMedianMs: number; regionsP95Ms: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-impact-"));
  const db = createDb(`file:${path.join(dir, "impact.db")}`);
  try {
    await seedWithDrafts(db, SUBMISSIONS);
    const started = performance.now();
    const result = await simulateCriteriaImpact(db, "2016-17");
    const seconds = (performance.now() - started) / 1000;
    const regions = await timeRegionsOverview(db);
    return { seconds, live: result.live, ...regions };
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits (at most 30 s) until /healthz answers within 100 ms. */
async function untilIdle(baseUrl: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const started = performance.now();
    await (await fetch(`${baseUrl}/healthz`)).text();
    if (performance.now() - started < 100) return;
  }
}

/** Met only when nothing failed; the note says how many did. */
function failures(l: Load): string | undefined {
  return l.failed > 0 ? `${l.failed} requests failed or timed out` : undefined;
}

function printTable() {
  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(`\n${"figure".padEnd(width)}  ${"value".padStart(12)}  ${"target".padEnd(34)}  verdict`);
  for (const r of rows) {
    const value = r.value === null ? "" : `${r.value >= 100 ? Math.round(r.value).toLocaleString("en-GB") : r.value.toFixed(1)} ${r.unit}`;
    console.log(`${r.label.padEnd(width)}  ${value.padStart(12)}  ${r.target.padEnd(34)}  ${r.verdict}${r.note ? ` (${r.note})` : ""}`);
  }
}

/** Stops every server in `servers`, newest first, whatever happened. */
async function stopAll(servers: BenchServer[]) {
  for (const server of servers.reverse()) await server.stop().catch((error) => console.error(`stopping ${server.baseUrl}: ${error}`));
}

/**
 * Both PIPELINE_VIEWS as the admin at `baseUrl`, after the 50-row floor there: each view's req/s,
 * its share of that floor and its p95, under `prefix` (keys) and with `where` in the labels.
 */
async function measurePipeline(baseUrl: string, admin: string, prefix: string, where: string) {
  for (const view of PIPELINE_VIEWS) {
    step(`pipeline as admin${where}: ${view.path}, in rounds with the 50-row floor (/__bench/rows)`);
    const { page: pipeline, floor: rowsFloor } = await loadPaired(
      { url: `${baseUrl}${view.path}`, cookie: admin },
      { url: `${baseUrl}/__bench/rows` },
    );
    const share = (100 * pipeline.rps) / rowsFloor.rps;
    const ok = pipeline.failed === 0;
    figure(
      `${prefix}pipeline.${view.key}.rps`,
      `/pipeline as admin, ${view.label}${where}`,
      pipeline.rps,
      "req/s",
      "≥ 60% of the 50-row floor",
      ok && share >= 60,
      failures(pipeline),
    );
    figure(
      `${prefix}pipeline.${view.key}.rows_floor.rps`,
      "  the 50-row floor, in the same rounds",
      rowsFloor.rps,
      "req/s",
      "",
      undefined,
      failures(rowsFloor),
    );
    figure(`${prefix}pipeline.${view.key}.share_of_rows_floor`, "  as a share of the 50-row floor", share, "%", "≥ 60%", share >= 60);
    figure(`${prefix}pipeline.${view.key}.p95`, "  p95 latency", pipeline.p95, "ms", "≤ 60 ms", ok && pipeline.p95 <= 60);
  }
}

/**
 * The pipeline on PostgreSQL: the page benchmark's submissions seeded into a throwaway database on
 * `postgres`, served by one server.js, then by two behind one port (bench/proxy.js). Sessions live
 * in the database, so the admin signs in on one instance and the proxy sends every other request
 * to the other; a refused cookie would be a redirect, which stops the run.
 */
async function measurePostgresPipeline(postgres: BenchPostgres) {
  await withDatabase(postgres.url, "ncm_bench_pages", async (url) => {
    step(`PostgreSQL: seeding ${SUBMISSIONS.toLocaleString("en-GB")} submissions`);
    const db = createDb(url);
    try {
      const seeded = await seedBenchDatabase(db, SUBMISSIONS);
      step(`seeded in ${seeded.seconds.toFixed(1)} s`);
    } finally {
      await db.destroy();
    }

    const servers: BenchServer[] = [];
    try {
      step("PostgreSQL: starting one server.js");
      servers.push(await startBenchServer(url));
      await untilIdle(servers[0]!.baseUrl);
      const admin = await signIn(servers[0]!.baseUrl, ADMIN, DEMO_PASSWORD);
      await measurePipeline(servers[0]!.baseUrl, admin, "postgres.one_instance.", " (PostgreSQL, 1 instance)");

      step("PostgreSQL: a second server.js and a round-robin proxy in front of both");
      servers.push(await startBenchServer(url));
      await untilIdle(servers[1]!.baseUrl);
      servers.push(await startProxy([servers[0]!.baseUrl, servers[1]!.baseUrl]));
      await measurePipeline(servers[2]!.baseUrl, admin, "postgres.two_instances.", " (PostgreSQL, 2 instances)");
    } finally {
      await stopAll(servers);
    }
  });
}

async function main() {
  const started = performance.now();
  console.log(
    `NCM Assure benchmarks: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, ` +
      `${SUBMISSIONS.toLocaleString("en-GB")} submissions, ${CONNECTIONS} connections, ${DURATION} s per page after ${WARM_UP} s warm-up\n`,
  );

  step("building with the benchmark pages (build-bench/)");
  const buildSeconds = buildForBench();
  step(`built in ${buildSeconds.toFixed(1)} s`);
  for (const page of jsPerPage(BENCH_BUILD)) {
    const key = page.routeId.replace("routes/", "");
    figure(`js.${key}.gzip`, `JS per page, gzip: ${page.label}`, page.gzipKb, "KB", "≤ 150 KB", page.gzipKb <= 150);
  }

  step("criteria sets: loaded from the database and compiled, then one submission judged");
  const criteria = await measureCriteriaData();
  figure("criteria.load.first_ms", "criteria sets, first load and compile (each instance, once)", criteria.firstLoadMs, "ms");
  figure("criteria.load.cached_ms", "criteria sets, a later load (ids and hashes read, compiled sets kept)", criteria.cachedLoadMs, "ms");
  for (const t of criteria.timings) {
    figure(
      `evaluate.${t.set}.median`,
      `criteria evaluation, one submission (${t.set}), median`,
      t.medianMicros,
      "µs",
      "≤ 1,000 µs",
      t.medianMicros <= 1_000,
    );
    figure(`evaluate.${t.set}.p95`, "  p95", t.p95Micros, "µs");
  }

  step(`the proposal as a Word document, ${EXPORT_PRACTICES} practices`);
  const exported = await measureExport();
  figure(
    "export.docx.max_ms",
    `proposal export as .docx, ${EXPORT_PRACTICES} practices, slowest of ${exported.runs}`,
    exported.maxMs,
    "ms",
    "< 2,000 ms",
    exported.maxMs < 2_000,
  );
  figure("export.docx.median_ms", "  median", exported.medianMs, "ms");
  figure("export.docx.size_kb", "  size of the file", exported.sizeKb, "KB");

  let found: Awaited<ReturnType<typeof benchPostgres>>;
  try {
    found = await benchPostgres();
  } catch (error) {
    console.error(error);
    found = { skipped: `the throwaway PostgreSQL did not start: ${error instanceof Error ? error.message.split("\n")[0] : error}` };
  }
  const postgres = "url" in found ? found : null;
  step(postgres ? `PostgreSQL: ${postgres.source}` : `PostgreSQL skipped: ${"skipped" in found ? found.skipped : ""}`);
  try {
    await measureAll(postgres);
  } finally {
    postgres?.stop();
  }

  printTable();
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWritten to ${path.relative(process.cwd(), RESULTS)} in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

async function measureAll(postgres: BenchPostgres | null) {
  step(`workflow events (SQLite${postgres ? " and PostgreSQL" : ""})`);
  const rates = await measureRuntime(postgres?.url);
  for (const [engine, rate, floor] of [
    ["sqlite", rates.sqlite, 500],
    ["postgresql", rates.postgres, 300],
  ] as const) {
    const name = engine === "sqlite" ? "SQLite" : "PostgreSQL";
    if (!rate) {
      note(`workflow events committed/s, ${name}`, "skipped", "set BENCH_DATABASE_URL");
      continue;
    }
    const share = (100 * rate.runtimePerSecond) / rate.rawPerSecond;
    figure(
      `events.${engine}.per_second`,
      `workflow events committed/s, ${name}`,
      rate.runtimePerSecond,
      "events/s",
      `≥ ${floor}/s`,
      rate.runtimePerSecond >= floor,
    );
    figure(`events.${engine}.raw_per_second`, `  raw UPDATE+INSERT transactions/s, ${name}`, rate.rawPerSecond, "tx/s");
    figure(`events.${engine}.share_of_raw`, `  events as a share of raw, ${name}`, share, "%", "≥ 30%", share >= 30);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-db-"));
  const databaseUrl = `file:${path.join(dir, "bench.db")}`;
  let server: BenchServer | undefined;
  try {
    step(`seeding ${SUBMISSIONS.toLocaleString("en-GB")} submissions`);
    const db = createDb(databaseUrl);
    let leadSubmission: string;
    try {
      const seeded = await seedBenchDatabase(db, SUBMISSIONS);
      step(
        `seeded ${seeded.submissions.toLocaleString("en-GB")} submissions, ${seeded.auditEvents.toLocaleString("en-GB")} audit entries ` +
          `and ${seeded.clockWarnings.toLocaleString("en-GB")} clock warnings in ${seeded.seconds.toFixed(1)} s`,
      );
      // Every app instance repeats this once a minute (startBackgroundWork). On SQLite the driver is
      // synchronous, so for as long as it takes the server answers nothing else.
      const sweepStarted = performance.now();
      await sweepClockWarnings(db);
      const sweep = (performance.now() - sweepStarted) / 1000;
      figure("clock_sweep.seconds", `background clock sweep over ${SUBMISSIONS.toLocaleString("en-GB")} (each minute)`, sweep, "s");
      // The lead's fullest demo submission: the task list reads and evaluates all of its sections.
      leadSubmission = (
        await db
          .selectFrom("submission")
          .innerJoin("submission_section", "submission_section.submission_id", "submission.id")
          .select("submission.id")
          .where("submission.footprint_code", "=", LEAD_FOOTPRINT)
          .groupBy("submission.id")
          .orderBy((eb) => eb.fn.countAll(), "desc")
          .limit(1)
          .executeTakeFirstOrThrow()
      ).id;
    } finally {
      await db.destroy();
    }

    step(`impact simulation: seeding ${SUBMISSIONS.toLocaleString("en-GB")} submissions with full drafts`);
    const impact = await measureImpact();
    figure(
      "impact.seconds",
      `impact simulation over ${SUBMISSIONS.toLocaleString("en-GB")} (${impact.live.toLocaleString("en-GB")} live)`,
      impact.seconds,
      "s",
      "≤ 30 s",
      impact.seconds <= 30,
    );
    figure("regions.loader.median_ms", "/pipeline/regions loader, median", impact.regionsMedianMs, "ms");
    figure("regions.loader.p95_ms", "/pipeline/regions loader, p95", impact.regionsP95Ms, "ms");

    // The bare framework alone on the same build and database, before server.js starts, so neither
    // server's background work or idle connections touch the other's figure.
    step("bare framework floor: express + createRequestHandler, /__bench/floor");
    const bare = await startBareServer(databaseUrl);
    let bareFloor: Load;
    try {
      bareFloor = await load(`${bare.baseUrl}/__bench/floor`);
    } finally {
      await bare.stop();
    }

    step("starting server.js (production)");
    server = await startBenchServer(databaseUrl);
    const admin = await signIn(server.baseUrl, ADMIN, DEMO_PASSWORD);
    const lead = await signIn(server.baseUrl, LEAD, DEMO_PASSWORD);

    step("framework floor: /__bench/floor");
    const floor = await load(`${server.baseUrl}/__bench/floor`);
    figure("floor.no_loader.rps", "framework floor: no-loader page", floor.rps, "req/s", "", undefined, failures(floor));
    figure(
      "floor.bare_framework.rps",
      "  the same page, bare express + createRequestHandler",
      bareFloor.rps,
      "req/s",
      "",
      undefined,
      failures(bareFloor),
    );
    const floorShare = (100 * floor.rps) / bareFloor.rps;
    figure("floor.share_of_bare", "  the app's floor as a share of the bare framework's", floorShare, "%", "≥ 70%", floorShare >= 70);

    await measurePipeline(server.baseUrl, admin, "", "");

    step(`task list as ${LEAD}: /submissions/${leadSubmission}, in rounds with the no-loader floor`);
    const { page: taskList, floor: taskFloor } = await loadPaired(
      { url: `${server.baseUrl}/submissions/${leadSubmission}`, cookie: lead },
      { url: `${server.baseUrl}/__bench/floor` },
    );
    const taskShare = (100 * taskList.rps) / taskFloor.rps;
    figure(
      "task_list.rps",
      "task list of a lead (/submissions/:id)",
      taskList.rps,
      "req/s",
      "≥ 50% of the no-loader floor",
      taskList.failed === 0 && taskShare >= 50,
      failures(taskList),
    );
    figure("task_list.floor.rps", "  the no-loader floor, in the same rounds", taskFloor.rps, "req/s", "", undefined, failures(taskFloor));
    figure("task_list.share_of_floor", "  as a share of the no-loader floor", taskShare, "%", "≥ 50%", taskShare >= 50);

    step("regions page as admin: /pipeline/regions");
    const regions = await load(`${server.baseUrl}/pipeline/regions`, admin);
    figure(
      "regions.page.rps",
      `/pipeline/regions as admin over ${SUBMISSIONS.toLocaleString("en-GB")}`,
      regions.rps,
      "req/s",
      "",
      undefined,
      failures(regions),
    );
    figure("regions.page.p50_ms", "  median latency (p50)", regions.p50, "ms", "≤ 100 ms", regions.failed === 0 && regions.p50 <= 100);
    figure("regions.page.p95_ms", "  p95 latency", regions.p95, "ms");

    // Let requests still queued from the last page (or a clock sweep) drain first.
    await untilIdle(server.baseUrl);
    step("CSV export of every submission");
    const csv = await csvExport(server, admin);
    step(`CSV: ${csv.rows.toLocaleString("en-GB")} rows, ${csv.megabytes.toFixed(1)} MB in ${(csv.total / 1000).toFixed(1)} s`);
    figure(
      "csv.first_byte",
      `CSV export of ${csv.rows.toLocaleString("en-GB")}: time to first byte`,
      csv.firstByte,
      "ms",
      "< 500 ms",
      csv.firstByte < 500,
    );
    figure("csv.rss_growth", "  server's peak RSS growth", csv.rssGrowth, "MB", "< 100 MB", csv.rssGrowth < 100);
    figure("csv.total", "  whole download", csv.total, "ms");
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  if (postgres) {
    // A failure here is reported with the figures already measured rather than losing them.
    try {
      await measurePostgresPipeline(postgres);
    } catch (error) {
      console.error(error);
      note("/pipeline as admin on PostgreSQL", "FAILED", error instanceof Error ? error.message.split("\n")[0]!.slice(0, 34) : "");
      process.exitCode = 1;
    }
  } else {
    for (const setup of ["one instance", "two instances"])
      note(`/pipeline as admin on PostgreSQL, ${setup}`, "skipped", "set BENCH_DATABASE_URL");
  }
}

await main();
