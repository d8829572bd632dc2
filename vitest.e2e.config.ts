import { defineConfig } from "vitest/config";

// End-to-end: the production build served by server.js, driven by Chromium through playwright-core.
export default defineConfig({
  test: {
    // Everything that needs the production build over real HTTP: journeys in Chromium, the HTTP-level
    // security checks and the reliability suite (several server processes, kill -9).
    include: ["test/e2e/**/*.test.ts", "test/security/**/*.http.test.ts", "test/reliability/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/e2e/global-setup.ts"],
    setupFiles: ["test/support/uploads.ts"],
    // Vitest mirrors Vite's BASE_URL ("/") into process.env, which is also the app's own setting
    // (read when a test drives the workflow directly).
    env: { BASE_URL: "http://localhost:3000" },
    // One Chromium at a time on a 2-core machine keeps the runs steady.
    fileParallelism: false,
    testTimeout: 60_000,
    // expect.poll waits for a page to settle; one second is too short on a busy 2-core CI machine.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 60_000,
  },
});
