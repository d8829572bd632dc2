// PostgreSQL for the benchmarks: the server BENCH_DATABASE_URL or TEST_DATABASE_URL names, or else a
// throwaway one started here as .ci/run starts CI's (initdb into a temporary folder, pg_ctl on a
// spare port on 127.0.0.1 with fsync=off, as the postgres user when running as root), stopped and
// deleted when the benchmark ends, fails or is interrupted (bench/reaper.js). Databases for single measurements are
// created on it and dropped after (withDatabase).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { unlessDone } from "./cleanup.ts";
import { freePort } from "./server.ts";

export interface BenchPostgres {
  /** A URL for the server's `postgres` database, from which benchmark databases are created. */
  url: string;
  /** Where it came from, for the report: "BENCH_DATABASE_URL", "TEST_DATABASE_URL" or "throwaway PostgreSQL 15.x". */
  source: string;
  /** Stops and deletes a throwaway server; nothing for a named one. Safe to call more than once. */
  stop(): void;
}

/** The newest installed server binaries, e.g. /usr/lib/postgresql/16/bin, or null. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const newest = versions.at(-1);
  return newest ? path.join(root, newest, "bin") : null;
}

/** The uid and gid of a system user, from `id`. */
function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => {
    const result = spawnSync("id", [flag, name], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`no ${name} user to run PostgreSQL as (running as root): ${result.stderr}`);
    return Number(result.stdout.trim());
  };
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * The PostgreSQL to benchmark on: the one named by BENCH_DATABASE_URL or TEST_DATABASE_URL, or a
 * throwaway server started now. Null, with the reason, when neither is possible (no binaries).
 */
export async function benchPostgres(): Promise<BenchPostgres | { skipped: string }> {
  for (const name of ["BENCH_DATABASE_URL", "TEST_DATABASE_URL"] as const) {
    const url = process.env[name];
    if (url) return { url, source: name, stop() {} };
  }
  const bin = postgresBin();
  if (!bin) return { skipped: "no PostgreSQL in /usr/lib/postgresql; set BENCH_DATABASE_URL" };
  return startThrowawayPostgres(bin);
}

async function startThrowawayPostgres(bin: string): Promise<BenchPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-pg-"));
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  // initdb refuses to run as root: run the server as postgres, owning the folder.
  const asUser: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    const ids = userIds("postgres");
    fs.chownSync(dir, ids.uid, ids.gid);
    Object.assign(asUser, ids);
  }
  const run = (program: string, args: string[]) => {
    const result = spawnSync(path.join(bin, program), args, {
      ...asUser,
      cwd: dir,
      env: { PATH: process.env.PATH, LANG: "C.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 120_000,
    });
    if (result.status !== 0) {
      const serverLog = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
      throw new Error(`${program} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}${serverLog}`);
    }
    return result.stdout;
  };

  // Stopped and deleted by `stop`, or by bench/reaper.js if the benchmark dies before calling it.
  const removeLater = unlessDone({ remove: dir });
  const stopLater = unlessDone({ run: [path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { ...asUser, cwd: dir }] });
  let running = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      if (running || fs.existsSync(path.join(data, "postmaster.pid"))) run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch (error) {
      console.error(`could not stop the throwaway PostgreSQL in ${dir}: ${error}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    stopLater();
    removeLater();
  };

  try {
    run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
    const version = run("postgres", ["--version"])
      .trim()
      .replace(/^postgres \(PostgreSQL\) /, "");
    // Another process may take the spare port between the probe and the start; then try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
        run("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "start"]);
        running = true;
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, source: `throwaway PostgreSQL ${version}`, stop };
      } catch (error) {
        if (attempt >= 3 || !fs.readFileSync(log, "utf8").includes("in use")) throw error;
      }
    }
  } catch (error) {
    stop();
    throw error;
  }
}

/** A fresh database on the server at `serverUrl` for `use`, dropped afterwards whatever happens. */
export async function withDatabase<T>(serverUrl: string, prefix: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      return await use(url.toString());
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end();
  }
}
