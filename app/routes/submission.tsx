import { FieldLink } from "../components/FieldLink.tsx";
import { SubmissionActions } from "../components/SubmissionActions.tsx";
import { Link } from "react-router";
import type { Route } from "./+types/submission";
import { formatDateTime, turnLabel } from "../status.ts";
import { db } from "../.server/db.ts";
import { requireSubmission } from "../.server/submissions.ts";
import { requireUser } from "../.server/session.ts";
import { taskListFor } from "../.server/task-list.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  return taskListFor(db(), loaded);
}

const SECTION_STATUS = {
  not_started: { text: "Not started", className: "nhsuk-tag nhsuk-tag--white" },
  in_progress: { text: "In progress", className: "nhsuk-tag nhsuk-tag--blue" },
  has_failing_checks: { text: "Has failing checks", className: "nhsuk-tag nhsuk-tag--red" },
  // "Ready", never "Completed": only submitting sends anything to the national team.
  ready: { text: "Ready", className: "nhsuk-tag nhsuk-tag--green" },
} as const;

const CONDITION_STATUS = {
  open: { text: "Evidence needed", className: "nhsuk-tag nhsuk-tag--orange" },
  evidence_submitted: { text: "Evidence given, awaiting review", className: "nhsuk-tag nhsuk-tag--blue" },
  discharged: { text: "Discharged", className: "nhsuk-tag nhsuk-tag--green" },
} as const;

