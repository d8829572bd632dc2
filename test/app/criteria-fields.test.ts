// The field catalogue administrators write criteria with (app/forms/criteria-fields.ts): it covers
// every field of a submission with the forms' own labels, example answers typed as a person would
// are stored as a submission stores them, and anonymised answers keep what criteria judge while
// dropping every name.
import { answersFromContent } from "../../workflows/criteria-data/answers.ts";
import { SECTION_NAMES } from "../../workflows/criteria-data/engine.ts";
import { describe, expect, it } from "vitest";
import {
  answerAsText,
  answerFromText,
  anonymiseAnswers,
  CONTEXT_NAMES,
  CRITERIA_FIELD_TYPES,
  CRITERIA_FIELDS,
  type CriteriaField,
  fieldForPath,
  HELPER_FUNCTIONS,
} from "../../app/forms/criteria-fields.ts";
import { HELPER_NAMES } from "../../workflows/criteria-data/engine.ts";
import type { ExampleAnswer } from "../../workflows/criteria-data/types.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { isKnownFieldPath, type SubmissionContent } from "../../workflows/submission.ts";

const field = (path: string): CriteriaField => {
  const found = fieldForPath(path);
  if (!found) throw new Error(`No field ${path}`);
  return found;
};
const answer = (path: string, text: string) => answerFromText(field(path), text);

/** Every leaf of a content object, as concrete paths: what a real submission holds. */
function leafPaths(value: unknown, path: string, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== "object")) out.push(path);
    else for (const [index, item] of value.entries()) leafPaths(item, `${path}[${index}]`, out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) leafPaths(child, path === "" ? key : `${path}.${key}`, out);
  } else if (value !== undefined) {
    out.push(path);
  }
  return out;
}

const submissions = (): SubmissionContent[] =>
  [1, 2, 3].flatMap((seed) =>
    (["MCP", "PACS"] as const).map((modelType) =>
      exampleSubmission({ modelType, footprintName: "Black Country", footprintCode: "E54000010", checkpoint: 3, seed }),
    ),
  );

