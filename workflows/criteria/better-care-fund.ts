// Better Care Fund conditions (domain research §3.1 table C), as far as an MCP or PACS proposal carries
// them. The two criteria sets differ exactly where the national conditions did: eight conditions in
// 2016-17, with seven-day services one of them; four in 2017-19, with seven-day services advisory and
// delayed transfers split by who is responsible.
//
// Not carried, because a proposal has no field for them: BCF-01 (joint plan: the governing-body
// approval of ISAP-05 stands in for it), BCF-02 (section 75 agreement), BCF-04 (social care contribution
// kept up with inflation: the uplift was not found), BCF-08 (housing and the Disabled Facilities Grant),
// BCF-11 and BCF-13 (2015-16 only; the 2016-17 conditions that repeat BCF-11 are BCF-16 to BCF-19).
import { HIGH_IMPACT_CHANGES, HIGH_IMPACT_CHANGE_LABELS, METRICS, METRIC_LABELS, type SubmissionContent } from "../submission.ts";
import { appliesTo, formatCount, formatPence, formatPercent, invalid, missing, pass, rowName } from "./helpers.ts";
import type { AutomaticCriterion, CheckOutcome } from "./types.ts";

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A yes/no commitment: unanswered is missing, "no" fails. */
function commitment(value: boolean | undefined, fieldPath: string, messages: { unanswered: string; refused: string }): CheckOutcome {
  if (value === undefined) return missing(fieldPath, messages.unanswered);
  return value ? pass() : invalid(fieldPath, messages.refused);
}

// ---------------------------------------------------------------------------------------------
// In both sets

const EXPECTED_EMERGENCY_ADMISSION_CUT = 3.5;

export const emergencyAdmissionCut: AutomaticCriterion = {
  id: "BCF-12",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Planned cut in emergency admissions of at least 3.5%",
  rule:
    "Give the planned cut in emergency (non-elective) admissions. The national expectation reported for the " +
    "Better Care Fund was at least 3.5% (plans averaged 3.07%); below that is a warning, not a bar.",
  source: "S16, S18",
  appliesTo: appliesTo(),
  severity: "warning",
  fieldPaths: ["outcomes.plannedEmergencyAdmissionReductionPercent"],
  check: (content) => {
    const cut = content.outcomes?.plannedEmergencyAdmissionReductionPercent;
    if (cut === undefined) {
      return missing(
        "outcomes.plannedEmergencyAdmissionReductionPercent",
        "Enter your planned cut in emergency admissions, as a percentage",
      );
    }
    return cut < EXPECTED_EMERGENCY_ADMISSION_CUT
      ? invalid(
          "outcomes.plannedEmergencyAdmissionReductionPercent",
          `Your planned cut in emergency admissions is ${formatPercent(cut)}; the national expectation is at least ` +
            formatPercent(EXPECTED_EMERGENCY_ADMISSION_CUT),
        )
      : pass();
  },
};

const TEMPLATE_MAXIMUM = 100_000_000;

const POOLED_FIGURES = [
  { key: "pooledBudgetContributionPence", name: "pooled budget contribution" },
  { key: "pooledBudgetMinimumPence", name: "minimum pooled budget" },
  { key: "outOfHospitalRingFencePence", name: "out-of-hospital ring-fence" },
  { key: "outOfHospitalInvestmentPence", name: "out-of-hospital investment" },
  { key: "riskShareRetainedPence", name: "amount held back under the local risk share" },
] as const;

