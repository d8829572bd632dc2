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

  let appModule;
  if (development) {
    const vite = await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
    appModule = await vite.ssrLoadModule("./server/app.ts");
    server.use(appModule.observeRequests);
    server.use(compression());
    server.use(vite.middlewares);
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
    // Every request, static files too, gets an id, an access log line and a place in the metrics.
    server.use(appModule.observeRequests);
    server.use(compression());
    const labelled = (route, handler) => (req, res, next) => {
      res.locals.route = route;
      handler(req, res, next);
    };
    server.use("/assets", labelled("static", express.static("build/client/assets", { immutable: true, maxAge: "1y" })));
    // Only the build's own files go to the static handler: for any other address (every page) it
    // would first look for a file of that name on disk.
    const clientFiles = new Set(filesUnder("build/client"));
    const statics = labelled("static", express.static("build/client", { maxAge: "1h" }));
    server.use((req, res, next) => (clientFiles.has(req.path) ? statics(req, res, next) : next()));
    server.use(appModule.app);
  }
  const { logger } = appModule;

  let ready;
  try {
    ready = await appModule.prepare();
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const { config } = ready;
  const listener = server.listen(config.port, config.host, () => {
    logger.info(
      {
        baseUrl: config.baseUrl,
        database: config.databaseUrl.startsWith("file:") ? `SQLite (${config.databaseUrl.slice(5)})` : "PostgreSQL",
        migrationsApplied: ready.applied.length,
        regions: ready.reference.regions,
        footprints: ready.reference.footprints,
        vanguards: ready.reference.vanguards,
        ...(ready.demoAccounts.length > 0
          ? {
              demoAccountsSeeded: ready.seeded,
              demoSubmissionsSeeded: ready.demoSubmissions,
              // Their password is the demo one in README.md: a password never goes into a log.
              demoAccounts: ready.demoAccounts.map((a) => `${a.email} (${a.role})`),
            }
          : {}),
      },
      // The address in the message too: the benchmark (bench/server.ts) waits for "running on <address>".
      `NCM Assure is running on ${config.baseUrl}`,
    );
  });

  const stopBackground = appModule.startBackground();
  let stopping = false;
  const stop = async (signal) => {
    // A second signal (Ctrl+C again) is someone who will not wait: stop now, as before draining existed.
    if (stopping) {
      logger.warn({ signal }, "second signal during the drain: exiting at once");
      process.exit(1);
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal, delayMs: config.shutdownDelayMs, graceMs: config.shutdownGraceMs }, "shutting down: readiness now 503");
    try {
      await drain(listener, appModule, config, logger);
      await stopBackground();
      await appModule.closeDatabase();
      logger.info({ ms: Date.now() - started }, "shut down cleanly");
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/**
 * Readiness answers 503 at once; after SHUTDOWN_DELAY_MS (time for a load balancer to stop sending
 * work here) the listener closes and idle connections with it; requests in flight then have
 * SHUTDOWN_GRACE_MS to finish before their connections are cut.
 */
async function drain(listener, appModule, config, logger) {
  appModule.beginDraining();
  if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  const closed = new Promise((resolve) => listener.close(resolve));
  // A keep-alive connection whose request finishes during the drain goes idle rather than closing;
  // close it then, instead of waiting out its keep-alive timeout.
  const idle = setInterval(() => listener.closeIdleConnections(), 100);
  let cut;
  const deadline = new Promise((resolve) => {
    cut = setTimeout(() => {
      logger.warn({ graceMs: config.shutdownGraceMs }, "requests still in flight at the end of the grace period: connections closed");
      listener.closeAllConnections();
      resolve();
    }, config.shutdownGraceMs);
  });
  await Promise.race([closed, deadline]);
  clearTimeout(cut);
  clearInterval(idle);
  await closed;
}

/** Every file under a folder, as the address path that serves it ("/nhsuk/images/favicon.ico"). */
function filesUnder(root, prefix = "") {
  return fs
    .readdirSync(path.join(root, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(root, `${prefix}/${entry.name}`) : [`${prefix}/${encodeURI(entry.name)}`]));
}

main();
