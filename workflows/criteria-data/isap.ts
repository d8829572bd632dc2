// Integrated Support and Assurance Process, as data: the rows of workflows/criteria/isap.ts.
import type { AutomaticCriterionRow, TableRule } from "./types.ts";

const BOTH_MODELS = ["MCP", "PACS"] as const;
const ALL_CHECKPOINTS = [1, 2, 3] as const;

/** A FEEL string literal. */
const text = (value: string) => JSON.stringify(value);

export const modelTypeGiven: AutomaticCriterionRow = {
  id: "ISAP-01",
  domain: "isap",
  kind: "automatic",
  title: "Model type given",
  rule:
    "The proposal must say whether it is a multispecialty community provider (MCP) or a primary and acute care " +
    "system (PACS). The model type decides which of the other criteria apply.",
  source: "S3, S4",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["about.modelType"],
  table: {
    rules: [
      {
        when: "about.modelType = null",
        outcome: "fail",
        message: text("Select the model type: MCP or PACS"),
        fieldPath: text("about.modelType"),
        missing: true,
      },
    ],
  },
};

export const scopingQuestionsAnswered: AutomaticCriterionRow = {
  id: "ISAP-02",
  domain: "isap",
  kind: "automatic",
  title: "ISAP scoping questions answered",
  rule:
    "Say whether the contract creates a new legal entity, shares risk with other providers, and sets its value " +
    "by a new method. Any of these, like an MCP or PACS model itself, puts a contract in scope of the Integrated " +
    "Support and Assurance Process, and the answers tell reviewers which parts of it to look at.",
  source: "S3, S4",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["contract.createsNewLegalEntity", "finance.riskGainShare.hasRiskShare", "finance.novelContractValueMethod.used"],
  table: {
    rules: [
      {
        when: "contract.createsNewLegalEntity = null",
        outcome: "fail",
        message: text("Say whether the contract creates a new legal entity"),
        fieldPath: text("contract.createsNewLegalEntity"),
        missing: true,
      },
      {
        when: "finance.riskGainShare.hasRiskShare = null",
        outcome: "fail",
        message: text("Say whether the contract shares risk or gains with other providers"),
        fieldPath: text("finance.riskGainShare.hasRiskShare"),
        missing: true,
      },
      {
        when: "finance.novelContractValueMethod.used = null",
        outcome: "fail",
        message: text("Say whether the contract value is set by a new method"),
        fieldPath: text("finance.novelContractValueMethod.used"),
        missing: true,
      },
    ],
  },
};

export const procurementKindGiven: AutomaticCriterionRow = {
  id: "ISAP-03",
  domain: "isap",
  kind: "automatic",
  title: "Procurement kind given",
  rule:
    "Say whether the commissioners are setting up a new arrangement for existing services or re-procuring a " +
    "complex contract. The assurance process covers both, and treats them differently.",
  source: "S2",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["about.procurementKind"],
  table: {
    rules: [
      {
        when: "about.procurementKind = null",
        outcome: "fail",
        message: text("Select whether this is a new arrangement or a re-procurement"),
        fieldPath: text("about.procurementKind"),
        missing: true,
      },
    ],
  },
};

// The key dates in order, each with whether it must come strictly after the one before (checkpoint 2
// may fall on the day the preferred bidder is named, checkpoint 3 on the day of signature).
const KEY_DATE_ORDER = [
  { key: "earlyEngagement", name: "early engagement", position: 1, strict: false },
  { key: "checkpoint1", name: "checkpoint 1", position: 2, strict: true },
  { key: "procurementStart", name: "the start of procurement", position: 3, strict: true },
  { key: "preferredBidder", name: "the naming of the preferred bidder", position: 4, strict: true },
  { key: "checkpoint2", name: "checkpoint 2", position: 5, strict: false },
  { key: "contractSignature", name: "contract signature", position: 6, strict: true },
  { key: "checkpoint3", name: "checkpoint 3", position: 7, strict: false },
  { key: "serviceStart", name: "the start of the service", position: 8, strict: true },
];

