// Realistic example content for tests and the demo seed. The same options always give the same
// content (a seeded generator, no clock), and every example passes every blocking criterion of both
// criteria sets at the checkpoint asked for; different seeds vary the population, the practices, the
// contract option, the timeline and the money so that the demo pipeline looks like forty real
// proposals rather than one copied forty times.
import {
  CONTRACT_OPTIONS,
  HIGH_IMPACT_CHANGES,
  SERVICES,
  type Checkpoint,
  type Commissioner,
  type ContractHolderForm,
  type ContractOption,
  type EvidenceDocument,
  type GovernanceSection,
  type GpParticipationRoute,
  type Hub,
  type MetricYear,
  type ModelType,
  type Practice,
  type ProcurementKind,
  type SectionSlug,
  type Service,
  type SubmissionContent,
} from "./submission.ts";

export interface ExampleOptions {
  modelType: ModelType;
  footprintName: string;
  footprintCode: string;
  vanguardNumber?: number | undefined;
  /** The checkpoint the content is ready for: approvals and board minutes exist up to it. Default 1. */
  checkpoint?: Checkpoint | undefined;
  seed?: number | undefined;
}

// mulberry32: small, fast, and the same sequence on every platform.
function generator(seed: number): () => number {
  let state = Math.imul(Math.floor(seed) ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = generator(seed);
  }
  fraction(): number {
    return this.next();
  }
  /** Whole number from `min` to `max` inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += this.int(0, 15).toString(16);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Dates, in UTC throughout so the calendar never depends on the machine's time zone.

function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function firstOfNextMonth(isoDate: string): string {
  const [y, m] = isoDate.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

function financialYearOf(isoDate: string): number {
  const [y, m] = isoDate.split("-").map(Number) as [number, number];
  return m >= 4 ? y : y - 1;
}

function financialYearLabel(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, "0")}`;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const pounds = (value: number) => Math.round(value) * 100;

// ---------------------------------------------------------------------------------------------

/** "The Black Country and West Birmingham" → "Black Country": the name a CCG or hub would carry. */
function placeName(footprintName: string): string {
  const plain = footprintName.replace(/\s*\(.*?\)\s*/g, " ").trim();
  const first = plain.split(/,| and /)[0]?.trim() ?? plain;
  return first.replace(/^The\s+/, "") || plain;
}

const PRACTICE_PLACES = [
  "Church Street",
  "Park Road",
  "Riverside",
  "Oakwood",
  "Station Road",
  "Market Square",
  "Brookside",
  "Hillview",
  "Meadowbank",
  "Westgate",
  "Northgate",
  "Castle Mead",
  "Priory",
  "Abbey Lane",
  "Victoria",
  "Albert Road",
  "High Street",
  "Elm Tree",
  "Beech House",
  "Willowbrook",
  "Ashfield",
  "Greenway",
  "Kingsway",
  "Queens Park",
  "Millbrook",
  "Orchard",
  "Bridge Street",
  "Lime Grove",
  "Cedar House",
  "Heathfield",
  "Moorland",
  "Fernlea",
] as const;
const PRACTICE_KINDS = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice"] as const;
const HUB_DIRECTIONS = ["North", "South", "East", "West", "Central", "Town", "Rural"] as const;
const ODS_LETTERS = ["A", "B", "C", "D", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Y"] as const;

const ROUTE_FOR_OPTION: Record<ContractOption, GpParticipationRoute> = {
  virtual: "alliance_agreement",
  partially_integrated: "integration_agreement",
  fully_integrated: "suspended_contract_or_employment",
};

const HOLDER_FORMS: Record<ContractOption, readonly ContractHolderForm[]> = {
  virtual: ["existing_nhs_provider"],
  partially_integrated: ["existing_nhs_provider", "joint_venture", "social_enterprise", "limited_liability_partnership"],
  fully_integrated: ["new_nhs_trust", "joint_venture", "existing_nhs_provider"],
};

const NEW_ENTITY_FORMS: readonly ContractHolderForm[] = ["new_nhs_trust", "joint_venture", "limited_liability_partnership"];

function providerName(place: string, modelType: ModelType, form: ContractHolderForm): string {
  switch (form) {
    case "existing_nhs_provider":
      return modelType === "PACS" ? `${place} Hospitals NHS Foundation Trust` : `${place} Community Healthcare NHS Trust`;
    case "new_nhs_trust":
      return `${place} Integrated Care NHS Trust`;
    case "joint_venture":
      return `${place} Care Partnership Ltd`;
    case "social_enterprise":
      return `${place} Health and Care CIC`;
    case "limited_liability_partnership":
      return `${place} Health Partners LLP`;
  }
}

const EXPERIENCE_MEASURES = [
  "GP patient survey: involved as much as wanted in decisions about care (%)",
  "People with a long-term condition who feel supported to manage it (%)",
  "Carer-reported quality of life (score out of 24)",
] as const;

export function exampleSubmission(options: ExampleOptions): SubmissionContent {
  const random = new Random(options.seed ?? 1);
  const { modelType } = options;
  const checkpoint = options.checkpoint ?? 1;
  const place = placeName(options.footprintName);

  // --- contract option first: it shapes the population (hubs) and the money.
  const contractOption: ContractOption = random.pick(CONTRACT_OPTIONS);

  // --- population
  let registeredPopulation: number;
  let hubs: Hub[] | undefined;
  if (modelType === "MCP") {
    const hubCount = contractOption === "fully_integrated" ? random.int(3, 7) : random.int(1, 6);
    const directions = random.shuffle(HUB_DIRECTIONS);
    hubs = Array.from({ length: hubCount }, (_, i) => ({
      id: `hub-${i + 1}`,
      name: hubCount === 1 ? `${place} hub` : `${place} ${directions[i] ?? i + 1} hub`,
      population: random.int(340, 480) * 100,
    }));
    registeredPopulation = hubs.reduce((sum, hub) => sum + (hub.population ?? 0), 0);
  } else {
    registeredPopulation = random.int(2_600, 6_200) * 100;
  }

  const practiceCount = Math.min(60, Math.max(3, Math.round(registeredPopulation / random.int(7_000, 11_000))));
  const names = random.shuffle(PRACTICE_PLACES.flatMap((p) => PRACTICE_KINDS.map((k) => `${p} ${k}`)));
  const weights = Array.from({ length: practiceCount }, () => 0.5 + random.fraction());
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  // Lists drift a little from the registered population, as real ones do, but stay well within 5%.
  const listTotal = Math.round(registeredPopulation * (1 + (random.fraction() - 0.5) * 0.04));
  const listSizes = weights.map((w) => Math.round((listTotal * w) / weightTotal));
  const roundingGap = listTotal - listSizes.reduce((a, b) => a + b, 0);
  listSizes[listSizes.length - 1] = (listSizes[listSizes.length - 1] ?? 0) + roundingGap;
  const odsLetter = random.pick(ODS_LETTERS);
  const odsArea = random.int(10, 99);
  const odsStart = random.int(1, 20);
  const practices: Practice[] = listSizes.map((listSize, i) => ({
    id: `practice-${i + 1}`,
    name: names[i] ?? `Practice ${i + 1}`,
    odsCode: `${odsLetter}${odsArea}${String(odsStart + i * 3).padStart(3, "0")}`,
    listSize,
  }));

  const optional: Service[] =
    modelType === "MCP"
      ? ["mental_health", "social_care", "public_health", "outpatients", "diagnostics", "urgent_care"]
      : ["social_care", "public_health"];
  const chosen = new Set<Service>(
    modelType === "MCP"
      ? ["general_practice", "community_health"]
      : ["general_practice", "community_health", "mental_health", "outpatients", "diagnostics", "urgent_care", "core_acute"],
  );
  for (const service of optional) if (random.chance(0.6)) chosen.add(service);
  const servicesInScope = SERVICES.filter((s) => chosen.has(s));

  // --- about
  const commissioners: Commissioner[] = [{ id: "commissioner-1", name: `NHS ${place} CCG`, kind: "ccg" }];
  if (random.chance(0.5)) commissioners.push({ id: "commissioner-2", name: `${place} Council`, kind: "local_authority" });
  if (random.chance(modelType === "PACS" ? 0.5 : 0.15)) {
    commissioners.push({ id: `commissioner-${commissioners.length + 1}`, name: "NHS England", kind: "nhs_england" });
  }
  const procurementKind: ProcurementKind = random.chance(0.7) ? "new_arrangement" : "re_procurement";

  // --- contract
  const contractHolderForm = random.pick(HOLDER_FORMS[contractOption]);
  const createsNewLegalEntity = NEW_ENTITY_FORMS.includes(contractHolderForm);
  const nhsTrustOrFoundationTrustParty =
    modelType === "PACS" || contractHolderForm === "existing_nhs_provider" || contractHolderForm === "new_nhs_trust";
  const contractTermYears =
    contractOption === "virtual"
      ? random.pick([3, 5])
      : contractOption === "partially_integrated"
        ? random.pick([5, 7, 10])
        : random.pick([10, 15]);
  const perHeadPounds = modelType === "MCP" ? random.int(450, 800) : random.int(1_200, 1_600);
  const annualValuePounds = registeredPopulation * perHeadPounds;
  const provider = providerName(place, modelType, contractHolderForm);

  // --- finance
  const hasRiskShare = contractOption !== "virtual" || random.chance(0.5);
  const poolMinimumPounds = registeredPopulation * random.int(55, 80);
  const finance: SubmissionContent["finance"] = {
    riskGainShare: hasRiskShare
      ? {
          hasRiskShare: true,
          description:
            `Risk and gain share with ${place}'s acute trust on avoidable non-elective admissions and outpatient ` +
            `follow-ups: savings and overspends against the ${financialYearLabel(2016)} baseline are split 50:50, ` +
            `capped at ${random.int(2, 5)}% of the contract value each year, reviewed quarterly by the joint board.`,
        }
      : { hasRiskShare: false },
    novelContractValueMethod:
      contractOption === "fully_integrated"
        ? {
            used: true,
            description:
              "Whole-population budget set from 2016-17 spend on the services in scope for the registered list, " +
              "uplifted each year in line with CCG allocations.",
          }
        : { used: false },
    pooledBudgetMinimumPence: pounds(poolMinimumPounds),
    pooledBudgetContributionPence: pounds(poolMinimumPounds * (1 + random.int(0, 40) / 100)),
    outOfHospitalRingFencePence: pounds((poolMinimumPounds * random.int(25, 35)) / 100),
    outOfHospitalInvestmentPence: pounds((poolMinimumPounds * random.int(20, 30)) / 100),
    riskShareRetainedPence: random.chance(0.5) ? pounds((poolMinimumPounds * random.int(3, 8)) / 100) : 0,
  };
  if (contractOption !== "virtual") {
    finance.budget = {
      capitatedSumPence: pounds(annualValuePounds * 0.93),
      performancePaymentPercent: random.pick([2, 2.5, 3, 4, 5]),
      unregisteredPatientsEstimatePence: pounds((annualValuePounds * random.int(8, 15)) / 1000),
    };
  }

  // --- timeline: early engagement in 2016, service start by 2019 at the latest.
  const earlyEngagement = addDays("2016-01-11", random.int(0, 200));
  const checkpoint1 = addDays(earlyEngagement, random.int(90, 150));
  const procurementStart = addDays(checkpoint1, random.int(21, 60));
  const preferredBidder = addDays(procurementStart, random.int(150, 240));
  const checkpoint2 = addDays(preferredBidder, random.int(14, 45));
  const contractSignature = addDays(checkpoint2, random.int(21, 60));
  const checkpoint3 = addDays(contractSignature, random.int(60, 120));
  const serviceStart = firstOfNextMonth(addDays(checkpoint3, random.int(14, 45)));
  const checkpointDates: Record<Checkpoint, string> = { 1: checkpoint1, 2: checkpoint2, 3: checkpoint3 };

  // --- outcomes: a row per financial year from the one checkpoint 1 falls in.
  const firstYear = financialYearOf(checkpoint1);
  const cut = random.pick([3.5, 4, 4.5, 5, 6]);
  let nea = random.int(90_000, 125_000) / 10;
  let careHomes = random.int(5_000, 8_000) / 10;
  let atHome = random.int(780, 880) / 10;
  let dtocNhs = random.int(15_000, 35_000) / 10;
  let dtocSocial = random.int(7_000, 20_000) / 10;
  let experience = random.int(600, 800) / 10;
  const metricYears: MetricYear[] = [0, 1, 2].map((offset) => {
    const label = financialYearLabel(firstYear + offset);
    const row: MetricYear = {
      id: `metrics-${label}`,
      financialYear: label,
      nonElectiveAdmissionsPer100k: { baseline: round1(nea), planned: round1(nea * (1 - cut / 100)) },
      careHomeAdmissionsPer100k65Plus: { baseline: round1(careHomes), planned: round1(careHomes * 0.97) },
      stillAtHome91DaysPercent: { baseline: round1(atHome), planned: round1(Math.min(100, atHome + 0.8)) },
      delayedTransfersNhsPer100k: { baseline: round1(dtocNhs), planned: round1(dtocNhs * 0.9) },
      delayedTransfersSocialCarePer100k: { baseline: round1(dtocSocial), planned: round1(dtocSocial * 0.9) },
      patientExperience: { baseline: round1(experience), planned: round1(experience + 1) },
    };
    nea *= 1 - cut / 100;
    careHomes *= 0.97;
    atHome = Math.min(100, atHome + 0.8);
    dtocNhs *= 0.9;
    dtocSocial *= 0.9;
    experience += 1;
    return row;
  });

  // --- governance and its evidence
  const MEDIA_TYPES = {
    pdf: "application/pdf",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  } as const;
  const documents: EvidenceDocument[] = [];
  const document = (id: string, fileName: string, section: SectionSlug, description: string, uploadedOn: string) => {
    const extension = fileName.slice(fileName.lastIndexOf(".") + 1);
    documents.push({
      id,
      fileName,
      mediaType: MEDIA_TYPES[extension as keyof typeof MEDIA_TYPES],
      sizeBytes: random.int(80_000, 4_000_000),
      sha256: random.hex(64),
      section,
      description,
      uploadedAt: `${uploadedOn}T${String(random.int(8, 17)).padStart(2, "0")}:${String(random.int(0, 59)).padStart(2, "0")}:00Z`,
    });
  };
  const slug = place.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  document("doc-case", `${slug}-case-for-change.docx`, "about", "Case for change", addDays(checkpoint1, -20));
  document("doc-finance", `${slug}-financial-model.xlsx`, "finance", "Financial model", addDays(checkpoint1, -18));

  const governingBodyApprovals: NonNullable<GovernanceSection["governingBodyApprovals"]> = [];
  const providerBoardApprovals: NonNullable<GovernanceSection["providerBoardApprovals"]> = [];
  for (const cp of [1, 2, 3] as const) {
    if (cp > checkpoint) break;
    const approved = addDays(checkpointDates[cp], -random.int(5, 30));
    document(
      `doc-gb-${cp}`,
      `${slug}-governing-body-minutes-cp${cp}.pdf`,
      "governance",
      `Governing body minutes, checkpoint ${cp}`,
      addDays(approved, 2),
    );
    governingBodyApprovals.push({
      id: `gb-approval-${cp}`,
      checkpoint: cp,
      date: approved,
      minuteReference: `GB/${approved.slice(0, 4)}/${random.int(40, 180)}`,
      evidenceDocumentId: `doc-gb-${cp}`,
    });
    if (cp >= 2) {
      const boardApproved = addDays(checkpointDates[cp], -random.int(5, 30));
      document(
        `doc-board-${cp}`,
        `${slug}-board-minutes-cp${cp}.pdf`,
        "governance",
        `${provider} board minutes, checkpoint ${cp}`,
        addDays(boardApproved, 2),
      );
      providerBoardApprovals.push({
        id: `board-approval-${cp}`,
        checkpoint: cp as 2 | 3,
        organisation: provider,
        date: boardApproved,
        minuteReference: `TB/${boardApproved.slice(2, 4)}/${random.int(10, 99)}`,
        evidenceDocumentId: `doc-board-${cp}`,
      });
    }
  }

  const content: SubmissionContent = {
    about: {
      title: modelType === "MCP" ? `${place} multispecialty community provider` : `${place} primary and acute care system`,
      modelType,
      footprintCode: options.footprintCode,
      ...(options.vanguardNumber === undefined ? {} : { vanguardNumber: options.vanguardNumber }),
      commissioners,
      procurementKind,
    },
    population: {
      registeredPopulation,
      practices,
      ...(hubs ? { hubs } : {}),
      servicesInScope,
    },
    contract: {
      contractOption,
      gpParticipationRoute: ROUTE_FOR_OPTION[contractOption],
      contractHolderForm,
      createsNewLegalEntity,
      nhsTrustOrFoundationTrustParty,
      contractTermYears,
      annualContractValuePence: pounds(annualValuePounds),
    },
    finance,
    outcomes: {
      metricYears,
      patientExperienceMeasure: random.pick(EXPERIENCE_MEASURES),
      plannedEmergencyAdmissionReductionPercent: cut,
    },
    enablers: {
      sevenDayServices: true,
      nhsNumberDataSharing: true,
      jointAssessmentWithLeadProfessional: true,
      acuteSectorImpactAgreed: true,
      delayedTransfersPlan: true,
      highImpactChanges: Object.fromEntries(HIGH_IMPACT_CHANGES.map((change) => [change, true])),
    },
    governance: {
      keyDates: {
        earlyEngagement,
        checkpoint1,
        procurementStart,
        preferredBidder,
        checkpoint2,
        contractSignature,
        checkpoint3,
        serviceStart,
      },
      governingBodyApprovals,
      ...(providerBoardApprovals.length > 0 ? { providerBoardApprovals } : {}),
      gpPracticesSignedUpPercent: random.int(78, 100),
      conflictsOfInterestProtocol: {
        inPlace: true,
        description:
          "CCG staff who helped design the model are recorded on the conflicts register and take no part in " +
          "evaluating bids; the governing body's lay members chair the procurement panel.",
      },
      patientAndPublicEngagementSummary:
        `${random.int(6, 24)} public events across ${place}, a survey with ${random.int(400, 2_500)} responses ` +
        "and a patient reference group that reviewed the service model before each governing-body decision.",
    },
    evidence: { documents },
  };
  return content;
}

// ---------------------------------------------------------------------------------------------
// Known problems: each turns a valid example into one that fails exactly one named blocking criterion,
// whatever the model type, checkpoint or criteria set.

export const BLOCKING_PROBLEMS = {
  noCommissioners: {
    criterionId: "ISAP-07",
    apply: (content: SubmissionContent) => {
      content.about = { ...content.about, commissioners: [] };
    },
  },
  noContractOption: {
    criterionId: "NCM-01",
    apply: (content: SubmissionContent) => {
      if (content.contract) delete content.contract.contractOption;
    },
  },
  datesOutOfOrder: {
    criterionId: "ISAP-04",
    apply: (content: SubmissionContent) => {
      const dates = content.governance?.keyDates;
      if (dates?.checkpoint1) dates.procurementStart = addDays(dates.checkpoint1, -1);
    },
  },
  approvalAfterCheckpoint: {
    criterionId: "ISAP-05",
    apply: (content: SubmissionContent) => {
      const dates = content.governance?.keyDates ?? {};
      for (const approval of content.governance?.governingBodyApprovals ?? []) {
        const due = approval.checkpoint === undefined ? undefined : dates[`checkpoint${approval.checkpoint}`];
        if (due) approval.date = addDays(due, 1);
      }
    },
  },
  servicesDoNotFitModel: {
    criterionId: "NCM-06",
    apply: (content: SubmissionContent) => {
      const population = content.population ?? {};
      const services = population.servicesInScope ?? [];
      population.servicesInScope =
        content.about?.modelType === "PACS"
          ? services.filter((s) => s !== "core_acute")
          : [...services.filter((s) => s !== "core_acute"), "core_acute"];
      content.population = population;
    },
  },
  figureOutOfRange: {
    criterionId: "BCF-14",
    apply: (content: SubmissionContent) => {
      const year = content.outcomes?.metricYears?.[0];
      if (year) year.nonElectiveAdmissionsPer100k = { ...year.nonElectiveAdmissionsPer100k, planned: 150_000_000 };
    },
  },
} as const;

export type BlockingProblem = keyof typeof BLOCKING_PROBLEMS;

/** A copy of `content` with one known blocking problem; the original is left alone. */
export function withProblem(content: SubmissionContent, problem: BlockingProblem): SubmissionContent {
  const copy = structuredClone(content);
  BLOCKING_PROBLEMS[problem].apply(copy);
  return copy;
}