export const numericRange: AutomaticCriterion = {
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
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: [
    ...METRICS.flatMap((metric) => [`outcomes.metricYears[].${metric}.baseline`, `outcomes.metricYears[].${metric}.planned`]),
    ...POOLED_FIGURES.map((figure) => `finance.${figure.key}`),
  ],
  check: (content) => {
    const years = content.outcomes?.metricYears ?? [];
    for (const [index, year] of years.entries()) {
      for (const metric of METRICS) {
        for (const which of ["baseline", "planned"] as const) {
          const value = year[metric]?.[which];
          if (value !== undefined && (value < 0 || value > TEMPLATE_MAXIMUM)) {
            return invalid(
              `outcomes.metricYears[${index}].${metric}.${which}`,
              `Enter a figure from 0 to ${formatCount(TEMPLATE_MAXIMUM)} for the ${which} ` +
                `${lowerFirst(METRIC_LABELS[metric])} in ${year.financialYear ?? rowName(index, "metric year")}`,
            );
          }
        }
      }
    }
    for (const figure of POOLED_FIGURES) {
      const pence = content.finance?.[figure.key];
      if (pence !== undefined && (pence < 0 || pence > TEMPLATE_MAXIMUM * 100)) {
        return invalid(
          `finance.${figure.key}`,
          `The ${figure.name} of ${formatPence(pence)} is more than the £${formatCount(TEMPLATE_MAXIMUM)} the ` +
            "national templates allow",
        );
      }
    }
    return pass();
  },
};

// ---------------------------------------------------------------------------------------------
// 2016-17: conditions 3 to 8 (1 is the governing-body approval; 2 has no field in a proposal)

export const sevenDayServicesCondition: AutomaticCriterion = {
  id: "BCF-16",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Seven-day services (2016-17 condition 3)",
  rule:
    "2016-17 national condition 3: health and social care services are provided seven days a week, to support " +
    "discharge and prevent unnecessary admissions at weekends. (Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["enablers.sevenDayServices"],
  check: (content) =>
    commitment(content.enablers?.sevenDayServices, "enablers.sevenDayServices", {
      unanswered: "Say whether services will run seven days a week to support discharge",
      refused: "The 2016-17 conditions require seven-day services to support discharge; the proposal must provide them",
    }),
};

export const nhsNumberDataSharing: AutomaticCriterion = {
  id: "BCF-17",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Data sharing based on the NHS number (2016-17 condition 4)",
  rule:
    "2016-17 national condition 4: health and social care share data using the NHS number as the common " +
    "identifier. (Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["enablers.nhsNumberDataSharing"],
  check: (content) =>
    commitment(content.enablers?.nhsNumberDataSharing, "enablers.nhsNumberDataSharing", {
      unanswered: "Say whether health and social care will share data using the NHS number",
      refused: "The 2016-17 conditions require data sharing based on the NHS number",
    }),
};

export const jointAssessment: AutomaticCriterion = {
  id: "BCF-18",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Joint assessment with an accountable lead professional (2016-17 condition 5)",
  rule:
    "2016-17 national condition 5: a joint approach to assessment and care planning, with an accountable lead " +
    "professional for people receiving joined-up care. (Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["enablers.jointAssessmentWithLeadProfessional"],
  check: (content) =>
    commitment(content.enablers?.jointAssessmentWithLeadProfessional, "enablers.jointAssessmentWithLeadProfessional", {
      unanswered: "Say whether assessment will be joint, with an accountable lead professional",
      refused: "The 2016-17 conditions require joint assessment with an accountable lead professional",
    }),
};

export const acuteSectorImpact: AutomaticCriterion = {
  id: "BCF-19",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Impact on the acute sector agreed (2016-17 condition 6)",
  rule:
    "2016-17 national condition 6: the effect of the plan on acute providers has been agreed with them. " +
    "(Split out from the research's BCF-11 checklist.)",
  source: "S7, S8",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["enablers.acuteSectorImpactAgreed"],
  check: (content) =>
    commitment(content.enablers?.acuteSectorImpactAgreed, "enablers.acuteSectorImpactAgreed", {
      unanswered: "Say whether the impact on the acute sector has been agreed with the acute providers",
      refused: "The 2016-17 conditions require the impact on the acute sector to be agreed with the acute providers",
    }),
};

