import { type Change, type ChangeKind, diffContent } from "./diff.ts";
import {
  COMMISSIONER_KIND_LABELS,
  CONTRACT_HOLDER_FORM_LABELS,
  CONTRACT_OPTION_LABELS,
  GP_PARTICIPATION_ROUTE_LABELS,
  HIGH_IMPACT_CHANGE_LABELS,
  KEY_DATE_LABELS,
  METRIC_LABELS,
  PROCUREMENT_KIND_LABELS,
  SECTION_SLUGS,
  SECTION_TITLES,
  type SectionSlug,
  SERVICE_LABELS,
  type SubmissionContent,
  sectionOfFieldPath,
  toFieldPathPattern,
} from "./submission.ts";
import { formatDateTime, formatFileSize } from "./submission-vocabulary.ts";

/**
 * What changed between two versions of a submission, in the words a reviewer reads: each change
 * labelled by its question ("Practice 3 (Church Street Surgery): List size") and its values as
 * written on the page (£ from pence, "1 April 2017", a service's name), grouped by section.
 */
export interface DescribedChange {
  fieldPath: string;
  kind: ChangeKind;
  label: string;
  before: string[] | null;
  after: string[] | null;
}

export interface Comparison {
  from: number;
  to: number;
  total: number;
  sections: { slug: SectionSlug; title: string; changes: DescribedChange[] }[];
}

export function compareVersions(from: number, to: number, before: SubmissionContent, after: SubmissionContent): Comparison {
  const changes = diffContent(before, after);
  const sections = SECTION_SLUGS.map((slug) => ({
    slug,
    title: SECTION_TITLES[slug],
    changes: changes.filter((c) => sectionOfFieldPath(c.fieldPath) === slug).map((c) => describe(c, before, after)),
  })).filter((s) => s.changes.length > 0);
  return { from, to, total: changes.length, sections };
}

/** Labels by field path pattern, where deriving one from the field's name would read badly. */
const FIELD_LABELS: Record<string, string> = {
  "about.footprintCode": "Footprint code",
  "about.procurementKind": "Procurement",
  "about.commissioners[].kind": "Kind",
  "population.practices[].odsCode": "ODS code",
  "contract.gpParticipationRoute": "GP participation route",
  "contract.contractHolderForm": "Contract holder",
  "contract.nhsTrustOrFoundationTrustParty": "An NHS trust or foundation trust is a party",
  "contract.contractTermYears": "Contract term (years)",
  "finance.budget": "Whole-population budget",
  "finance.budget.performancePaymentPercent": "Performance payment (%)",
  "finance.budget.unregisteredPatientsEstimatePence": "Estimate for unregistered patients",
  "finance.riskGainShare": "Risk and gain share",
  "finance.riskGainShare.hasRiskShare": "Shares risk with acute providers",
  "finance.novelContractValueMethod": "Novel method of setting the contract value",
  "finance.pooledBudgetMinimumPence": "Pooled budget minimum required",
  "finance.outOfHospitalRingFencePence": "Ring-fenced for NHS out-of-hospital services",
  "finance.outOfHospitalInvestmentPence": "Invested in NHS out-of-hospital services",
  "finance.riskShareRetainedPence": "Held back under a local risk-sharing agreement",
  "outcomes.plannedEmergencyAdmissionReductionPercent": "Planned cut in emergency admissions (%)",
  "enablers.sevenDayServices": "Seven-day services to support discharge",
  "enablers.nhsNumberDataSharing": "Data sharing based on the NHS number",
  "enablers.jointAssessmentWithLeadProfessional": "Joint assessment with an accountable lead professional",
  "enablers.acuteSectorImpactAgreed": "Impact on the acute sector agreed",
  "enablers.delayedTransfersPlan": "Plan to reduce delayed transfers of care",
  "enablers.highImpactChanges": "High Impact Change model",
  "governance.gpPracticesSignedUpPercent": "GP practices signed up (%)",
  "governance.conflictsOfInterestProtocol": "Conflict of interest protocol",
  "governance.patientAndPublicEngagementSummary": "Patient and public engagement",
  "evidence.documents[].mediaType": "Type",
  "evidence.documents[].sizeBytes": "Size",
  "evidence.documents[].sha256": "Content fingerprint (SHA-256)",
  "evidence.documents[].uploadedAt": "Uploaded",
};

