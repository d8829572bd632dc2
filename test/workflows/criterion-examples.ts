// A passing and a failing example for every automatic criterion. criteria.test.ts runs them and fails
// if any criterion of either set has no example here, so a new criterion cannot arrive untested.
import { exampleSubmission } from "../../workflows/fixtures.ts";
import type { ReferenceData } from "../../workflows/criteria-data/types.ts";
import type { Checkpoint, ModelType, SubmissionContent } from "../../workflows/submission.ts";

export interface Example {
  name: string;
  /** Model of the fixture the example starts from; default MCP. */
  modelType?: ModelType;
  /** Default: 1. */
  checkpoint?: Checkpoint;
  /** Pass no reference lists to the check. */
  withoutReference?: boolean;
  /** Changes the fixture in place. */
  edit?: (content: SubmissionContent) => void;
}

export interface FailingExample extends Example {
  fieldPath: string;
  message: string | RegExp;
  missing: boolean;
}

export interface CriterionExamples {
  pass: Example[];
  fail: FailingExample[];
  notApplicable?: Example[];
}

export const REFERENCE: ReferenceData = {
  footprintCodes: ["E54000007", "E54000016", "E54000032"],
  vanguardNumbers: Array.from({ length: 50 }, (_, i) => i + 1),
};

export function baseContent(modelType: ModelType = "MCP", checkpoint: Checkpoint = 1): SubmissionContent {
  return exampleSubmission({
    modelType,
    footprintName: "Greater Manchester",
    footprintCode: "E54000007",
    vanguardNumber: modelType === "MCP" ? 18 : 5,
    checkpoint,
    seed: 3,
  });
}

// Editing helpers: each leaves the rest of the content consistent, so an example fails only the rule
// it is about.

const about = (c: SubmissionContent) => (c.about ??= {});
const population = (c: SubmissionContent) => (c.population ??= {});
const contract = (c: SubmissionContent) => (c.contract ??= {});
const finance = (c: SubmissionContent) => (c.finance ??= {});
const outcomes = (c: SubmissionContent) => (c.outcomes ??= {});
const enablers = (c: SubmissionContent) => (c.enablers ??= {});
const governance = (c: SubmissionContent) => (c.governance ??= {});
const keyDates = (c: SubmissionContent) => (governance(c).keyDates ??= {});

/** A known timeline, so messages that quote dates can be asserted exactly. */
function fixedTimeline(c: SubmissionContent) {
  governance(c).keyDates = {
    earlyEngagement: "2016-06-01",
    checkpoint1: "2016-10-03",
    procurementStart: "2016-11-01",
    preferredBidder: "2017-05-02",
    checkpoint2: "2017-06-01",
    contractSignature: "2017-07-03",
    checkpoint3: "2017-10-02",
    serviceStart: "2017-11-01",
  };
  for (const approval of governance(c).governingBodyApprovals ?? []) {
    approval.date = { 1: "2016-09-20", 2: "2017-05-20", 3: "2017-09-20" }[approval.checkpoint ?? 1];
  }
  for (const approval of governance(c).providerBoardApprovals ?? []) {
    approval.date = { 2: "2017-05-25", 3: "2017-09-25" }[approval.checkpoint ?? 2];
  }
}

function fullyIntegrated(c: SubmissionContent) {
  Object.assign(contract(c), {
    contractOption: "fully_integrated",
    gpParticipationRoute: "suspended_contract_or_employment",
    contractHolderForm: "new_nhs_trust",
    createsNewLegalEntity: true,
  });
  finance(c).budget = {
    capitatedSumPence: 9_000_000_000,
    performancePaymentPercent: 3,
    unregisteredPatientsEstimatePence: 100_000_000,
  };
  finance(c).riskGainShare = { hasRiskShare: true, description: "50:50 gain share with the acute trust" };
  const p = population(c);
  p.registeredPopulation = 120_000;
  p.hubs = [
    { id: "h1", name: "North hub", population: 40_000 },
    { id: "h2", name: "South hub", population: 40_000 },
    { id: "h3", name: "East hub", population: 40_000 },
  ];
  p.practices = Array.from({ length: 12 }, (_, i) => ({
    id: `p${i}`,
    name: `Practice ${i + 1}`,
    odsCode: `P84${String(i + 1).padStart(3, "0")}`,
    listSize: 10_000,
  }));
}

function virtual(c: SubmissionContent) {
  Object.assign(contract(c), {
    contractOption: "virtual",
    gpParticipationRoute: "alliance_agreement",
    contractHolderForm: "existing_nhs_provider",
    createsNewLegalEntity: false,
  });
}

