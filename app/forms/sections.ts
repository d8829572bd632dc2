// The seven section forms a lead fills in (evidence has its own upload page). Each is described
// once (labels, hints, kinds of field) and its Zod form schema is built from the description: see
// spec.ts and section-schemas.ts. Field names are the section schema's own (workflows/submission.ts).
import {
  COMMISSIONER_KIND_LABELS,
  CONTRACT_HOLDER_FORM_LABELS,
  CONTRACT_OPTION_LABELS,
  GP_PARTICIPATION_ROUTE_LABELS,
  HIGH_IMPACT_CHANGE_LABELS,
  KEY_DATE_LABELS,
  KEY_DATES,
  METRIC_LABELS,
  METRICS,
  PROCUREMENT_KIND_LABELS,
  type SectionSlug,
  SERVICE_LABELS,
} from "../../workflows/submission-vocabulary.ts";
import { capitalise } from "./parse.ts";
import type { FieldSpec, Option } from "./spec.ts";

export type EditableSection = Exclude<SectionSlug, "evidence">;

export const EDITABLE_SECTIONS = [
  "about",
  "population",
  "contract",
  "finance",
  "outcomes",
  "enablers",
  "governance",
] as const satisfies readonly EditableSection[];

export function isEditableSection(value: string | undefined): value is EditableSection {
  return (EDITABLE_SECTIONS as readonly string[]).includes(value ?? "");
}

const optionsOf = (labels: Record<string, string>): Option[] => Object.entries(labels).map(([value, label]) => ({ value, label }));

const SHORT = 300;
const LONG = 10_000;
const FOR_EXAMPLE_DATE = "For example, 15 3 2017";

// ---------------------------------------------------------------------------------------------

const about: readonly FieldSpec[] = [
  {
    kind: "text",
    name: "title",
    label: "Title of the proposal",
    hint: "A short name people will recognise, like ‘Dudley multispecialty community provider’.",
    maxLength: SHORT,
  },
  {
    kind: "radios",
    name: "modelType",
    label: "Model type",
    options: [
      {
        value: "MCP",
        label: "Multispecialty community provider (MCP)",
        hint: "Joins up general practice, community, mental health and social care, and may take on some hospital services such as outpatients and diagnostics.",
      },
      {
        value: "PACS",
        label: "Primary and acute care system (PACS)",
        hint: "Joins up general practice, community and mental health services with hospital services, including core acute services.",
      },
    ],
  },
  {
    kind: "select",
    name: "footprintCode",
    label: "Sustainability and transformation plan (STP) footprint",
    source: "footprints",
    emptyLabel: "Select a footprint",
    pattern: { regex: /^E54\d{6}$/, message: "Select a footprint from the list" },
  },
  {
    kind: "wholeNumber",
    name: "vanguardNumber",
    label: "Vanguard number (optional)",
    hint: "If the proposal comes from one of the 50 new care model vanguards, enter its number. Leave it blank if it does not.",
    range: { min: 1, max: 50, message: "Enter a vanguard number from 1 to 50" },
    width: 3,
  },
  {
    kind: "list",
    name: "commissioners",
    noun: "commissioner",
    label: "Commissioner organisations",
    hint: "Add each organisation that commissions the services: a clinical commissioning group (CCG), NHS England or a local authority.",
    fields: [
      { kind: "text", name: "name", label: "Organisation name", maxLength: SHORT },
      { kind: "radios", name: "kind", label: "Kind of organisation", options: optionsOf(COMMISSIONER_KIND_LABELS) },
    ],
  },
  { kind: "radios", name: "procurementKind", label: "Kind of procurement", options: optionsOf(PROCUREMENT_KIND_LABELS) },
];

const population: readonly FieldSpec[] = [
  {
    kind: "wholeNumber",
    name: "registeredPopulation",
    label: "Registered population",
    hint: "The number of people registered with the participating GP practices, like 120,000.",
  },
  {
    kind: "list",
    name: "practices",
    noun: "practice",
    label: "Participating GP practices",
    hint: "Their list sizes should add up to the registered population, within 5%.",
    fields: [
      { kind: "text", name: "name", label: "Practice name", maxLength: SHORT },
      {
        kind: "text",
        name: "odsCode",
        label: "ODS code",
        hint: "One letter and 5 numbers, like P84001.",
        maxLength: 20,
        width: 10,
        code: { pattern: /^[A-Z]\d{5}$/, message: "Enter an ODS practice code like P84001" },
      },
      { kind: "wholeNumber", name: "listSize", label: "List size", hint: "Registered patients, like 12,000." },
    ],
  },
  {
    kind: "list",
    name: "hubs",
    noun: "hub",
    label: "Hubs",
    hint: "For a multispecialty community provider (MCP): the local hubs that care is organised around. Leave this empty for a PACS.",
    fields: [
      { kind: "text", name: "name", label: "Hub name", maxLength: SHORT },
      { kind: "wholeNumber", name: "population", label: "Population served" },
    ],
  },
  {
    kind: "checkboxes",
    name: "servicesInScope",
    label: "Services in scope",
    hint: "Select all the services the new care model will provide.",
    options: optionsOf(SERVICE_LABELS),
  },
];

