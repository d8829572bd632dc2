// `npm test`: every suite, in order: unit and integration (SQLite, and PostgreSQL when
// TEST_DATABASE_URL names one), a fresh production build, then end-to-end in Chromium.
// Ends with one line `N passed, N failed` and, under CI=true, fails if anything was skipped.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const ci = process.env.CI === "true";
fs.mkdirSync("test-results", { recursive: true });

function run(label, command, args) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit" });
  console.log(`=== ${label}: ${result.status === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  return result.status === 0;
}

function vitest(label, extra, report) {
  const ok = run(label, "npx", ["vitest", "run", ...extra, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  return { ok, report };
}

const suites = [vitest("unit and integration", [], "test-results/unit.json")];
const built = run("production build", "npm", ["run", "build", "--silent"]);
if (built)
  suites.push(
    vitest("end-to-end (Chromium), HTTP security and reliability", ["--config", "vitest.e2e.config.ts"], "test-results/e2e.json"),
  );

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
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(allOk && failed === 0 && !(ci && (skipped > 0 || byDatabase.postgres === 0)) ? 0 : 1);
