// How long one evaluation of a whole submission takes with the criteria as data (FEEL decision tables,
// workflows/criteria-data/) against the code form (workflows/criteria/), per criteria set, on the same
// content as bench/evaluate.bench.ts. Issue 14 keeps its target: a median of at most 1 ms. Run with
// `npx tsx bench/criteria-data.bench.ts`; it prints one line per set and form and writes nothing.
// `npm run bench` (bench/run.ts) calls measureCriteriaData().
import { pathToFileURL } from "node:url";
import { CRITERIA_SET_IDS, criteriaSets } from "../workflows/criteria/index.ts";
import { dataCriteriaSets } from "../workflows/criteria-data/index.ts";
import { timeEvaluation } from "./evaluate.bench.ts";

const WARM_UP = 1_000;
const RUNS = 5_000;

export interface FormTiming {
  set: string;
  form: "code" | "data";
  medianMicros: number;
  p95Micros: number;
}

export function measureCriteriaData(): FormTiming[] {
  return CRITERIA_SET_IDS.flatMap((id) =>
    (["code", "data"] as const).map((form) => ({
      set: id,
      form,
      ...timeEvaluation(form === "code" ? criteriaSets[id] : dataCriteriaSets[id], RUNS, WARM_UP),
    })),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const t of measureCriteriaData()) {
    console.log(`${t.set} ${t.form}: median ${t.medianMicros.toFixed(1)} µs, p95 ${t.p95Micros.toFixed(1)} µs (${RUNS} runs)`);
  }
}
