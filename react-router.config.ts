import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // The benchmark's build (with its extra pages, app/routes.ts) never overwrites the real one.
  buildDirectory: process.env.NCM_BENCH_ROUTES === "1" ? "build-bench" : "build",
} satisfies Config;