describe("the catalogue", () => {
  it("names real fields only, and every field a real submission holds", () => {
    for (const entry of CRITERIA_FIELDS) {
      expect(isKnownFieldPath(entry.path.replace(/\[\]$/, "[0]"), { allowAnyIndex: true }), entry.path).toBe(true);
    }
    const withEvidence = submissions().map((content) => ({
      ...content,
      evidence: {
        documents: [
          {
            id: "doc-1",
            fileName: "minutes.pdf",
            mediaType: "application/pdf",
            sizeBytes: 1000,
            sha256: "a".repeat(64),
            section: "governance",
            description: "Minutes",
            uploadedAt: "2017-03-02T09:15:00.000Z",
          },
        ],
      },
    }));
    const paths = new Set(withEvidence.flatMap((content) => leafPaths(content, "")));
    expect(paths.size).toBeGreaterThan(60);
    for (const path of paths) expect(fieldForPath(path), path).toBeDefined();
  });

  it("gives each field the section's title, the form's label (after its list's or group's) and its type", () => {
    expect(field("population.practices[].listSize")).toMatchObject({
      section: "Population and scope",
      label: "Participating GP practices: List size",
      type: "number",
      feelType: "number",
      example: { feel: "12000", reads: "12,000" },
    });
    expect(field("population.practices")).toMatchObject({ type: "list", feelType: "list", label: "Participating GP practices" });
    expect(field("finance.budget")).toMatchObject({ type: "group", feelType: "context" });
    expect(field("finance.budget.capitatedSumPence")).toMatchObject({
      label: "Whole-population budget: Capitated sum each year",
      unit: "pence",
      example: { feel: "150000000", reads: "£1,500,000", note: "In pence: £1,500,000 is 150000000" },
    });
    expect(field("governance.keyDates.checkpoint1")).toMatchObject({
      type: "date",
      feelType: "string",
      label: "Key dates: Date of checkpoint 1",
      example: { feel: '"2017-03-01"', reads: "1 March 2017" },
    });
    expect(field("about.modelType")).toMatchObject({ type: "choice", feelType: "string", example: { feel: '"PACS"' } });
    expect(field("about.modelType").options?.map((o) => o.value)).toEqual(["MCP", "PACS"]);
    expect(field("population.servicesInScope")).toMatchObject({ type: "choices", feelType: "list" });
    expect(field("enablers.highImpactChanges")).toMatchObject({ type: "checklist", feelType: "context" });
    expect(field("enablers.highImpactChanges.trustedAssessors")).toMatchObject({ type: "yes/no", feelType: "boolean" });
    expect(field("governance.governingBodyApprovals[].checkpoint")).toMatchObject({ type: "choice", feelType: "number" });
    expect(field("contract.contractTermYears")).toMatchObject({ unit: "years", example: { feel: "10", reads: "10 years" } });
    expect(field("governance.gpPracticesSignedUpPercent")).toMatchObject({ unit: "%", example: { feel: "85", reads: "85%" } });
    expect(field("evidence.documents[].fileName")).toMatchObject({ section: "Evidence", feelType: "string" });
  });

  it("resolves a concrete path with row indexes to its entry", () => {
    expect(fieldForPath("population.practices[2].listSize")).toBe(field("population.practices[].listSize"));
    expect(fieldForPath("outcomes.metricYears[0].nonElectiveAdmissionsPer100k.planned")?.label).toBe(
      "Metrics by financial year: Non-elective admissions per 100,000 population: Planned",
    );
    expect(fieldForPath("population.nothing")).toBeUndefined();
  });

  it("gives every field an example that reads back, through the answer parser, as the value it shows", () => {
    for (const entry of CRITERIA_FIELDS) {
      if (["group", "list", "checklist"].includes(entry.type)) continue;
      const value = JSON.parse(entry.example.feel) as ExampleAnswer;
      expect(value, entry.path).not.toBeNull();
      expect(answerFromText(entry, answerAsText(entry, value)), entry.path).toEqual({ ok: true, value });
    }
  });

  it("gives the checker each field's FEEL type, dates and options marked", () => {
    expect(CRITERIA_FIELD_TYPES["population.registeredPopulation"]).toMatchObject({ type: "number", label: "Registered population" });
    expect(CRITERIA_FIELD_TYPES["governance.keyDates.checkpoint1"]).toMatchObject({ type: "string", date: true });
    expect(CRITERIA_FIELD_TYPES["about.modelType"]).toMatchObject({ type: "string", options: ["MCP", "PACS"] });
    expect(CRITERIA_FIELD_TYPES["population.servicesInScope"]).toMatchObject({ type: "list", items: "string" });
  });

  it("describes the context names and every helper the engine gives expressions", () => {
    expect(CONTEXT_NAMES.map((n) => n.name)).toEqual(["checkpoint", "modelType", "reference.footprintCodes", "reference.vanguardNumbers"]);
    expect(HELPER_FUNCTIONS.map((h) => h.name).sort()).toEqual([...HELPER_NAMES].sort());
  });
});