/** Practices and population that agree, for examples about the population alone. */
function populationOf(c: SubmissionContent, total: number) {
  const p = population(c);
  p.registeredPopulation = total;
  p.practices = [
    { id: "a", name: "Riverside Surgery", odsCode: "P84001", listSize: Math.round(total / 2) },
    { id: "b", name: "Park Road Medical Centre", odsCode: "P84002", listSize: total - Math.round(total / 2) },
  ];
}

function yesNo(
  path: (c: SubmissionContent) => object,
  key: string,
  fieldPath: string,
  messages: { unanswered: string | RegExp; refused: string | RegExp },
): CriterionExamples {
  return {
    pass: [{ name: "answered yes", edit: (c) => void ((path(c) as Record<string, unknown>)[key] = true) }],
    fail: [
      {
        name: "answered no",
        edit: (c) => void ((path(c) as Record<string, unknown>)[key] = false),
        fieldPath,
        message: messages.refused,
        missing: false,
      },
      {
        name: "not answered",
        edit: (c) => void delete (path(c) as Record<string, unknown>)[key],
        fieldPath,
        message: messages.unanswered,
        missing: true,
      },
    ],
  };
}

export const criterionExamples: Record<string, CriterionExamples> = {
  "ISAP-01": {
    pass: [{ name: "MCP" }, { name: "PACS", modelType: "PACS" }],
    fail: [
      {
        name: "no model type",
        edit: (c) => void delete about(c).modelType,
        fieldPath: "about.modelType",
        message: "Select the model type: MCP or PACS",
        missing: true,
      },
    ],
  },
  "ISAP-02": {
    pass: [
      { name: "all answered" },
      {
        name: "all answered no",
        edit: (c) => {
          contract(c).createsNewLegalEntity = false;
          finance(c).riskGainShare = { hasRiskShare: false };
          finance(c).novelContractValueMethod = { used: false };
        },
      },
    ],
    fail: [
      {
        name: "new legal entity unanswered",
        edit: (c) => void delete contract(c).createsNewLegalEntity,
        fieldPath: "contract.createsNewLegalEntity",
        message: "Say whether the contract creates a new legal entity",
        missing: true,
      },
      {
        name: "novel value method unanswered",
        edit: (c) => void delete finance(c).novelContractValueMethod,
        fieldPath: "finance.novelContractValueMethod.used",
        message: "Say whether the contract value is set by a new method",
        missing: true,
      },
    ],
  },
  "ISAP-03": {
    pass: [{ name: "re-procurement", edit: (c) => void (about(c).procurementKind = "re_procurement") }],
    fail: [
      {
        name: "not given",
        edit: (c) => void delete about(c).procurementKind,
        fieldPath: "about.procurementKind",
        message: "Select whether this is a new arrangement or a re-procurement",
        missing: true,
      },
    ],
  },
  "ISAP-04": {
    pass: [
      { name: "fixed timeline at checkpoint 1", edit: fixedTimeline },
      { name: "fixed timeline at checkpoint 3", checkpoint: 3, edit: fixedTimeline },
      {
        name: "preferred bidder named on the day of checkpoint 2",
        checkpoint: 2,
        edit: (c) => {
          fixedTimeline(c);
          keyDates(c).preferredBidder = "2017-06-01";
        },
      },
      {
        name: "later dates not yet planned at checkpoint 1",
        edit: (c) => {
          fixedTimeline(c);
          const d = keyDates(c);
          delete d.earlyEngagement;
          delete d.preferredBidder;
          delete d.checkpoint2;
          delete d.contractSignature;
          delete d.checkpoint3;
          delete d.serviceStart;
        },
      },
    ],
    fail: [
      {
        name: "procurement starts before checkpoint 1",
        edit: (c) => {
          fixedTimeline(c);
          keyDates(c).procurementStart = "2016-10-01";
        },
        fieldPath: "governance.keyDates.procurementStart",
        message: "The start of procurement (1 October 2016) must be after checkpoint 1 (3 October 2016)",
        missing: false,
      },
      {
        name: "checkpoint 2 before the preferred bidder",
        checkpoint: 2,
        edit: (c) => {
          fixedTimeline(c);
          keyDates(c).preferredBidder = "2017-06-02";
        },
        fieldPath: "governance.keyDates.checkpoint2",
        message: "Checkpoint 2 (1 June 2017) must be on or after the naming of the preferred bidder (2 June 2017)",
        missing: false,
      },
      {
        name: "out of order across dates not yet given",
        edit: (c) => {
          fixedTimeline(c);
          delete keyDates(c).preferredBidder;
          delete keyDates(c).checkpoint2;
          keyDates(c).contractSignature = "2016-11-01";
        },
        fieldPath: "governance.keyDates.contractSignature",
        message: "Contract signature (1 November 2016) must be after the start of procurement (1 November 2016)",
        missing: false,
      },
      {
        name: "checkpoint 2 date missing at checkpoint 2",
        checkpoint: 2,
        edit: (c) => void delete keyDates(c).checkpoint2,
        fieldPath: "governance.keyDates.checkpoint2",
        message: "Enter the date of checkpoint 2",
        missing: true,
      },
      {
        name: "service start missing at checkpoint 3",
        checkpoint: 3,
        edit: (c) => void delete keyDates(c).serviceStart,
        fieldPath: "governance.keyDates.serviceStart",
        message: "Enter the date the service starts",
        missing: true,
      },
    ],
  },
  "ISAP-05": {
    pass: [
      { name: "approved before checkpoint 1", edit: fixedTimeline },
      {
        name: "approved on the day of checkpoint 2",
        checkpoint: 2,
        edit: (c) => {
          fixedTimeline(c);
          const approval = governance(c).governingBodyApprovals?.find((a) => a.checkpoint === 2);
          if (approval) approval.date = "2017-06-01";
        },
      },
    ],
    fail: [
      {
        name: "no approval for this checkpoint",
        checkpoint: 2,
        edit: (c) => {
          governance(c).governingBodyApprovals = governance(c).governingBodyApprovals?.filter((a) => a.checkpoint !== 2);
        },
        fieldPath: "governance.governingBodyApprovals",
        message: "Add the governing body's approval for checkpoint 2: the meeting date and minute reference",
        missing: true,
      },
      {
        name: "approved after the checkpoint",
        edit: (c) => {
          fixedTimeline(c);
          const approval = governance(c).governingBodyApprovals?.[0];
          if (approval) approval.date = "2016-10-04";
        },
        fieldPath: "governance.governingBodyApprovals[0].date",
        message:
          "The governing body approved this on 4 October 2016, after the checkpoint 1 date of 3 October 2016; " +
          "approval must come on or before the checkpoint",
        missing: false,
      },
      {
        name: "minute reference missing",
        edit: (c) => {
          const approval = governance(c).governingBodyApprovals?.[0];
          if (approval) approval.minuteReference = "  ";
        },
        fieldPath: "governance.governingBodyApprovals[0].minuteReference",
        message: "Enter the minute reference of the governing body's approval for checkpoint 1",
        missing: true,
      },
      {
        name: "minutes linked to a document that was never uploaded",
        edit: (c) => {
          const approval = governance(c).governingBodyApprovals?.[0];
          if (approval) approval.evidenceDocumentId = "doc-missing";
        },
        fieldPath: "governance.governingBodyApprovals[0].evidenceDocumentId",
        message: /are not among the uploaded documents/,
        missing: false,
      },
      {
        name: "an approval row without its checkpoint",
        edit: (c) => {
          governance(c).governingBodyApprovals?.push({ id: "x", date: "2016-01-01", minuteReference: "GB/1" });
        },
        fieldPath: "governance.governingBodyApprovals[1].checkpoint",
        message: "Select which checkpoint the second governing-body approval is for",
        missing: true,
      },
      {
        name: "checkpoint date missing",
        edit: (c) => void delete keyDates(c).checkpoint1,
        fieldPath: "governance.keyDates.checkpoint1",
        message: "Enter the date of checkpoint 1, so that the governing body's approval can be checked against it",
        missing: true,
      },
    ],
  },
  "ISAP-06": {
    pass: [
      {
        name: "no NHS trust is a party",
        checkpoint: 2,
        edit: (c) => void (contract(c).nhsTrustOrFoundationTrustParty = false),
      },
    ],
    fail: [
      {
        name: "an NHS trust is a party",
        checkpoint: 2,
        edit: (c) => void (contract(c).nhsTrustOrFoundationTrustParty = true),
        fieldPath: "contract.nhsTrustOrFoundationTrustParty",
        message: /NHS Improvement's transaction review applies/,
        missing: false,
      },
      {
        name: "not answered",
        checkpoint: 2,
        edit: (c) => void delete contract(c).nhsTrustOrFoundationTrustParty,
        fieldPath: "contract.nhsTrustOrFoundationTrustParty",
        message: "Say whether an NHS trust or foundation trust is a party to the contract",
        missing: true,
      },
    ],
  },
  "ISAP-07": {
    pass: [
      { name: "one CCG", edit: (c) => void (about(c).commissioners = [{ name: "NHS Salford CCG", kind: "ccg" }]) },
      {
        name: "a CCG, a council and NHS England",
        edit: (c) =>
          void (about(c).commissioners = [
            { name: "NHS Salford CCG", kind: "ccg" },
            { name: "Salford City Council", kind: "local_authority" },
            { name: "NHS England", kind: "nhs_england" },
          ]),
      },
    ],
    fail: [
      {
        name: "none",
        edit: (c) => void (about(c).commissioners = []),
        fieldPath: "about.commissioners",
        message: "Add at least one commissioner organisation",
        missing: true,
      },
      {
        name: "second has no name",
        edit: (c) =>
          void (about(c).commissioners = [
            { name: "NHS Salford CCG", kind: "ccg" },
            { name: "", kind: "local_authority" },
          ]),
        fieldPath: "about.commissioners[1].name",
        message: "Enter the name of the second commissioner",
        missing: true,
      },
      {
        name: "kind not given",
        edit: (c) => void (about(c).commissioners = [{ name: "NHS Salford CCG" }]),
        fieldPath: "about.commissioners[0].kind",
        message: "Select what kind of organisation NHS Salford CCG is",
        missing: true,
      },
    ],
  },
  "ISAP-08": {
    pass: [
      { name: "board approved before checkpoint 2", checkpoint: 2 },
      { name: "and before checkpoint 3", checkpoint: 3 },
    ],
    notApplicable: [{ name: "checkpoint 1" }],
    fail: [
      {
        name: "no board approval at checkpoint 2",
        checkpoint: 2,
        edit: (c) => void delete governance(c).providerBoardApprovals,
        fieldPath: "governance.providerBoardApprovals",
        message: "Add the provider board's approval for checkpoint 2: the meeting date and minute reference",
        missing: true,
      },
      {
        name: "board approved after checkpoint 3",
        checkpoint: 3,
        edit: (c) => {
          fixedTimeline(c);
          const approval = governance(c).providerBoardApprovals?.find((a) => a.checkpoint === 3);
          if (approval) approval.date = "2017-10-03";
        },
        fieldPath: "governance.providerBoardApprovals[1].date",
        message:
          "The provider board approved this on 3 October 2017, after the checkpoint 3 date of 2 October 2017; " +
          "approval must come on or before the checkpoint",
        missing: false,
      },
      {
        name: "provider not named",
        checkpoint: 2,
        edit: (c) => {
          const approval = governance(c).providerBoardApprovals?.[0];
          if (approval) delete approval.organisation;
        },
        fieldPath: "governance.providerBoardApprovals[0].organisation",
        message: "Enter the provider whose board gave the first provider board approval",
        missing: true,
      },
    ],
  },
  "NCM-01": {
    pass: [
      { name: "virtual", edit: virtual },
      { name: "fully integrated", edit: fullyIntegrated },
    ],
    fail: [
      {
        name: "not given",
        edit: (c) => void delete contract(c).contractOption,
        fieldPath: "contract.contractOption",
        message: "Select the contract option: virtual, partially integrated or fully integrated",
        missing: true,
      },
    ],
  },
  "NCM-02": {
    pass: [{ name: "fixture" }, { name: "two practices", edit: (c) => populationOf(c, 40_000) }],
    fail: [
      {
        name: "no registered population",
        edit: (c) => void delete population(c).registeredPopulation,
        fieldPath: "population.registeredPopulation",
        message: "Enter the registered population",
        missing: true,
      },
      {
        name: "registered population of 0",
        edit: (c) => void (population(c).registeredPopulation = 0),
        fieldPath: "population.registeredPopulation",
        message: "The registered population must be more than 0",
        missing: false,
      },
      {
        name: "no practices",
        edit: (c) => void (population(c).practices = []),
        fieldPath: "population.practices",
        message: "Add at least one participating GP practice",
        missing: true,
      },
      {
        name: "third practice has no list size",
        edit: (c) => {
          populationOf(c, 40_000);
          population(c).practices?.push({ id: "c", name: "Oakwood Surgery", odsCode: "P84003" });
        },
        fieldPath: "population.practices[2].listSize",
        message: "Enter the list size of Oakwood Surgery",
        missing: true,
      },
      {
        name: "the same practice twice",
        edit: (c) => {
          populationOf(c, 40_000);
          const second = population(c).practices?.[1];
          if (second) second.odsCode = "P84001";
        },
        fieldPath: "population.practices[1].odsCode",
        message: "P84001 is listed twice (practices 1 and 2); list each practice once",
        missing: false,
      },
    ],
  },
  "NCM-03": {
    pass: [{ name: "exactly 30,000", edit: (c) => populationOf(c, 30_000) }],
    notApplicable: [{ name: "population not yet given", edit: (c) => void delete population(c).registeredPopulation }],
    fail: [
      {
        name: "24,000",
        edit: (c) => populationOf(c, 24_000),
        fieldPath: "population.registeredPopulation",
        message: "Your registered population of 24,000 is below the 30,000 an MCP usually needs",
        missing: false,
      },
    ],
  },
  "NCM-04": {
    pass: [
      { name: "fixture hubs" },
      { name: "fully integrated over 100,000", edit: fullyIntegrated },
      {
        name: "hubs at both limits",
        edit: (c) =>
          void (population(c).hubs = [
            { name: "North hub", population: 30_000 },
            { name: "South hub", population: 50_000 },
          ]),
      },
    ],
    fail: [
      {
        name: "no hubs",
        edit: (c) => void delete population(c).hubs,
        fieldPath: "population.hubs",
        message: "Add the hubs your MCP will organise care in (usually 30,000 to 50,000 people each)",
        missing: true,
      },
      {
        name: "a hub of 62,000",
        edit: (c) =>
          void (population(c).hubs = [
            { name: "North hub", population: 40_000 },
            { name: "Dudley hub", population: 62_000 },
          ]),
        fieldPath: "population.hubs[1].population",
        message: "Dudley hub serves 62,000 people; MCP hubs usually serve 30,000 to 50,000",
        missing: false,
      },
      {
        name: "every hub out of range, each named",
        edit: (c) =>
          void (population(c).hubs = [
            { name: "North hub", population: 40_000 },
            { name: "Dudley hub", population: 62_000 },
            { population: 12_500 },
            { name: "Walsall hub", population: 50_001 },
          ]),
        fieldPath: "population.hubs[1].population",
        message:
          "3 of 4 hubs are outside the usual size (Dudley hub 62,000, the third hub 12,500, Walsall hub 50,001); MCP hubs usually serve 30,000 to 50,000",
        missing: false,
      },
      {
        name: "a hub with no population",
        edit: (c) => void (population(c).hubs = [{ name: "North hub" }]),
        fieldPath: "population.hubs[0].population",
        message: "Enter the population of North hub",
        missing: true,
      },
      {
        name: "fully integrated MCP of 90,000",
        edit: (c) => {
          fullyIntegrated(c);
          population(c).registeredPopulation = 90_000;
          population(c).hubs = [
            { name: "North hub", population: 45_000 },
            { name: "South hub", population: 45_000 },
          ];
        },
        fieldPath: "population.registeredPopulation",
        message: "A fully integrated MCP usually covers over 100,000 people; yours covers 90,000",
        missing: false,
      },
    ],
  },
  "NCM-05": {
    pass: [{ name: "exactly 250,000", modelType: "PACS", edit: (c) => populationOf(c, 250_000) }],
    notApplicable: [{ name: "population not yet given", modelType: "PACS", edit: (c) => void delete population(c).registeredPopulation }],
    fail: [
      {
        name: "200,000",
        modelType: "PACS",
        edit: (c) => populationOf(c, 200_000),
        fieldPath: "population.registeredPopulation",
        message: "Your registered population of 200,000 is below the 250,000 a PACS usually covers",
        missing: false,
      },
    ],
  },
  "NCM-06": {
    pass: [
      {
        name: "MCP with outpatients and diagnostics",
        edit: (c) => void (population(c).servicesInScope = ["general_practice", "community_health", "outpatients", "diagnostics"]),
      },
      {
        name: "PACS with core acute",
        modelType: "PACS",
        edit: (c) => void (population(c).servicesInScope = ["general_practice", "core_acute"]),
      },
    ],
    fail: [
      {
        name: "MCP with core acute",
        edit: (c) => void (population(c).servicesInScope = ["general_practice", "community_health", "core_acute"]),
        fieldPath: "population.servicesInScope[2]",
        message:
          "An MCP may take on outpatients, diagnostics and urgent care but not core acute hospital services; a model " +
          "that includes them is a PACS",
        missing: false,
      },
      {
        name: "PACS without core acute",
        modelType: "PACS",
        edit: (c) => void (population(c).servicesInScope = ["general_practice", "community_health"]),
        fieldPath: "population.servicesInScope",
        message: "A PACS must include core acute hospital services; without them the model is an MCP",
        missing: false,
      },
      {
        name: "no general practice",
        edit: (c) => void (population(c).servicesInScope = ["community_health"]),
        fieldPath: "population.servicesInScope",
        message: "Include general practice in the services in scope: both MCPs and PACS are built on it",
        missing: false,
      },
      {
        name: "none selected",
        edit: (c) => void (population(c).servicesInScope = []),
        fieldPath: "population.servicesInScope",
        message: "Select the services in scope",
        missing: true,
      },
    ],
  },
  "NCM-07": {
    pass: [
      { name: "virtual through an alliance", edit: virtual },
      { name: "fully integrated", edit: fullyIntegrated },
    ],
    notApplicable: [{ name: "no contract option yet", edit: (c) => void delete contract(c).contractOption }],
    fail: [
      {
        name: "virtual with an integration agreement",
        edit: (c) => {
          virtual(c);
          contract(c).gpParticipationRoute = "integration_agreement";
        },
        fieldPath: "contract.gpParticipationRoute",
        message:
          "In a virtual model GP practices take part through an alliance agreement; change how practices take part " +
          "or the contract option",
        missing: false,
      },
      {
        name: "not given",
        edit: (c) => void delete contract(c).gpParticipationRoute,
        fieldPath: "contract.gpParticipationRoute",
        message: "Select how GP practices will take part",
        missing: true,
      },
    ],
  },
  "NCM-08": {
    pass: [{ name: "fully integrated with a budget", edit: fullyIntegrated }],
    notApplicable: [{ name: "virtual", edit: virtual }],
    fail: [
      {
        name: "no capitated sum",
        edit: (c) => {
          fullyIntegrated(c);
          delete finance(c).budget?.capitatedSumPence;
        },
        fieldPath: "finance.budget.capitatedSumPence",
        message: "Enter the capitated sum of the whole-population budget",
        missing: true,
      },
      {
        name: "no estimate for unregistered patients",
        modelType: "PACS",
        edit: (c) => {
          fullyIntegrated(c);
          delete finance(c).budget?.unregisteredPatientsEstimatePence;
        },
        fieldPath: "finance.budget.unregisteredPatientsEstimatePence",
        message: "Enter the estimate for unregistered patients in the whole-population budget",
        missing: true,
      },
    ],
  },
  "NCM-09": {
    pass: [{ name: "fully integrated with a described risk share", edit: fullyIntegrated }],
    notApplicable: [{ name: "partially integrated", edit: (c) => void (contract(c).contractOption = "partially_integrated") }],
    fail: [
      {
        name: "fully integrated without a description",
        edit: (c) => {
          fullyIntegrated(c);
          finance(c).riskGainShare = { hasRiskShare: true };
        },
        fieldPath: "finance.riskGainShare.description",
        message: "Describe the risk or gain share with your local acute providers",
        missing: true,
      },
      {
        name: "fully integrated with no risk share",
        edit: (c) => {
          fullyIntegrated(c);
          finance(c).riskGainShare = { hasRiskShare: false };
        },
        fieldPath: "finance.riskGainShare.hasRiskShare",
        message: "A fully integrated MCP needs a risk or gain share with its local acute providers",
        missing: false,
      },
    ],
  },
  "NCM-10": {
    pass: [{ name: "new NHS trust, a new legal entity", checkpoint: 2, edit: fullyIntegrated }],
    fail: [
      {
        name: "form not given",
        checkpoint: 2,
        edit: (c) => void delete contract(c).contractHolderForm,
        fieldPath: "contract.contractHolderForm",
        message: "Select the form of the organisation that will hold the contract",
        missing: true,
      },
      {
        name: "a new NHS trust said not to be a new legal entity",
        checkpoint: 3,
        edit: (c) => {
          fullyIntegrated(c);
          contract(c).createsNewLegalEntity = false;
        },
        fieldPath: "contract.createsNewLegalEntity",
        message: "A new NHS trust is a new legal entity; change this answer or the contract holder's form",
        missing: false,
      },
    ],
  },
  "NCM-11": {
    pass: [
      {
        name: "15 years at £250 million a year",
        edit: (c) => Object.assign(contract(c), { contractTermYears: 15, annualContractValuePence: 25_000_000_000 }),
      },
    ],
    fail: [
      {
        name: "no term",
        edit: (c) => void delete contract(c).contractTermYears,
        fieldPath: "contract.contractTermYears",
        message: "Enter the contract term in years",
        missing: true,
      },
      {
        name: "no value",
        edit: (c) => void delete contract(c).annualContractValuePence,
        fieldPath: "contract.annualContractValuePence",
        message: "Enter the annual contract value",
        missing: true,
      },
      {
        name: "value of £0",
        edit: (c) => void (contract(c).annualContractValuePence = 0),
        fieldPath: "contract.annualContractValuePence",
        message: "The annual contract value must be more than £0",
        missing: false,
      },
    ],
  },
  "NCM-12": {
    pass: [{ name: "Dudley MCP vanguard", edit: (c) => void (about(c).vanguardNumber = 16) }],
    notApplicable: [
      { name: "not a vanguard", edit: (c) => void delete about(c).vanguardNumber },
      { name: "no reference lists", withoutReference: true },
    ],
    fail: [
      {
        name: "number 51",
        edit: (c) => void (about(c).vanguardNumber = 51),
        fieldPath: "about.vanguardNumber",
        message: "There is no vanguard number 51; choose one of the 50 vanguards",
        missing: false,
      },
    ],
  },
  "NCM-13": {
    pass: [{ name: "Greater Manchester" }],
    notApplicable: [{ name: "no reference lists", withoutReference: true }],
    fail: [
      {
        name: "not a footprint",
        edit: (c) => void (about(c).footprintCode = "E54000099"),
        fieldPath: "about.footprintCode",
        message: "E54000099 is not one of the 44 footprints; choose the footprint again",
        missing: false,
      },
      {
        name: "not given",
        edit: (c) => void delete about(c).footprintCode,
        fieldPath: "about.footprintCode",
        message: "Select the footprint",
        missing: true,
      },
    ],
  },
  "NCM-14": {
    pass: [
      { name: "fixture lists" },
      {
        name: "exactly 5% away",
        edit: (c) => {
          populationOf(c, 42_000);
          population(c).registeredPopulation = 40_000;
        },
      },
    ],
    notApplicable: [
      {
        name: "a list size still missing",
        edit: (c) => {
          const first = population(c).practices?.[0];
          if (first) delete first.listSize;
        },
      },
    ],
    fail: [
      {
        name: "41,200 against 52,000",
        edit: (c) => {
          populationOf(c, 41_200);
          population(c).registeredPopulation = 52_000;
        },
        fieldPath: "population.registeredPopulation",
        message: "Your practices' list sizes add up to 41,200, which is more than 5% away from the registered population of 52,000",
        missing: false,
      },
    ],
  },
  "BCF-03": {
    pass: [
      {
        name: "exactly the minimum",
        edit: (c) => Object.assign(finance(c), { pooledBudgetContributionPence: 500_000_000, pooledBudgetMinimumPence: 500_000_000 }),
      },
    ],
    fail: [
      {
        name: "below the minimum",
        edit: (c) => Object.assign(finance(c), { pooledBudgetContributionPence: 450_000_000, pooledBudgetMinimumPence: 500_000_050 }),
        fieldPath: "finance.pooledBudgetContributionPence",
        message: "Your pooled budget contribution of £4,500,000 is less than the minimum of £5,000,000.50",
        missing: false,
      },
      {
        name: "minimum not given",
        edit: (c) => void delete finance(c).pooledBudgetMinimumPence,
        fieldPath: "finance.pooledBudgetMinimumPence",
        message: "Enter the minimum pooled budget from the allocations",
        missing: true,
      },
    ],
  },
  "BCF-05": {
    pass: [{ name: "£1 ring-fenced", edit: (c) => void (finance(c).outOfHospitalRingFencePence = 100) }],
    fail: [
      {
        name: "£0",
        edit: (c) => void (finance(c).outOfHospitalRingFencePence = 0),
        fieldPath: "finance.outOfHospitalRingFencePence",
        message: /ring-fenced for NHS out-of-hospital services; it is £0/,
        missing: false,
      },
      {
        name: "not given",
        edit: (c) => void delete finance(c).outOfHospitalRingFencePence,
        fieldPath: "finance.outOfHospitalRingFencePence",
        message: "Enter the amount ring-fenced for NHS out-of-hospital services",
        missing: true,
      },
    ],
  },
  "BCF-06": {
    pass: [{ name: "all eight" }],
    fail: [
      {
        name: "no trusted assessors",
        edit: (c) => {
          const changes = (enablers(c).highImpactChanges ??= {});
          changes.trustedAssessors = false;
          delete changes.earlyDischargePlanning;
        },
        fieldPath: "enablers.highImpactChanges.trustedAssessors",
        message: "The 2017-19 conditions require all eight High Impact Changes; commit to trusted assessors",
        missing: false,
      },
      {
        name: "one unanswered",
        edit: (c) => void delete enablers(c).highImpactChanges?.homeFirstDischargeToAssess,
        fieldPath: "enablers.highImpactChanges.homeFirstDischargeToAssess",
        message: "Say whether you will implement home first and discharge to assess (High Impact Change 4)",
        missing: true,
      },
    ],
  },
  "BCF-07": {
    pass: [{ name: "every year split" }],
    fail: [
      {
        name: "second year without a social care ambition",
        edit: (c) => {
          const year = outcomes(c).metricYears?.[1];
          if (year) year.delayedTransfersSocialCarePer100k = { baseline: 900 };
        },
        fieldPath: "outcomes.metricYears[1].delayedTransfersSocialCarePer100k.planned",
        message: /^Enter the planned delayed transfer of care days attributable to social care for \d{4}-\d{2}$/,
        missing: true,
      },
      {
        name: "no metrics",
        edit: (c) => void delete outcomes(c).metricYears,
        fieldPath: "outcomes.metricYears",
        message: "Add your outcome metrics for each financial year",
        missing: true,
      },
    ],
  },
  "BCF-09": {
    pass: [
      {
        name: "only a retained risk share",
        edit: (c) => Object.assign(finance(c), { outOfHospitalInvestmentPence: 0, riskShareRetainedPence: 10_000_000 }),
      },
    ],
    fail: [
      {
        name: "both £0",
        edit: (c) => Object.assign(finance(c), { outOfHospitalInvestmentPence: 0, riskShareRetainedPence: 0 }),
        fieldPath: "finance.outOfHospitalInvestmentPence",
        message: /both are £0$/,
        missing: false,
      },
      {
        name: "neither given",
        edit: (c) => {
          delete finance(c).outOfHospitalInvestmentPence;
          delete finance(c).riskShareRetainedPence;
        },
        fieldPath: "finance.outOfHospitalInvestmentPence",
        message: "Enter the amount invested in NHS out-of-hospital services, or the amount held back under a local risk share",
        missing: true,
      },
    ],
  },
  "BCF-10": yesNo(enablers, "delayedTransfersPlan", "enablers.delayedTransfersPlan", {
    unanswered: "Say whether a local plan to reduce delayed transfers of care has been agreed",
    refused: "The 2016-17 conditions require an agreed local plan to reduce delayed transfers of care",
  }),
  "BCF-12": {
    pass: [{ name: "exactly 3.5%", edit: (c) => void (outcomes(c).plannedEmergencyAdmissionReductionPercent = 3.5) }],
    fail: [
      {
        name: "2.5%",
        edit: (c) => void (outcomes(c).plannedEmergencyAdmissionReductionPercent = 2.5),
        fieldPath: "outcomes.plannedEmergencyAdmissionReductionPercent",
        message: "Your planned cut in emergency admissions is 2.5%; the national expectation is at least 3.5%",
        missing: false,
      },
      {
        name: "not given",
        edit: (c) => void delete outcomes(c).plannedEmergencyAdmissionReductionPercent,
        fieldPath: "outcomes.plannedEmergencyAdmissionReductionPercent",
        message: "Enter your planned cut in emergency admissions, as a percentage",
        missing: true,
      },
    ],
  },
  "BCF-14": {
    pass: [
      { name: "fixture figures" },
      {
        name: "a £300 million contract is not held to the template range",
        edit: (c) => {
          contract(c).annualContractValuePence = 30_000_000_000;
          fullyIntegrated(c);
          const budget = finance(c).budget;
          if (budget) budget.capitatedSumPence = 28_000_000_000;
        },
      },
      {
        name: "a pooled figure of exactly £100,000,000",
        edit: (c) => void (finance(c).pooledBudgetContributionPence = 10_000_000_000),
      },
    ],
    fail: [
      {
        name: "a metric above 100,000,000",
        edit: (c) => {
          const year = outcomes(c).metricYears?.[1];
          if (year) year.careHomeAdmissionsPer100k65Plus = { baseline: 100_000_001, planned: 600 };
        },
        fieldPath: "outcomes.metricYears[1].careHomeAdmissionsPer100k65Plus.baseline",
        message:
          /^Enter a figure from 0 to 100,000,000 for the baseline permanent admissions to care homes per 100,000 aged 65 and over in \d{4}-\d{2}$/,
        missing: false,
      },
      {
        name: "a pooled contribution of £150 million",
        edit: (c) => void (finance(c).pooledBudgetContributionPence = 15_000_000_000),
        fieldPath: "finance.pooledBudgetContributionPence",
        message: "The pooled budget contribution of £150,000,000 is more than the £100,000,000 the national templates allow",
        missing: false,
      },
    ],
  },
  "BCF-15": yesNo(enablers, "sevenDayServices", "enablers.sevenDayServices", {
    unanswered: "Say whether services will run seven days a week to support discharge",
    refused: /^Seven-day services are no longer a condition/,
  }),
  "BCF-16": yesNo(enablers, "sevenDayServices", "enablers.sevenDayServices", {
    unanswered: "Say whether services will run seven days a week to support discharge",
    refused: "The 2016-17 conditions require seven-day services to support discharge; the proposal must provide them",
  }),
  "BCF-17": yesNo(enablers, "nhsNumberDataSharing", "enablers.nhsNumberDataSharing", {
    unanswered: "Say whether health and social care will share data using the NHS number",
    refused: "The 2016-17 conditions require data sharing based on the NHS number",
  }),
  "BCF-18": yesNo(enablers, "jointAssessmentWithLeadProfessional", "enablers.jointAssessmentWithLeadProfessional", {
    unanswered: "Say whether assessment will be joint, with an accountable lead professional",
    refused: "The 2016-17 conditions require joint assessment with an accountable lead professional",
  }),
  "BCF-19": yesNo(enablers, "acuteSectorImpactAgreed", "enablers.acuteSectorImpactAgreed", {
    unanswered: "Say whether the impact on the acute sector has been agreed with the acute providers",
    refused: "The 2016-17 conditions require the impact on the acute sector to be agreed with the acute providers",
  }),
};
