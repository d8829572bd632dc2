import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-assign";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
import { checkReviewerPair, reviewerOptionsFor } from "../.server/assignments.ts";
import { applyEvent } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { refusalOf, requireSubmission } from "../.server/submissions.ts";
import { requireRole } from "../.server/session.ts";
import { checkpointOf } from "../../workflows/states.ts";
import { findFootprint } from "../../db/reference.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireRole(request, "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const footprint = await findFootprint(db(), loaded.submission.footprint_code);
  return {
    submission: {
      id: loaded.submission.id,
      title: loaded.submission.title,
      footprintName: footprint?.name ?? "",
      state: loaded.submission.state,
      checkpoint: checkpointOf(loaded.submission.state),
      version: loaded.submission.version,
    },
    waiting: refusalOf(loaded, "assign") === null,
    reviewers: await reviewerOptionsFor(db(), loaded),
  };
}

const AssignSchema = z.object({
  intent: z.enum(["check", "assign"]),
  leadReviewerId: z.string({ error: "Choose the lead reviewer" }).min(1, "Choose the lead reviewer"),
  secondReviewerId: z.string({ error: "Choose the second reviewer" }).min(1, "Choose the second reviewer"),
  version: z.coerce.number().int(),
});

type ActionResult = {
  check?: { ok: boolean; message: string };
  errors?: { field: string; message: string }[];
  values: { leadReviewerId?: string; secondReviewerId?: string };
};

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireRole(request, "admin");
  const loaded = await requireSubmission(db(), user, params.id);
  const form = Object.fromEntries(await request.formData());
  const values = { leadReviewerId: String(form.leadReviewerId ?? ""), secondReviewerId: String(form.secondReviewerId ?? "") };
  const parsed = AssignSchema.safeParse(form);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message }));
    return data<ActionResult>({ errors, values }, { status: 400 });
  }
  const { leadReviewerId, secondReviewerId } = parsed.data;
  if (parsed.data.intent === "check") {
    return data<ActionResult>({ check: await checkReviewerPair(db(), loaded, leadReviewerId, secondReviewerId), values });
  }
  const result = await applyEvent(
    db(),
    loaded.submission.id,
    loaded.actor,
    { type: "ASSIGN", leadReviewerId, secondReviewerId },
    { expectedVersion: parsed.data.version },
  );
  if (!result.ok) {
    if (result.kind === "not_found") throw data("Submission not found", { status: 404 });
    return data<ActionResult>(
      { errors: [{ field: "leadReviewerId", message: result.reason }], values },
      { status: result.kind === "conflict" ? 409 : 403 },
    );
  }
  return redirect(`/admin/assignments?assigned=${encodeURIComponent(loaded.submission.title)}`);
}

export default function Assign({ loaderData: d, actionData }: Route.ComponentProps) {
  const result = actionData as ActionResult | undefined;
  const errors = (result?.errors ?? []).map((e) => ({ fieldId: `${e.field}-0`, message: e.message }));
  const errorFor = (field: string) => result?.errors?.find((e) => e.field === field)?.message;
  const chosen = result?.values ?? {};
  return (
    <>
      <Link className="nhsuk-back-link" to="/admin/assignments">
        Back to submissions waiting for reviewers
      </Link>
      <ErrorSummary errors={errors} />
      <span className="nhsuk-caption-l">{d.submission.footprintName}</span>
      <h1>Assign reviewers: {d.submission.title}</h1>
      {!d.waiting ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>This submission is not waiting for reviewers, so none can be assigned now.</p>
        </div>
      ) : null}
      <p>
        Choose two different reviewers for checkpoint {d.submission.checkpoint ?? "?"}. The lead reviewer proposes the decision; the second
        reviewer countersigns it. Nobody who has declared a conflict with this footprint, or who wrote the submission, can review it. Check
        a pair before assigning if you are unsure.
      </p>
      {result?.check ? (
        <div className={result.check.ok ? "nhsuk-inset-text" : "nhsuk-warning-callout"} role="status">
          {result.check.ok ? null : (
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>This pair cannot review it
              </span>
            </h2>
          )}
          <p>{result.check.message}</p>
        </div>
      ) : null}
      <Form method="post">
        <input type="hidden" name="version" value={d.submission.version} />
        {(["leadReviewerId", "secondReviewerId"] as const).map((field) => (
          <div key={field} className={`nhsuk-form-group${errorFor(field) ? " nhsuk-form-group--error" : ""}`}>
            <fieldset className="nhsuk-fieldset" aria-describedby={errorFor(field) ? `${field}-error` : undefined}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
                {field === "leadReviewerId" ? "Lead reviewer" : "Second reviewer"}
              </legend>
              {errorFor(field) ? (
                <span className="nhsuk-error-message" id={`${field}-error`}>
                  <span className="nhsuk-u-visually-hidden">Error:</span> {errorFor(field)}
                </span>
              ) : null}
              <div className="nhsuk-radios">
                {d.reviewers.map((r, i) => (
                  <div className="nhsuk-radios__item" key={r.id}>
                    <input
                      className="nhsuk-radios__input"
                      id={`${field}-${i}`}
                      name={field}
                      type="radio"
                      value={r.id}
                      defaultChecked={chosen[field] === r.id}
                      aria-describedby={`${field}-${i}-hint`}
                    />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${field}-${i}`}>
                      {r.name}
                    </label>
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${field}-${i}-hint`}>
                      {r.activeReviews} active {r.activeReviews === 1 ? "review" : "reviews"}.
                      {r.blockedBecause ? (
                        <>
                          {" "}
                          <strong className="nhsuk-tag nhsuk-tag--red">Cannot review: {r.blockedBecause.toLowerCase()}</strong>
                        </>
                      ) : null}
                    </div>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
        ))}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--secondary" type="submit" name="intent" value="check">
            Check for conflicts
          </button>
          {d.waiting ? (
            <button className="nhsuk-button" type="submit" name="intent" value="assign">
              Assign reviewers
            </button>
          ) : null}
        </div>
      </Form>
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Assign reviewers – NCM Assure" }];
