// Better Care Fund conditions, as data: the rows of workflows/criteria/better-care-fund.ts (which says
// which conditions a proposal carries and why the two sets differ).
import type { AutomaticCriterionRow, TableRule } from "./types.ts";

const BOTH_MODELS = ["MCP", "PACS"] as const;
const ALL_CHECKPOINTS = [1, 2, 3] as const;

/** A FEEL string literal. */
const text = (value: string) => JSON.stringify(value);

function fails(when: string, fieldPath: string, message: string, missing: boolean): TableRule {
  return { when, outcome: "fail", message, fieldPath: text(fieldPath), missing };
}

/** A yes/no commitment: unanswered is missing, "no" fails. */
function commitment(field: string, messages: { unanswered: string; refused: string }): AutomaticCriterionRow["table"] {
  return {
    rules: [
      fails(`${field} = null`, field, text(messages.unanswered), true),
      fails(`${field} = false`, field, text(messages.refused), false),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// In both sets

export const emergencyAdmissionCut: AutomaticCriterionRow = {
  id: "BCF-12",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Planned cut in emergency admissions of at least 3.5%",
  rule:
    "Give the planned cut in emergency (non-elective) admissions. The national expectation reported for the " +
    "Better Care Fund was at least 3.5% (plans averaged 3.07%); below that is a warning, not a bar.",
  source: "S16, S18",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["outcomes.plannedEmergencyAdmissionReductionPercent"],
  table: {
    rules: [
      fails(
        "outcomes.plannedEmergencyAdmissionReductionPercent = null",
        "outcomes.plannedEmergencyAdmissionReductionPercent",
        text("Enter your planned cut in emergency admissions, as a percentage"),
        true,
      ),
      fails(
        "outcomes.plannedEmergencyAdmissionReductionPercent < 3.5",
        "outcomes.plannedEmergencyAdmissionReductionPercent",
        '"Your planned cut in emergency admissions is " + formatPercent(outcomes.plannedEmergencyAdmissionReductionPercent) + ' +
          '"; the national expectation is at least 3.5%"',
        false,
      ),
    ],
  },
};

const METRICS: readonly { key: string; label: string }[] = [
  { key: "nonElectiveAdmissionsPer100k", label: "non-elective admissions per 100,000 population" },
  { key: "careHomeAdmissionsPer100k65Plus", label: "permanent admissions to care homes per 100,000 aged 65 and over" },
  { key: "stillAtHome91DaysPercent", label: "people aged 65 and over still at home 91 days after reablement (%)" },
  { key: "delayedTransfersNhsPer100k", label: "delayed transfer of care days per 100,000, attributable to the NHS" },
  { key: "delayedTransfersSocialCarePer100k", label: "delayed transfer of care days per 100,000, attributable to social care" },
  { key: "patientExperience", label: "patient experience measure" },
];

const POOLED_FIGURES: readonly { key: string; name: string }[] = [
  { key: "pooledBudgetContributionPence", name: "pooled budget contribution" },
  { key: "pooledBudgetMinimumPence", name: "minimum pooled budget" },
  { key: "outOfHospitalRingFencePence", name: "out-of-hospital ring-fence" },
  { key: "outOfHospitalInvestmentPence", name: "out-of-hospital investment" },
  { key: "riskShareRetainedPence", name: "amount held back under the local risk share" },
];

export const numericRange: AutomaticCriterionRow = {
  id: "BCF-14",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Figures within the national templates' range",
  rule:
    "The national templates accept numbers from 0 to 100,000,000. This applies to every outcome metric figure " +
    "and to the Better Care Fund pooled figures, counted in pounds. It does not apply to the annual contract " +
    "value or the whole-population budget, which for a large MCP or PACS legitimately exceed £100 million a " +
    "year (Dudley's MCP was about £250 million).",
  source: "S25",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: [
    ...METRICS.flatMap((metric) => [`outcomes.metricYears[].${metric.key}.baseline`, `outcomes.metricYears[].${metric.key}.planned`]),
    ...POOLED_FIGURES.map((figure) => `finance.${figure.key}`),
  ],
  table: {
    let: [
      {
        name: "figures",
        value:
          "numbers(for y in (if outcomes.metricYears = null then [] else outcomes.metricYears) return [" +
          METRICS.map((m) => `y.${m.key}.baseline, y.${m.key}.planned`).join(", ") +
          "])",
      },
    ],
    rules: [
      {
        // One pass over every figure first: most submissions have none out of range.
        when: "min(figures) < 0 or max(figures) > 100000000",
        forEach: { list: "outcomes.metricYears", as: "year", index: "i" },
        let: [{ name: "yearName", value: 'if year.financialYear != null then year.financialYear else rowName(i, "metric year", null)' }],
        rules: METRICS.flatMap((metric) =>
          (["baseline", "planned"] as const).map(
            (which): TableRule => ({
              when: `year.${metric.key}.${which} != null and (year.${metric.key}.${which} < 0 or year.${metric.key}.${which} > 100000000)`,
              outcome: "fail",
              message: `"Enter a figure from 0 to 100,000,000 for the ${which} ${metric.label} in " + yearName`,
              fieldPath: `"outcomes.metricYears[" + string(i) + "].${metric.key}.${which}"`,
              missing: false,
            }),
          ),
        ),
      },
      ...POOLED_FIGURES.map((figure) =>
        fails(
          `finance.${figure.key} != null and (finance.${figure.key} < 0 or finance.${figure.key} > 10000000000)`,
          `finance.${figure.key}`,
          `"The ${figure.name} of " + formatPence(finance.${figure.key}) + " is more than the £100,000,000 the national templates allow"`,
          false,
        ),
      ),
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// 2016-17: conditions 3 to 8

export const sevenDayServicesCondition: AutomaticCriterionRow = {
  id: "BCF-16",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Seven-day services (2016-17 condition 3)",
  rule:
    "2016-17 national condition 3: health and social care services are provided seven days a week, to support " +
    "discharge and prevent unnecessary admissions at weekends. (Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["enablers.sevenDayServices"],
  table: commitment("enablers.sevenDayServices", {
    unanswered: "Say whether services will run seven days a week to support discharge",
    refused: "The 2016-17 conditions require seven-day services to support discharge; the proposal must provide them",
  }),
};

export const nhsNumberDataSharing: AutomaticCriterionRow = {
  id: "BCF-17",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Data sharing based on the NHS number (2016-17 condition 4)",
  rule:
    "2016-17 national condition 4: health and social care share data using the NHS number as the common " +
    "identifier. (Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["enablers.nhsNumberDataSharing"],
  table: commitment("enablers.nhsNumberDataSharing", {
    unanswered: "Say whether health and social care will share data using the NHS number",
    refused: "The 2016-17 conditions require data sharing based on the NHS number",
  }),
};

export const jointAssessment: AutomaticCriterionRow = {
  id: "BCF-18",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Joint assessment with an accountable lead professional (2016-17 condition 5)",
  rule:
    "2016-17 national condition 5: a joint approach to assessment and care planning, with an accountable lead " +
    "professional for people receiving joined-up care. (Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["enablers.jointAssessmentWithLeadProfessional"],
  table: commitment("enablers.jointAssessmentWithLeadProfessional", {
    unanswered: "Say whether assessment will be joint, with an accountable lead professional",
    refused: "The 2016-17 conditions require joint assessment with an accountable lead professional",
  }),
};

export const acuteSectorImpact: AutomaticCriterionRow = {
  id: "BCF-19",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Impact on the acute sector agreed (2016-17 condition 6)",
  rule:
    "2016-17 national condition 6: the effect of the plan on acute providers has been agreed with them. " +
    "(Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["enablers.acuteSectorImpactAgreed"],
  table: commitment("enablers.acuteSectorImpactAgreed", {
    unanswered: "Say whether the impact on the acute sector has been agreed with the acute providers",
    refused: "The 2016-17 conditions require the impact on the acute sector to be agreed with the acute providers",
  }),
};

export const outOfHospitalInvestmentOrRiskShare: AutomaticCriterionRow = {
  id: "BCF-09",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Out-of-hospital investment or retained risk share (2016-17 condition 7)",
  rule:
    "2016-17 national condition 7: a share of the fund is invested in NHS-commissioned out-of-hospital " +
    "services, or held back under a local risk-sharing agreement. Give at least one of the two, above £0.",
  source: "S8",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["finance.outOfHospitalInvestmentPence", "finance.riskShareRetainedPence"],
  table: {
    let: [
      { name: "invested", value: "finance.outOfHospitalInvestmentPence" },
      { name: "retained", value: "finance.riskShareRetainedPence" },
    ],
    rules: [
      fails(
        "invested = null and retained = null",
        "finance.outOfHospitalInvestmentPence",
        text("Enter the amount invested in NHS out-of-hospital services, or the amount held back under a local risk share"),
        true,
      ),
      { when: "(if invested = null then 0 else invested) > 0 or (if retained = null then 0 else retained) > 0", outcome: "pass" },
      {
        when: "true",
        outcome: "fail",
        message: text(
          "The 2016-17 conditions require some of the fund to be invested in NHS out-of-hospital services or held " +
            "back under a local risk share; both are £0",
        ),
        fieldPath: 'if invested = null then "finance.riskShareRetainedPence" else "finance.outOfHospitalInvestmentPence"',
        missing: false,
      },
    ],
  },
};

export const delayedTransfersPlan: AutomaticCriterionRow = {
  id: "BCF-10",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Plan to reduce delayed transfers of care (2016-17 condition 8)",
  rule: "2016-17 national condition 8: a local action plan to reduce delayed transfers of care has been agreed.",
  source: "S8",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["enablers.delayedTransfersPlan"],
  table: commitment("enablers.delayedTransfersPlan", {
    unanswered: "Say whether a local plan to reduce delayed transfers of care has been agreed",
    refused: "The 2016-17 conditions require an agreed local plan to reduce delayed transfers of care",
  }),
};

// ---------------------------------------------------------------------------------------------
// 2017-19

export const minimumPooledBudget: AutomaticCriterionRow = {
  id: "BCF-03",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Pooled budget at least the minimum",
  rule: "The contribution to the pooled budget must be at least the minimum set in the national allocations.",
  source: "S9",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["finance.pooledBudgetContributionPence", "finance.pooledBudgetMinimumPence"],
  table: {
    rules: [
      fails(
        "finance.pooledBudgetContributionPence = null",
        "finance.pooledBudgetContributionPence",
        text("Enter your contribution to the pooled budget"),
        true,
      ),
      fails(
        "finance.pooledBudgetMinimumPence = null",
        "finance.pooledBudgetMinimumPence",
        text("Enter the minimum pooled budget from the allocations"),
        true,
      ),
      fails(
        "finance.pooledBudgetContributionPence < finance.pooledBudgetMinimumPence",
        "finance.pooledBudgetContributionPence",
        '"Your pooled budget contribution of " + formatPence(finance.pooledBudgetContributionPence) + ' +
          '" is less than the minimum of " + formatPence(finance.pooledBudgetMinimumPence)',
        false,
      ),
    ],
  },
};

export const outOfHospitalRingFence: AutomaticCriterionRow = {
  id: "BCF-05",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Out-of-hospital ring-fence (2017-19)",
  rule:
    "2017-19 national condition: part of the CCG minimum contribution is ring-fenced for NHS-commissioned " +
    "out-of-hospital services. The share was not found in the sources, so any amount above £0 passes.",
  source: "S10, S13",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["finance.outOfHospitalRingFencePence"],
  table: {
    rules: [
      fails(
        "finance.outOfHospitalRingFencePence = null",
        "finance.outOfHospitalRingFencePence",
        text("Enter the amount ring-fenced for NHS out-of-hospital services"),
        true,
      ),
      fails(
        "not(finance.outOfHospitalRingFencePence > 0)",
        "finance.outOfHospitalRingFencePence",
        text("The 2017-19 conditions require part of the fund to be ring-fenced for NHS out-of-hospital services; it is £0"),
        false,
      ),
    ],
  },
};

const HIGH_IMPACT_CHANGES = `[
  {key: "earlyDischargePlanning", label: "early discharge planning", number: 1},
  {key: "patientFlowMonitoring", label: "systems to monitor patient flow", number: 2},
  {key: "multidisciplinaryDischargeTeams", label: "multi-disciplinary and multi-agency discharge teams", number: 3},
  {key: "homeFirstDischargeToAssess", label: "home first and discharge to assess", number: 4},
  {key: "sevenDayServices", label: "seven-day services", number: 5},
  {key: "trustedAssessors", label: "trusted assessors", number: 6},
  {key: "focusOnChoice", label: "focus on choice", number: 7},
  {key: "enhancedHealthInCareHomes", label: "enhancing health in care homes", number: 8}
]`;

export const highImpactChangeModel: AutomaticCriterionRow = {
  id: "BCF-06",
  domain: "better-care-fund",
  kind: "automatic",
  title: "High Impact Change model for transfers of care (2017-19)",
  rule:
    "2017-19 national condition: the plan commits to all eight changes of the High Impact Change model for " +
    "managing transfers of care: early discharge planning, systems to monitor patient flow, multi-disciplinary " +
    "and multi-agency discharge teams, home first and discharge to assess, seven-day services, trusted " +
    "assessors, focus on choice, and enhancing health in care homes.",
  source: "S10",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: [
    "enablers.highImpactChanges.earlyDischargePlanning",
    "enablers.highImpactChanges.patientFlowMonitoring",
    "enablers.highImpactChanges.multidisciplinaryDischargeTeams",
    "enablers.highImpactChanges.homeFirstDischargeToAssess",
    "enablers.highImpactChanges.sevenDayServices",
    "enablers.highImpactChanges.trustedAssessors",
    "enablers.highImpactChanges.focusOnChoice",
    "enablers.highImpactChanges.enhancedHealthInCareHomes",
  ],
  table: {
    let: [
      { name: "changes", value: HIGH_IMPACT_CHANGES },
      { name: "answers", value: "enablers.highImpactChanges" },
    ],
    // A change refused anywhere is reported before one unanswered.
    rules: [
      {
        forEach: { list: "changes", as: "change", index: "i" },
        rules: [
          {
            when: "get value(answers, change.key) = false",
            outcome: "fail",
            message: '"The 2017-19 conditions require all eight High Impact Changes; commit to " + change.label',
            fieldPath: '"enablers.highImpactChanges." + change.key',
            missing: false,
          },
        ],
      },
      {
        forEach: { list: "changes", as: "change", index: "i" },
        rules: [
          {
            when: "get value(answers, change.key) = null",
            outcome: "fail",
            message: '"Say whether you will implement " + change.label + " (High Impact Change " + string(change.number) + ")"',
            fieldPath: '"enablers.highImpactChanges." + change.key',
            missing: true,
          },
        ],
      },
    ],
  },
};

export const delayedTransfersSplit: AutomaticCriterionRow = {
  id: "BCF-07",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Delayed transfer ambitions split NHS and social care (2017-19)",
  rule:
    "From 2017-19 the delayed transfers of care metric carries separate ambitions for delays attributable to " +
    "the NHS and to social care. Every financial year of the outcome metrics needs both planned figures.",
  source: "S10",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: [
    "outcomes.metricYears",
    "outcomes.metricYears[].delayedTransfersNhsPer100k.planned",
    "outcomes.metricYears[].delayedTransfersSocialCarePer100k.planned",
  ],
  table: {
    let: [{ name: "years", value: "if outcomes.metricYears = null then [] else outcomes.metricYears" }],
    rules: [
      fails("count(years) = 0", "outcomes.metricYears", text("Add your outcome metrics for each financial year"), true),
      {
        forEach: { list: "years", as: "year", index: "i" },
        let: [{ name: "yearName", value: 'if year.financialYear != null then year.financialYear else rowName(i, "metric year", null)' }],
        rules: [
          {
            when: "year.delayedTransfersNhsPer100k.planned = null",
            outcome: "fail",
            message: '"Enter the planned delayed transfer of care days attributable to the NHS for " + yearName',
            fieldPath: '"outcomes.metricYears[" + string(i) + "].delayedTransfersNhsPer100k.planned"',
            missing: true,
          },
          {
            when: "year.delayedTransfersSocialCarePer100k.planned = null",
            outcome: "fail",
            message: '"Enter the planned delayed transfer of care days attributable to social care for " + yearName',
            fieldPath: '"outcomes.metricYears[" + string(i) + "].delayedTransfersSocialCarePer100k.planned"',
            missing: true,
          },
        ],
      },
    ],
  },
};

export const sevenDayServicesAdvisory: AutomaticCriterionRow = {
  id: "BCF-15",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Seven-day services (2017-19, advisory)",
  rule:
    "From 2017-19 seven-day services are no longer a funding condition, but areas are still expected to meet " +
    "the four priority seven-day clinical standards, including transfer to community, primary and social care. " +
    "Not providing them is a warning.",
  source: "S9",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["enablers.sevenDayServices"],
  table: commitment("enablers.sevenDayServices", {
    unanswered: "Say whether services will run seven days a week to support discharge",
    refused: "Seven-day services are no longer a condition, but areas are still expected to meet the seven-day standards for discharge",
  }),
};

export const bcf2016Rows: readonly AutomaticCriterionRow[] = [
  outOfHospitalInvestmentOrRiskShare,
  delayedTransfersPlan,
  emergencyAdmissionCut,
  numericRange,
  sevenDayServicesCondition,
  nhsNumberDataSharing,
  jointAssessment,
  acuteSectorImpact,
];

export const bcf2017Rows: readonly AutomaticCriterionRow[] = [
  minimumPooledBudget,
  outOfHospitalRingFence,
  highImpactChangeModel,
  delayedTransfersSplit,
  emergencyAdmissionCut,
  numericRange,
  sevenDayServicesAdvisory,
];
