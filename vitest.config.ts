import { defineConfig } from "vitest/config";

// Unit and integration suites. Deliberately without the React Router plugin: route modules are
// imported as plain modules and their loaders and actions called with real Requests.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: ["test/e2e/**", "node_modules/**"],
    environment: "node",
    setupFiles: ["test/support/strict-console.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