/** `plannedEmergencyAdmissionReductionPercent` → "Planned emergency admission reduction (%)". */
function labelFromName(name: string): string {
  const percent = name.endsWith("Percent");
  const stem = name
    .replace(/Pence$|Percent$/, "")
    .replace(/Per100k/, " per 100,000")
    .replace(/Id$/, "");
  const words = stem
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/(\d+)/g, " $1 ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  const sentence = words
    .replace(/\bnhs\b/g, "NHS")
    .replace(/\bgp\b/g, "GP")
    .replace(/\bods\b/g, "ODS");
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${percent ? " (%)" : ""}`;
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function fieldLabel(pattern: string, key: string): string {
  const known = FIELD_LABELS[pattern];
  if (known) return known;
  if (/^outcomes\.metricYears\[\]\.[A-Za-z0-9]+$/.test(pattern) && key in METRIC_LABELS)
    return METRIC_LABELS[key as keyof typeof METRIC_LABELS];
  if (pattern.startsWith("enablers.highImpactChanges.") && key in HIGH_IMPACT_CHANGE_LABELS) {
    return HIGH_IMPACT_CHANGE_LABELS[key as keyof typeof HIGH_IMPACT_CHANGE_LABELS];
  }
  if (pattern.startsWith("governance.keyDates.") && key in KEY_DATE_LABELS)
    return capitalise(KEY_DATE_LABELS[key as keyof typeof KEY_DATE_LABELS]);
  return labelFromName(key);
}

type Row = Record<string, unknown>;

/** What to call one row of a repeatable group, by its own answers where it has them. */
function rowLabel(listPattern: string, row: Row | undefined, index: number): string {
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
  const named = (noun: string, name: string | undefined) => (name ? `${noun} ${index + 1} (${name})` : `${noun} ${index + 1}`);
  switch (listPattern) {
    case "about.commissioners":
      return named("Commissioner", text(row?.name));
    case "population.practices":
      return named("Practice", text(row?.name) ?? text(row?.odsCode));
    case "population.hubs":
      return named("Hub", text(row?.name));
    case "outcomes.metricYears":
      return text(row?.financialYear) ? `Figures for ${text(row?.financialYear)}` : `Figures, row ${index + 1}`;
    case "governance.governingBodyApprovals":
      return row?.checkpoint ? `Governing body approval for checkpoint ${String(row.checkpoint)}` : `Governing body approval ${index + 1}`;
    case "governance.providerBoardApprovals":
      return row?.checkpoint ? `Provider board approval for checkpoint ${String(row.checkpoint)}` : `Provider board approval ${index + 1}`;
    case "evidence.documents":
      return named("Document", text(row?.fileName));
    default:
      return `Row ${index + 1}`;
  }
}

/** "population.practices[2].listSize", read in `content` → "Practice 3 (Church Street Surgery): List size". */
function pathLabel(fieldPath: string, content: SubmissionContent): string {
  const parts: string[] = [];
  let node: unknown = content;
  let pattern = "";
  for (const [, key, index] of fieldPath.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)) {
    if (key !== undefined) {
      node = node && typeof node === "object" ? (node as Row)[key] : undefined;
      pattern = pattern === "" ? key : `${pattern}.${key}`;
      // The section is the group heading; every other name is part of the label.
      if (pattern !== key) parts.push(fieldLabel(pattern, key));
    } else if (index !== undefined) {
      const row = Array.isArray(node) ? (node[Number(index)] as Row | undefined) : undefined;
      // A row stands in for its list's name: "Practice 3 (…)", not "Practices: Practice 3 (…)".
      parts.pop();
      parts.push(rowLabel(pattern, row, Number(index)));
      node = row;
      pattern = `${pattern}[]`;
    }
  }
  return parts.join(": ") || SECTION_TITLES[sectionOfFieldPath(fieldPath) ?? "about"];
}

const ENUM_LABELS: Record<string, Record<string, string>> = {
  kind: COMMISSIONER_KIND_LABELS,
  procurementKind: PROCUREMENT_KIND_LABELS,
  contractOption: CONTRACT_OPTION_LABELS,
  gpParticipationRoute: GP_PARTICIPATION_ROUTE_LABELS,
  contractHolderForm: CONTRACT_HOLDER_FORM_LABELS,
  servicesInScope: SERVICE_LABELS,
  section: SECTION_TITLES,
  mediaType: {
    "application/pdf": "PDF",
    "application/msword": "Word (.doc)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.ms-excel": "Excel (.xls)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
  },
};

const numberFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** One value as a reader expects it: £ from pence, "1 April 2017", "Yes", a service's name. */
function formatScalar(key: string, value: unknown): string {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") {
    if (key.endsWith("Pence")) {
      return `£${new Intl.NumberFormat("en-GB", { minimumFractionDigits: value % 100 === 0 ? 0 : 2, maximumFractionDigits: 2 }).format(value / 100)}`;
    }
    if (key.endsWith("Percent")) return `${numberFormat.format(value)}%`;
    if (key === "sizeBytes") return formatFileSize(value);
    return numberFormat.format(value);
  }
  if (typeof value === "string") {
    const label = ENUM_LABELS[key]?.[value];
    if (label) return label;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dateFormat.format(new Date(`${value}T00:00:00Z`));
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return formatDateTime(value);
    return value;
  }
  return JSON.stringify(value);
}

/** A value as lines: one for a plain value, one per answer for a whole row or group. */
function formatValue(pattern: string, key: string, value: unknown): string[] | null {
  if (value === undefined || value === null || value === "") return null;
  if (Array.isArray(value)) return value.flatMap((item) => formatValue(`${pattern}[]`, key, item) ?? []);
  if (typeof value === "object") {
    return Object.entries(value as Row).flatMap(([childKey, child]) => {
      if (childKey === "id" || childKey === "sha256" || childKey === "evidenceDocumentId") return [];
      const childPattern = `${pattern}.${childKey}`;
      const lines = formatValue(childPattern, childKey, child);
      if (!lines) return [];
      const label = fieldLabel(childPattern, childKey);
      return lines.length === 1 ? [`${label}: ${lines[0]}`] : lines.map((line) => `${label}, ${line}`);
    });
  }
  return [formatScalar(key, value)];
}

function describe(change: Change, before: SubmissionContent, after: SubmissionContent): DescribedChange {
  const pattern = toFieldPathPattern(change.fieldPath);
  const key = /([A-Za-z0-9]+)(?:\[\d+\])?$/.exec(change.fieldPath)?.[1] ?? "";
  return {
    fieldPath: change.fieldPath,
    kind: change.kind,
    // Rows are named as they are in the version their index belongs to.
    label: pathLabel(change.fieldPath, change.kind === "removed" ? before : after),
    before: formatValue(pattern, key, change.before),
    after: formatValue(pattern, key, change.after),
  };
}
