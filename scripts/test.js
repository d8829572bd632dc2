// `npm test`: every suite. The unit and integration suites (SQLite, and PostgreSQL when
// TEST_DATABASE_URL names one) run beside a fresh production build; then the suites that need the
// build: the browser journeys in Chromium, and beside them the HTTP security and reliability suites
// (server processes that spend much of their time waiting on a restart, a job's expiry or cron's
// next minute, so the two share the 2 cores better than one after the other).
// Ends with one line `N passed, N failed` and, under CI=true, fails if anything was skipped.
import { spawn } from "node:child_process";
import fs from "node:fs";

const ci = process.env.CI === "true";
fs.mkdirSync("test-results", { recursive: true });

/**
 * Runs a command. With `log`, its output goes to that file and is printed whole when it ends, so two
 * suites running at once never interleave their lines; without, it is shown as it comes.
 */
function run(label, command, args, log) {
  const started = Date.now();
  console.log(`\n=== ${label}${log ? ` (started; its output follows when it ends, and is in ${log})` : ""} ===`);
  return new Promise((resolve) => {
    const out = log ? fs.openSync(log, "w") : "inherit";
    const child = spawn(command, args, { stdio: ["ignore", out, out] });
    child.on("close", (code) => {
      if (log) {
        fs.closeSync(out);
        console.log(`\n=== ${label}: output ===`);
        process.stdout.write(fs.readFileSync(log, "utf8"));
      }
      console.log(`=== ${label}: ${code === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
      resolve(code === 0);
    });
  });
}

async function vitest(label, extra, report, log) {
  const ok = await run(
    label,
    "npx",
    ["vitest", "run", ...extra, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    log,
  );
  return { ok, report };
}

const started = Date.now();
// The build beside the unit suites, which never read it.
const [unit, built] = await Promise.all([
  vitest("unit and integration", [], "test-results/unit.json"),
  run("production build", "npm", ["run", "build", "--silent"], "test-results/build.log"),
]);
const suites = [unit];
if (built) {
  const e2e = ["--config", "vitest.e2e.config.ts"];
  suites.push(
    ...(await Promise.all([
      vitest("end-to-end in Chromium", [...e2e, "test/e2e/"], "test-results/e2e.json"),
      vitest(
        "HTTP security and reliability",
        [...e2e, "test/security/", "test/reliability/"],
        "test-results/servers.json",
        "test-results/servers.log",
      ),
    ])),
  );
}

let passed = 0;
let failed = 0;
let skipped = 0;
const byDatabase = { sqlite: 0, postgres: 0 };
for (const suite of suites) {
  if (!fs.existsSync(suite.report)) continue;
  const report = JSON.parse(fs.readFileSync(suite.report, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      const engine = test.fullName.match(/on '?(sqlite|postgres)'?\b/)?.[1];
      if (engine && test.status === "passed") byDatabase[engine] += 1;
    }
  }
}

console.log(
  `\ndatabases the suites ran on: SQLite (${byDatabase.sqlite} tests)` +
    (byDatabase.postgres > 0 ? `, PostgreSQL (${byDatabase.postgres} tests)` : ", PostgreSQL NOT RUN (set TEST_DATABASE_URL)"),
);
const allOk = built && suites.every((s) => s.ok);
if (ci && skipped > 0) console.log(`CI=true: ${skipped} tests were skipped, which counts as a failure.`);
if (ci && byDatabase.postgres === 0) console.log("CI=true: no test ran on PostgreSQL, which counts as a failure.");
console.log(`every suite in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(allOk && failed === 0 && !(ci && (skipped > 0 || byDatabase.postgres === 0)) ? 0 : 1);
