import fs from "node:fs";
import type { TestProject } from "vitest/node";
import { type RunningServer, startServer } from "./server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    chromiumPath: string | null;
  }
}

let server: RunningServer | undefined;

export async function setup(project: TestProject) {
  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(chromiumPath)) {
    const message = `Chromium not found at ${chromiumPath} (set CHROMIUM_PATH, or: apt-get install -y chromium)`;
    if (process.env.CI === "true") throw new Error(`${message}. CI=true, so the end-to-end suite fails rather than skips.`);
    process.stderr.write(`${message}: end-to-end tests are SKIPPED.\n`);
    project.provide("chromiumPath", null);
  } else {
    project.provide("chromiumPath", chromiumPath);
  }
  server = await startServer();
  project.provide("baseUrl", server.baseUrl);
}

export async function teardown() {
  await server?.stop();
}