export const outOfHospitalInvestmentOrRiskShare: AutomaticCriterion = {
  id: "BCF-09",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Out-of-hospital investment or retained risk share (2016-17 condition 7)",
  rule:
    "2016-17 national condition 7: a share of the fund is invested in NHS-commissioned out-of-hospital " +
    "services, or held back under a local risk-sharing agreement. Give at least one of the two, above £0.",
  source: "S8",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["finance.outOfHospitalInvestmentPence", "finance.riskShareRetainedPence"],
  check: (content) => {
    const invested = content.finance?.outOfHospitalInvestmentPence;
    const retained = content.finance?.riskShareRetainedPence;
    if (invested === undefined && retained === undefined) {
      return missing(
        "finance.outOfHospitalInvestmentPence",
        "Enter the amount invested in NHS out-of-hospital services, or the amount held back under a local risk share",
      );
    }
    return (invested ?? 0) > 0 || (retained ?? 0) > 0
      ? pass()
      : invalid(
          invested === undefined ? "finance.riskShareRetainedPence" : "finance.outOfHospitalInvestmentPence",
          "The 2016-17 conditions require some of the fund to be invested in NHS out-of-hospital services or held " +
            "back under a local risk share; both are £0",
        );
  },
};

export const delayedTransfersPlan: AutomaticCriterion = {
  id: "BCF-10",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Plan to reduce delayed transfers of care (2016-17 condition 8)",
  rule: "2016-17 national condition 8: a local action plan to reduce delayed transfers of care has been agreed.",
  source: "S8",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["enablers.delayedTransfersPlan"],
  check: (content) =>
    commitment(content.enablers?.delayedTransfersPlan, "enablers.delayedTransfersPlan", {
      unanswered: "Say whether a local plan to reduce delayed transfers of care has been agreed",
      refused: "The 2016-17 conditions require an agreed local plan to reduce delayed transfers of care",
    }),
};

// ---------------------------------------------------------------------------------------------
// 2017-19

export const minimumPooledBudget: AutomaticCriterion = {
  id: "BCF-03",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Pooled budget at least the minimum",
  rule: "The contribution to the pooled budget must be at least the minimum set in the national allocations.",
  source: "S9",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["finance.pooledBudgetContributionPence", "finance.pooledBudgetMinimumPence"],
  check: (content) => {
    const contribution = content.finance?.pooledBudgetContributionPence;
    const minimum = content.finance?.pooledBudgetMinimumPence;
    if (contribution === undefined) {
      return missing("finance.pooledBudgetContributionPence", "Enter your contribution to the pooled budget");
    }
    if (minimum === undefined) {
      return missing("finance.pooledBudgetMinimumPence", "Enter the minimum pooled budget from the allocations");
    }
    return contribution < minimum
      ? invalid(
          "finance.pooledBudgetContributionPence",
          `Your pooled budget contribution of ${formatPence(contribution)} is less than the minimum of ${formatPence(minimum)}`,
        )
      : pass();
  },
};

export const outOfHospitalRingFence: AutomaticCriterion = {
  id: "BCF-05",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Out-of-hospital ring-fence (2017-19)",
  rule:
    "2017-19 national condition: part of the CCG minimum contribution is ring-fenced for NHS-commissioned " +
    "out-of-hospital services. The share was not found in the sources, so any amount above £0 passes.",
  source: "S10, S13",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["finance.outOfHospitalRingFencePence"],
  check: (content) => {
    const ringFence = content.finance?.outOfHospitalRingFencePence;
    if (ringFence === undefined) {
      return missing("finance.outOfHospitalRingFencePence", "Enter the amount ring-fenced for NHS out-of-hospital services");
    }
    return ringFence > 0
      ? pass()
      : invalid(
          "finance.outOfHospitalRingFencePence",
          "The 2017-19 conditions require part of the fund to be ring-fenced for NHS out-of-hospital services; it is £0",
        );
  },
};

