// `npm start`: builds when the build is missing or older than the sources, then runs server.js
// (which migrates the database, seeds demo accounts into an empty one, and serves).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const BUILD = path.join("build", "server", "index.js");
const SOURCES = ["app", "server", "db", "workflows", "package-lock.json", "vite.config.ts", "react-router.config.ts"];

function newest(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

const builtAt = fs.existsSync(BUILD) ? fs.statSync(BUILD).mtimeMs : 0;
if (builtAt === 0 || Math.max(...SOURCES.map(newest)) > builtAt) {
  console.log(builtAt === 0 ? "No build yet: building NCM Assure…" : "Sources changed since the last build: rebuilding…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await import("../server.js");
