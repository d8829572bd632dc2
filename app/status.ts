import { checkpointOf, describeState, hasTag } from "../workflows/states.ts";

/**
 * Words and tag colours for a submission's place in the process, shared by every list and page.
 * Never "Completed": a finished section is "Ready", and only the workflow says "Submitted"
 * (a misleading "Completed" tag is the best-documented failure of the GOV.UK task list).
 */
export function stateLabel(state: string): string {
  const text = describeState(state);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function stateTagClass(state: string): string {
  if (hasTag(state, "assured")) return "nhsuk-tag nhsuk-tag--green";
  if (hasTag(state, "closed")) return "nhsuk-tag nhsuk-tag--grey";
  if (hasTag(state, "paused")) return "nhsuk-tag nhsuk-tag--orange";
  if (hasTag(state, "returned")) return "nhsuk-tag nhsuk-tag--red";
  if (checkpointOf(state)) return "nhsuk-tag nhsuk-tag--blue";
  return "nhsuk-tag nhsuk-tag--white";
}

export function turnLabel(whoseTurn: string): string {
  switch (whoseTurn) {
    case "local":
      return "Yours (local system)";
    case "national":
      return "National team";
    case "paused":
      return "Nobody: paused";
    default:
      return "Closed";
  }
}

// One formatter for moments, shared with the words that describe version changes (workflows/).
export { formatDateTime } from "../workflows/submission-vocabulary.ts";

// Made once: building an Intl formatter costs more than using it (a call per row was 11% of the
// pipeline page's CPU in a profile of 50 rows under load).
const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" });

export function formatDate(iso: string): string {
  return DATE.format(new Date(iso));
}

const DECISION_WORDS: Record<string, string> = {
  proceed: "proceed",
  proceed_with_conditions: "proceed with conditions",
  changes_requested: "changes requested",
  do_not_proceed: "do not proceed",
};

export function decisionLabel(decision: string): string {
  return DECISION_WORDS[decision] ?? decision;
}

/** One line of a submission's timeline, in words, from an audit entry. */
export function describeAuditEntry(action: string, payload: Record<string, unknown>): string {
  switch (action) {
    case "CREATE":
      return "Started the draft";
    case "SUBMIT":
      return payload.versionNumber ? `Submitted version ${String(payload.versionNumber)} for assurance` : "Submitted for assurance";
    case "RESUBMIT":
      return payload.versionNumber
        ? `Resubmitted (version ${String(payload.versionNumber)}) after changes were requested`
        : "Resubmitted after changes were requested";
    case "ASSIGN":
      return "Assigned the reviewers";
    case "PROPOSE_DECISION":
      return `Proposed the decision: ${decisionLabel(String(payload.decision))}`;
    case "COUNTERSIGN":
      return payload.agree ? "Countersigned the decision" : "Disagreed with the proposed decision and sent it back to the lead reviewer";
    case "SUBMIT_CONDITION_EVIDENCE":
      return "Gave evidence for a condition";
    case "ACCEPT_CONDITION":
      return "Accepted the evidence: condition discharged";
    case "REJECT_CONDITION":
      return "Did not accept the evidence for a condition";
    case "PAUSE":
      return `Paused the submission: ${String(payload.reason ?? "")}`;
    case "RESUME":
      return "Resumed the submission";
    case "WITHDRAW":
      return `Withdrew the submission: ${String(payload.reason ?? "")}`;
    case "DECLARE_CONFLICT":
      return `Declared a conflict with ${String(payload.footprintName ?? payload.footprintCode ?? "a footprint")}`;
    case "WITHDRAW_CONFLICT":
      return `Withdrew a declared conflict with ${String(payload.footprintCode ?? "a footprint")}`;
    case "INVITE_USER":
      return `Invited ${String(payload.email ?? "a user")} as ${String(payload.role ?? "a user")}`;
    case "RESEND_INVITATION":
      return `Sent a new invitation to ${String(payload.email ?? "a user")}`;
    case "SET_PASSWORD":
      return "Set their password from an invitation link";
    case "LINK_SINGLE_SIGN_ON":
      return `Signed in with ${String(payload.provider ?? "single sign-on")} for the first time, which linked it to their account`;
    case "CHANGE_ROLE":
      return `Changed a role${payload.from && payload.to ? ` from ${String(payload.from)} to ${String(payload.to)}` : ""}`;
    case "CHANGE_FOOTPRINTS":
      return "Changed a lead's footprints";
    case "RECORD_CONFLICT":
      return `Recorded a reviewer's conflict with ${String(payload.footprintName ?? payload.footprintCode ?? "a footprint")}`;
    case "DEACTIVATE_USER":
      return `Deactivated an account${payload.reason ? `: ${String(payload.reason)}` : ""}`;
    case "REACTIVATE_USER":
      return "Reactivated an account";
    case "SIMULATE_CRITERIA_SET":
      return `Ran an impact simulation of criteria set ${String(payload.targetSet ?? "")}`.trim();
    case "CREATE_CRITERIA_DRAFT":
      return `Started criteria set ${String(payload.setId ?? "")} as a draft copy of ${String(payload.basedOn ?? "")}`;
    case "EDIT_CRITERIA_DRAFT":
      return `${capitalise(String(payload.change ?? "changed"))} criterion ${String(payload.criterionId ?? "")} of draft criteria set ${String(payload.setId ?? "")}`;
    case "PUBLISH_CRITERIA_SET":
      return `Published criteria set ${String(payload.setId ?? "")} (content hash ${String(payload.contentHash ?? "").slice(0, 12)}…)${payload.reason ? `: ${String(payload.reason)}` : ""}`;
    case "MOVE_CRITERIA_SET":
      return `Moved ${payload.moved === undefined ? "" : `${String(payload.moved)} `}submissions to criteria set ${String(payload.targetSet ?? "")}${payload.reason ? `: ${String(payload.reason)}` : ""}`;
    case "CHANGE_CRITERIA_SET":
      return `Moved ${payload.from ? `from criteria set ${String(payload.from)} ` : ""}to ${payload.to ? `criteria set ${String(payload.to)}` : "another criteria set"}${payload.reason ? `: ${String(payload.reason)}` : ""}`;
    default:
      return action.toLowerCase().replaceAll("_", " ");
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
