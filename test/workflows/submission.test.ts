import { describe, expect, it } from "vitest";
import {
  AboutSchema,
  ContractSchema,
  EvidenceDocumentSchema,
  GovernanceSchema,
  OutcomesSchema,
  PopulationSchema,
  SECTION_SLUGS,
  SECTION_TITLES,
  SubmissionContentSchema,
  financialYear,
  isKnownFieldPath,
  isoDate,
  parseSubmissionContent,
  sectionOfFieldPath,
  sectionSchemas,
  toFieldPathPattern,
} from "../../workflows/submission.ts";
import { baseContent } from "./criterion-examples.ts";

const ok = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe("sections", () => {
  it("are the eight task-list pages, in order, each with a title and a schema", () => {
    expect(SECTION_SLUGS).toEqual(["about", "population", "contract", "finance", "outcomes", "enablers", "governance", "evidence"]);
    expect(Object.keys(SECTION_TITLES)).toEqual([...SECTION_SLUGS]);
    expect(Object.keys(sectionSchemas)).toEqual([...SECTION_SLUGS]);
    expect(SECTION_TITLES.about).toBe("About the proposal");
    expect(SECTION_TITLES.population).toBe("Population and scope");
  });
});

describe("an incomplete draft", () => {
  it("is accepted: completeness is for the criteria to judge", () => {
    expect(ok(SubmissionContentSchema, {})).toBe(true);
    for (const slug of SECTION_SLUGS) expect(ok(sectionSchemas[slug], {}), slug).toBe(true);
    expect(ok(PopulationSchema, { practices: [{ name: "Riverside Surgery" }], hubs: [{}] })).toBe(true);
    expect(ok(AboutSchema, { commissioners: [{ kind: "ccg" }] })).toBe(true);
    expect(ok(GovernanceSchema, { keyDates: { checkpoint1: "2016-10-03" }, governingBodyApprovals: [{ checkpoint: 1 }] })).toBe(true);
  });

  it("still has its types checked", () => {
    expect(ok(AboutSchema, { modelType: "ACO" })).toBe(false);
    expect(ok(AboutSchema, { commissioners: [{ kind: "CCG" }] })).toBe(false);
    expect(ok(AboutSchema, { commissioners: [{ kind: "nhs_england" }] })).toBe(true);
    expect(ok(AboutSchema, { procurementKind: "re_procurement" })).toBe(true);
    expect(ok(AboutSchema, { footprintCode: "E54000007" })).toBe(true);
    expect(ok(AboutSchema, { footprintCode: "Greater Manchester" })).toBe(false);
    expect(ok(ContractSchema, { contractOption: "fully integrated" })).toBe(false);
    expect(ok(ContractSchema, { contractOption: "fully_integrated", gpParticipationRoute: "alliance_agreement" })).toBe(true);
    expect(ok(ContractSchema, { createsNewLegalEntity: "yes" })).toBe(false);
  });
});

describe("counts", () => {
  it("are non-negative whole numbers", () => {
    expect(ok(PopulationSchema, { registeredPopulation: 52_000 })).toBe(true);
    expect(ok(PopulationSchema, { registeredPopulation: 0 })).toBe(true);
    expect(ok(PopulationSchema, { registeredPopulation: 52_000.5 })).toBe(false);
    expect(ok(PopulationSchema, { registeredPopulation: -1 })).toBe(false);
    expect(ok(PopulationSchema, { registeredPopulation: "52000" })).toBe(false);
    expect(ok(PopulationSchema, { registeredPopulation: Number.POSITIVE_INFINITY })).toBe(false);
    expect(ok(PopulationSchema, { practices: [{ listSize: 8_000.25 }] })).toBe(false);
    expect(ok(PopulationSchema, { hubs: [{ population: -30_000 }] })).toBe(false);
  });
});

describe("money", () => {
  it("is integer pence, and may exceed £100 million", () => {
    expect(ok(ContractSchema, { annualContractValuePence: 25_000_000_000 })).toBe(true);
    expect(ok(ContractSchema, { annualContractValuePence: 1_234.5 })).toBe(false);
    expect(ok(ContractSchema, { annualContractValuePence: -100 })).toBe(false);
    expect(ok(sectionSchemas.finance, { pooledBudgetContributionPence: 12_345_678 })).toBe(true);
    expect(ok(sectionSchemas.finance, { budget: { capitatedSumPence: 0.1 } })).toBe(false);
  });
});

