import os from "node:os";
import { defineConfig } from "vitest/config";

// Unit and integration suites. Deliberately without the React Router plugin: route modules are
// imported as plain modules and their loaders and actions called with real Requests.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: ["test/e2e/**", "test/security/**/*.http.test.ts", "test/reliability/**", "node_modules/**"],
    environment: "node",
    setupFiles: ["test/support/strict-console.ts", "test/support/uploads.ts"],
    // Vitest mirrors Vite's BASE_URL ("/") into process.env, which is also the app's own setting.
    env: { BASE_URL: "http://localhost:3000" },
    // These suites wait on SQLite files and PostgreSQL more than they compute, so one worker more
    // than the cores keeps them busy: on the 2-core CI machine, 307 s with Vitest's default (cores
    // less one, so a single worker) and 212 s with three. Capped for the connections of a local
    // PostgreSQL (each test file opens its own databases).
    maxWorkers: Math.min(os.availableParallelism() + 1, 8),
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
