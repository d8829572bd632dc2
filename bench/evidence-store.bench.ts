// `npx tsx bench/evidence-store.bench.ts`: time and peak RSS to store, then read back, a 20 MB file
// in each evidence store (local directory, database pieces) on SQLite and on PostgreSQL (the server
// BENCH_DATABASE_URL or TEST_DATABASE_URL names; skipped without one). Each case runs in a process
// of its own, so its peak RSS is its own. The figures are in docs/notes-i15-storage.md and decision 008.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { databaseEvidenceStore, localEvidenceStore } from "../app/.server/evidence-store.ts";
import { createDb } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";

const SIZE = 20 * 1024 * 1024;
const PIECE = 64 * 1024;
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

function residentMb(): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
}

/** One case, in this process: prints a JSON line. */
async function runCase(engine: string, store: string, url: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-evidence-"));
  const db = createDb(url);
  await migrateToLatest(db);
  // "none": the same pieces made and hashed but kept nowhere, the floor the two stores are read against.
  const none = {
    put: async (body: AsyncIterable<Uint8Array>) => {
      const h = createHash("sha256");
      for await (const chunk of body) h.update(chunk);
      return { sha256: h.digest("hex"), sizeBytes: SIZE };
    },
    open: async () => {
      let at = 0;
      return {
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            if (at >= SIZE) return controller.close();
            at += PIECE;
            controller.enqueue(Buffer.alloc(PIECE));
          },
        }),
      };
    },
  };
  const target = store === "local" ? localEvidenceStore(dir) : store === "database" ? databaseEvidenceStore(db) : none;
  // The file is made in pieces as an upload arrives, never as one 20 MB buffer.
  const hash = createHash("sha256");
  const piece = randomBytes(PIECE);
  async function* upload() {
    for (let sent = 0; sent < SIZE; sent += PIECE) {
      piece[0] = sent & 0xff;
      hash.update(piece);
      yield piece;
    }
  }
  const baseline = residentMb();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, residentMb())), 5);
  let started = performance.now();
  const stored = await target.put(upload());
  const storeMs = performance.now() - started;
  if (stored.sha256 !== hash.digest("hex")) throw new Error("stored hash differs");
  started = performance.now();
  const opened = (await target.open(stored.sha256))!;
  let read = 0;
  for await (const chunk of opened.body as unknown as AsyncIterable<Uint8Array>) read += chunk.byteLength;
  const readMs = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, residentMb());
  if (read !== SIZE) throw new Error(`read ${read} bytes`);
  process.stdout.write(
    `${JSON.stringify({ engine, store, storeMs: Math.round(storeMs), readMs: Math.round(readMs), baselineMb: +baseline.toFixed(1), peakGrowthMb: +(peak - baseline).toFixed(1) })}\n`,
  );
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const [, , engine, store, url] = process.argv;
  if (engine && store && url) return runCase(engine, store, url);
  const cases: { engine: string; url: string; cleanup(): Promise<void> }[] = [];
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-evidence-db-"));
  cases.push({
    engine: "sqlite",
    url: `file:${path.join(sqliteDir, "app.db")}`,
    cleanup: async () => fs.rmSync(sqliteDir, { recursive: true }),
  });
  if (postgresUrl) {
    const name = `ncm_bench_evidence_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    cases.push({
      engine: "postgres",
      url: url.toString(),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    });
  }
  for (const c of cases) {
    for (const store of ["none", "local", "database"]) {
      const run = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, c.engine, store, c.url], { encoding: "utf8" });
      process.stdout.write(run.stdout || run.stderr);
    }
    await c.cleanup();
  }
}

await main();
