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
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
