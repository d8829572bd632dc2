import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

// Server-only packages: never pre-bundled for the browser, never bundled into the server build.
const serverOnly = ["better-sqlite3", "pg", "kysely", "better-auth", "express", "compression"];

export default defineConfig(({ isSsrBuild }) => ({
  // The server build's entry is our express app, which imports the React Router build itself,
  // so build/server/index.js also carries migrations and start-up (see server.js).
  build: isSsrBuild ? { rollupOptions: { input: "./server/app.ts" } } : {},
  plugins: [reactRouter()],
  optimizeDeps: { exclude: serverOnly },
  ssr: { external: serverOnly },
  css: { preprocessorOptions: { scss: { quietDeps: true } } },
}));
