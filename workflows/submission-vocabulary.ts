// The fixed vocabulary of a submission's content: its sections and their titles, and every closed
// list a lead chooses from with the words it is shown in. Plain data with no imports, so pages can
// label answers without shipping Zod to the browser; workflows/submission.ts builds the section
// schemas from these lists and re-exports all of them.
export const SECTION_SLUGS = ["about", "population", "contract", "finance", "outcomes", "enablers", "governance", "evidence"] as const;
export type SectionSlug = (typeof SECTION_SLUGS)[number];

export const SECTION_TITLES: Record<SectionSlug, string> = {
  about: "About the proposal",
  population: "Population and scope",
  contract: "Contract and organisation",
  finance: "Finance and risk",
  outcomes: "Outcomes and metrics",
  enablers: "Integration enablers",
  governance: "Governance and engagement",
  evidence: "Evidence",
};

export function isSectionSlug(value: string): value is SectionSlug {
  return (SECTION_SLUGS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Value types shared by the sections

export const MODEL_TYPES = ["MCP", "PACS"] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const CHECKPOINTS = [1, 2, 3] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

// ---------------------------------------------------------------------------------------------
// 1. About the proposal

export const COMMISSIONER_KINDS = ["ccg", "nhs_england", "local_authority"] as const;
export type CommissionerKind = (typeof COMMISSIONER_KINDS)[number];
export const COMMISSIONER_KIND_LABELS: Record<CommissionerKind, string> = {
  ccg: "Clinical commissioning group (CCG)",
  nhs_england: "NHS England",
  local_authority: "Local authority",
};

export const PROCUREMENT_KINDS = ["new_arrangement", "re_procurement"] as const;
export type ProcurementKind = (typeof PROCUREMENT_KINDS)[number];
export const PROCUREMENT_KIND_LABELS: Record<ProcurementKind, string> = {
  new_arrangement: "New arrangement for existing services",
  re_procurement: "Re-procurement of a complex contract",
};

// ---------------------------------------------------------------------------------------------
// 2. Population and scope

export const SERVICES = [
  "general_practice",
  "community_health",
  "mental_health",
  "social_care",
  "public_health",
  "outpatients",
  "diagnostics",
  "urgent_care",
  "core_acute",
] as const;
export type Service = (typeof SERVICES)[number];
export const SERVICE_LABELS: Record<Service, string> = {
  general_practice: "General practice",
  community_health: "Community health services",
  mental_health: "Mental health services",
  social_care: "Social care",
  public_health: "Public health",
  outpatients: "Outpatient services",
  diagnostics: "Diagnostics",
  urgent_care: "Urgent care",
  core_acute: "Core acute hospital services",
};

// ---------------------------------------------------------------------------------------------
// 3. Contract and organisation

export const CONTRACT_OPTIONS = ["virtual", "partially_integrated", "fully_integrated"] as const;
export type ContractOption = (typeof CONTRACT_OPTIONS)[number];
export const CONTRACT_OPTION_LABELS: Record<ContractOption, string> = {
  virtual: "Virtual (alliance agreement)",
  partially_integrated: "Partially integrated",
  fully_integrated: "Fully integrated",
};

export const GP_PARTICIPATION_ROUTES = ["alliance_agreement", "integration_agreement", "suspended_contract_or_employment"] as const;
export type GpParticipationRoute = (typeof GP_PARTICIPATION_ROUTES)[number];
export const GP_PARTICIPATION_ROUTE_LABELS: Record<GpParticipationRoute, string> = {
  alliance_agreement: "Alliance agreement",
  integration_agreement: "Integration agreement (practices keep their GMS, PMS or APMS contract)",
  suspended_contract_or_employment: "Suspended GP contract, or GPs employed or subcontracted",
};

export const CONTRACT_HOLDER_FORMS = [
  "existing_nhs_provider",
  "new_nhs_trust",
  "joint_venture",
  "social_enterprise",
  "limited_liability_partnership",
] as const;
export type ContractHolderForm = (typeof CONTRACT_HOLDER_FORMS)[number];
export const CONTRACT_HOLDER_FORM_LABELS: Record<ContractHolderForm, string> = {
  existing_nhs_provider: "Existing NHS provider",
  new_nhs_trust: "New NHS trust",
  joint_venture: "Joint venture",
  social_enterprise: "Social enterprise",
  limited_liability_partnership: "Limited liability partnership",
};

// ---------------------------------------------------------------------------------------------
// 5. Outcomes and metrics

export const METRICS = [
  "nonElectiveAdmissionsPer100k",
  "careHomeAdmissionsPer100k65Plus",
  "stillAtHome91DaysPercent",
  "delayedTransfersNhsPer100k",
  "delayedTransfersSocialCarePer100k",
  "patientExperience",
] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_LABELS: Record<Metric, string> = {
  nonElectiveAdmissionsPer100k: "Non-elective admissions per 100,000 population",
  careHomeAdmissionsPer100k65Plus: "Permanent admissions to care homes per 100,000 aged 65 and over",
  stillAtHome91DaysPercent: "People aged 65 and over still at home 91 days after reablement (%)",
  delayedTransfersNhsPer100k: "Delayed transfer of care days per 100,000, attributable to the NHS",
  delayedTransfersSocialCarePer100k: "Delayed transfer of care days per 100,000, attributable to social care",
  patientExperience: "Patient experience measure",
};

// ---------------------------------------------------------------------------------------------
// 6. Integration enablers

export const HIGH_IMPACT_CHANGES = [
  "earlyDischargePlanning",
  "patientFlowMonitoring",
  "multidisciplinaryDischargeTeams",
  "homeFirstDischargeToAssess",
  "sevenDayServices",
  "trustedAssessors",
  "focusOnChoice",
  "enhancedHealthInCareHomes",
] as const;
export type HighImpactChange = (typeof HIGH_IMPACT_CHANGES)[number];
export const HIGH_IMPACT_CHANGE_LABELS: Record<HighImpactChange, string> = {
  earlyDischargePlanning: "Early discharge planning",
  patientFlowMonitoring: "Systems to monitor patient flow",
  multidisciplinaryDischargeTeams: "Multi-disciplinary and multi-agency discharge teams",
  homeFirstDischargeToAssess: "Home first and discharge to assess",
  sevenDayServices: "Seven-day services",
  trustedAssessors: "Trusted assessors",
  focusOnChoice: "Focus on choice",
  enhancedHealthInCareHomes: "Enhancing health in care homes",
};

// ---------------------------------------------------------------------------------------------
// 7. Governance and engagement

export const KEY_DATES = [
  "earlyEngagement",
  "checkpoint1",
  "procurementStart",
  "preferredBidder",
  "checkpoint2",
  "contractSignature",
  "checkpoint3",
  "serviceStart",
] as const;
export type KeyDate = (typeof KEY_DATES)[number];
export const KEY_DATE_LABELS: Record<KeyDate, string> = {
  earlyEngagement: "early engagement",
  checkpoint1: "checkpoint 1",
  procurementStart: "procurement start",
  preferredBidder: "preferred bidder",
  checkpoint2: "checkpoint 2",
  contractSignature: "contract signature",
  checkpoint3: "checkpoint 3",
  serviceStart: "service start",
};

// ---------------------------------------------------------------------------------------------
// 8. Evidence

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/** A moment as people in England read it: "2 December 2026 at 09:15". */
export function formatDateTime(iso: string): string {
  return DATE_TIME.format(new Date(iso));
}

/** A file's size as people read it: "340 KB", "4.2 MB". */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
