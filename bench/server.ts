// The production server for the HTTP benchmarks: a build with the benchmark's extra pages
// (NCM_BENCH_ROUTES=1, written to build-bench/ so it never replaces build/), served by the real
// server.js with production settings on 127.0.0.1, and signed-in session cookies for it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

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

async function freePort(): Promise<number> {
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
 * server.js serves `./build` relative to its working directory and imports `./build/server/index.js`
 * relative to itself, so it runs from a scratch directory holding a copy of it, `build` pointing at
 * build-bench/ and `node_modules` at the project's.
 */
export async function startBenchServer(databaseFile: string): Promise<BenchServer> {
  const host = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-host-"));
  fs.copyFileSync(path.join(ROOT, "server.js"), path.join(host, "server.js"));
  fs.writeFileSync(path.join(host, "package.json"), JSON.stringify({ type: "module", private: true }));
  fs.symlinkSync(BENCH_BUILD, path.join(host, "build"));
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(host, "node_modules"));

  // Another process may take the spare port between the probe and the listen; then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await listen(host, databaseFile, await freePort());
    } catch (error) {
      if (attempt >= 3 || !String(error).includes("EADDRINUSE")) {
        fs.rmSync(host, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/** server.js's settings for a benchmark: production, on 127.0.0.1, the given SQLite file, no demo seed. */
export function benchServerEnv(host: string, databaseFile: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `file:${databaseFile}`,
    UPLOADS_DIR: path.join(host, "uploads"),
    BETTER_AUTH_SECRET: "benchmark-only-secret-".padEnd(48, "b"),
    DEMO_SEED: "0",
    // The benchmark signs in a handful of times from one address.
    SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
  };
}

async function listen(host: string, databaseFile: string, port: number): Promise<BenchServer> {
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["server.js"], {
    cwd: host,
    env: benchServerEnv(host, databaseFile, port),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  // Ready when this child says it listens on this address (a /healthz answer alone could come
  // from someone else's server on a port reused in between) and /healthz answers. Generous: the
  // first background clock sweep runs at start and, on SQLite, holds the event loop until it ends.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server.js exited with ${child.exitCode}:\n${output}`);
    if (output.includes(`running on ${baseUrl}`)) {
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) break;
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server.js did not answer /healthz within 180 s:\n${output}`);
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
