// The production server for the HTTP benchmarks: a build with the benchmark's extra pages
// (NCM_BENCH_ROUTES=1, written to build-bench/ so it never replaces build/), served by the real
// server.js with production settings on 127.0.0.1 (on SQLite or PostgreSQL), and signed-in session
// cookies for it; beside it, the same build served by the bare framework (bench/bare-server.js) and a
// round-robin proxy (bench/proxy.js) for several instances behind one port.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { unlessDone } from "./cleanup.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export const BENCH_BUILD = path.join(ROOT, "build-bench");

/** `npm run build` with the benchmark's pages, into build-bench/. */
export function buildForBench(): number {
  const started = performance.now();
  const result = spawnSync("npm", ["run", "build"], {
    cwd: ROOT,
    env: { ...process.env, NCM_BENCH_ROUTES: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  return (performance.now() - started) / 1000;
}

export interface BenchServer {
  baseUrl: string;
  pid: number;
  /** The server process's resident set size now, in bytes (Linux). */
  rss(): number;
  output(): string;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that nothing listens on now (another process may take it before it is used). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A scratch directory to run a server from: server.js serves `./build` relative to its working
 * directory and imports `./build/server/index.js` relative to itself, so the directory holds a copy
 * of it, `build` pointing at build-bench/ and `node_modules` at the project's.
 */
function scratchHost(): string {
  const host = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-host-"));
  fs.copyFileSync(path.join(ROOT, "server.js"), path.join(host, "server.js"));
  fs.writeFileSync(path.join(host, "package.json"), JSON.stringify({ type: "module", private: true }));
  fs.symlinkSync(BENCH_BUILD, path.join(host, "build"));
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(host, "node_modules"));
  return host;
}

/** Starts a process that listens on a spare port, trying another when the port was taken meanwhile. */
async function onSparePort(host: string, start: (port: number) => Promise<BenchServer>): Promise<BenchServer> {
  // Another process may take the spare port between the probe and the listen; then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= 3 || !String(error).includes("EADDRINUSE")) {
        fs.rmSync(host, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/** server.js in production mode on `databaseUrl` (`file:…` for SQLite, `postgres://…`), on a spare port of 127.0.0.1. */
export async function startBenchServer(databaseUrl: string): Promise<BenchServer> {
  const host = scratchHost();
  return onSparePort(host, (port) => listen(host, ["server.js"], benchServerEnv(host, databaseUrl, port), port));
}

/**
 * The module holding the React Router server build inside build-bench/: build/server/index.js is
 * the host's express app (server/app.ts, the SSR entry in vite.config.ts), which imports the plain
 * ServerBuild and exports it as `build` for bench/bare-server.js.
 */
export function benchServerBuild(): string {
  return path.join(BENCH_BUILD, "server", "index.js");
}

/**
 * The same build served by the bare framework: express and @react-router/express's
 * createRequestHandler over the ServerBuild, nothing else (bench/bare-server.js), with server.js's
 * settings, so the root loader reads the same database.
 */
export async function startBareServer(databaseUrl: string): Promise<BenchServer> {
  const host = scratchHost();
  const script = path.join(ROOT, "bench", "bare-server.js");
  return onSparePort(host, (port) => listen(host, [script, benchServerBuild()], benchServerEnv(host, databaseUrl, port), port));
}

/**
 * A round-robin HTTP proxy (bench/proxy.js) on a spare port in front of `targets`, as a load
 * balancer in front of several app instances.
 */
export async function startProxy(targets: string[]): Promise<BenchServer> {
  const host = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-proxy-"));
  const script = path.join(ROOT, "bench", "proxy.js");
  return onSparePort(host, (port) =>
    listen(host, [script, ...targets], { PATH: process.env.PATH, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1" }, port),
  );
}

/**
 * server.js's settings for a benchmark: production, on 127.0.0.1, the given database (a DATABASE_URL,
 * `file:…` or `postgres://…`; a bare path is taken as a SQLite file), no demo seed.
 */
export function benchServerEnv(host: string, database: string, port: number): NodeJS.ProcessEnv {
  const databaseUrl = /^(file:|postgres(ql)?:\/\/)/.test(database) ? database : `file:${database}`;
  return {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    UPLOADS_DIR: path.join(host, "uploads"),
    BETTER_AUTH_SECRET: "benchmark-only-secret-".padEnd(48, "b"),
    DEMO_SEED: "0",
    // The benchmark signs in a handful of times from one address.
    SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
  };
}

async function listen(host: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<BenchServer> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const name = path.basename(args[0]!);
  let output = "";
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: host,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Killed (and its folder deleted) by bench/reaper.js should the benchmark die before stopping it.
  const killLater = unlessDone({ kill: child.pid! });
  unlessDone({ remove: host });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      killLater();
      resolve();
    }),
  );

  // Ready when this child says it listens on this address (a /healthz answer alone could come
  // from someone else's server on a port reused in between) and /healthz answers. Generous: the
  // first background clock sweep runs at start and, on SQLite, holds the event loop until it ends.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    if (output.includes(`running on ${baseUrl}`)) {
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) break;
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not answer /healthz within 180 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    baseUrl,
    pid: child.pid!,
    rss() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      fs.rmSync(host, { recursive: true, force: true });
    },
  };
}

/** Signs in through better-auth's HTTP endpoint and returns the Cookie header for the session. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    // better-auth refuses a sign-in without an Origin; a browser on the site sends its own.
    headers: { "Content-Type": "application/json", Origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${email} failed: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]!);
  if (cookies.length === 0) throw new Error(`sign-in as ${email} set no cookie`);
  return cookies.join("; ");
}
