// better-sqlite3's prebuilt binaries are downloaded from a host this machine cannot reach, so
// `npm ci` compiles SQLite from source (about 65 s of a CI run on 2 cores). Before compiling,
// prebuild-install looks for a prebuilt binary in npm's own cache (~/.npm/_prebuilds): this keeps
// the one just compiled there, under the name prebuild-install looks for, so the next `npm ci` on
// this machine unpacks it in a second. A new machine compiles once, as before. Run after npm ci.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

try {
  keep();
} catch (error) {
  // Only time is lost: the next npm ci compiles, as it would have.
  console.log(`better-sqlite3: not kept (${error.message})`);
}

function keep() {
  const dir = path.dirname(require.resolve("better-sqlite3/package.json"));
  const util = require(require.resolve("prebuild-install/util", { paths: [dir] }));
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const binary = path.join("build", "Release", "better_sqlite3.node");
  const url = util.getDownloadUrl({
    pkg,
    runtime: "node",
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    libc: "",
    "tag-prefix": "v",
  });
  const cached = util.cachedPrebuild(url);
  if (fs.existsSync(cached)) {
    console.log(`better-sqlite3: a build is kept at ${cached}`);
  } else if (fs.existsSync(path.join(dir, binary))) {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    execFileSync("tar", ["-czf", cached, "-C", dir, binary]);
    console.log(`better-sqlite3: kept this build for the next npm ci at ${cached}`);
  }
}