describe("answers typed as text", () => {
  it("whole numbers, with the form's own messages", () => {
    expect(answer("population.registeredPopulation", "200,000")).toEqual({ ok: true, value: 200000 });
    expect(answer("population.registeredPopulation", "12.5")).toEqual({
      ok: false,
      message: "Enter the registered population as a whole number",
    });
    expect(answer("population.registeredPopulation", "")).toEqual({ ok: false, message: "Enter the registered population" });
    expect(answer("about.vanguardNumber", "51")).toEqual({ ok: false, message: "Enter a vanguard number from 1 to 50" });
    expect(answer("contract.contractTermYears", "10 years")).toEqual({ ok: true, value: 10 });
  });

  it("money in pounds to pence", () => {
    expect(answer("contract.annualContractValuePence", "£200,000")).toEqual({ ok: true, value: 20_000_000 });
    expect(answer("contract.annualContractValuePence", "200000.50")).toEqual({ ok: true, value: 20_000_050 });
    expect(answer("contract.annualContractValuePence", "£1.5m")).toEqual({
      ok: false,
      message: "Enter the annual contract value in pounds, like 1,500,000",
    });
    expect(answer("finance.pooledBudgetContributionPence", "12.345")).toEqual({
      ok: false,
      message: "Enter your contribution to the pooled budget in pounds and pence, with no more than 2 decimal places",
    });
  });

  it("percentages, yes/no, financial years", () => {
    expect(answer("outcomes.plannedEmergencyAdmissionReductionPercent", "3.5%")).toEqual({ ok: true, value: 3.5 });
    expect(answer("outcomes.plannedEmergencyAdmissionReductionPercent", "120")).toMatchObject({ ok: false });
    expect(answer("contract.createsNewLegalEntity", "Yes")).toEqual({ ok: true, value: true });
    expect(answer("contract.createsNewLegalEntity", "no")).toEqual({ ok: true, value: false });
    expect(answer("contract.createsNewLegalEntity", "maybe")).toEqual({ ok: false, message: "Select yes or no" });
    expect(answer("outcomes.metricYears[0].financialYear", "2017/18")).toEqual({ ok: true, value: "2017-18" });
  });

  it("choices by value or label, in any case", () => {
    expect(answer("about.modelType", "pacs")).toEqual({ ok: true, value: "PACS" });
    expect(answer("about.modelType", "primary and acute care system (PACS)")).toEqual({ ok: true, value: "PACS" });
    expect(answer("about.modelType", "ACO")).toEqual({ ok: false, message: "Enter the model type as one of: MCP, PACS" });
    expect(answer("governance.governingBodyApprovals[0].checkpoint", "Checkpoint 2")).toEqual({ ok: true, value: 2 });
    expect(answer("population.servicesInScope", "General practice, core_acute")).toEqual({
      ok: true,
      value: ["general_practice", "core_acute"],
    });
    expect(answer("population.servicesInScope", "none")).toEqual({ ok: true, value: [] });
    expect(answer("population.servicesInScope", "general practice, dentistry")).toMatchObject({
      ok: false,
      message: expect.stringContaining('"dentistry" is not one of the services in scope'),
    });
    expect(answer("enablers.highImpactChanges", "yes")).toMatchObject({ ok: false });
  });

  it("dates in the forms people write them", () => {
    for (const text of ["1 3 2017", "1 March 2017", "1 Mar 2017", "01/03/2017", "2017-03-01", "2017-3-1"]) {
      expect(answer("governance.keyDates.checkpoint1", text), text).toEqual({ ok: true, value: "2017-03-01" });
    }
    expect(answer("governance.keyDates.checkpoint1", "31 2 2017")).toEqual({
      ok: false,
      message: "Date of checkpoint 1 must be a real date",
    });
    expect(answer("governance.keyDates.checkpoint1", "1 3 17")).toEqual({
      ok: false,
      message: "Date of checkpoint 1 must include a year with 4 numbers, like 2017",
    });
    expect(answer("governance.keyDates.checkpoint1", "soon")).toMatchObject({ ok: false });
  });

  it("codes upper-cased and checked against their pattern", () => {
    expect(answer("population.practices[0].odsCode", "p84001")).toEqual({ ok: true, value: "P84001" });
    expect(answer("population.practices[0].odsCode", "84001")).toEqual({ ok: false, message: "Enter an ODS practice code like P84001" });
    expect(answer("about.footprintCode", "e54000007")).toEqual({ ok: true, value: "E54000007" });
  });

  it("shows answers as a person reads them", () => {
    expect(answerAsText(field("contract.annualContractValuePence"), 20_000_000)).toBe("£200,000");
    expect(answerAsText(field("contract.createsNewLegalEntity"), true)).toBe("Yes");
    expect(answerAsText(field("about.modelType"), "PACS")).toBe("Primary and acute care system (PACS)");
    expect(answerAsText(field("governance.keyDates.checkpoint1"), "2017-03-01")).toBe("1 March 2017");
    expect(answerAsText(field("population.servicesInScope"), ["general_practice", "core_acute"])).toBe(
      "General practice, Core acute hospital services",
    );
    expect(answerAsText(field("population.registeredPopulation"), 200000)).toBe("200,000");
    expect(answerAsText(field("governance.governingBodyApprovals[].checkpoint"), 2)).toBe("Checkpoint 2");
  });
});

