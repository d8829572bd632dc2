// One page under load with the server's CPU profiled: seeds 50,000 submissions (as `npm run bench`
// does), starts server.js from build-bench/ with --cpu-prof, loads the page for 10 s with
// autocannon (10 connections) signed in as the admin, stops the server and prints where its CPU
// went: by package, by function (self time), and the app's own functions (inclusive). The profile
// is left in the printed folder for Chrome's DevTools. PROFILE_AS signs in as another demo account;
// ":kent" in the address stands for Kent and Medway's first demo submission.
//
// PROFILE_DB=file reuses the database of an earlier run instead of seeding a new one.
//
// Run: NCM_BENCH_ROUTES=1 npm run build && npx tsx bench/profile-page.ts "/pipeline?turn=national&sort=national-days&dir=desc"
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon, { type Result } from "autocannon";
import { createDb } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedBenchDatabase } from "./seed.ts";
import { BENCH_BUILD, benchServerEnv, signIn } from "./server.ts";

const requested = process.argv[2] ?? "/pipeline?turn=national&sort=national-days&dir=desc";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-profile-"));
// PROFILE_DB reuses a database an earlier run seeded (its path is printed), to compare changes quickly.
const file = process.env.PROFILE_DB ?? path.join(dir, "bench.db");
const db = createDb(`file:${file}`);
await migrateToLatest(db);
if (!process.env.PROFILE_DB) await seedBenchDatabase(db, Number(process.env.BENCH_SUBMISSIONS ?? 50_000));
const kent = await db
  .selectFrom("submission")
  .select("id")
  .where("footprint_code", "=", "E54000032")
  .orderBy("created_at")
  .executeTakeFirstOrThrow();
const url = requested.replace(":kent", kent.id);
await db.destroy();

const host = path.join(dir, "host");
fs.mkdirSync(host);
fs.copyFileSync(path.join(import.meta.dirname, "..", "server.js"), path.join(host, "server.js"));
fs.writeFileSync(path.join(host, "package.json"), JSON.stringify({ type: "module", private: true }));
fs.symlinkSync(BENCH_BUILD, path.join(host, "build"));
fs.symlinkSync(fs.realpathSync(path.join(import.meta.dirname, "..", "node_modules")), path.join(host, "node_modules"));
const port = 4311;
const baseUrl = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "server.js"], {
  cwd: host,
  env: benchServerEnv(host, `file:${file}`, port),
  stdio: ["ignore", "ignore", "inherit"],
});
for (;;) {
  const up = await fetch(`${baseUrl}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const cookie = await signIn(baseUrl, process.env.PROFILE_AS ?? "admin@example.nhs.uk", "assure-demo-password");
const result = await new Promise<Result>((resolve, reject) => {
  autocannon({ url: baseUrl + url, connections: 10, duration: 10, headers: { cookie } }, (error, done) =>
    error ? reject(error) : resolve(done),
  );
});
console.log(`${url}: ${result.requests.average} req/s, p97.5 ${result.latency.p97_5} ms, ${result.non2xx} not 2xx`);
child.kill("SIGINT");
await new Promise((resolve) => child.on("exit", resolve));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profileFile = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
const profile = JSON.parse(fs.readFileSync(path.join(dir, profileFile), "utf8")) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
const sampled = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) sampled.set(id, (sampled.get(id) ?? 0) + profile.timeDeltas[i]!);
const name = (n: ProfileNode) =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/.*node_modules\//, "").replace(/.*build-bench\//, "app:")}:${n.callFrame.lineNumber}`;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const packages = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
for (const [id, us] of sampled) {
  const node = byId.get(id)!;
  add(self, name(node), us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const key = name(byId.get(cur)!);
    if (!seen.has(key)) add(inclusive, key, us);
    seen.add(key);
  }
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(node.callFrame.url)?.[1];
  add(
    packages,
    pkg ??
      (node.callFrame.url.includes("build-bench") ? "the app" : node.callFrame.url.startsWith("node:") ? "node" : "(native, GC, idle)"),
    us,
  );
}
const top = (title: string, map: Map<string, number>, n: number, keep: (key: string) => boolean = () => true) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
};
top("by package (self time)", packages, 12);
top("by function (self time)", self, 20);
top("the app's functions (inclusive)", inclusive, 20, (k) => k.includes("app:"));
console.log(`\nprofile: ${path.join(dir, profileFile)}\ndatabase (PROFILE_DB): ${file}`);
