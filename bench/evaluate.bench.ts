// How long one evaluation of a full submission takes, per criteria set, with the sets as the service
// has them (loaded from the database and compiled: bench/criteria-data.bench.ts). The task list
// re-evaluates on every save and the impact simulation evaluates every live submission, so the target
// is a median of at most 1 ms. Run with `npx tsx bench/evaluate.bench.ts`; it prints one line per set
// and writes nothing. `npm run bench` (bench/run.ts) calls measureEvaluation().
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { CriteriaSets } from "../workflows/criteria-data/sets.ts";
import type { CriteriaSet } from "../workflows/criteria-data/types.ts";
import { evaluate } from "../workflows/evaluate.ts";
import { exampleSubmission } from "../workflows/fixtures.ts";

const WARM_UP = 2_000;
const RUNS = 10_000;

// A PACS at checkpoint 3 is the largest content there is: the most practices, every approval.
const content = exampleSubmission({
  modelType: "PACS",
  footprintName: "Greater Manchester",
  footprintCode: "E54000007",
  vanguardNumber: 5,
  checkpoint: 3,
  seed: 1,
});
const options = {
  checkpoint: 3 as const,
  reference: {
    footprintCodes: Array.from({ length: 44 }, (_, i) => `E540000${String(i + 5).padStart(2, "0")}`),
    vanguardNumbers: Array.from({ length: 50 }, (_, i) => i + 1),
  },
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export interface EvaluationTiming {
  set: string;
  medianMicros: number;
  p95Micros: number;
}

/** The median and p95 of evaluating the largest content against one set, in µs. */
export function timeEvaluation(set: CriteriaSet, runs = RUNS, warmUp = WARM_UP): { medianMicros: number; p95Micros: number } {
  let sink = 0;
  for (let i = 0; i < warmUp; i += 1) sink += evaluate(content, set, options).results.length;
  const timings = new Float64Array(runs);
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    sink += evaluate(content, set, options).results.length;
    timings[i] = (performance.now() - started) * 1_000;
  }
  timings.sort();
  // Keeps the work observable so no engine can optimise the calls away.
  if (sink === 0) throw new Error("evaluation returned no results");
  return { medianMicros: percentile(timings, 50), p95Micros: percentile(timings, 95) };
}

export function measureEvaluation(sets: CriteriaSets): EvaluationTiming[] {
  return sets.list.map((set) => ({ set: set.id, ...timeEvaluation(set) }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { loadShippedSets } = await import("./criteria-sets.ts");
  for (const t of measureEvaluation((await loadShippedSets()).sets)) {
    console.log(
      `${t.set}: median ${t.medianMicros.toFixed(1)} µs, p95 ${t.p95Micros.toFixed(1)} µs ` +
        `(${RUNS} runs, ${content.population?.practices?.length ?? 0} practices)`,
    );
  }
}
