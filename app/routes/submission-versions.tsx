import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-versions";
import { formatDateTime } from "../status.ts";
import { db } from "../.server/db.ts";
import { requireUser } from "../.server/session.ts";
import { requireSubmission } from "../.server/submissions.ts";
import { findVersion } from "../../db/submissions.ts";
import { listVersionsWithSubmitters } from "../../db/versions.ts";
import { type Change, type ChangeKind, diffContent } from "../../workflows/diff.ts";
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
} from "../../workflows/submission.ts";

const CompareQuery = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const { submission } = await requireSubmission(db(), user, params.id);
  const versions = await listVersionsWithSubmitters(db(), submission.id);

  const url = new URL(request.url);
  const query = CompareQuery.safeParse({
    from: url.searchParams.get("from") || undefined,
    to: url.searchParams.get("to") || undefined,
  });
  if (!query.success) throw data("Choose two versions to compare from the lists.", { status: 400 });

  let comparison: Comparison | null = null;
  if (versions.length >= 2) {
    // By default, what changed in the latest resubmission.
    const from = query.data.from ?? versions.at(-2)!.number;
    const to = query.data.to ?? versions.at(-1)!.number;
    const [before, after] = await Promise.all([findVersion(db(), submission.id, from), findVersion(db(), submission.id, to)]);
    if (!before || !after) throw data("Version not found", { status: 404 });
    comparison = compare(from, to, before.content, after.content);
  }

  return {
    submission: { id: submission.id, title: submission.title },
    versions: versions.map((v) => ({
      number: v.number,
      checkpoint: v.checkpoint,
      submittedBy: v.submittedByName ?? "A former user",
      submittedAt: v.submittedAt,
    })),
    comparison,
  };
}

// ---------------------------------------------------------------------------------------------
// Describing changes in words

interface DescribedChange {
  fieldPath: string;
  kind: ChangeKind;
  label: string;
  before: string[] | null;
  after: string[] | null;
}

interface Comparison {
  from: number;
  to: number;
  total: number;
  sections: { slug: SectionSlug; title: string; changes: DescribedChange[] }[];
}

