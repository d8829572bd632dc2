import { parseWithZod } from "@conform-to/zod/v4";
import { data, Link, useNavigation } from "react-router";
import type { Route } from "./+types/review";
import { ErrorSummary, type ErrorSummaryItem } from "../components/ErrorSummary.tsx";
import { CommentsSection } from "../components/review/Comments.tsx";
import { ConditionsSection, conditionFormId } from "../components/review/Conditions.tsx";
import { CountersignSection, ProposeSection } from "../components/review/Decision.tsx";
import { type FormReply, fieldDomId } from "../components/review/forms.ts";
import { RatingsSection } from "../components/review/Ratings.tsx";
import { SubmissionActions } from "../components/SubmissionActions.tsx";
import {
  AnswersSection,
  ChecksSection,
  DecisionsSection,
  EvidenceSection,
  HistorySection,
  ResubmissionSection,
} from "../components/review/WorkspaceSections.tsx";
import { stateTagClass } from "../status.ts";
import { applyEvent, type ApplyResult, type WorkflowCommand } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { CommentSchema, ConditionReviewSchema, CountersignSchema, proposeSchema, RateSchema } from "../.server/review-forms.ts";
import { postComment, saveRatings } from "../.server/review-notes.ts";
import { criteriaSetOf, reviewWorkspace, targetCriteria } from "../.server/review-workspace.ts";
import { requireReadableForm, withClippedReply } from "../.server/forms.ts";
import { redirectWithFlash } from "../.server/flash.ts";
import { requireRole } from "../.server/session.ts";
import { actionsFor, type LoadedSubmission, requireSubmission } from "../.server/submissions.ts";

/**
 * The review workspace: everything a national reviewer needs about one submission on one page
 * (answers, checks, evidence, ratings, comments, conditions, decisions and history), with the
 * forms to rate, comment, propose and countersign a decision and judge condition evidence. Every
 * form posts to this route's action with an `intent`; nothing needs JavaScript.
 */

const FLASH = {
  rated: "Your ratings have been saved.",
  commented: "Your comment has been added.",
  proposed: "Your proposed decision has been sent to the second reviewer to countersign.",
  countersigned: "You countersigned the decision. It is now final.",
  disagreed: "You disagreed with the proposed decision. It has gone back to the lead reviewer with your reason.",
  accepted: "You accepted the evidence. The condition is discharged.",
  rejected: "You did not accept the evidence. The condition is open again, with your reason for the system lead.",
} as const;
type Flash = keyof typeof FLASH;

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  return { ...(await reviewWorkspace(db(), loaded)), actions: actionsFor(loaded) };
}

const reply = (body: FormReply, status: number) => data(body, { status });
const done = (loaded: LoadedSubmission, flash: Flash) => redirectWithFlash(`/reviews/${loaded.submission.id}`, FLASH[flash]);

/** The status a refused or lost workflow event is answered with; an unknown submission is a 404. */
function statusOf(result: Extract<ApplyResult, { ok: false }>): number {
  if (result.kind === "not_found") throw data("Submission not found", { status: 404 });
  return result.kind === "conflict" ? 409 : 403;
}

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const formData = requireReadableForm(await request.formData());
  switch (formData.get("intent")) {
    case "rate":
      return rate(loaded, formData);
    case "comment":
      return comment(loaded, formData);
    case "propose":
      return propose(loaded, formData);
    case "countersign":
      return countersign(loaded, formData);
    case "accept-condition":
    case "reject-condition":
      return judgeCondition(loaded, formData);
    default:
      throw data("The form could not be read. Go back to the page and try again.", { status: 400 });
  }
}

/** Conform reads the post; only a tampered list intent makes it throw. */
function parse<T>(run: () => T): T {
  try {
    return run();
  } catch {
    throw data("The form could not be read. Go back to the page and try again.", { status: 400 });
  }
}