export default function TaskList({ loaderData: d }: Route.ComponentProps) {
  const id = d.submission.id;
  return (
    <>
      <Link className="nhsuk-back-link" to={d.backLink.href}>
        {d.backLink.text}
      </Link>
      <span className="nhsuk-caption-l">
        {d.submission.modelType}, {d.submission.footprintName}
      </span>
      <h1>{d.submission.title}</h1>

      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Where it is</dt>
          <dd className="nhsuk-summary-list__value">{d.submission.stateLabel}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Whose turn</dt>
          <dd className="nhsuk-summary-list__value">{turnLabel(d.submission.whoseTurn)}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Criteria</dt>
          <dd className="nhsuk-summary-list__value">National criteria {d.submission.criteriaSet}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Submitted versions</dt>
          <dd className="nhsuk-summary-list__value">
            {d.versions === 0 ? "None yet" : <Link to={`/submissions/${id}/versions`}>{d.versions} (compare versions)</Link>}
          </dd>
        </div>
      </dl>

      <div className="nhsuk-card nhsuk-card--feature">
        <div className="nhsuk-card__content nhsuk-card__content--feature">
          <h2 className="nhsuk-card__heading nhsuk-card__heading--feature">What happens next</h2>
          <p className="nhsuk-card__description">{d.nextSteps}</p>
        </div>
      </div>

      {d.changeRequests.length > 0 ? (
        <>
          <h2>Changes the reviewers asked for</h2>
          <ul className="nhsuk-list">
            {d.changeRequests.map((r) => (
              <li key={r.id} className="nhsuk-inset-text">
                <p>{r.text}</p>
                <p className="nhsuk-body-s">
                  {r.link ? <FieldLink to={r.link}>Go to {r.fieldLabel ?? "the field"}</FieldLink> : null}
                  {r.criterionId ? <> Criterion {r.criterionId}.</> : null}{" "}
                  {r.changed === null ? null : (
                    <strong className={r.changed ? "nhsuk-tag nhsuk-tag--green" : "nhsuk-tag nhsuk-tag--grey"}>
                      {r.changed ? "Changed since the request" : "Not changed yet"}
                    </strong>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {d.conditions.length > 0 ? (
        <>
          <h2>Conditions</h2>
          <ul className="nhsuk-task-list">
            {d.conditions.map((c) => (
              <li key={c.id} className="nhsuk-task-list__item">
                <div className="nhsuk-task-list__name-and-hint">
                  <div>{c.text}</div>
                  <div className="nhsuk-task-list__hint">
                    Set at checkpoint {c.setAtCheckpoint}.{c.rejectionReason ? ` Evidence not accepted: ${c.rejectionReason}` : ""}
                  </div>
                </div>
                <div className="nhsuk-task-list__status">
                  <strong className={CONDITION_STATUS[c.status].className}>{CONDITION_STATUS[c.status].text}</strong>
                </div>
              </li>
            ))}
          </ul>
          {d.canGiveConditionEvidence && d.conditions.some((c) => c.status === "open") ? (
            <p>
              <Link to={`/submissions/${id}/conditions`}>Give evidence for the conditions</Link>
            </p>
          ) : null}
        </>
      ) : null}

      <h2>Sections</h2>
      <p>
        {d.blocking === 0 ? "No blocking check fails." : `${d.blocking} blocking ${d.blocking === 1 ? "check fails" : "checks fail"}.`}{" "}
        {d.warnings > 0 ? `${d.warnings} ${d.warnings === 1 ? "warning" : "warnings"} for the reviewers to see.` : null} A section is ready
        when its answers pass the national criteria for checkpoint {d.targetCheckpoint}.
      </p>
      {d.warningCriteria.length > 0 ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>The reviewers will see {d.warningCriteria.length === 1 ? "this warning" : "these warnings"}:</p>
          <ul className="nhsuk-list nhsuk-list--bullet">
            {d.warningCriteria.map((w) => (
              <li key={w.id}>
                <strong>{w.title}</strong> ({w.id}): {w.rule}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ul className="nhsuk-task-list">
        {d.sections.map((s) => (
          <li key={s.slug} className="nhsuk-task-list__item nhsuk-task-list__item--with-link">
            <div className="nhsuk-task-list__name-and-hint">
              <Link
                className="nhsuk-link nhsuk-task-list__link"
                to={`/submissions/${id}/sections/${s.slug}`}
                aria-describedby={`status-${s.slug}`}
              >
                {s.title}
              </Link>
            </div>
            <div className="nhsuk-task-list__status" id={`status-${s.slug}`}>
              <strong className={SECTION_STATUS[s.status].className}>{SECTION_STATUS[s.status].text}</strong>
            </div>
          </li>
        ))}
      </ul>

      {d.canSubmit ? (
        <Link className="nhsuk-button" to={`/submissions/${id}/check`} role="button" draggable={false}>
          Check answers and {d.resubmission ? "resubmit" : `submit for checkpoint ${d.targetCheckpoint}`}
        </Link>
      ) : null}

      <h2>The proposal as a document</h2>
      <p>
        For the commissioners' governing bodies and the providers' boards: every answer, the national checks and the evidence list, as the
        draft stands now. Each submitted version has its own on the <Link to={`/submissions/${id}/versions`}>versions page</Link>.
      </p>
      <ul className="nhsuk-list">
        <li>
          <a href={`/submissions/${id}/proposal.docx`} download>
            Download as a Word document
          </a>
        </li>
        <li>
          <Link to={`/submissions/${id}/proposal`}>Open the print view</Link>
        </li>
      </ul>

      {d.comments.length > 0 ? (
        <>
          <h2>Comments from the reviewers</h2>
          <ul className="nhsuk-list">
            {d.comments.map((c) => (
              <li key={c.id} className="nhsuk-inset-text">
                <p>{c.body}</p>
                <p className="nhsuk-body-s">
                  {c.authorName}, {formatDateTime(c.createdAt)}
                  {c.internal ? " (internal: not shown to the system leads)" : ""}
                  {c.link ? (
                    <>
                      {" "}
                      · <FieldLink to={c.link}>About {c.fieldLabel}</FieldLink>
                    </>
                  ) : null}
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {d.decisions.length > 0 ? (
        <>
          <h2>Decisions</h2>
          <ul className="nhsuk-list">
            {d.decisions.map((decision) => (
              <li key={decision.number}>
                <Link to={`/submissions/${id}/decisions/${decision.number}`}>
                  Checkpoint {decision.checkpoint} decision: {decision.decision}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>History</h2>
      <ol className="nhsuk-list">
        {d.timeline.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries of an append-only trail, in a fixed order
          <li key={`${e.at}-${i}`}>
            <span className="nhsuk-body-s">{formatDateTime(e.at)}</span>
            <br />
            <strong>{e.who}</strong>: {e.text}
          </li>
        ))}
      </ol>

      <SubmissionActions id={id} actions={d.actions} from="task-list" />
    </>
  );
}

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.submission.title ?? "Submission"} – NCM Assure` }];
