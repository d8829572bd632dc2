// The content of a submission: one Zod schema per section of the task list.
//
// A draft may be incomplete, so every field a lead types is optional here: whether a submission is
// complete enough to go forward is for the criteria (rows of criteria_set, run by
// workflows/criteria-data/) to judge, field by field, with messages a lead understands. What the
// schemas do insist on is that whatever *is* given has the right type, so that the criteria never
// have to guess: counts are whole numbers, money is integer pence, percentages run 0 to 100, dates
// are real calendar dates.
//
// Units, fixed once here so nobody has to guess later:
// - money is GBP held as integer pence (fields end in `Pence`), so sums are exact; £1 = 100.
// - dates are ISO `YYYY-MM-DD` strings; financial years are `2017-18` (April to March).
// - rates "per 100,000" are plain non-negative numbers and may carry decimals (716.9).
//
// Repeatable rows carry an optional `id`, stable across edits, so that comparing two versions can
// match a row by who it is rather than by where it happens to sit in the list.
import { z } from "zod";
import {
  COMMISSIONER_KINDS,
  CONTRACT_HOLDER_FORMS,
  CONTRACT_OPTIONS,
  GP_PARTICIPATION_ROUTES,
  HIGH_IMPACT_CHANGES,
  type HighImpactChange,
  isSectionSlug,
  KEY_DATES,
  type KeyDate,
  MAX_EVIDENCE_BYTES,
  MODEL_TYPES,
  PROCUREMENT_KINDS,
  SECTION_SLUGS,
  type SectionSlug,
  SERVICES,
} from "./submission-vocabulary.ts";

// The lists and their words live apart from the schemas so that pages can show them without
// shipping Zod to the browser; everything is still importable from here.
export * from "./submission-vocabulary.ts";

const text = z.string().trim().max(10_000);
const shortText = z.string().trim().max(300);
const rowId = z.string().min(1).max(100);

/** A head count or other count of people, practices or days. */
const count = z.int().min(0);
/** GBP as integer pence. */
const pence = z.int().min(0);
const percent = z.number().min(0).max(100);
/** A rate such as admissions per 100,000 population; decimals allowed. */
const rate = z.number().min(0);

/** ISO `YYYY-MM-DD` that is a real calendar date (Zod's check knows month lengths and leap years). */
export const isoDate = z.iso.date({ error: "Enter a real date in the format YYYY-MM-DD" });

/** A financial year such as `2017-18`: April 2017 to March 2018, so the second part is the first plus one. */
export const financialYear = z
  .string()
  .regex(/^\d{4}-\d{2}$/, { error: "Enter a financial year like 2017-18" })
  .refine((value) => (Number(value.slice(0, 4)) + 1) % 100 === Number(value.slice(5, 7)), {
    error: "The second year must follow the first, like 2017-18",
  });

/** The code of an STP footprint, e.g. `E54000007`. */
const footprintCode = z.string().regex(/^E54\d{6}$/, { error: "Enter a footprint code like E54000007" });

/** A GP practice's ODS code: one letter and five digits, e.g. `P84001`. */
const odsPracticeCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]\d{5}$/, { error: "Enter an ODS practice code like P84001" });

const checkpoint = z.union([z.literal(1), z.literal(2), z.literal(3)]);

// ---------------------------------------------------------------------------------------------
// 1. About the proposal

export const CommissionerSchema = z.object({
  id: rowId.optional(),
  name: shortText.optional(),
  kind: z.enum(COMMISSIONER_KINDS).optional(),
});

export const AboutSchema = z.object({
  title: shortText.optional(),
  modelType: z.enum(MODEL_TYPES).optional(),
  footprintCode: footprintCode.optional(),
  /** NHS England's number for the vanguard (1 to 50), when the proposal comes from one. */
  vanguardNumber: z.int().min(1).optional(),
  commissioners: z.array(CommissionerSchema).optional(),
  procurementKind: z.enum(PROCUREMENT_KINDS).optional(),
});