async function rate(loaded: LoadedSubmission, formData: FormData) {
  const submission = parse(() => withClippedReply(parseWithZod(formData, { schema: RateSchema }), RateSchema));
  if (submission.status !== "success") return reply({ form: "rate", result: submission.reply() }, 400);
  const rated = submission.value.ratings.flatMap((r) =>
    r.rating ? [{ criterionId: r.criterionId, rating: r.rating, note: r.note ?? "" }] : [],
  );
  const saved = await saveRatings(db(), loaded, rated);
  if (!saved.ok) return reply({ form: "rate", result: submission.reply({ formErrors: [saved.reason] }) }, 403);
  return done(loaded, "rated");
}

async function comment(loaded: LoadedSubmission, formData: FormData) {
  const submission = parse(() => withClippedReply(parseWithZod(formData, { schema: CommentSchema }), CommentSchema));
  if (submission.status !== "success") return reply({ form: "comment", result: submission.reply() }, 400);
  const { body, visibility, fieldPath } = submission.value;
  const posted = await postComment(db(), loaded, { body, visibility, fieldPath: fieldPath ?? null });
  if (!posted.ok) return reply({ form: "comment", result: submission.reply({ formErrors: [posted.reason] }) }, 403);
  return done(loaded, "commented");
}

async function propose(loaded: LoadedSubmission, formData: FormData) {
  const criteria = targetCriteria(await criteriaSetOf(db(), loaded.submission), loaded.snapshot.context.checkpoint);
  const schema = proposeSchema(criteria.map((c) => c.value));
  const submission = parse(() => withClippedReply(parseWithZod(formData, { schema }), schema));
  if (submission.status !== "success") {
    // "Add another" and "Remove" come back here too: the page again with the rows changed, nothing saved.
    const listIntent = formData.has("__intent__");
    return reply({ form: "propose", result: submission.reply() }, listIntent ? 200 : 400);
  }
  const v = submission.value;
  const rows = (entries: typeof v.conditions) =>
    entries.flatMap((e) =>
      e.text
        ? [
            {
              id: crypto.randomUUID(),
              text: e.text,
              ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
              ...(e.criterionId ? { criterionId: e.criterionId } : {}),
            },
          ]
        : [],
    );
  const command: WorkflowCommand = {
    type: "PROPOSE_DECISION",
    decision: v.decision,
    confidence: v.confidence,
    rationale: v.rationale,
    ...(v.decision === "proceed_with_conditions" ? { conditions: rows(v.conditions) } : {}),
    ...(v.decision === "changes_requested" ? { changeRequests: rows(v.changeRequests) } : {}),
  };
  const result = await applyEvent(db(), loaded.submission.id, loaded.actor, command, { expectedVersion: v.version });
  if (!result.ok) return reply({ form: "propose", result: submission.reply({ formErrors: [result.reason] }) }, statusOf(result));
  return done(loaded, "proposed");
}

async function countersign(loaded: LoadedSubmission, formData: FormData) {
  const submission = parse(() => withClippedReply(parseWithZod(formData, { schema: CountersignSchema }), CountersignSchema));
  if (submission.status !== "success") return reply({ form: "countersign", result: submission.reply() }, 400);
  const { agree, reason, version } = submission.value;
  const command: WorkflowCommand =
    agree === "yes" ? { type: "COUNTERSIGN", agree: true } : { type: "COUNTERSIGN", agree: false, reason: reason ?? "" };
  const result = await applyEvent(db(), loaded.submission.id, loaded.actor, command, { expectedVersion: version });
  if (!result.ok) return reply({ form: "countersign", result: submission.reply({ formErrors: [result.reason] }) }, statusOf(result));
  return done(loaded, agree === "yes" ? "countersigned" : "disagreed");
}