function compare(from: number, to: number, before: SubmissionContent, after: SubmissionContent): Comparison {
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

function fileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** One value as a reader expects it: £ from pence, "1 April 2017", "Yes", a service's name. */
function formatScalar(key: string, value: unknown): string {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") {
    if (key.endsWith("Pence")) {
      return `£${new Intl.NumberFormat("en-GB", { minimumFractionDigits: value % 100 === 0 ? 0 : 2, maximumFractionDigits: 2 }).format(value / 100)}`;
    }
    if (key.endsWith("Percent")) return `${numberFormat.format(value)}%`;
    if (key === "sizeBytes") return fileSize(value);
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

// ---------------------------------------------------------------------------------------------

const KIND_TAGS: Record<ChangeKind, { text: string; className: string }> = {
  added: { text: "Added", className: "nhsuk-tag nhsuk-tag--green" },
  removed: { text: "Removed", className: "nhsuk-tag nhsuk-tag--red" },
  changed: { text: "Changed", className: "nhsuk-tag nhsuk-tag--blue" },
};

function Lines({ lines }: { lines: string[] | null }) {
  if (!lines || lines.length === 0) return <span className="nhsuk-u-secondary-text-colour">Not given</span>;
  if (lines.length === 1) return <>{lines[0]}</>;
  return (
    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one value, in a fixed order
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

export default function Versions({ loaderData }: Route.ComponentProps) {
  const { submission, versions, comparison } = loaderData;
  return (
    <>
      <Link className="nhsuk-back-link" to={`/submissions/${submission.id}`}>
        Back to the submission
      </Link>
      <span className="nhsuk-caption-l">{submission.title}</span>
      <h1>Versions</h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <p>
            Each time the submission is submitted, the whole of it is frozen as a version. Versions never change, so you can see exactly
            what the national team assessed, and compare any two.
          </p>
        </div>
      </div>

      {versions.length === 0 ? (
        <p>Nothing has been submitted yet.</p>
      ) : (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--m">Submitted versions</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Version
              </th>
              <th className="nhsuk-table__header" scope="col">
                Checkpoint
              </th>
              <th className="nhsuk-table__header" scope="col">
                Submitted by
              </th>
              <th className="nhsuk-table__header" scope="col">
                Submitted
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {versions.map((v) => (
              <tr className="nhsuk-table__row" key={v.number}>
                <td className="nhsuk-table__cell">Version {v.number}</td>
                <td className="nhsuk-table__cell">Checkpoint {v.checkpoint}</td>
                <td className="nhsuk-table__cell">{v.submittedBy}</td>
                <td className="nhsuk-table__cell">{formatDateTime(v.submittedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {versions.length === 1 ? <p>There is one version so far, so there is nothing to compare it with yet.</p> : null}

      {comparison ? (
        <>
          <h2 className="nhsuk-heading-m">Compare versions</h2>
          <Form method="get" className="nhsuk-u-margin-bottom-6">
            <div className="nhsuk-grid-row">
              <div className="nhsuk-grid-column-one-quarter">
                <div className="nhsuk-form-group">
                  <label className="nhsuk-label" htmlFor="compare-from">
                    From version
                  </label>
                  <select
                    className="nhsuk-select"
                    id="compare-from"
                    name="from"
                    defaultValue={comparison.from}
                    key={`from-${comparison.from}`}
                  >
                    {versions.map((v) => (
                      <option key={v.number} value={v.number}>
                        Version {v.number}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <div className="nhsuk-grid-column-one-quarter">
                <div className="nhsuk-form-group">
                  <label className="nhsuk-label" htmlFor="compare-to">
                    To version
                  </label>
                  <select className="nhsuk-select" id="compare-to" name="to" defaultValue={comparison.to} key={`to-${comparison.to}`}>
                    {versions.map((v) => (
                      <option key={v.number} value={v.number}>
                        Version {v.number}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            </div>
            <button className="nhsuk-button nhsuk-button--secondary" type="submit">
              Compare
            </button>
          </Form>

          <h2 className="nhsuk-heading-m" id="changes">
            Changes from version {comparison.from} to version {comparison.to}
          </h2>
          {comparison.total === 0 ? (
            <p>Nothing changed between these versions.</p>
          ) : (
            <p>
              {comparison.total === 1 ? "1 change" : `${comparison.total} changes`} in{" "}
              {comparison.sections.length === 1 ? "1 section" : `${comparison.sections.length} sections`}.
            </p>
          )}
          {comparison.sections.map((section) => (
            <table className="nhsuk-table" key={section.slug}>
              <caption className="nhsuk-table__caption nhsuk-table__caption--s">{section.title}</caption>
              <thead className="nhsuk-table__head">
                <tr className="nhsuk-table__row">
                  <th className="nhsuk-table__header" scope="col">
                    Field
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Version {comparison.from}
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Version {comparison.to}
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Change
                  </th>
                </tr>
              </thead>
              <tbody className="nhsuk-table__body">
                {section.changes.map((change, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a field may change more than once in one list; the order is fixed
                  <tr className="nhsuk-table__row" key={`${change.fieldPath}:${change.kind}:${i}`} data-field-path={change.fieldPath}>
                    <th className="nhsuk-table__header" scope="row">
                      {change.label}
                    </th>
                    <td className="nhsuk-table__cell">
                      <Lines lines={change.before} />
                    </td>
                    <td className="nhsuk-table__cell">
                      <Lines lines={change.after} />
                    </td>
                    <td className="nhsuk-table__cell">
                      <strong className={KIND_TAGS[change.kind].className}>{KIND_TAGS[change.kind].text}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </>
      ) : null}
    </>
  );
}

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Versions – ${loaderData.submission.title} – NCM Assure` : "Versions – NCM Assure" },
];
