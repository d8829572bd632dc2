// The administrator's analytical pages on 50,000 submissions with realistic drafts: the regional
// view's loader (median and p95 of 20 runs), the criteria impact simulation over every live
// submission (one run, seconds) and moving all of them to the other set (one transaction).
// SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server.
// Run: npx tsx bench/regions-criteria.bench.ts   (BENCH_SUBMISSIONS=… to change the size)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import { moveToCriteriaSet, simulateCriteriaImpact } from "../app/.server/criteria-impact.ts";
import { PIPELINE_STATES } from "../app/.server/pipeline.ts";
import { loadRegionsOverview } from "../app/.server/regions.ts";
import { checkpointToJudge } from "../workflows/states.ts";
import { createDb, type Db } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { pinnedCriteriaSet } from "../db/criteria-sets.ts";
import { findUserProfile } from "../db/users.ts";
import { withPipelineKeys } from "../db/submissions.ts";
import { insertCredentialUser } from "../db/users.ts";
import { checkpointOf, whoseTurn } from "../workflows/assurance.machine.ts";
import { evaluate, failingCriteria } from "../workflows/evaluate.ts";
import { exampleSubmission } from "../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../workflows/submission.ts";

const DAY = 86_400_000;

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` submissions in every state and region, each with a full draft from the fixtures (a
 * third with a section left out, so criteria fail) and the failing criteria recorded as the app
 * records them on save.
 */
export async function seedWithDrafts(db: Db, count: number, now = new Date()): Promise<{ seconds: number; adminId: string }> {
  const started = performance.now();
  await migrateToLatest(db);
  const adminId = await insertCredentialUser(db, {
    email: "bench.admin@example.nhs.uk",
    name: "Bench Admin",
    role: "admin",
    passwordHash: "x",
  });
  const footprints = await db.selectFrom("footprint").select(["code", "name", "region_code"]).execute();
  const rand = random(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  // A few hundred distinct drafts, reused: building one is the slow part, judging it is not.
  const drafts = Array.from({ length: 300 }, (_, i) => {
    const fp = footprints[i % footprints.length]!;
    const modelType = i % 2 ? ("MCP" as const) : ("PACS" as const);
    const content = exampleSubmission({
      modelType,
      footprintName: fp.name,
      footprintCode: fp.code,
      seed: i + 1,
      checkpoint: ((i % 3) + 1) as 1 | 2 | 3,
    });
    if (i % 3 === 0) delete (content as Record<string, unknown>)[SECTION_SLUGS[1 + (i % (SECTION_SLUGS.length - 1))]!];
    return { fp, modelType, content };
  });
  const set = await pinnedCriteriaSet(db, "2017-19");
  // The drafts repeat, so each is judged once per checkpoint rather than once per submission.
  const judged = new Map<string, ReturnType<typeof failingCriteria>>();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += 250) {
      const rows = Array.from({ length: Math.min(250, count - i) }, (_, k) => {
        const n = i + k;
        const draft = drafts[n % drafts.length]!;
        const state = pick(PIPELINE_STATES);
        const turn = whoseTurn(state);
        const entered = new Date(now.getTime() - Math.floor(rand() * (turn === "national" ? 45 : 730) * DAY)).toISOString();
        const checkpoint = checkpointOf(state) ?? (state === "draft" ? 0 : Math.floor(rand() * 4));
        const judgedAt = checkpointToJudge(checkpoint, state);
        const key = `${n % drafts.length} ${judgedAt}`;
        let failing = judged.get(key);
        if (!failing) {
          failing = failingCriteria(evaluate(draft.content, set, { checkpoint: judgedAt }));
          judged.set(key, failing);
        }
        return {
          submission: withPipelineKeys(
            {
              id: `c${n.toString(16).padStart(10, "0")}`,
              footprint_code: draft.fp.code,
              title: `${draft.fp.name} ${draft.modelType} ${n}`,
              model_type: draft.modelType,
              vanguard_number: null,
              criteria_set: "2017-19",
              state,
              checkpoint,
              whose_turn: turn,
              version: 1,
              workflow_snapshot: "{}",
              state_entered_at: entered,
              national_days_used: checkpointOf(state) ? Math.round(rand() * 250) / 10 : 0,
              failing_blocking: failing.filter((f) => f.severity === "blocking").length,
              failing_warnings: failing.filter((f) => f.severity === "warning").length,
              created_by: adminId,
              created_at: entered,
              updated_at: entered,
            },
            draft.fp.region_code,
          ),
          sections: Object.entries(draft.content).map(([section, data]) => ({
            submission_id: `c${n.toString(16).padStart(10, "0")}`,
            section,
            data: JSON.stringify(data),
            updated_by: adminId,
            updated_at: entered,
          })),
          failing,
        };
      });
      await trx
        .insertInto("submission")
        .values(rows.map((r) => r.submission))
        .execute();
      await trx
        .insertInto("submission_section")
        .values(rows.flatMap((r) => r.sections))
        .execute();
      const failures = rows.flatMap((r) =>
        r.failing.map((f) => ({
          submission_id: r.submission.id,
          criterion_id: f.criterionId,
          severity: f.severity,
          region_code: r.submission.region_code,
        })),
      );
      if (failures.length > 0) await trx.insertInto("failing_criterion").values(failures).execute();
    }
  });
  await sql`analyze`.execute(db);
  return { seconds: (performance.now() - started) / 1000, adminId };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The regional view's loader over `db`: median and p95 of 20 runs, half for England and half for the Midlands. */
export async function timeRegionsOverview(db: Db): Promise<{ regionsMedianMs: number; regionsP95Ms: number }> {
  const times: number[] = [];
  const region = (await db.selectFrom("region").select("code").where("name", "=", "Midlands").executeTakeFirstOrThrow()).code;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await loadRegionsOverview(db, { region: i % 2 ? region : null });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { regionsMedianMs: percentile(times, 50), regionsP95Ms: percentile(times, 95) };
}

export interface RegionsCriteriaFigures {
  regionsMedianMs: number;
  regionsP95Ms: number;
  simulationSeconds: number;
  simulatedLive: number;
  moveAllSeconds: number;
  moved: number;
}

export async function measureRegionsAndCriteria(db: Db, adminId: string): Promise<RegionsCriteriaFigures> {
  const regions = await timeRegionsOverview(db);
  const simStart = performance.now();
  const result = await simulateCriteriaImpact(db, "2016-17");
  const simulationSeconds = (performance.now() - simStart) / 1000;
  const admin = (await findUserProfile(db, adminId))!;
  const moveStart = performance.now();
  const { moved } = await moveToCriteriaSet(db, admin, {
    scope: "all",
    submission: [],
    reason: "Benchmark",
    target: "2016-17",
    simulationId: null,
  });
  return {
    ...regions,
    simulationSeconds,
    simulatedLive: result.live,
    moveAllSeconds: (performance.now() - moveStart) / 1000,
    moved,
  };
}

async function main() {
  const count = Number(process.env.BENCH_SUBMISSIONS ?? 50_000);
  const report = (engine: string, seeded: number, f: RegionsCriteriaFigures) => {
    console.log(`\n${engine}: ${count.toLocaleString("en-GB")} submissions with drafts seeded in ${seeded.toFixed(1)} s`);
    console.log(`  /pipeline/regions loader: median ${f.regionsMedianMs.toFixed(1)} ms, p95 ${f.regionsP95Ms.toFixed(1)} ms`);
    console.log(
      `  impact simulation over ${f.simulatedLive.toLocaleString("en-GB")} live submissions: ${f.simulationSeconds.toFixed(1)} s (target ≤ 30 s)`,
    );
    console.log(`  move all ${f.moved.toLocaleString("en-GB")} to 2016-17 in one transaction: ${f.moveAllSeconds.toFixed(1)} s`);
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-rc-"));
  const sqlite = createDb(`file:${path.join(dir, "bench.db")}`);
  try {
    const { seconds, adminId } = await seedWithDrafts(sqlite, count);
    report("SQLite", seconds, await measureRegionsAndCriteria(sqlite, adminId));
  } finally {
    await sqlite.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!pgUrl) {
    console.log("\nPostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL.");
    return;
  }
  const name = `ncm_bench_rc_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  try {
    const { seconds, adminId } = await seedWithDrafts(db, count);
    report("PostgreSQL", seconds, await measureRegionsAndCriteria(db, adminId));
  } finally {
    await db.destroy();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