describe("percentages", () => {
  it("run from 0 to 100", () => {
    for (const value of [0, 3.5, 100]) {
      expect(ok(OutcomesSchema, { plannedEmergencyAdmissionReductionPercent: value })).toBe(true);
    }
    for (const value of [-0.1, 100.1]) {
      expect(ok(OutcomesSchema, { plannedEmergencyAdmissionReductionPercent: value })).toBe(false);
    }
    expect(ok(GovernanceSchema, { gpPracticesSignedUpPercent: 93 })).toBe(true);
    expect(ok(GovernanceSchema, { gpPracticesSignedUpPercent: 193 })).toBe(false);
    expect(ok(sectionSchemas.finance, { budget: { performancePaymentPercent: 101 } })).toBe(false);
    expect(ok(OutcomesSchema, { metricYears: [{ stillAtHome91DaysPercent: { planned: 88.4 } }] })).toBe(true);
    expect(ok(OutcomesSchema, { metricYears: [{ stillAtHome91DaysPercent: { planned: 188.4 } }] })).toBe(false);
  });
});

describe("dates", () => {
  it("are ISO YYYY-MM-DD and real calendar dates", () => {
    expect(ok(isoDate, "2017-03-01")).toBe(true);
    expect(ok(isoDate, "2016-02-29")).toBe(true);
    expect(ok(isoDate, "2017-02-29")).toBe(false);
    expect(ok(isoDate, "2017-04-31")).toBe(false);
    expect(ok(isoDate, "2017-13-01")).toBe(false);
    expect(ok(isoDate, "1 March 2017")).toBe(false);
    expect(ok(isoDate, "2017-3-1")).toBe(false);
    expect(ok(GovernanceSchema, { keyDates: { serviceStart: "2018-02-30" } })).toBe(false);
  });
});

describe("financial years", () => {
  it("are like 2017-18, the second year following the first", () => {
    expect(ok(financialYear, "2017-18")).toBe(true);
    expect(ok(financialYear, "1999-00")).toBe(true);
    expect(ok(financialYear, "2017-19")).toBe(false);
    expect(ok(financialYear, "2017-2018")).toBe(false);
    expect(ok(financialYear, "17-18")).toBe(false);
    expect(ok(OutcomesSchema, { metricYears: [{ financialYear: "2018-17" }] })).toBe(false);
  });
});

describe("practices and services", () => {
  it("take ODS codes of one letter and five digits, whatever the case typed", () => {
    expect(PopulationSchema.parse({ practices: [{ odsCode: " p84001 " }] }).practices?.[0]?.odsCode).toBe("P84001");
    expect(ok(PopulationSchema, { practices: [{ odsCode: "84001" }] })).toBe(false);
    expect(ok(PopulationSchema, { practices: [{ odsCode: "RW6" }] })).toBe(false);
  });

  it("take each service in scope once, from the product's list", () => {
    expect(ok(PopulationSchema, { servicesInScope: ["general_practice", "core_acute"] })).toBe(true);
    expect(ok(PopulationSchema, { servicesInScope: ["general_practice", "general_practice"] })).toBe(false);
    expect(ok(PopulationSchema, { servicesInScope: ["dentistry"] })).toBe(false);
  });
});

describe("approvals", () => {
  it("are for checkpoint 1, 2 or 3, and a provider's board only from checkpoint 2", () => {
    expect(ok(GovernanceSchema, { governingBodyApprovals: [{ checkpoint: 3 }] })).toBe(true);
    expect(ok(GovernanceSchema, { governingBodyApprovals: [{ checkpoint: 4 }] })).toBe(false);
    expect(ok(GovernanceSchema, { providerBoardApprovals: [{ checkpoint: 2 }] })).toBe(true);
    expect(ok(GovernanceSchema, { providerBoardApprovals: [{ checkpoint: 1 }] })).toBe(false);
  });
});

describe("evidence documents", () => {
  const document = {
    id: "doc-1",
    fileName: "minutes.pdf",
    mediaType: "application/pdf",
    sizeBytes: 120_000,
    sha256: "a".repeat(64),
    section: "governance",
    uploadedAt: "2016-09-22T10:15:00Z",
  };

  it("are PDF, Word or Excel files of up to 20 MB, tagged to a section", () => {
    expect(ok(EvidenceDocumentSchema, document)).toBe(true);
    expect(ok(EvidenceDocumentSchema, { ...document, description: "Governing body minutes" })).toBe(true);
    expect(ok(EvidenceDocumentSchema, { ...document, mediaType: "image/png" })).toBe(false);
    expect(ok(EvidenceDocumentSchema, { ...document, sizeBytes: 20 * 1024 * 1024 + 1 })).toBe(false);
    expect(ok(EvidenceDocumentSchema, { ...document, section: "appendix" })).toBe(false);
    expect(ok(EvidenceDocumentSchema, { ...document, sha256: "xyz" })).toBe(false);
  });

  it("are written whole by an upload, so every field but the description is required", () => {
    const { sha256: _, ...withoutHash } = document;
    expect(ok(EvidenceDocumentSchema, withoutHash)).toBe(false);
  });
});