async function judgeCondition(loaded: LoadedSubmission, formData: FormData) {
  const conditionId = String(formData.get("conditionId") ?? "");
  const submission = parse(() => withClippedReply(parseWithZod(formData, { schema: ConditionReviewSchema }), ConditionReviewSchema));
  if (submission.status !== "success") return reply({ form: "condition", conditionId, result: submission.reply() }, 400);
  const v = submission.value;
  const command: WorkflowCommand =
    v.intent === "accept-condition"
      ? { type: "ACCEPT_CONDITION", conditionId: v.conditionId }
      : { type: "REJECT_CONDITION", conditionId: v.conditionId, reason: v.reason };
  const result = await applyEvent(db(), loaded.submission.id, loaded.actor, command, { expectedVersion: v.version });
  if (!result.ok) {
    return reply({ form: "condition", conditionId, result: submission.reply({ formErrors: [result.reason] }) }, statusOf(result));
  }
  return done(loaded, v.intent === "accept-condition" ? "accepted" : "rejected");
}

// ---------------------------------------------------------------------------------------------

const TURN = { local: "Local system", national: "National team", paused: "Nobody: paused", closed: "Nobody: closed" } as const;
const days = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

/** The error summary's links: each message to its field, or to the top of its form for a refusal. */
function summaryOf(last: FormReply | undefined): ErrorSummaryItem[] {
  // "Add another" and "Remove" come back without a status: nothing was checked, so nothing to list.
  if (!last?.result.error || last.result.status !== "error") return [];
  const formId = last.form === "condition" ? conditionFormId(last.conditionId ?? "") : last.form;
  return Object.entries(last.result.error).flatMap(([name, messages]) =>
    (messages ?? []).map((message) => ({ fieldId: name === "" ? `${formId}--error` : fieldDomId(formId, name), message })),
  );
}

