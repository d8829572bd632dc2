// The pipeline on 50,000 submissions: page queries for typical filter and sort combinations
// (median and p95 of 50 runs, each the whole loader work: regions, clock inputs, count and page),
// and the CSV export of all of them (time to the first row, total time, peak RSS growth).
// SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server (a
// throwaway database is created and dropped). Not part of `npm test`.
// Run: npx tsx bench/pipeline.bench.ts   (BENCH_SUBMISSIONS=… to change the size, BENCH_CSV_BATCH=…
// to override the export's batch size)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { loadPipeline, parsePipelineParams, PIPELINE_STATES, pipelineCsv } from "../app/.server/pipeline.ts";
import { createDb, type Db } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { withPipelineKeys } from "../db/submissions.ts";
import { insertCredentialUser } from "../db/users.ts";
import { checkpointOf, whoseTurn } from "../workflows/assurance.machine.ts";

const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 50_000);
const RUNS = 50;
const DAY = 86_400_000;
const NOW = new Date();

const VIEWS: [label: string, search: string][] = [
  ["default (last activity)", ""],
  ["deep page 500 of 1,000", "page=500"],
  ["region + title sort, p3", "region=LON&sort=title&page=3"],
  ["text + model, footprint sort", "q=manchester&model=PACS&sort=footprint&dir=desc"],
  ["state + days in state", "state=checkpoint2.in_review&sort=days-in-state&dir=desc"],
  ["national + breached, live sort", "turn=national&sla=breached&sort=national-days&dir=desc"],
  ["at risk (any turn)", "sla=at_risk"],
  ["all, live national sort", "sort=national-days&dir=desc"],
];

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(db: Db): Promise<number> {
  const started = performance.now();
  await migrateToLatest(db);
  const creator = await insertCredentialUser(db, { email: "bench@example.nhs.uk", name: "Bench Lead", role: "lead", passwordHash: "x" });
  const reviewers: string[] = [];
  for (const n of [1, 2, 3, 4, 5, 6]) {
    reviewers.push(
      await insertCredentialUser(db, { email: `r${n}@example.nhs.uk`, name: `Reviewer ${n}`, role: "reviewer", passwordHash: "x" }),
    );
  }
  const footprints = await db.selectFrom("footprint").select(["code", "name", "region_code"]).execute();
  const rand = random(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const words = ["integrated", "community", "care", "neighbourhood", "primary", "acute", "whole population", "health"];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < SUBMISSIONS; i += 500) {
      const chunk = Array.from({ length: Math.min(500, SUBMISSIONS - i) }, (_, k) => {
        const n = i + k;
        const fp = pick(footprints);
        const state = pick(PIPELINE_STATES);
        const turn = whoseTurn(state);
        // National items are recent; the rest spread over two years.
        const entered = new Date(NOW.getTime() - Math.floor(rand() * (turn === "national" ? 45 : 730) * DAY)).toISOString();
        return withPipelineKeys(
          {
            id: `b${n.toString(16).padStart(10, "0")}`,
            footprint_code: fp.code,
            title: `${fp.name.split(" ")[0]} ${pick(words)} ${rand() < 0.5 ? "MCP" : "PACS"} ${n}`,
            model_type: rand() < 0.5 ? ("MCP" as const) : ("PACS" as const),
            vanguard_number: rand() < 0.2 ? 1 + Math.floor(rand() * 50) : null,
            criteria_set: "2017-19",
            state,
            checkpoint: checkpointOf(state) ?? Math.floor(rand() * 4),
            whose_turn: turn,
            version: 1,
            workflow_snapshot: "{}",
            state_entered_at: entered,
            national_days_used: checkpointOf(state) ? Math.round(rand() * 250) / 10 : 0,
            failing_blocking: 0,
            failing_warnings: Math.floor(rand() * 7),
            created_by: creator,
            created_at: entered,
            updated_at: entered,
          },
          fp.region_code,
        );
      });
      await trx.insertInto("submission").values(chunk).execute();
      const assigned = chunk.filter((s) => checkpointOf(s.state) && !s.state.endsWith("awaiting_assignment"));
      if (assigned.length > 0) {
        await trx
          .insertInto("review_assignment")
          .values(
            assigned.map((s) => {
              const lead = pick(reviewers);
              return {
                id: `ra-${s.id}`,
                submission_id: s.id,
                checkpoint: s.checkpoint,
                lead_reviewer_id: lead,
                second_reviewer_id: reviewers.find((r) => r !== lead)!,
                assigned_by: creator,
                assigned_at: s.state_entered_at,
              };
            }),
          )
          .execute();
      }
    }
  });
  await sql`analyze`.execute(db);
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeViews(db: Db) {
  const out: { label: string; total: number; median: number; p95: number }[] = [];
  for (const [label, search] of VIEWS) {
    const params = parsePipelineParams(new URLSearchParams(search));
    let total = 0;
    await loadPipeline(db, params, NOW); // warm the caches
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      total = (await loadPipeline(db, params, NOW)).total;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    out.push({ label, total, median: percentile(times, 50), p95: percentile(times, 95) });
  }
  return out;
}

async function timeExport(db: Db, search: string) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const started = performance.now();
  const batch = process.env.BENCH_CSV_BATCH ? Number(process.env.BENCH_CSV_BATCH) : undefined;
  const stream = await pipelineCsv(db, parsePipelineParams(new URLSearchParams(search)), NOW, batch);
  const reader = stream.getReader();
  let firstRow = 0;
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const b of value) if (b === 10) lines++;
    if (!firstRow && lines > 1) firstRow = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  return { firstRow, total: performance.now() - started, rows: lines - 1, megabytes: bytes / 1e6, rssGrowth: (peak - baseline) / 1e6 };
}

async function measure(engine: string, db: Db) {
  const seeded = await seed(db);
  console.log(`\n${engine}: ${SUBMISSIONS.toLocaleString("en-GB")} submissions seeded in ${(seeded / 1000).toFixed(1)} s`);
  console.log(`${"view".padEnd(34)}${"rows".padStart(8)}${"median ms".padStart(12)}${"p95 ms".padStart(10)}`);
  for (const r of await timeViews(db)) {
    console.log(`${r.label.padEnd(34)}${String(r.total).padStart(8)}${r.median.toFixed(1).padStart(12)}${r.p95.toFixed(1).padStart(10)}`);
  }
  console.log(
    `${"CSV export".padEnd(34)}${"rows".padStart(8)}${"first row ms".padStart(14)}${"total ms".padStart(10)}${"MB".padStart(7)}${"peak RSS +MB".padStart(14)}`,
  );
  for (const [label, search] of [
    ["all, last activity", ""],
    ["all, live national sort", "sort=national-days&dir=desc"],
  ] as const) {
    const r = await timeExport(db, search);
    console.log(
      `${label.padEnd(34)}${String(r.rows).padStart(8)}${r.firstRow.toFixed(0).padStart(14)}${r.total.toFixed(0).padStart(10)}${r.megabytes.toFixed(1).padStart(7)}${r.rssGrowth.toFixed(1).padStart(14)}`,
    );
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-"));
const sqlite = createDb(`file:${path.join(dir, "bench.db")}`);
try {
  await measure("SQLite", sqlite);
} finally {
  await sqlite.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (pgUrl) {
  const name = `ncm_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  try {
    await measure("PostgreSQL", db);
  } finally {
    await db.destroy();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log("\nPostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL.");
}
