import { Link } from "react-router";

export interface SubmissionActionFlags {
  review: boolean;
  assign: boolean;
  reassign: boolean;
  pause: boolean;
  resume: boolean;
  withdraw: boolean;
}

/**
 * "What you can do" with a submission, beside its task list or review workspace: each link shown
 * only when the policy allows it now (actionsFor), so none of them answers with a refusal.
 */
export function SubmissionActions({ id, actions, from }: { id: string; actions: SubmissionActionFlags; from: "task-list" | "review" }) {
  const links = [
    from === "task-list" && actions.review ? { to: `/reviews/${id}`, text: "Open the review workspace" } : null,
    from === "review" ? { to: `/submissions/${id}`, text: "See the submission's task list and history" } : null,
    actions.assign ? { to: `/submissions/${id}/assign`, text: "Assign reviewers" } : null,
    actions.reassign ? { to: `/submissions/${id}/assign`, text: "Change reviewers" } : null,
    actions.pause ? { to: `/submissions/${id}/pause`, text: "Pause this submission (national intervention)" } : null,
    actions.resume ? { to: `/submissions/${id}/pause`, text: "Resume this submission" } : null,
    actions.withdraw ? { to: `/submissions/${id}/withdraw`, text: "Withdraw this submission" } : null,
  ].filter((l): l is { to: string; text: string } => l !== null);
  if (links.length === 0) return null;
  return (
    <>
      <h2>What you can do</h2>
      <ul className="nhsuk-list">
        {links.map((l) => (
          <li key={l.text}>
            <Link to={l.to}>{l.text}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