const contract: readonly FieldSpec[] = [
  { kind: "radios", name: "contractOption", label: "Contract option", options: optionsOf(CONTRACT_OPTION_LABELS) },
  {
    kind: "radios",
    name: "gpParticipationRoute",
    label: "How GP practices take part",
    options: optionsOf(GP_PARTICIPATION_ROUTE_LABELS),
  },
  { kind: "radios", name: "contractHolderForm", label: "Form of the contract holder", options: optionsOf(CONTRACT_HOLDER_FORM_LABELS) },
  { kind: "yesNo", name: "createsNewLegalEntity", label: "Does the contract create a new legal entity?" },
  {
    kind: "yesNo",
    name: "nhsTrustOrFoundationTrustParty",
    label: "Is an NHS trust or foundation trust a party to the contract?",
    hint: "If one is, NHS Improvement’s transaction review also applies.",
  },
  {
    kind: "wholeNumber",
    name: "contractTermYears",
    label: "Contract term",
    hint: "Usually 10 to 15 years.",
    range: { min: 1, max: 50, message: "Enter a contract term from 1 to 50 years" },
    suffix: "years",
    width: 3,
  },
  { kind: "money", name: "annualContractValuePence", label: "Annual contract value", hint: "In pounds, like 250,000,000." },
];

const finance: readonly FieldSpec[] = [
  {
    kind: "group",
    name: "budget",
    label: "Whole-population budget",
    hint: "A fully integrated contract is paid by a capitated budget for the whole registered population.",
    fields: [
      { kind: "money", name: "capitatedSumPence", label: "Capitated sum each year", hint: "In pounds, like 1,500,000." },
      {
        kind: "percent",
        name: "performancePaymentPercent",
        label: "Performance payment",
        hint: "The share of the contract sum paid only when outcomes are met, like 3.5.",
      },
      { kind: "money", name: "unregisteredPatientsEstimatePence", label: "Estimate for unregistered patients" },
    ],
  },
  {
    kind: "group",
    name: "riskGainShare",
    label: "Risk and gain share",
    fields: [
      { kind: "yesNo", name: "hasRiskShare", label: "Does the contract share risk or gains with other providers?" },
      {
        kind: "textarea",
        name: "description",
        label: "Describe the risk and gain share with acute providers",
        hint: "Who shares what, for example savings on avoidable hospital care.",
        maxLength: LONG,
      },
    ],
  },
  {
    kind: "group",
    name: "novelContractValueMethod",
    label: "How the contract value is set",
    fields: [
      { kind: "yesNo", name: "used", label: "Is the contract value set by a new method?" },
      { kind: "textarea", name: "description", label: "Describe the method", maxLength: LONG },
    ],
  },
  { kind: "heading", text: "Better Care Fund" },
  {
    kind: "money",
    name: "pooledBudgetContributionPence",
    label: "Your contribution to the pooled budget",
    messageLabel: "your contribution to the pooled budget",
  },
  {
    kind: "money",
    name: "pooledBudgetMinimumPence",
    label: "Minimum pooled budget required",
    hint: "From the Better Care Fund allocations.",
  },
  {
    kind: "money",
    name: "outOfHospitalRingFencePence",
    label: "Ring-fenced for NHS out-of-hospital services (2017-19)",
    messageLabel: "the amount ring-fenced for NHS out-of-hospital services",
  },
  {
    kind: "money",
    name: "outOfHospitalInvestmentPence",
    label: "Invested in NHS out-of-hospital services (2016-17)",
    messageLabel: "the amount invested in NHS out-of-hospital services",
  },
  {
    kind: "money",
    name: "riskShareRetainedPence",
    label: "Held back under a local risk-sharing agreement (2016-17)",
    messageLabel: "the amount held back under a local risk-sharing agreement",
  },
];

