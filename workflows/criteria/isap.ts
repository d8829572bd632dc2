// Integrated Support and Assurance Process: scoping and sequencing (domain research §3.1 table A).
import { KEY_DATES, type Checkpoint, type KeyDate, type SubmissionContent } from "../submission.ts";
import { appliesTo, capitalise, firstFailure, formatDate, invalid, isBlank, missing, notApplicable, pass, rowName } from "./helpers.ts";
import type { AutomaticCriterion, CheckOutcome } from "./types.ts";

export const modelTypeGiven: AutomaticCriterion = {
  id: "ISAP-01",
  domain: "isap",
  kind: "automatic",
  title: "Model type given",
  rule:
    "The proposal must say whether it is a multispecialty community provider (MCP) or a primary and acute care " +
    "system (PACS). The model type decides which of the other criteria apply.",
  source: "S3, S4",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["about.modelType"],
  check: (content) => (content.about?.modelType === undefined ? missing("about.modelType", "Select the model type: MCP or PACS") : pass()),
};

const SCOPING_QUESTIONS = [
  {
    fieldPath: "contract.createsNewLegalEntity",
    answer: (c: SubmissionContent) => c.contract?.createsNewLegalEntity,
    message: "Say whether the contract creates a new legal entity",
  },
  {
    fieldPath: "finance.riskGainShare.hasRiskShare",
    answer: (c: SubmissionContent) => c.finance?.riskGainShare?.hasRiskShare,
    message: "Say whether the contract shares risk or gains with other providers",
  },
  {
    fieldPath: "finance.novelContractValueMethod.used",
    answer: (c: SubmissionContent) => c.finance?.novelContractValueMethod?.used,
    message: "Say whether the contract value is set by a new method",
  },
] as const;

export const scopingQuestionsAnswered: AutomaticCriterion = {
  id: "ISAP-02",
  domain: "isap",
  kind: "automatic",
  title: "ISAP scoping questions answered",
  rule:
    "Say whether the contract creates a new legal entity, shares risk with other providers, and sets its value " +
    "by a new method. Any of these, like an MCP or PACS model itself, puts a contract in scope of the Integrated " +
    "Support and Assurance Process, and the answers tell reviewers which parts of it to look at.",
  source: "S3, S4",
  appliesTo: appliesTo(),
  severity: "warning",
  fieldPaths: SCOPING_QUESTIONS.map((q) => q.fieldPath),
  check: (content) => {
    const unanswered = SCOPING_QUESTIONS.find((q) => q.answer(content) === undefined);
    return unanswered ? missing(unanswered.fieldPath, unanswered.message) : pass();
  },
};

export const procurementKindGiven: AutomaticCriterion = {
  id: "ISAP-03",
  domain: "isap",
  kind: "automatic",
  title: "Procurement kind given",
  rule:
    "Say whether the commissioners are setting up a new arrangement for existing services or re-procuring a " +
    "complex contract. The assurance process covers both, and treats them differently.",
  source: "S2",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["about.procurementKind"],
  check: (content) =>
    content.about?.procurementKind === undefined
      ? missing("about.procurementKind", "Select whether this is a new arrangement or a re-procurement")
      : pass(),
};

// ---------------------------------------------------------------------------------------------
// ISAP-04: key dates

const DATE_NAMES: Record<KeyDate, string> = {
  earlyEngagement: "early engagement",
  checkpoint1: "checkpoint 1",
  procurementStart: "the start of procurement",
  preferredBidder: "the naming of the preferred bidder",
  checkpoint2: "checkpoint 2",
  contractSignature: "contract signature",
  checkpoint3: "checkpoint 3",
  serviceStart: "the start of the service",
};

const ENTER_DATE: Record<KeyDate, string> = {
  earlyEngagement: "Enter the date early engagement began",
  checkpoint1: "Enter the date of checkpoint 1",
  procurementStart: "Enter the date procurement starts",
  preferredBidder: "Enter the date the preferred bidder is named",
  checkpoint2: "Enter the date of checkpoint 2",
  contractSignature: "Enter the date the contract is signed",
  checkpoint3: "Enter the date of checkpoint 3",
  serviceStart: "Enter the date the service starts",
};

// How each key date relates to the next (domain research §2.2). The checkpoint 2 review happens once a
// preferred bidder is named, possibly the same day; the contract is signed before mobilisation, whose
// end is checkpoint 3, possibly the same day. Every other step strictly follows the one before.
const AFTER_PREVIOUS: Record<Exclude<KeyDate, "earlyEngagement">, "<" | "<="> = {
  checkpoint1: "<",
  procurementStart: "<",
  preferredBidder: "<",
  checkpoint2: "<=",
  contractSignature: "<",
  checkpoint3: "<=",
  serviceStart: "<",
};

// Dates that belong to a later checkpoint are only required once the proposal reaches it; earlier they
// are plans, checked for order when given.
const REQUIRED_DATES: Record<Checkpoint, readonly KeyDate[]> = {
  1: ["checkpoint1", "procurementStart"],
  2: ["checkpoint1", "procurementStart", "preferredBidder", "checkpoint2", "contractSignature"],
  3: ["checkpoint1", "procurementStart", "preferredBidder", "checkpoint2", "contractSignature", "checkpoint3", "serviceStart"],
};

