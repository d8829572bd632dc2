// Key lines of enquiry, as data: the rows of workflows/criteria/judgement.ts (which says why they are
// warnings and which ones are left out). Reviewers rate them; they have no decision table.
import type { Checkpoint } from "../submission.ts";
import type { JudgementCriterionRow } from "./types.ts";

function judgement(
  id: string,
  title: string,
  rule: string,
  source: string,
  checkpoints: readonly Checkpoint[],
  fieldPaths: readonly string[],
): JudgementCriterionRow {
  return {
    id,
    domain: "judgement",
    kind: "judgement",
    title,
    rule,
    source,
    appliesTo: { modelTypes: ["MCP", "PACS"], checkpoints },
    severity: "warning",
    fieldPaths,
  };
}

export const judgementRows: readonly JudgementCriterionRow[] = [
  judgement(
    "J-01",
    "Net benefit",
    "Will the proposed service model produce net benefits for patients and for the system?",
    "S1",
    [1, 2, 3],
    ["population.servicesInScope", "outcomes.metricYears"],
  ),
  judgement(
    "J-02",
    "Capability to manage the contract and its risk",
    "Can the commissioner (at checkpoint 1) and the preferred bidder (at checkpoint 2) actually manage this " +
      "contract and the risk each of them carries?",
    "S1, S2",
    [1, 2],
    ["contract.contractOption", "contract.contractHolderForm", "finance.riskGainShare.description"],
  ),
  judgement(
    "J-03",
    "Effect on other providers",
    "Have the knock-on effects on other providers, such as the remaining acute trust and GP practices outside " +
      "the model, been thought through?",
    "S1",
    [1, 2],
    ["enablers.acuteSectorImpactAgreed", "population.practices"],
  ),
  judgement(
    "J-05",
    "Real governing-body scrutiny",
    "Has the commissioners' governing body (and, from checkpoint 2, the provider's board) genuinely scrutinised " +
      "the proposal, rather than just noted it?",
    "S2",
    [1, 2, 3],
    ["governance.governingBodyApprovals", "governance.providerBoardApprovals"],
  ),
  judgement(
    "J-06",
    "Fair risk share",
    "Is the risk or gain share with acute providers fair, and financially survivable for both sides? " +
      "(Cambridgeshire's failed contract is the cautionary tale.)",
    "S29, seed 003_3743bb2d74cce1c1.txt",
    [1, 2],
    ["finance.riskGainShare.description", "finance.budget.performancePaymentPercent"],
  ),
  judgement(
    "J-07",
    "Credible financial case",
    "Is the financial case credible? Evidence that integration cuts hospital activity or saves money is weak, " +
      "so planned savings need to be argued, not assumed.",
    "seed 001_6c243fe112d802d3.txt, seed 003_3743bb2d74cce1c1.txt",
    [1],
    ["finance.budget.capitatedSumPence", "contract.annualContractValuePence", "outcomes.plannedEmergencyAdmissionReductionPercent"],
  ),
  judgement(
    "J-08",
    "Real GP engagement",
    "Is GP engagement real, for example in the share of practices signed up? (Dudley had 93%.)",
    "S50b",
    [1, 2],
    ["governance.gpPracticesSignedUpPercent", "population.practices"],
  ),
  judgement(
    "J-09",
    "Conflicts of interest handled",
    "Are conflicts of interest handled where commissioning staff help design an MCP or PACS they may later " + "lead or work for?",
    "S35",
    [1],
    ["governance.conflictsOfInterestProtocol.inPlace", "governance.conflictsOfInterestProtocol.description"],
  ),
  judgement(
    "J-10",
    "Lawful procurement",
    "Is the procurement route lawful and proportionate? Large contracts generally need open procurement; " +
      "Dudley used competitive dialogue.",
    "S50a",
    [1],
    ["about.procurementKind", "governance.keyDates.procurementStart"],
  ),
  judgement(
    "J-11",
    "Readiness to mobilise",
    "Is the service ready to start: staff transfer, IT, data sharing and estates?",
    "none (an inference in the domain research, §3.2)",
    [3],
    ["governance.keyDates.serviceStart", "enablers.nhsNumberDataSharing"],
  ),
  judgement(
    "J-13",
    "Relationships and joint working",
    "How strong are the relationships and the history of joint working? (Northumberland took over 25 years; " +
      '"the soft stuff is the hard stuff".) Asked at early engagement, so rated at checkpoint 1.',
    "seed 001_6c243fe112d802d3.txt, seed 002_39f7ff5c9895754d.txt",
    [1],
    ["governance.patientAndPublicEngagementSummary", "about.commissioners"],
  ),
];