const outcomes: readonly FieldSpec[] = [
  {
    kind: "text",
    name: "patientExperienceMeasure",
    label: "Patient experience measure",
    hint: "The measure you will report, like a GP patient survey question on involvement in decisions about care.",
    maxLength: SHORT,
  },
  {
    kind: "percent",
    name: "plannedEmergencyAdmissionReductionPercent",
    label: "Planned cut in emergency admissions",
    hint: "The national expectation is at least 3.5%.",
  },
  {
    kind: "list",
    name: "metricYears",
    noun: "financial year",
    label: "Metrics by financial year",
    hint: "For each financial year the plan covers, give the baseline and the planned figure.",
    fields: [
      { kind: "financialYear", name: "financialYear", label: "Financial year", hint: "Like 2017-18." },
      ...METRICS.map(
        (metric): FieldSpec => ({
          kind: "group",
          name: metric,
          label: METRIC_LABELS[metric],
          fields: (["baseline", "planned"] as const).map(
            (which): FieldSpec => ({
              kind: metric === "stillAtHome91DaysPercent" ? "percent" : "decimal",
              name: which,
              label: capitalise(which),
              // "Enter the baseline for non-elective admissions per 100,000 population as a number"
              messageLabel: `the ${which} for ${METRIC_LABELS[metric].charAt(0).toLowerCase()}${METRIC_LABELS[metric].slice(1).replace(/ \(%\)$/, "")}`,
            }),
          ),
        }),
      ),
    ],
  },
];

const enablers: readonly FieldSpec[] = [
  { kind: "yesNo", name: "sevenDayServices", label: "Will services run seven days a week to support discharge?" },
  { kind: "yesNo", name: "nhsNumberDataSharing", label: "Will health and social care share data using the NHS number?" },
  {
    kind: "yesNo",
    name: "jointAssessmentWithLeadProfessional",
    label: "Is there a joint approach to assessment and care planning, with an accountable lead professional?",
  },
  {
    kind: "yesNo",
    name: "acuteSectorImpactAgreed",
    label: "Has the impact on the acute sector been agreed with the providers affected?",
  },
  { kind: "yesNo", name: "delayedTransfersPlan", label: "Is there a plan to reduce delayed transfers of care?" },
  {
    kind: "checklist",
    name: "highImpactChanges",
    label: "High Impact Change model",
    hint: "Select each change for managing transfers of care that the plan commits to.",
    options: optionsOf(HIGH_IMPACT_CHANGE_LABELS),
    noneLabel: "None of these",
  },
];

const approvalFields = (checkpoints: readonly number[], organisation: boolean): FieldSpec[] => [
  {
    kind: "radios",
    name: "checkpoint",
    label: "Checkpoint",
    options: checkpoints.map((c) => ({ value: String(c), label: `Checkpoint ${c}` })),
    numeric: true,
    inline: true,
  },
  ...(organisation ? [{ kind: "text", name: "organisation", label: "Provider", maxLength: SHORT } as const] : []),
  { kind: "date", name: "date", label: "Date of the meeting", hint: FOR_EXAMPLE_DATE },
  { kind: "text", name: "minuteReference", label: "Minute reference", maxLength: SHORT, width: 20 },
  {
    kind: "select",
    name: "evidenceDocumentId",
    label: "Minutes",
    hint: "Upload the minutes on the evidence page first, then choose them here.",
    source: "evidenceDocuments",
    emptyLabel: "No document linked",
  },
];

const governance: readonly FieldSpec[] = [
  {
    kind: "group",
    name: "keyDates",
    label: "Key dates",
    hint: "They must run in order. Give the dates up to the checkpoint you are preparing for.",
    fields: KEY_DATES.map(
      (key): FieldSpec => ({ kind: "date", name: key, label: `Date of ${KEY_DATE_LABELS[key]}`, hint: FOR_EXAMPLE_DATE }),
    ),
  },
  {
    kind: "list",
    name: "governingBodyApprovals",
    noun: "governing-body approval",
    label: "Commissioners’ governing-body approvals",
    hint: "The governing body must approve the proposal on or before each checkpoint date.",
    fields: approvalFields([1, 2, 3], false),
  },
  {
    kind: "list",
    name: "providerBoardApprovals",
    noun: "provider board approval",
    label: "Provider board approvals",
    hint: "From checkpoint 2, once there is a preferred bidder, the provider’s board must approve too.",
    fields: approvalFields([2, 3], true),
  },
  {
    kind: "percent",
    name: "gpPracticesSignedUpPercent",
    label: "GP practices signed up",
    messageLabel: "the share of GP practices signed up",
    hint: "The share of participating GP practices that have signed up, like 85.",
  },
  {
    kind: "group",
    name: "conflictsOfInterestProtocol",
    label: "Conflicts of interest",
    fields: [
      { kind: "yesNo", name: "inPlace", label: "Is a conflict-of-interest protocol in place?" },
      { kind: "textarea", name: "description", label: "Describe the protocol", maxLength: LONG },
    ],
  },
  {
    kind: "textarea",
    name: "patientAndPublicEngagementSummary",
    label: "Patient and public engagement",
    hint: "Summarise how patients and the public have been involved, and what changed as a result.",
    maxLength: LONG,
  },
];

export const SECTION_FIELDS: Record<EditableSection, readonly FieldSpec[]> = {
  about,
  population,
  contract,
  finance,
  outcomes,
  enablers,
  governance,
};
