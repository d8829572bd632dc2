import { dataCriteriaSets } from "../workflows/criteria-data/index.ts";
import { exampleSubmission } from "../workflows/fixtures.ts";
const content = exampleSubmission({ modelType: "PACS", footprintName: "Greater Manchester", footprintCode: "E54000007", vanguardNumber: 5, checkpoint: 3, seed: 1 });
const ctx = { checkpoint: 3 as const, modelType: "PACS" as const, reference: { footprintCodes: ["E54000007"], vanguardNumbers: [5] } };
const c = dataCriteriaSets["2016-17"].criteria.find((x) => x.id === "ISAP-04")!;
if (c.kind === "automatic") for (let i = 0; i < 5000; i++) c.check(content, ctx);
