// NCM Assure's HTTP server. In production it serves the build (build/server/index.js bundles
// server/app.ts with the app); with --dev it serves through Vite with hot reload.
import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express from "express";

const development = process.argv.includes("--dev");
const BUILD = "./build/server/index.js";

async function main() {
  const server = express();
  server.disable("x-powered-by");
  server.use(compression());

  let appModule;
  if (development) {
    const vite = await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
    server.use(vite.middlewares);
    appModule = await vite.ssrLoadModule("./server/app.ts");
    server.use(async (req, res, next) => {
      try {
        const fresh = await vite.ssrLoadModule("./server/app.ts");
        return fresh.app(req, res, next);
      } catch (error) {
        if (typeof error === "object" && error instanceof Error) vite.ssrFixStacktrace(error);
        next(error);
      }
    });
  } else {
    appModule = await import(BUILD);
    server.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    // Only the build's own files go to the static handler: for any other address (every page) it
    // would first look for a file of that name on disk.
    const clientFiles = new Set(filesUnder("build/client"));
    const statics = express.static("build/client", { maxAge: "1h" });
    server.use((req, res, next) => (clientFiles.has(req.path) ? statics(req, res, next) : next()));
    server.use(appModule.app);
  }

  let ready;
  try {
    ready = await appModule.prepare();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const { config } = ready;
  const listener = server.listen(config.port, config.host, () => {
    const engine = config.databaseUrl.startsWith("file:") ? `SQLite (${config.databaseUrl.slice(5)})` : "PostgreSQL";
    const lines = [
      `NCM Assure is running on ${config.baseUrl}`,
      `  database: ${engine}; migrations applied this start: ${ready.applied.length}; ` +
        `${ready.reference.regions} regions, ${ready.reference.footprints} footprints, ${ready.reference.vanguards} vanguards`,
    ];
    if (ready.demoAccounts.length > 0) {
      if (ready.demoSubmissions > 0)
        lines.push(`  demo data: ${ready.demoSubmissions} submissions seeded now, in every state of the assurance process`);
      lines.push(`  demo accounts${ready.seeded ? " (seeded now)" : ""}, password "${ready.demoPassword}":`);
      for (const a of ready.demoAccounts) lines.push(`    ${a.email.padEnd(34)} ${a.role}`);
      lines.push("    (and a lead for each other demo footprint, e.g. lead.devon@example.nhs.uk)");
    }
    console.log(lines.join("\n"));
  });

  const stopBackground = appModule.startBackground();
  const stop = () => {
    stopBackground();
    listener.close(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Every file under a folder, as the address path that serves it ("/nhsuk/images/favicon.ico"). */
function filesUnder(root, prefix = "") {
  return fs
    .readdirSync(path.join(root, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(root, `${prefix}/${entry.name}`) : [`${prefix}/${encodeURI(entry.name)}`]));
}

main();