describe("anonymising a real submission's answers", () => {
  const content = (): SubmissionContent => {
    const c = exampleSubmission({ modelType: "MCP", footprintName: "Black Country", footprintCode: "E54000010", checkpoint: 3, seed: 5 });
    const practices = c.population?.practices ?? [];
    // A duplicate practice, as a lead might enter by mistake: it must stay a duplicate.
    if (practices[0] && practices[2]) practices[2].odsCode = practices[0].odsCode;
    return c;
  };

  it("drops every practice name and keeps list sizes, numbers, dates and choices", () => {
    const original = content();
    const answers = answersFromContent(original, SECTION_NAMES);
    const anonymised = anonymiseAnswers(answers);
    const practices = original.population?.practices ?? [];
    expect(practices.length).toBeGreaterThan(2);
    const values = JSON.stringify(Object.values(anonymised));
    for (const practice of practices) expect(values).not.toContain(JSON.stringify(practice.name));
    practices.forEach((practice, i) => {
      expect(anonymised[`population.practices[${i}].name`]).toBe(`Practice ${i + 1}`);
      expect(anonymised[`population.practices[${i}].listSize`]).toBe(practice.listSize);
    });
    expect(Object.keys(anonymised).sort()).toEqual(Object.keys(answers).sort());
    for (const [path, value] of Object.entries(answers)) {
      const entry = fieldForPath(path);
      if (entry?.type !== "text") expect(anonymised[path], path).toEqual(value);
    }
    expect(anonymised["about.footprintCode"]).toBe("E54000010");
    expect(anonymised["about.vanguardNumber"]).toBe(answers["about.vanguardNumber"]);
  });

  it("replaces ODS codes with made-up valid ones, the same practice keeping the same code", () => {
    const answers = answersFromContent(content(), SECTION_NAMES);
    const anonymised = anonymiseAnswers(answers);
    const codes = Object.entries(anonymised).filter(([path]) => path.endsWith(".odsCode"));
    const originals = Object.entries(answers).filter(([path]) => path.endsWith(".odsCode"));
    expect(codes.length).toBeGreaterThan(2);
    for (const [path, code] of codes) {
      expect(code).toMatch(/^[A-Z]\d{5}$/);
      expect(code).not.toBe(answers[path]);
    }
    // Equal exactly where the originals were equal.
    for (const [a, x] of originals) {
      for (const [b, y] of originals) expect(anonymised[a] === anonymised[b], `${a} ${b}`).toBe(x === y);
    }
    expect(anonymised["population.practices[2].odsCode"]).toBe(anonymised["population.practices[0].odsCode"]);
  });

  it("replaces other free text with neutral words, keeping blank text blank", () => {
    const anonymised = anonymiseAnswers({
      "population.hubs[1].name": "Brierley Hill hub",
      "about.commissioners[0].name": "NHS Dudley CCG",
      "governance.governingBodyApprovals[0].minuteReference": "GB/17/042",
      "finance.riskGainShare.description": "Shared with Russells Hall Hospital",
      "governance.conflictsOfInterestProtocol.description": "  ",
      "about.title": "Dudley MCP",
    });
    expect(anonymised).toEqual({
      "population.hubs[1].name": "Hub 2",
      "about.commissioners[0].name": "Commissioner 1",
      "governance.governingBodyApprovals[0].minuteReference": "Minute 1",
      "finance.riskGainShare.description": "Text removed",
      "governance.conflictsOfInterestProtocol.description": "  ",
      "about.title": "Example proposal",
    });
  });
});
