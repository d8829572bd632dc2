import { compileCriteriaSet } from "../workflows/criteria-data/engine.ts";
import type { AutomaticCriterion } from "../workflows/criteria/types.ts";
import { exampleSubmission } from "../workflows/fixtures.ts";
const content = exampleSubmission({ modelType: "PACS", footprintName: "Greater Manchester", footprintCode: "E54000007", vanguardNumber: 5, checkpoint: 3, seed: 1 });
const ctx = { checkpoint: 3 as const, modelType: "PACS" as const, reference: { footprintCodes: ["E54000007"], vanguardNumbers: [5] } };
for (const e of ["false", "1 = 2", "1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 = 2", "about.title = null", "{a: 1}.a = 2", "isBlank(about.title)", "count([1]) = 2", "some x in [1,2,3,4,5,6,7,8] satisfies x > 10"]) {
  const [c] = compileCriteriaSet([{ id: "X", domain: "isap", kind: "automatic", title: "", rule: "", source: "", appliesTo: { modelTypes: ["MCP"], checkpoints: [1] }, severity: "warning", fieldPaths: ["about"], table: { rules: [{ when: e, outcome: "pass" }] } }]).criteria as AutomaticCriterion[];
  for (let i = 0; i < 2000; i++) c!.check(content, ctx);
  const t = performance.now();
  for (let i = 0; i < 10000; i++) c!.check(content, ctx);
  console.log(e, ((performance.now() - t) / 10).toFixed(2), "µs");
}