export default function ReviewWorkspacePage({ loaderData: d, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const last = actionData as FormReply | undefined;
  const resultFor = (form: FormReply["form"]) => (last?.form === form ? last.result : undefined);
  const s = d.submission;
  const step = s.step;
  const contents = [
    step === "countersignature" ? { href: "#countersign-heading", text: "Countersign the decision" } : null,
    step === "proposal" ? { href: "#propose-heading", text: "Propose a decision" } : null,
    d.resubmission ? { href: "#changes-heading", text: "Changes asked for, and what changed" } : null,
    { href: "#ratings-heading", text: "Key lines of enquiry" },
    { href: "#comments-heading", text: "Comments" },
    { href: "#conditions-heading", text: "Conditions" },
    d.version ? { href: "#checks-heading", text: "Automated checks" } : null,
    d.version ? { href: "#answers-heading", text: "Answers" } : null,
    d.version ? { href: "#evidence-heading", text: "Evidence" } : null,
    { href: "#decisions-heading", text: "Earlier decisions" },
    { href: "#history-heading", text: "History" },
  ].filter((c) => c !== null);
  const yourTurn =
    step === "countersignature" && !d.countersignRefusal
      ? "Countersign the decision, or disagree with a reason."
      : step === "proposal" && !d.proposeRefusal
        ? "Rate the key lines of enquiry, then propose a decision."
        : step === "proposal" && !d.ratings.refusal
          ? "Rate the key lines of enquiry. The lead reviewer then proposes the decision for you to countersign."
          : d.conditions.some((c) => c.status === "evidence_submitted" && !c.reviewRefusal)
            ? "Judge the evidence the system lead has given for a condition."
            : null;

  return (
    <>
      {/* Its assigned reviewers came from their list; anyone else (an administrator) from the pipeline. */}
      {d.you.role ? (
        <Link className="nhsuk-back-link" to="/reviews">
          Back to your reviews
        </Link>
      ) : (
        <Link className="nhsuk-back-link" to="/pipeline">
          Back to the pipeline
        </Link>
      )}
      <ErrorSummary errors={summaryOf(last)} title={`Review: ${s.title}`} />
      <span className="nhsuk-caption-l">
        {s.modelType}, {s.footprintName}
      </span>
      <h1>{s.title}</h1>

      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Footprint</dt>
          <dd className="nhsuk-summary-list__value">
            {s.footprintName}
            {s.regionName ? `, ${s.regionName}` : ""}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Model</dt>
          <dd className="nhsuk-summary-list__value">{s.modelType}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Checkpoint</dt>
          <dd className="nhsuk-summary-list__value">{s.checkpoint ?? "Not submitted yet"}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Where it is</dt>
          <dd className="nhsuk-summary-list__value">
            <strong className={stateTagClass(s.state)}>{s.stateLabel}</strong>
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Whose turn</dt>
          <dd className="nhsuk-summary-list__value">{TURN[s.whoseTurn]}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">National working days used</dt>
          <dd className="nhsuk-summary-list__value">
            {days.format(s.daysUsed)} of {s.targetDays}
            {s.sla === "at_risk" ? (
              <>
                {" "}
                <strong className="nhsuk-tag nhsuk-tag--orange">At risk</strong>
              </>
            ) : s.sla === "breached" ? (
              <>
                {" "}
                <strong className="nhsuk-tag nhsuk-tag--red">Over target</strong>
              </>
            ) : null}
            <br />
            <span className="nhsuk-body-s">{s.clockRunning ? "The national clock is running." : "The national clock is stopped."}</span>
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Reviewers</dt>
          <dd className="nhsuk-summary-list__value">
            {d.reviewers ? (
              <>
                Lead reviewer: {d.reviewers.lead.name}
                <br />
                Second reviewer: {d.reviewers.second.name}
              </>
            ) : (
              "Not assigned"
            )}
            {d.you.role ? (
              <>
                <br />
                <strong>You are the {d.you.role === "lead" ? "lead reviewer" : "second reviewer"}.</strong>
              </>
            ) : null}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Criteria</dt>
          <dd className="nhsuk-summary-list__value">National criteria {s.criteriaSet}</dd>
        </div>
      </dl>

      <SubmissionActions id={s.id} actions={d.actions} from="review" />

      {yourTurn ? (
        <div className="nhsuk-card nhsuk-card--feature">
          <div className="nhsuk-card__content nhsuk-card__content--feature">
            <h2 className="nhsuk-card__heading nhsuk-card__heading--feature">What you need to do</h2>
            <p className="nhsuk-card__description">{yourTurn}</p>
          </div>
        </div>
      ) : null}

      <nav className="nhsuk-contents-list" aria-label="On this page">
        <h2 className="nhsuk-heading-s">On this page</h2>
        <ol className="nhsuk-contents-list__list">
          {contents.map((c) => (
            <li className="nhsuk-contents-list__item" key={c.href}>
              <a className="nhsuk-contents-list__link" href={c.href}>
                {c.text}
              </a>
            </li>
          ))}
        </ol>
      </nav>

      {step === "countersignature" ? <CountersignSection data={d} lastResult={resultFor("countersign")} busy={busy} /> : null}
      {step === "proposal" ? <ProposeSection data={d} lastResult={resultFor("propose")} busy={busy} /> : null}
      {d.resubmission ? <ResubmissionSection data={d.resubmission} /> : null}
      <RatingsSection data={d.ratings} checkpoint={s.checkpoint} reviewers={d.reviewers} lastResult={resultFor("rate")} busy={busy} />
      <CommentsSection data={d.comments} fieldOptions={d.fieldOptions} lastResult={resultFor("comment")} busy={busy} />
      <ConditionsSection
        conditions={d.conditions}
        version={s.version}
        reply={last?.form === "condition" && last.conditionId ? { conditionId: last.conditionId, result: last.result } : null}
        busy={busy}
      />
      {d.version ? (
        <>
          <ChecksSection version={d.version} />
          <AnswersSection version={d.version} />
          <EvidenceSection submissionId={s.id} version={d.version} />
        </>
      ) : (
        <p>The submission has not been submitted yet, so there are no answers to review.</p>
      )}
      <DecisionsSection submissionId={d.submission.id} decisions={d.decisions} />
      <HistorySection timeline={d.timeline} />
    </>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
