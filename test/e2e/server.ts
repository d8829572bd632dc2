import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface RunningServer {
  baseUrl: string;
  /** The SQLite file when the server made its own database (the default); "" for a given DATABASE_URL. */
  databaseFile: string;
  databaseUrl: string;
  pid: number;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit; removes the temp folder (and the database, if the server made it). */
  stop(): Promise<void>;
  /** kill -9: no shutdown handlers run. Waits for the exit; the database is left as the crash left it. */
  kill(): Promise<void>;
  /** Sends a signal and returns at once (the temp folder stays until stop()). */
  signal(name: NodeJS.Signals): void;
  /** How the process ended, once it has. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServerOptions {
  /**
   * The database to serve, e.g. one shared by several instances or one to restart on after a crash.
   * It is never removed by stop(). Default: a fresh SQLite file in the server's temp folder.
   */
  databaseUrl?: string;
  /** Environment variables added to (or overriding) the production settings below. */
  env?: Record<string, string>;
  /** The address users are told the service is at (BASE_URL), from the port it listens on. */
  baseUrl?: (port: number) => string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the production build (server.js) on a spare port with a fresh SQLite file (or the given
 * DATABASE_URL), the demo accounts and production settings, and waits until /healthz answers.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  if (!fs.existsSync("build/server/index.js")) {
    throw new Error("No production build: run `npm run build` first (npm test does).");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-e2e-"));
  const databaseFile = options.databaseUrl ? "" : path.join(dir, "app.db");
  const databaseUrl = options.databaseUrl ?? `file:${databaseFile}`;
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // The address users are told the service is at; it may differ from where this test reaches it
  // (an https address behind a proxy, for the Secure cookie).
  const publicUrl = options.baseUrl?.(port) ?? baseUrl;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["server.js"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      BASE_URL: publicUrl,
      DATABASE_URL: databaseUrl,
      UPLOADS_DIR: path.join(dir, "uploads"),
      BETTER_AUTH_SECRET: "end-to-end-test-secret-".padEnd(48, "z"),
      DEMO_SEED: "1",
      // The suites sign in a dozen times from one address; throttling has its own tests.
      SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`server.js exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`server.js did not answer /healthz within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    databaseFile,
    databaseUrl,
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    signal(name) {
      child.kill(name);
    },
    exited,
  };
}