// ---------------------------------------------------------------------------------------------
// 2. Population and scope

export const PracticeSchema = z.object({
  id: rowId.optional(),
  name: shortText.optional(),
  odsCode: odsPracticeCode.optional(),
  listSize: count.optional(),
});

export const HubSchema = z.object({
  id: rowId.optional(),
  name: shortText.optional(),
  population: count.optional(),
});

export const PopulationSchema = z.object({
  registeredPopulation: count.optional(),
  practices: z.array(PracticeSchema).optional(),
  /** Only an MCP organises care in hubs; a PACS leaves this empty. */
  hubs: z.array(HubSchema).optional(),
  servicesInScope: z
    .array(z.enum(SERVICES))
    .refine((services) => new Set(services).size === services.length, { error: "Select each service once" })
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// 3. Contract and organisation

export const ContractSchema = z.object({
  contractOption: z.enum(CONTRACT_OPTIONS).optional(),
  gpParticipationRoute: z.enum(GP_PARTICIPATION_ROUTES).optional(),
  contractHolderForm: z.enum(CONTRACT_HOLDER_FORMS).optional(),
  createsNewLegalEntity: z.boolean().optional(),
  nhsTrustOrFoundationTrustParty: z.boolean().optional(),
  contractTermYears: z.int().min(1).max(50).optional(),
  /** May well exceed £100 million a year: Dudley's MCP was about £250 million. */
  annualContractValuePence: pence.optional(),
});

// ---------------------------------------------------------------------------------------------
// 4. Finance and risk

export const FinanceSchema = z.object({
  /** The whole-population ("capitated") budget a fully integrated contract is paid by. */
  budget: z
    .object({
      capitatedSumPence: pence.optional(),
      /** Share of the contract sum paid only when outcomes are met. */
      performancePaymentPercent: percent.optional(),
      unregisteredPatientsEstimatePence: pence.optional(),
    })
    .optional(),
  riskGainShare: z
    .object({
      hasRiskShare: z.boolean().optional(),
      /** Who shares what with the acute providers, e.g. savings on avoidable secondary care. */
      description: text.optional(),
    })
    .optional(),
  novelContractValueMethod: z
    .object({
      used: z.boolean().optional(),
      description: text.optional(),
    })
    .optional(),
  /** Better Care Fund pooled budget: what this proposal puts in, and the minimum required. */
  pooledBudgetContributionPence: pence.optional(),
  pooledBudgetMinimumPence: pence.optional(),
  /** 2017-19 condition: part of the CCG minimum ring-fenced for NHS out-of-hospital services. */
  outOfHospitalRingFencePence: pence.optional(),
  /** 2016-17 condition 7: invested in NHS out-of-hospital services ... */
  outOfHospitalInvestmentPence: pence.optional(),
  /** ... or held back under a local risk-sharing agreement. */
  riskShareRetainedPence: pence.optional(),
});

// ---------------------------------------------------------------------------------------------
// 5. Outcomes and metrics

const baselineAndPlanned = (figure: z.ZodNumber) =>
  z.object({
    baseline: figure.optional(),
    planned: figure.optional(),
  });

export const MetricYearSchema = z.object({
  id: rowId.optional(),
  financialYear: financialYear.optional(),
  nonElectiveAdmissionsPer100k: baselineAndPlanned(rate).optional(),
  careHomeAdmissionsPer100k65Plus: baselineAndPlanned(rate).optional(),
  stillAtHome91DaysPercent: baselineAndPlanned(percent).optional(),
  delayedTransfersNhsPer100k: baselineAndPlanned(rate).optional(),
  delayedTransfersSocialCarePer100k: baselineAndPlanned(rate).optional(),
  /** In the unit of the measure named in `patientExperienceMeasure`. */
  patientExperience: baselineAndPlanned(rate).optional(),
});

export const OutcomesSchema = z.object({
  metricYears: z.array(MetricYearSchema).optional(),
  /** Locally chosen, e.g. a GP patient survey question on involvement in decisions about care. */
  patientExperienceMeasure: shortText.optional(),
  plannedEmergencyAdmissionReductionPercent: percent.optional(),
});

// ---------------------------------------------------------------------------------------------
// 6. Integration enablers

export const EnablersSchema = z.object({
  sevenDayServices: z.boolean().optional(),
  nhsNumberDataSharing: z.boolean().optional(),
  jointAssessmentWithLeadProfessional: z.boolean().optional(),
  acuteSectorImpactAgreed: z.boolean().optional(),
  delayedTransfersPlan: z.boolean().optional(),
  highImpactChanges: z
    .object(
      Object.fromEntries(HIGH_IMPACT_CHANGES.map((change) => [change, z.boolean().optional()])) as Record<
        HighImpactChange,
        z.ZodOptional<z.ZodBoolean>
      >,
    )
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// 7. Governance and engagement

export const GoverningBodyApprovalSchema = z.object({
  id: rowId.optional(),
  checkpoint: checkpoint.optional(),
  date: isoDate.optional(),
  minuteReference: shortText.optional(),
  /** The uploaded minutes (an `evidence.documents[].id`). */
  evidenceDocumentId: rowId.optional(),
});

export const ProviderBoardApprovalSchema = z.object({
  id: rowId.optional(),
  /** The provider's board is asked from checkpoint 2, once there is a preferred bidder. */
  checkpoint: z.union([z.literal(2), z.literal(3)]).optional(),
  organisation: shortText.optional(),
  date: isoDate.optional(),
  minuteReference: shortText.optional(),
  evidenceDocumentId: rowId.optional(),
});

export const GovernanceSchema = z.object({
  keyDates: z
    .object(Object.fromEntries(KEY_DATES.map((key) => [key, isoDate.optional()])) as Record<KeyDate, z.ZodOptional<typeof isoDate>>)
    .optional(),
  governingBodyApprovals: z.array(GoverningBodyApprovalSchema).optional(),
  providerBoardApprovals: z.array(ProviderBoardApprovalSchema).optional(),
  gpPracticesSignedUpPercent: percent.optional(),
  conflictsOfInterestProtocol: z
    .object({
      inPlace: z.boolean().optional(),
      description: text.optional(),
    })
    .optional(),
  patientAndPublicEngagementSummary: text.optional(),
});

// ---------------------------------------------------------------------------------------------
// 8. Evidence

export const EVIDENCE_MEDIA_TYPES = [
  "application/pdf",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
] as const;
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number];

// Unlike the fields a lead types, a document row is written whole by the upload, so its fields are
// required: a row without a hash or a size is a bug, not a draft.
export const EvidenceDocumentSchema = z.object({
  id: rowId,
  fileName: z.string().min(1).max(255),
  mediaType: z.enum(EVIDENCE_MEDIA_TYPES),
  sizeBytes: z.int().min(1).max(MAX_EVIDENCE_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  section: z.enum(SECTION_SLUGS),
  description: shortText.optional(),
  uploadedAt: z.iso.datetime(),
});

export const EvidenceSchema = z.object({
  documents: z.array(EvidenceDocumentSchema).optional(),
});

// ---------------------------------------------------------------------------------------------
// The whole submission

export const sectionSchemas = {
  about: AboutSchema,
  population: PopulationSchema,
  contract: ContractSchema,
  finance: FinanceSchema,
  outcomes: OutcomesSchema,
  enablers: EnablersSchema,
  governance: GovernanceSchema,
  evidence: EvidenceSchema,
} as const satisfies { [K in SectionSlug]: z.ZodType };

export type AboutSection = z.infer<typeof AboutSchema>;
export type PopulationSection = z.infer<typeof PopulationSchema>;
export type ContractSection = z.infer<typeof ContractSchema>;
export type FinanceSection = z.infer<typeof FinanceSchema>;
export type OutcomesSection = z.infer<typeof OutcomesSchema>;
export type EnablersSection = z.infer<typeof EnablersSchema>;
export type GovernanceSection = z.infer<typeof GovernanceSchema>;
export type EvidenceSection = z.infer<typeof EvidenceSchema>;
export type Commissioner = z.infer<typeof CommissionerSchema>;
export type Practice = z.infer<typeof PracticeSchema>;
export type Hub = z.infer<typeof HubSchema>;
export type MetricYear = z.infer<typeof MetricYearSchema>;
export type GoverningBodyApproval = z.infer<typeof GoverningBodyApprovalSchema>;
export type ProviderBoardApproval = z.infer<typeof ProviderBoardApprovalSchema>;
export type EvidenceDocument = z.infer<typeof EvidenceDocumentSchema>;
export type SectionContent<K extends SectionSlug> = z.infer<(typeof sectionSchemas)[K]>;

export const SubmissionContentSchema = z.object({
  about: AboutSchema.optional(),
  population: PopulationSchema.optional(),
  contract: ContractSchema.optional(),
  finance: FinanceSchema.optional(),
  outcomes: OutcomesSchema.optional(),
  enablers: EnablersSchema.optional(),
  governance: GovernanceSchema.optional(),
  evidence: EvidenceSchema.optional(),
});
export type SubmissionContent = z.infer<typeof SubmissionContentSchema>;

// ---------------------------------------------------------------------------------------------
// Field paths
//
// A field path names one field of the content: `about.commissioners`, `population.practices[2].listSize`.
// Criteria report the field at fault by path, comments are pinned to a path, and version diffs are
// keyed by path, so a path that names nothing is a bug worth catching early.

/** `population.practices[2].listSize` → `population.practices[].listSize`. */
export function toFieldPathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/** The section a field path points into, e.g. `population` for `population.practices[0].name`. */
export function sectionOfFieldPath(path: string): SectionSlug | undefined {
  const match = /^[A-Za-z]+/.exec(path);
  return match && isSectionSlug(match[0]) ? match[0] : undefined;
}

export type FieldPathSegment = { kind: "key"; key: string } | { kind: "index"; any: boolean; index: number };
type Segment = FieldPathSegment;

/**
 * "population.practices[1].listSize" → its keys and row indexes; `[]` is any row. Undefined when
 * malformed (a leading zero too, which would give one row two names).
 */
export function parseFieldPath(path: string): Segment[] | undefined {
  const segments: Segment[] = [];
  const token = /([A-Za-z][A-Za-z0-9]*)|\[(\d*)\]|(\.)/y;
  let expectKey = true;
  while (token.lastIndex < path.length) {
    const match = token.exec(path);
    if (!match) return undefined;
    if (match[1] !== undefined) {
      if (!expectKey) return undefined;
      segments.push({ kind: "key", key: match[1] });
      expectKey = false;
    } else if (match[2] !== undefined) {
      if (expectKey) return undefined;
      // Leading zeros would give one row two names.
      if (match[2].length > 1 && match[2].startsWith("0")) return undefined;
      segments.push({ kind: "index", any: match[2] === "", index: match[2] === "" ? -1 : Number(match[2]) });
    } else {
      if (expectKey) return undefined;
      expectKey = true;
    }
  }
  return expectKey ? undefined : segments;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else {
      return current;
    }
  }
}

const knownPaths = new Map<string, boolean>();

/**
 * Whether `path` names a field the schemas have. Array rows are addressed by index
 * (`practices[2]`); with `allowAnyIndex`, `practices[]` stands for any row, as criteria declare it.
 */
export function isKnownFieldPath(path: string, options: { allowAnyIndex?: boolean } = {}): boolean {
  const cacheKey = `${options.allowAnyIndex ? "*" : ""}${path}`;
  const cached = knownPaths.get(cacheKey);
  if (cached !== undefined) return cached;
  const known = walk(path, options.allowAnyIndex ?? false);
  if (knownPaths.size < 10_000) knownPaths.set(cacheKey, known);
  return known;
}

function walk(path: string, allowAnyIndex: boolean): boolean {
  const segments = parseFieldPath(path);
  if (!segments) return false;
  let schema: z.ZodType = SubmissionContentSchema;
  for (const segment of segments) {
    const current = unwrap(schema);
    if (segment.kind === "key") {
      if (!(current instanceof z.ZodObject)) return false;
      const shape = current.shape as Record<string, z.ZodType>;
      if (!Object.hasOwn(shape, segment.key)) return false;
      schema = shape[segment.key] as z.ZodType;
    } else {
      if (!(current instanceof z.ZodArray)) return false;
      if (segment.any && !allowAnyIndex) return false;
      schema = current.element as z.ZodType;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading saved drafts
//
// A save keeps what the lead typed, valid or not, but the criteria must only ever see well-typed
// content (a rule comparing a population typed as "about 40k" would be meaningless, or throw). So
// before evaluating a stored draft, keep the part of it that is valid and report the rest by field.

export interface FieldIssue {
  fieldPath: string;
  message: string;
}

const REMOVED = Symbol("removed");
type PathKey = PropertyKey;

function toFieldPath(slug: SectionSlug, path: readonly PathKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : `${out}.${String(key)}`), slug);
}

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === "object" && value !== null;
}

/** Removes the deepest part of `path` that is present in `root`; returns the new root. */
function removeAt(root: unknown, path: readonly PathKey[]): unknown {
  // An earlier issue in the same pass may already have removed a row this path runs through.
  let node: unknown = root;
  for (const key of path) {
    if (!isRecord(node)) break;
    node = node[key];
    if (node === REMOVED) return root;
  }
  for (let length = path.length; length > 0; length -= 1) {
    let parent: unknown = root;
    for (const key of path.slice(0, length - 1)) parent = isRecord(parent) ? parent[key] : undefined;
    const last = path[length - 1] as PathKey;
    if (!isRecord(parent) || parent[last] === undefined || parent[last] === REMOVED) continue;
    if (Array.isArray(parent)) (parent as unknown[])[last as number] = REMOVED;
    else delete parent[last];
    return root;
  }
  return REMOVED;
}

function dropRemoved(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== REMOVED).map(dropRemoved);
  if (isRecord(value)) {
    for (const key of Object.keys(value)) value[key] = dropRemoved(value[key]);
  }
  return value;
}

/**
 * The valid part of a stored draft, section by section, and an issue for each field left out. Fields
 * that fail their type are dropped (a row missing a required field is dropped whole); everything
 * valid is kept, so the criteria judge as much of the draft as they can.
 */
export function parseSubmissionContent(raw: unknown): { content: SubmissionContent; issues: FieldIssue[] } {
  const content: Record<string, unknown> = {};
  const issues = new Map<string, string>();
  const source = isRecord(raw) && !Array.isArray(raw) ? raw : {};
  for (const slug of SECTION_SLUGS) {
    if (source[slug] === undefined) continue;
    // Most sections are valid as stored: parse them as they are, and copy only one that needs pruning.
    const whole = sectionSchemas[slug].safeParse(source[slug]);
    if (whole.success) {
      content[slug] = whole.data;
      continue;
    }
    let value: unknown = structuredClone(source[slug]);
    for (let pass = 0; pass < 25 && value !== REMOVED; pass += 1) {
      const result = sectionSchemas[slug].safeParse(value);
      if (result.success) {
        content[slug] = result.data;
        break;
      }
      for (const issue of result.error.issues) {
        const fieldPath = toFieldPath(slug, issue.path);
        if (!issues.has(fieldPath)) issues.set(fieldPath, issue.message);
        value = value === REMOVED ? REMOVED : removeAt(value, issue.path);
      }
      if (value !== REMOVED) value = dropRemoved(value);
    }
  }
  return {
    content: content as SubmissionContent,
    issues: [...issues].map(([fieldPath, message]) => ({ fieldPath, message })),
  };
}