export const keyDatesInOrder: AutomaticCriterion = {
  id: "ISAP-04",
  domain: "isap",
  kind: "automatic",
  title: "Key dates given and in order",
  rule:
    "The key dates must run in order: early engagement, checkpoint 1, the start of procurement, the naming of " +
    "the preferred bidder, checkpoint 2 (on or after the preferred bidder is named), contract signature, " +
    "checkpoint 3 (on or after signature) and the start of the service. The dates up to the checkpoint being " +
    "submitted must be given: checkpoint 1 and the start of procurement at checkpoint 1; also the preferred " +
    "bidder, checkpoint 2 and contract signature at checkpoint 2; also checkpoint 3 and the service start at " +
    "checkpoint 3.",
  source: "S1",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: KEY_DATES.map((key) => `governance.keyDates.${key}`),
  check: (content, ctx) => {
    const dates = content.governance?.keyDates ?? {};
    let previous: { key: KeyDate; date: string } | undefined;
    let strict = false;
    for (const key of KEY_DATES) {
      if (key !== "earlyEngagement") strict ||= AFTER_PREVIOUS[key] === "<";
      const date = dates[key];
      if (date === undefined) continue;
      if (previous && (strict ? date <= previous.date : date < previous.date)) {
        return invalid(
          `governance.keyDates.${key}`,
          `${capitalise(DATE_NAMES[key])} (${formatDate(date)}) must be ${strict ? "after" : "on or after"} ` +
            `${DATE_NAMES[previous.key]} (${formatDate(previous.date)})`,
        );
      }
      previous = { key, date };
      strict = false;
    }
    const absent = REQUIRED_DATES[ctx.checkpoint].find((key) => dates[key] === undefined);
    return absent ? missing(`governance.keyDates.${absent}`, ENTER_DATE[absent]) : pass();
  },
};

// ---------------------------------------------------------------------------------------------
// ISAP-05 and ISAP-08: approvals on or before the checkpoint

interface ApprovalRow {
  checkpoint?: number | undefined;
  date?: string | undefined;
  minuteReference?: string | undefined;
  evidenceDocumentId?: string | undefined;
  organisation?: string | undefined;
}

function checkApprovals(
  content: SubmissionContent,
  checkpoint: Checkpoint,
  listPath: "governance.governingBodyApprovals" | "governance.providerBoardApprovals",
  rows: readonly ApprovalRow[],
  who: { body: string; noun: string; needsOrganisation: boolean },
): CheckOutcome {
  const checkpointDate = content.governance?.keyDates?.[`checkpoint${checkpoint}`];
  if (checkpointDate === undefined) {
    return missing(
      `governance.keyDates.checkpoint${checkpoint}`,
      `Enter the date of checkpoint ${checkpoint}, so that the ${who.body}'s approval can be checked against it`,
    );
  }
  const documentIds = new Set((content.evidence?.documents ?? []).map((d) => d.id));
  const failures: CheckOutcome[] = [];
  let approvals = 0;
  rows.forEach((row, index) => {
    const at = `${listPath}[${index}]`;
    if (row.checkpoint === undefined) {
      failures.push(missing(`${at}.checkpoint`, `Select which checkpoint ${rowName(index, who.noun)} is for`));
      return;
    }
    if (row.checkpoint !== checkpoint) return;
    approvals += 1;
    if (who.needsOrganisation && isBlank(row.organisation)) {
      failures.push(missing(`${at}.organisation`, `Enter the provider whose board gave ${rowName(index, who.noun)}`));
    }
    if (row.date === undefined) {
      failures.push(missing(`${at}.date`, `Enter the date of the ${who.body} meeting that approved checkpoint ${checkpoint}`));
    } else if (row.date > checkpointDate) {
      failures.push(
        invalid(
          `${at}.date`,
          `The ${who.body} approved this on ${formatDate(row.date)}, after the checkpoint ${checkpoint} date of ` +
            `${formatDate(checkpointDate)}; approval must come on or before the checkpoint`,
        ),
      );
    }
    if (isBlank(row.minuteReference)) {
      failures.push(
        missing(`${at}.minuteReference`, `Enter the minute reference of the ${who.body}'s approval for checkpoint ${checkpoint}`),
      );
    }
    if (row.evidenceDocumentId !== undefined && !documentIds.has(row.evidenceDocumentId)) {
      failures.push(
        invalid(
          `${at}.evidenceDocumentId`,
          `The minutes linked to the ${who.body}'s approval for checkpoint ${checkpoint} are not among the ` +
            "uploaded documents; upload them or link another document",
        ),
      );
    }
  });
  const failure = firstFailure(failures);
  if (failure) return failure;
  if (approvals === 0) {
    return missing(listPath, `Add the ${who.body}'s approval for checkpoint ${checkpoint}: the meeting date and minute reference`);
  }
  return pass();
}