describe("the example content", () => {
  it("parses unchanged", () => {
    for (const model of ["MCP", "PACS"] as const) {
      const content = baseContent(model, 3);
      expect(SubmissionContentSchema.parse(content)).toEqual(content);
    }
  });
});

describe("isKnownFieldPath", () => {
  it.each([
    "about",
    "about.commissioners",
    "about.commissioners[0].kind",
    "population.practices[2].listSize",
    "population.servicesInScope[3]",
    "finance.budget.capitatedSumPence",
    "outcomes.metricYears[10].delayedTransfersSocialCarePer100k.planned",
    "enablers.highImpactChanges.trustedAssessors",
    "governance.keyDates.checkpoint1",
    "governance.providerBoardApprovals[0].organisation",
    "evidence.documents[0].sha256",
  ])("knows %s", (path) => {
    expect(isKnownFieldPath(path)).toBe(true);
  });

  it.each([
    "",
    "aboutt",
    "about.",
    ".about",
    "about..title",
    "about.commissioners.name",
    "about.commissioners[0].nam",
    "about.title[0]",
    "about.title.length",
    "population.practices[x]",
    "population.practices[01]",
    "population.practices[-1]",
    "population.practices[]",
    "population[0]",
    "population.practices[0]listSize",
    "constructor",
    "about.__proto__",
    "finance.toString",
  ])("does not know %j", (path) => {
    expect(isKnownFieldPath(path)).toBe(false);
  });

  it("takes [] for any row only when asked, as criteria declare their paths", () => {
    expect(isKnownFieldPath("population.practices[].listSize", { allowAnyIndex: true })).toBe(true);
    expect(isKnownFieldPath("population.practices[].listSiz", { allowAnyIndex: true })).toBe(false);
    expect(toFieldPathPattern("outcomes.metricYears[12].patientExperience.planned")).toBe(
      "outcomes.metricYears[].patientExperience.planned",
    );
  });

  it("names a path's section", () => {
    expect(sectionOfFieldPath("population.practices[2].listSize")).toBe("population");
    expect(sectionOfFieldPath("governance")).toBe("governance");
    expect(sectionOfFieldPath("nowhere.at.all")).toBeUndefined();
  });
});

describe("parseSubmissionContent", () => {
  it("keeps valid content whole", () => {
    const content = baseContent("PACS", 2);
    expect(parseSubmissionContent(content)).toEqual({ content, issues: [] });
    expect(parseSubmissionContent(undefined)).toEqual({ content: {}, issues: [] });
  });

  it("keeps the valid part of a draft and reports each field it leaves out", () => {
    const { content, issues } = parseSubmissionContent({
      about: { title: "Salford MCP", modelType: "ACO", commissioners: [{ name: "NHS Salford CCG", kind: "ccg" }] },
      population: {
        registeredPopulation: "about 40k",
        practices: [
          { name: "Riverside Surgery", odsCode: "P84001", listSize: 8000 },
          { name: "Park Road", listSize: -5 },
        ],
        servicesInScope: ["general_practice", "general_practice"],
      },
      governance: { keyDates: { checkpoint1: "2017-02-30", checkpoint2: "2017-06-01" } },
      evidence: { documents: [{ id: "doc-1", fileName: "minutes.pdf" }] },
      contract: "not a section",
      unknownSection: { anything: true },
    });
    expect(content).toEqual({
      about: { title: "Salford MCP", commissioners: [{ name: "NHS Salford CCG", kind: "ccg" }] },
      population: {
        practices: [{ name: "Riverside Surgery", odsCode: "P84001", listSize: 8000 }, { name: "Park Road" }],
      },
      governance: { keyDates: { checkpoint2: "2017-06-01" } },
      evidence: { documents: [] },
    });
    expect(issues.map((i) => i.fieldPath)).toEqual([
      "about.modelType",
      "population.registeredPopulation",
      "population.practices[1].listSize",
      "population.servicesInScope",
      "contract",
      "governance.keyDates.checkpoint1",
      "evidence.documents[0].mediaType",
      "evidence.documents[0].sizeBytes",
      "evidence.documents[0].sha256",
      "evidence.documents[0].section",
      "evidence.documents[0].uploadedAt",
    ]);
    expect(issues.every((i) => i.message.length > 0)).toBe(true);
  });
});