const ENTER = {
  checkpoint1: { key: "checkpoint1", message: "Enter the date of checkpoint 1" },
  procurementStart: { key: "procurementStart", message: "Enter the date procurement starts" },
  preferredBidder: { key: "preferredBidder", message: "Enter the date the preferred bidder is named" },
  checkpoint2: { key: "checkpoint2", message: "Enter the date of checkpoint 2" },
  contractSignature: { key: "contractSignature", message: "Enter the date the contract is signed" },
  checkpoint3: { key: "checkpoint3", message: "Enter the date of checkpoint 3" },
  serviceStart: { key: "serviceStart", message: "Enter the date the service starts" },
};
const REQUIRED_AT_1 = [ENTER.checkpoint1, ENTER.procurementStart];
const REQUIRED_AT_2 = [...REQUIRED_AT_1, ENTER.preferredBidder, ENTER.checkpoint2, ENTER.contractSignature];
const REQUIRED_AT_3 = [...REQUIRED_AT_2, ENTER.checkpoint3, ENTER.serviceStart];

export const keyDatesInOrder: AutomaticCriterionRow = {
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
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: [
    "governance.keyDates.earlyEngagement",
    "governance.keyDates.checkpoint1",
    "governance.keyDates.procurementStart",
    "governance.keyDates.preferredBidder",
    "governance.keyDates.checkpoint2",
    "governance.keyDates.contractSignature",
    "governance.keyDates.checkpoint3",
    "governance.keyDates.serviceStart",
  ],
  table: {
    constants: { order: KEY_DATE_ORDER, requiredAt1: REQUIRED_AT_1, requiredAt2: REQUIRED_AT_2, requiredAt3: REQUIRED_AT_3 },
    let: [
      { name: "keyDates", value: "governance.keyDates" },
      {
        name: "dates",
        value:
          "[keyDates.earlyEngagement, keyDates.checkpoint1, keyDates.procurementStart, keyDates.preferredBidder, " +
          "keyDates.checkpoint2, keyDates.contractSignature, keyDates.checkpoint3, keyDates.serviceStart]",
      },
      // Dates each strictly after the one before are in order whatever the rules, so only dates
      // that are not need the pass over each given date.
      { name: "given", value: "if strictlyIncreasing(dates) then [] else order[get value(keyDates, item.key) != null]" },
      { name: "required", value: "if checkpoint = 1 then requiredAt1 else if checkpoint = 2 then requiredAt2 else requiredAt3" },
    ],
    rules: [
      {
        // Each given date against the given date before it. The step is strict if any key from the
        // one after the previous up to this one must strictly follow its predecessor: in this order
        // no two neighbours are both "on or after", so that is any step over a skipped key, or onto
        // a strict one.
        forEach: { list: "given", as: "current", index: "n" },
        let: [
          { name: "previous", value: "if n = 0 then null else given[n]" },
          { name: "currentDate", value: "get value(keyDates, current.key)" },
          { name: "previousDate", value: "if previous = null then null else get value(keyDates, previous.key)" },
          { name: "strict", value: "current.strict or previous.position < current.position - 1" },
        ],
        rules: [
          {
            when: "previous != null and (if strict then currentDate <= previousDate else currentDate < previousDate)",
            outcome: "fail",
            message:
              'capitalise(current.name) + " (" + formatDate(currentDate) + ") must be " + (if strict then "after" else "on or after") + ' +
              '" " + previous.name + " (" + formatDate(previousDate) + ")"',
            fieldPath: '"governance.keyDates." + current.key',
            missing: false,
          },
        ],
      },
      {
        // The dates required are the second onwards of `dates`: two of them at checkpoint 1, five at 2, seven at 3.
        when: "list contains(sublist(dates, 2, if checkpoint = 1 then 2 else if checkpoint = 2 then 5 else 7), null)",
        forEach: { list: "required", as: "wanted", index: "w" },
        rules: [
          {
            when: "get value(keyDates, wanted.key) = null",
            outcome: "fail",
            message: "wanted.message",
            fieldPath: '"governance.keyDates." + wanted.key',
            missing: true,
          },
        ],
      },
    ],
  },
};

/**
 * The approvals rules of ISAP-05 and ISAP-08, which differ only in the list, its wording and whether
 * each approval names its organisation. A wrong value anywhere is reported before an empty one.
 */
