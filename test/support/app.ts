import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { vi } from "vitest";
import { CLIENT_IP_HEADER } from "../../app/.server/auth.ts";
import { createDb, type Db } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { DEMO_PASSWORD, seedDemoAccounts } from "../../db/seed/demo.ts";
import type { TestDatabaseKind } from "./databases.ts";

export const BASE_URL = "http://localhost:3000";

/**
 * Points this test file's process at a fresh SQLite database with the demo accounts, before any
 * app module reads its configuration. Each test file runs in its own worker, so this is private to it.
 */
export async function prepareAppDatabase(): Promise<{ url: string; cleanup(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-app-test-"));
  const url = `file:${path.join(dir, "app.db")}`;
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: url,
    BASE_URL,
    BETTER_AUTH_SECRET: "app-test-secret-".padEnd(48, "y"),
    SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
  });
  const db = createDb(url);
  await migrateToLatest(db);
  await seedDemoAccounts(db);
  await db.destroy();
  return { url, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The same on a fresh database of either engine, for a suite that runs the app on SQLite and then
 * on PostgreSQL in one file. The app keeps its configuration, pool and better-auth instance for the
 * life of the process, so they are let go here (before and after), and the suite imports the app's
 * modules dynamically after this, as it does for prepareAppDatabase.
 */
export async function prepareAppDatabaseOn(kind: TestDatabaseKind): Promise<{ url: string; cleanup(): Promise<void> }> {
  const database = await kind.create();
  await seedDemoAccounts(database.db);
  await forgetTheApp();
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    BASE_URL,
    BETTER_AUTH_SECRET: "app-test-secret-".padEnd(48, "y"),
    SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
  });
  return {
    url: database.url,
    async cleanup() {
      await forgetTheApp();
      await database.destroy();
    },
  };
}

async function forgetTheApp(): Promise<void> {
  const holder = globalThis as typeof globalThis & { __ncmDb?: Db; __ncmAuth?: unknown; __ncmJobs?: { stop(): Promise<void> } };
  await holder.__ncmJobs?.stop();
  delete holder.__ncmJobs;
  await holder.__ncmDb?.destroy();
  delete holder.__ncmDb;
  delete holder.__ncmAuth;
  vi.resetModules();
}

export function appRequest(pathname: string, init: RequestInit & { cookie?: string; ip?: string } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set(CLIENT_IP_HEADER, init.ip ?? "127.0.0.1");
  if (init.cookie) headers.set("cookie", init.cookie);
  return new Request(new URL(pathname, BASE_URL), { ...init, headers });
}

export function formPost(pathname: string, fields: Record<string, string>, init: { cookie?: string; ip?: string } = {}) {
  return appRequest(pathname, { method: "POST", body: new URLSearchParams(fields), ...init });
}

/** Signs in through the app's own service and returns the Cookie header a browser would send. */
export async function sessionCookieFor(email: string): Promise<string> {
  const { signIn } = await import("../../app/.server/session.ts");
  const outcome = await signIn(appRequest("/sign-in"), { email, password: DEMO_PASSWORD });
  if (!outcome.ok) throw new Error(`could not sign in ${email}: ${outcome.reason}`);
  return outcome.setCookies.map((c) => c.split(";")[0]).join("; ");
}

/** Runs a loader or action and returns its Response, whether it was returned or thrown. */
export async function settle(run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (thrown) {
    return thrown;
  }
}

export const context = { requestId: "test-request", cspNonce: "test-nonce" };

/** The one-time message a redirect carries to its next page (app/.server/flash.ts), or null. */
export async function flashOf(response: Response): Promise<string | null> {
  const { takeFlash } = await import("../../app/.server/flash.ts");
  const cookies = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return (await takeFlash(new Request("http://localhost/", { headers: { cookie: cookies } }))).message;
}

/**
 * Runs the jobs of one queue that this process's app has queued (SQLite's in-process runner), and
 * those they queue in turn, until none is left: the work a started server's runner would do.
 */
export async function runQueuedJobs(name: string): Promise<void> {
  const background = await import("../../app/.server/background.ts");
  const queue = background.jobs();
  background.declareBackgroundWork(queue);
  await (queue as unknown as { poll(only: string[]): Promise<void> }).poll([name]);
}
