// The criteria sets as the service has them: migrated into a fresh SQLite database, then loaded and
// compiled by db/criteria-sets.ts (FEEL decision tables, docs/decisions/007). Measures how long the
// first load takes (reading and compiling every published set, which each instance does once) and a
// second one (answered from the compiled-set cache after one read of ids and hashes), then one
// evaluation of a whole submission per set through bench/evaluate.bench.ts's timer. Issue 14's target:
// a median of at most 1 ms per submission. Run with `npx tsx bench/criteria-data.bench.ts`; it prints
// its figures and writes nothing. `npm run bench` (bench/run.ts) calls measureCriteriaData().
import { pathToFileURL } from "node:url";
import { loadShippedSets } from "./criteria-sets.ts";
import { type EvaluationTiming, timeEvaluation } from "./evaluate.bench.ts";

const WARM_UP = 1_000;
const RUNS = 5_000;

export async function measureCriteriaData(): Promise<{ firstLoadMs: number; cachedLoadMs: number; timings: EvaluationTiming[] }> {
  const { sets, firstLoadMs, cachedLoadMs } = await loadShippedSets();
  return { firstLoadMs, cachedLoadMs, timings: sets.list.map((set) => ({ set: set.id, ...timeEvaluation(set, RUNS, WARM_UP) })) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const measured = await measureCriteriaData();
  console.log(
    `load and compile every published set: first ${measured.firstLoadMs.toFixed(1)} ms, cached ${measured.cachedLoadMs.toFixed(2)} ms`,
  );
  for (const t of measured.timings) {
    console.log(`${t.set}: median ${t.medianMicros.toFixed(1)} µs, p95 ${t.p95Micros.toFixed(1)} µs (${RUNS} runs)`);
  }
}
