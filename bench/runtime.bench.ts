// Workflow events committed per second by the runtime (restore snapshot, machine decides, one
// atomic write with the version check, a hash-chained audit entry and the notifications), beside
// a raw UPDATE + INSERT transaction on the same tables for reference, the two taken in turns.
// SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server (a
// throwaway database is created).
// Run: npx tsx bench/runtime.bench.ts   (`npm run bench`, bench/run.ts, calls measureRuntime())
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { actorFrom, applyEvent, startSubmission } from "../app/.server/assurance.ts";
import { createDb, type Db } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemoAccounts } from "../db/seed/demo.ts";
import { findUserProfile } from "../db/users.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const ROUNDS = 10;
const WARM_UP = 200;

async function measure(db: Db): Promise<RuntimeRate> {
  await migrateToLatest(db);
  await seedDemoAccounts(db);
  const ids = await db.selectFrom("user").select(["id", "email"]).execute();
  const profile = async (email: string) => actorFrom((await findUserProfile(db, ids.find((u) => u.email === email)!.id))!);
  const lead = await profile("lead.kent@example.nhs.uk");
  const admin = await profile("admin@example.nhs.uk");

  // Spread events over 20 submissions, as real traffic is.
  const submissions: string[] = [];
  for (let i = 0; i < 20; i++) {
    const s = await startSubmission(db, lead, { footprintCode: "E54000032", title: `Bench ${i}`, modelType: "MCP" });
    if (s.ok) submissions.push(s.id);
  }
  let event = 0;
  const runtime = async (n: number) => {
    for (let end = event + n; event < end; event++) {
      const id = submissions[event % submissions.length]!;
      const paused = Math.floor(event / submissions.length) % 2 === 0;
      const result = await applyEvent(db, id, admin, paused ? { type: "PAUSE", reason: "bench" } : { type: "RESUME", reason: "bench" });
      if (!result.ok) throw new Error(result.reason);
    }
  };
  let tx = 0;
  const raw = async (n: number) => {
    for (let end = tx + n; tx < end; tx++) {
      const id = submissions[tx % submissions.length]!;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("submission")
          .set((eb) => ({ updated_at: new Date().toISOString(), national_days_used: eb("national_days_used", "+", 0) }))
          .where("id", "=", id)
          .execute();
        await trx
          .insertInto("audit_event")
          .values({
            id: randomUUID(),
            chain: `raw-${tx}`,
            seq: 1,
            submission_id: id,
            actor_id: admin.id,
            action: "RAW",
            from_state: null,
            to_state: null,
            payload: "{}",
            at: new Date().toISOString(),
            prev_hash: "0",
            hash: "0",
          })
          .execute();
      });
    }
  };
  // Both warmed up first (not timed), then timed in alternating rounds, so that a machine that
  // gets busier or quieter during the run weighs on both alike and the share stays comparable.
  await runtime(WARM_UP);
  await raw(WARM_UP);
  let runtimeMs = 0;
  let rawMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const perRound = Math.ceil(EVENTS / ROUNDS);
    let started = performance.now();
    await runtime(perRound);
    runtimeMs += performance.now() - started;
    started = performance.now();
    await raw(perRound);
    rawMs += performance.now() - started;
  }
  const timed = ROUNDS * Math.ceil(EVENTS / ROUNDS);
  return { runtimePerSecond: timed / (runtimeMs / 1000), rawPerSecond: timed / (rawMs / 1000) };
}

export interface RuntimeRate {
  runtimePerSecond: number;
  rawPerSecond: number;
}

function report(engine: string, r: RuntimeRate) {
  console.log(
    `${engine.padEnd(10)} runtime ${r.runtimePerSecond.toFixed(0).padStart(6)} events/s   raw UPDATE+INSERT ${r.rawPerSecond.toFixed(0).padStart(6)} tx/s   ratio ${((100 * r.runtimePerSecond) / r.rawPerSecond).toFixed(0)}%`,
  );
}

/** Events/s on a fresh SQLite file, and on a throwaway PostgreSQL database when `pgUrl` is given. */
export async function measureRuntime(pgUrl: string | undefined): Promise<{ sqlite: RuntimeRate; postgres: RuntimeRate | null }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-"));
  const sqlite = createDb(`file:${path.join(dir, "bench.db")}`);
  let sqliteRate: RuntimeRate;
  try {
    sqliteRate = await measure(sqlite);
  } finally {
    await sqlite.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!pgUrl) return { sqlite: sqliteRate, postgres: null };

  const name = `ncm_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  try {
    return { sqlite: sqliteRate, postgres: await measure(db) };
  } finally {
    await db.destroy();
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const rates = await measureRuntime(pgUrl);
  report("SQLite", rates.sqlite);
  if (rates.postgres) report("PostgreSQL", rates.postgres);
  else console.log("PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL");
}