function approvalRules(
  listPath: string,
  who: { body: string; noun: string; needsOrganisation: boolean },
): AutomaticCriterionRow["table"]["rules"] {
  const at = (field: string) => `"${listPath}[" + string(i) + "].${field}"`;
  const own = "a.checkpoint = checkpoint";
  const missingRules: TableRule[] = [
    {
      when: "a.checkpoint = null",
      outcome: "fail",
      message: `"Select which checkpoint " + rowName(i, ${text(who.noun)}, null) + " is for"`,
      fieldPath: at("checkpoint"),
      missing: true,
    },
  ];
  if (who.needsOrganisation) {
    missingRules.push({
      when: `${own} and isBlank(a.organisation)`,
      outcome: "fail",
      message: `"Enter the provider whose board gave " + rowName(i, ${text(who.noun)}, null)`,
      fieldPath: at("organisation"),
      missing: true,
    });
  }
  missingRules.push(
    {
      when: `${own} and a.date = null`,
      outcome: "fail",
      message: `"Enter the date of the ${who.body} meeting that approved checkpoint " + string(checkpoint)`,
      fieldPath: at("date"),
      missing: true,
    },
    {
      when: `${own} and isBlank(a.minuteReference)`,
      outcome: "fail",
      message: `"Enter the minute reference of the ${who.body}'s approval for checkpoint " + string(checkpoint)`,
      fieldPath: at("minuteReference"),
      missing: true,
    },
  );
  return [
    {
      when: "checkpointDate = null",
      outcome: "fail",
      message: `"Enter the date of checkpoint " + string(checkpoint) + ", so that the ${who.body}'s approval can be checked against it"`,
      fieldPath: '"governance.keyDates.checkpoint" + string(checkpoint)',
      missing: true,
    },
    {
      forEach: { list: "approvals", as: "a", index: "i" },
      rules: [
        {
          // `if` rather than `and`: FEEL's `and` evaluates both sides, and most approvals are for another checkpoint.
          when: `if ${own} then a.date != null and a.date > checkpointDate else false`,
          outcome: "fail",
          message:
            `"The ${who.body} approved this on " + formatDate(a.date) + ", after the checkpoint " + string(checkpoint) + ` +
            `" date of " + formatDate(checkpointDate) + "; approval must come on or before the checkpoint"`,
          fieldPath: at("date"),
          missing: false,
        },
        {
          when: `if ${own} and a.evidenceDocumentId != null then list contains(documentIds, a.evidenceDocumentId) = false else false`,
          outcome: "fail",
          message:
            `"The minutes linked to the ${who.body}'s approval for checkpoint " + string(checkpoint) + ` +
            `" are not among the uploaded documents; upload them or link another document"`,
          fieldPath: at("evidenceDocumentId"),
          missing: false,
        },
      ],
    },
    { forEach: { list: "approvals", as: "a", index: "i" }, rules: missingRules },
    {
      when: "not(some a in approvals satisfies a.checkpoint = checkpoint)",
      outcome: "fail",
      message: `"Add the ${who.body}'s approval for checkpoint " + string(checkpoint) + ": the meeting date and minute reference"`,
      fieldPath: text(listPath),
      missing: true,
    },
  ];
}

function approvalBindings(list: string) {
  return [
    {
      name: "checkpointDate",
      value:
        "if checkpoint = 1 then governance.keyDates.checkpoint1 else if checkpoint = 2 then governance.keyDates.checkpoint2 " +
        "else governance.keyDates.checkpoint3",
    },
    { name: "documentIds", value: "if evidence.documents = null then [] else evidence.documents.id" },
    { name: "approvals", value: `if ${list} = null then [] else ${list}` },
  ];
}

export const governingBodyApproval: AutomaticCriterionRow = {
  id: "ISAP-05",
  domain: "isap",
  kind: "automatic",
  title: "Governing-body approval on or before the checkpoint",
  rule:
    "For the checkpoint being submitted, the commissioners' governing body must have reviewed and approved the " +
    "proposal on or before the checkpoint date, with the meeting date and minute reference recorded. Minutes " +
    "linked to an approval must be among the uploaded documents.",
  source: "S2",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
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
  table: {
    let: approvalBindings("governance.governingBodyApprovals"),
    rules: approvalRules("governance.governingBodyApprovals", {
      body: "governing body",
      noun: "governing-body approval",
      needsOrganisation: false,
    }),
  },
};

