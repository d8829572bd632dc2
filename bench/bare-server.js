// The bare framework, for the benchmark's floor: the same React Router server build that server.js
// serves (build-bench/), behind nothing but express and @react-router/express's
// createRequestHandler. No compression, no security headers, no load context, no static files, no
// migrations and no background work: what React Router itself costs a page, to set the app's own
// host against. The root loader still runs (it is part of the build), on DATABASE_URL.
// Run by bench/server.ts (startBareServer): node bench/bare-server.js build-bench/server/index.js
// (the host's module, which exports the build it serves; nothing of the host runs but its imports).
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@react-router/express";
import express from "express";

const buildPath = process.argv[2];
if (!buildPath) throw new Error("usage: node bench/bare-server.js build-bench/server/index.js");
const { build } = await import(pathToFileURL(buildPath).href);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const app = express();
app.use(createRequestHandler({ build }));
const listener = app.listen(port, host, () => console.log(`bare React Router is running on http://${host}:${port}`));
process.on("SIGTERM", () => listener.close(() => process.exit(0)));