export const governingBodyApproval: AutomaticCriterion = {
  id: "ISAP-05",
  domain: "isap",
  kind: "automatic",
  title: "Governing-body approval on or before the checkpoint",
  rule:
    "For the checkpoint being submitted, the commissioners' governing body must have reviewed and approved the " +
    "proposal on or before the checkpoint date, with the meeting date and minute reference recorded. Minutes " +
    "linked to an approval must be among the uploaded documents.",
  source: "S2",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: [
    "governance.keyDates.checkpoint1",
    "governance.keyDates.checkpoint2",
    "governance.keyDates.checkpoint3",
    "governance.governingBodyApprovals",
    "governance.governingBodyApprovals[].checkpoint",
    "governance.governingBodyApprovals[].date",
    "governance.governingBodyApprovals[].minuteReference",
    "governance.governingBodyApprovals[].evidenceDocumentId",
  ],
  check: (content, ctx) =>
    checkApprovals(content, ctx.checkpoint, "governance.governingBodyApprovals", content.governance?.governingBodyApprovals ?? [], {
      body: "governing body",
      noun: "governing-body approval",
      needsOrganisation: false,
    }),
};

export const transactionReviewFlag: AutomaticCriterion = {
  id: "ISAP-06",
  domain: "isap",
  kind: "automatic",
  title: "NHS Improvement transaction review flagged",
  rule:
    "At checkpoint 2, say whether an NHS trust or foundation trust is a party to the contract. If one is, NHS " +
    "Improvement's transaction review applies alongside this process, and this warning stays so that reviewers " +
    "look for its outcome.",
  source: "S2",
  appliesTo: appliesTo(undefined, [2]),
  severity: "warning",
  fieldPaths: ["contract.nhsTrustOrFoundationTrustParty"],
  check: (content) => {
    const party = content.contract?.nhsTrustOrFoundationTrustParty;
    if (party === undefined) {
      return missing("contract.nhsTrustOrFoundationTrustParty", "Say whether an NHS trust or foundation trust is a party to the contract");
    }
    return party
      ? invalid(
          "contract.nhsTrustOrFoundationTrustParty",
          "An NHS trust or foundation trust is a party to the contract, so NHS Improvement's transaction review " +
            "applies; reviewers will look for its outcome",
        )
      : pass();
  },
};

export const commissionerNamed: AutomaticCriterion = {
  id: "ISAP-07",
  domain: "isap",
  kind: "automatic",
  title: "At least one commissioner",
  rule:
    "At least one commissioner organisation must be named, with its kind: one or more clinical commissioning " +
    "groups, NHS England, or a local authority. The commissioner is the party the assurance process reviews.",
  source: "S34",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["about.commissioners", "about.commissioners[].name", "about.commissioners[].kind"],
  check: (content) => {
    const commissioners = content.about?.commissioners ?? [];
    if (commissioners.length === 0) {
      return missing("about.commissioners", "Add at least one commissioner organisation");
    }
    for (const [index, commissioner] of commissioners.entries()) {
      if (isBlank(commissioner.name)) {
        return missing(`about.commissioners[${index}].name`, `Enter the name of ${rowName(index, "commissioner")}`);
      }
      if (commissioner.kind === undefined) {
        return missing(
          `about.commissioners[${index}].kind`,
          `Select what kind of organisation ${rowName(index, "commissioner", commissioner.name)} is`,
        );
      }
    }
    return pass();
  },
};

export const providerBoardApproval: AutomaticCriterion = {
  id: "ISAP-08",
  domain: "isap",
  kind: "automatic",
  title: "Provider board approval on or before the checkpoint",
  rule:
    "From checkpoint 2, once there is a preferred bidder, the provider's board must also have approved the " +
    "proposal on or before the checkpoint date, with the provider, meeting date and minute reference recorded. " +
    "(Split out from ISAP-05 because it applies only from checkpoint 2.)",
  source: "S1, S2",
  appliesTo: appliesTo(undefined, [2, 3]),
  severity: "blocking",
  fieldPaths: [
    "governance.keyDates.checkpoint2",
    "governance.keyDates.checkpoint3",
    "governance.providerBoardApprovals",
    "governance.providerBoardApprovals[].checkpoint",
    "governance.providerBoardApprovals[].organisation",
    "governance.providerBoardApprovals[].date",
    "governance.providerBoardApprovals[].minuteReference",
    "governance.providerBoardApprovals[].evidenceDocumentId",
  ],
  check: (content, ctx) =>
    ctx.checkpoint === 1
      ? notApplicable()
      : checkApprovals(content, ctx.checkpoint, "governance.providerBoardApprovals", content.governance?.providerBoardApprovals ?? [], {
          body: "provider board",
          noun: "provider board approval",
          needsOrganisation: true,
        }),
};

export const isapCriteria: readonly AutomaticCriterion[] = [
  modelTypeGiven,
  scopingQuestionsAnswered,
  procurementKindGiven,
  keyDatesInOrder,
  governingBodyApproval,
  transactionReviewFlag,
  commissionerNamed,
  providerBoardApproval,
];