export const transactionReviewFlag: AutomaticCriterionRow = {
  id: "ISAP-06",
  domain: "isap",
  kind: "automatic",
  title: "NHS Improvement transaction review flagged",
  rule:
    "At checkpoint 2, say whether an NHS trust or foundation trust is a party to the contract. If one is, NHS " +
    "Improvement's transaction review applies alongside this process, and this warning stays so that reviewers " +
    "look for its outcome.",
  source: "S2",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: [2] },
  severity: "warning",
  fieldPaths: ["contract.nhsTrustOrFoundationTrustParty"],
  table: {
    rules: [
      {
        when: "contract.nhsTrustOrFoundationTrustParty = null",
        outcome: "fail",
        message: text("Say whether an NHS trust or foundation trust is a party to the contract"),
        fieldPath: text("contract.nhsTrustOrFoundationTrustParty"),
        missing: true,
      },
      {
        when: "contract.nhsTrustOrFoundationTrustParty = true",
        outcome: "fail",
        message: text(
          "An NHS trust or foundation trust is a party to the contract, so NHS Improvement's transaction review " +
            "applies; reviewers will look for its outcome",
        ),
        fieldPath: text("contract.nhsTrustOrFoundationTrustParty"),
        missing: false,
      },
    ],
  },
};

export const commissionerNamed: AutomaticCriterionRow = {
  id: "ISAP-07",
  domain: "isap",
  kind: "automatic",
  title: "At least one commissioner",
  rule:
    "At least one commissioner organisation must be named, with its kind: one or more clinical commissioning " +
    "groups, NHS England, or a local authority. The commissioner is the party the assurance process reviews.",
  source: "S34",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["about.commissioners", "about.commissioners[].name", "about.commissioners[].kind"],
  table: {
    let: [{ name: "commissioners", value: "if about.commissioners = null then [] else about.commissioners" }],
    rules: [
      {
        when: "count(commissioners) = 0",
        outcome: "fail",
        message: text("Add at least one commissioner organisation"),
        fieldPath: text("about.commissioners"),
        missing: true,
      },
      {
        forEach: { list: "commissioners", as: "c", index: "i" },
        rules: [
          {
            when: "isBlank(c.name)",
            outcome: "fail",
            message: '"Enter the name of " + rowName(i, "commissioner", null)',
            fieldPath: '"about.commissioners[" + string(i) + "].name"',
            missing: true,
          },
          {
            when: "c.kind = null",
            outcome: "fail",
            message: '"Select what kind of organisation " + rowName(i, "commissioner", c.name) + " is"',
            fieldPath: '"about.commissioners[" + string(i) + "].kind"',
            missing: true,
          },
        ],
      },
    ],
  },
};

export const providerBoardApproval: AutomaticCriterionRow = {
  id: "ISAP-08",
  domain: "isap",
  kind: "automatic",
  title: "Provider board approval on or before the checkpoint",
  rule:
    "From checkpoint 2, once there is a preferred bidder, the provider's board must also have approved the " +
    "proposal on or before the checkpoint date, with the provider, meeting date and minute reference recorded. " +
    "(Split out from ISAP-05 because it applies only from checkpoint 2.)",
  source: "S1, S2",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: [2, 3] },
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
  table: {
    let: approvalBindings("governance.providerBoardApprovals"),
    rules: [
      { when: "checkpoint = 1", outcome: "not_applicable" },
      ...approvalRules("governance.providerBoardApprovals", {
        body: "provider board",
        noun: "provider board approval",
        needsOrganisation: true,
      }),
    ],
  },
};

export const isapRows: readonly AutomaticCriterionRow[] = [
  modelTypeGiven,
  scopingQuestionsAnswered,
  procurementKindGiven,
  keyDatesInOrder,
  governingBodyApproval,
  transactionReviewFlag,
  commissionerNamed,
  providerBoardApproval,
];