export const highImpactChangeModel: AutomaticCriterion = {
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
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: HIGH_IMPACT_CHANGES.map((change) => `enablers.highImpactChanges.${change}`),
  check: (content) => {
    const changes = content.enablers?.highImpactChanges ?? {};
    const refused = HIGH_IMPACT_CHANGES.find((change) => changes[change] === false);
    if (refused) {
      return invalid(
        `enablers.highImpactChanges.${refused}`,
        `The 2017-19 conditions require all eight High Impact Changes; commit to ${lowerFirst(HIGH_IMPACT_CHANGE_LABELS[refused])}`,
      );
    }
    const unanswered = HIGH_IMPACT_CHANGES.find((change) => changes[change] === undefined);
    return unanswered
      ? missing(
          `enablers.highImpactChanges.${unanswered}`,
          `Say whether you will implement ${lowerFirst(HIGH_IMPACT_CHANGE_LABELS[unanswered])} ` +
            `(High Impact Change ${HIGH_IMPACT_CHANGES.indexOf(unanswered) + 1})`,
        )
      : pass();
  },
};

function delayedTransferFailure(content: SubmissionContent): CheckOutcome | undefined {
  const years = content.outcomes?.metricYears ?? [];
  if (years.length === 0) {
    return missing("outcomes.metricYears", "Add your outcome metrics for each financial year");
  }
  for (const [index, year] of years.entries()) {
    const label = year.financialYear ?? rowName(index, "metric year");
    if (year.delayedTransfersNhsPer100k?.planned === undefined) {
      return missing(
        `outcomes.metricYears[${index}].delayedTransfersNhsPer100k.planned`,
        `Enter the planned delayed transfer of care days attributable to the NHS for ${label}`,
      );
    }
    if (year.delayedTransfersSocialCarePer100k?.planned === undefined) {
      return missing(
        `outcomes.metricYears[${index}].delayedTransfersSocialCarePer100k.planned`,
        `Enter the planned delayed transfer of care days attributable to social care for ${label}`,
      );
    }
  }
  return undefined;
}

export const delayedTransfersSplit: AutomaticCriterion = {
  id: "BCF-07",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Delayed transfer ambitions split NHS and social care (2017-19)",
  rule:
    "From 2017-19 the delayed transfers of care metric carries separate ambitions for delays attributable to " +
    "the NHS and to social care. Every financial year of the outcome metrics needs both planned figures.",
  source: "S10",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: [
    "outcomes.metricYears",
    "outcomes.metricYears[].delayedTransfersNhsPer100k.planned",
    "outcomes.metricYears[].delayedTransfersSocialCarePer100k.planned",
  ],
  check: (content) => delayedTransferFailure(content) ?? pass(),
};

export const sevenDayServicesAdvisory: AutomaticCriterion = {
  id: "BCF-15",
  domain: "better-care-fund",
  kind: "automatic",
  title: "Seven-day services (2017-19, advisory)",
  rule:
    "From 2017-19 seven-day services are no longer a funding condition, but areas are still expected to meet " +
    "the four priority seven-day clinical standards, including transfer to community, primary and social care. " +
    "Not providing them is a warning.",
  source: "S9",
  appliesTo: appliesTo(),
  severity: "warning",
  fieldPaths: ["enablers.sevenDayServices"],
  check: (content) =>
    commitment(content.enablers?.sevenDayServices, "enablers.sevenDayServices", {
      unanswered: "Say whether services will run seven days a week to support discharge",
      refused:
        "Seven-day services are no longer a condition, but areas are still expected to meet the seven-day " + "standards for discharge",
    }),
};

export const bcf2016Criteria: readonly AutomaticCriterion[] = [
  outOfHospitalInvestmentOrRiskShare,
  delayedTransfersPlan,
  emergencyAdmissionCut,
  numericRange,
  sevenDayServicesCondition,
  nhsNumberDataSharing,
  jointAssessment,
  acuteSectorImpact,
];

export const bcf2017Criteria: readonly AutomaticCriterion[] = [
  minimumPooledBudget,
  outOfHospitalRingFence,
  highImpactChangeModel,
  delayedTransfersSplit,
  emergencyAdmissionCut,
  numericRange,
  sevenDayServicesAdvisory,
];
