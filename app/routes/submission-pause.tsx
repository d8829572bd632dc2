import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-pause";
import { clipToSchema } from "../.server/forms.ts";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
import { ReasonField } from "../components/ReasonField.tsx";
import { stateLabel } from "../status.ts";
import { applyEvent } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { refusalOf, requireSubmission } from "../.server/submissions.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireRole(request, "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const { submission, snapshot } = loaded;
  const mayResume = refusalOf(loaded, "resume") === null;
  return {
    id: submission.id,
    title: submission.title,
    state: submission.state,
    stateLabel: stateLabel(submission.state),
    version: submission.version,
    paused: mayResume,
    /** Why neither pausing nor resuming is possible now (a closed submission), if so. */
    neither: mayResume ? null : refusalOf(loaded, "pause"),
    pause: snapshot.context.pause,
  };
}

const ReasonSchema = z.object({
  intent: z.enum(["pause", "resume"]),
  reason: z.string({ error: "Enter the reason" }).trim().min(1, "Enter the reason").max(2000, "Reason must be 2,000 characters or fewer"),
  version: z.coerce.number().int(),
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireRole(request, "admin");
  const { submission, actor } = await requireSubmission(db(), user, params.id);
  const form = Object.fromEntries(await request.formData());
  const parsed = ReasonSchema.safeParse(form);
  if (!parsed.success)
    return data(
      { error: parsed.error.issues[0]!.message, reason: clipToSchema(String(form.reason ?? ""), ReasonSchema.shape.reason) as string },
      { status: 400 },
    );
  const type = parsed.data.intent === "pause" ? "PAUSE" : "RESUME";
  const result = await applyEvent(
    db(),
    submission.id,
    actor,
    { type, reason: parsed.data.reason },
    { expectedVersion: parsed.data.version },
  );
  if (!result.ok) {
    if (result.kind === "not_found") throw data("Submission not found", { status: 404 });
    return data({ error: result.reason, reason: parsed.data.reason }, { status: result.kind === "conflict" ? 409 : 403 });
  }
  return redirect(`/submissions/${submission.id}`);
}

export default function Pause({ loaderData: d, actionData }: Route.ComponentProps) {
  const verb = d.paused ? "Resume" : "Pause";
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to={`/submissions/${d.id}`}>
          Back to the submission
        </Link>
        <ErrorSummary errors={actionData ? [{ fieldId: "reason", message: actionData.error }] : []} />
        <span className="nhsuk-caption-l">{d.title}</span>
        <h1>{verb} this submission</h1>
        {d.neither ? (
          <p>{d.neither}</p>
        ) : (
          <>
            {d.paused ? (
              <p>
                It was paused: {d.pause?.reason}. Resuming returns it exactly to the step it was paused at, and the national clock starts
                again if it was the national team's turn.
              </p>
            ) : (
              <p>
                Pausing is for a national intervention. While paused nothing can move and the national clock stops. It is now{" "}
                {d.stateLabel.toLowerCase()}.
              </p>
            )}
            <Form method="post">
              <input type="hidden" name="version" value={d.version} />
              <input type="hidden" name="intent" value={d.paused ? "resume" : "pause"} />
              <ReasonField
                label={d.paused ? "Why is it being resumed?" : "Why is it being paused?"}
                error={actionData?.error}
                value={actionData?.reason}
              />
              <button className="nhsuk-button" type="submit">
                {verb} submission
              </button>
            </Form>
          </>
        )}
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Pause or resume – NCM Assure" }];
