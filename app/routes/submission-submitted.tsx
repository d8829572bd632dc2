import { Link } from "react-router";
import type { Route } from "./+types/submission-submitted";
import { db } from "../.server/db.ts";
import { requireSubmission } from "../.server/submissions.ts";
import { requireUser } from "../.server/session.ts";
import { checkpointOf, hasTag } from "../../workflows/states.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const { submission } = await requireSubmission(db(), user, params.id);
  const version = Number(new URL(request.url).searchParams.get("version")) || null;
  return {
    id: submission.id,
    title: submission.title,
    checkpoint: checkpointOf(submission.state),
    // A resubmission goes straight back into review; a first submission waits for reviewers.
    backInReview: hasTag(submission.state, "in_review"),
    version,
  };
}

export default function Submitted({ loaderData: d }: Route.ComponentProps) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <div className="nhsuk-panel">
          <h1 className="nhsuk-panel__title">{d.checkpoint ? `Submitted for checkpoint ${d.checkpoint}` : "Submitted"}</h1>
          <div className="nhsuk-panel__body">
            {d.title}
            {d.version ? (
              <>
                <br />
                Version <strong>{d.version}</strong>
              </>
            ) : null}
          </div>
        </div>
        <h2>What happens next</h2>
        {d.backInReview ? (
          <p>Your resubmission goes back to the same two reviewers, who will see what changed against each request.</p>
        ) : (
          <>
            <p>The programme team will assign two national reviewers, neither of whom may be conflicted with your footprint.</p>
            <p>
              The national team aims to reach a decision within 20 working days. The clock stops whenever the submission is back with you.
            </p>
          </>
        )}
        <p>You can follow its progress, and see every decision, on the submission's page.</p>
        <p>
          <Link to={`/submissions/${d.id}`}>Go to the submission</Link>
        </p>
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Submitted – NCM Assure" }];
