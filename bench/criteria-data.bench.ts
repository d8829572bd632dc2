// How long one evaluation of a whole submission takes with the criteria as data (FEEL decision tables,
// workflows/criteria-data/) against the code form (workflows/criteria/), per criteria set. Issue 14
// keeps the target of bench/evaluate.bench.ts: a median of at most 1 ms. Run with
// `npx tsx bench/criteria-data.bench.ts`; it prints one line per set and form and writes nothing.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { CRITERIA_SET_IDS, type CriteriaSet, criteriaSets } from "../workflows/criteria/index.ts";
import { dataCriteriaSets } from "../workflows/criteria-data/index.ts";
import { evaluate } from "../workflows/evaluate.ts";
import { exampleSubmission } from "../workflows/fixtures.ts";

const WARM_UP = 1_000;
const RUNS = 5_000;

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

export interface FormTiming {
  set: string;
  form: "code" | "data";
  medianMicros: number;
  p95Micros: number;
}

function time(set: CriteriaSet): { median: number; p95: number } {
  let sink = 0;
  for (let i = 0; i < WARM_UP; i += 1) sink += evaluate(content, set, options).results.length;
  const timings = new Float64Array(RUNS);
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    sink += evaluate(content, set, options).results.length;
    timings[i] = (performance.now() - started) * 1_000;
  }
  timings.sort();
  // Keeps the work observable so no engine can optimise the calls away.
  if (sink === 0) throw new Error("evaluation returned no results");
  return { median: percentile(timings, 50), p95: percentile(timings, 95) };
}

export function measureCriteriaData(): FormTiming[] {
  return CRITERIA_SET_IDS.flatMap((id) =>
    (["code", "data"] as const).map((form) => {
      const { median, p95 } = time(form === "code" ? criteriaSets[id] : dataCriteriaSets[id]);
      return { set: id, form, medianMicros: median, p95Micros: p95 };
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const t of measureCriteriaData()) {
    console.log(
      `${t.set} ${t.form}: median ${t.medianMicros.toFixed(1)} µs, p95 ${t.p95Micros.toFixed(1)} µs ` +
        `(${RUNS} runs, ${content.population?.practices?.length ?? 0} practices)`,
    );
  }
}
