import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-reassignments";
import { ErrorSummary, type ErrorSummaryItem } from "../components/ErrorSummary.tsx";
import { SuccessBanner } from "../components/SuccessBanner.tsx";
import { versionField } from "../forms/hidden-fields.ts";
import { reassignReviews } from "../.server/assignments.ts";
import { db } from "../.server/db.ts";
import { parseForm } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";
import { type ReviewToReassign, reviewsToReassign } from "../.server/suggestions.ts";
import { actorFrom } from "../.server/assurance.ts";
import { findUserForAdmin } from "../../db/users.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const admin = await requireRole(request, "admin");
  const url = new URL(request.url);
  const userId = url.searchParams.get("user") ?? undefined;
  const person = userId ? await findUserForAdmin(db(), userId) : undefined;
  if (userId && !person) throw data("There is no such account.", { status: 404 });
  return {
    person: person ? { id: person.id, name: person.name } : null,
    reassigned: Number(url.searchParams.get("reassigned") ?? 0) || 0,
    reviews: await reviewsToReassign(db(), actorFrom(admin), { userId }),
  };
}

const ReassignSchema = z.object({
  reason: z
    .string({ error: "Give the reason for changing the reviewers" })
    .trim()
    .min(1, "Give the reason for changing the reviewers")
    .max(2000),
  reviews: z
    .array(
      z.object({
        submissionId: z.string().min(1).max(100),
        version: versionField,
        leadReviewerId: z.string().max(100).optional(),
        secondReviewerId: z.string().max(100).optional(),
      }),
    )
    .max(200)
    .default([]),
});

export async function action({ request }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const form = parseForm(await request.formData(), ReassignSchema);
  const posted = Object.fromEntries(
    (form.status === "success" ? form.value.reviews : []).map((r) => [
      r.submissionId,
      { lead: r.leadReviewerId ?? "", second: r.secondReviewerId ?? "" },
    ]),
  );
  if (form.status !== "success") {
    const reason = form.error?.reason?.[0];
    return data(
      { reasonError: reason ?? "The form could not be read. Reload the page and try again.", rowErrors: {}, posted },
      { status: 400 },
    );
  }
  const outcome = await reassignReviews(db(), actorFrom(admin), form.value.reviews, form.value.reason);
  const userParam = new URL(request.url).searchParams.get("user");
  if (Object.keys(outcome.errors).length === 0) {
    const query = new URLSearchParams({ reassigned: String(outcome.done), ...(userParam ? { user: userParam } : {}) });
    return redirect(`/admin/reassignments?${query}`);
  }
  return data({ reasonError: null, rowErrors: outcome.errors, posted, done: outcome.done }, { status: 400 });
}

const fieldId = (submissionId: string, part: "lead" | "second") => `review-${submissionId}-${part}`;

export default function Reassignments({ loaderData: d, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const rowErrors: Record<string, { field: "lead" | "second" | "form"; message: string }> = actionData?.rowErrors ?? {};
  const errors: ErrorSummaryItem[] = [
    ...(actionData?.reasonError ? [{ fieldId: "reason", message: actionData.reasonError }] : []),
    ...d.reviews.flatMap((r) => {
      const e = rowErrors[r.submissionId];
      return e ? [{ fieldId: fieldId(r.submissionId, e.field === "second" ? "second" : "lead"), message: `${r.title}: ${e.message}` }] : [];
    }),
  ];
  const done = (actionData && "done" in actionData ? actionData.done : 0) || d.reassigned;
  const title = d.person ? `Reviews to reassign from ${d.person.name}` : "Reviews to reassign";
  return (
    <>
      <Link className="nhsuk-back-link" to={d.person ? `/admin/users/${d.person.id}` : "/admin/assignments"}>
        {d.person ? `Back to ${d.person.name}'s account` : "Back to submissions waiting for reviewers"}
      </Link>
      <ErrorSummary errors={errors} title={title} />
      {done > 0 ? (
        <SuccessBanner heading={`${done} ${done === 1 ? "review" : "reviews"} reassigned`}>
          <p>Each change is in the submission's audit trail, and the reviewers have been told.</p>
        </SuccessBanner>
      ) : null}
      <h1>{title}</h1>
      {d.reviews.length === 0 ? (
        <p>
          {d.person
            ? `${d.person.name} holds no reviews that need another reviewer.`
            : "Every open review is held by reviewers who can go on with it."}
        </p>
      ) : (
        <>
          <p>
            These reviews are held by someone who can no longer review them: their account was deactivated, they are no longer a reviewer,
            or they have declared a conflict with the footprint. Choose who takes each one over. The suggested reviewers keep whoever can
            stay; you can choose anyone the rules allow.
          </p>
          <p>
            The national clock is not affected. A decision already proposed by a lead reviewer who leaves is withdrawn, and the new lead
            reviewer proposes afresh.
          </p>
          <Form method="post" noValidate>
            {d.reviews.map((r, i) => (
              <ReviewFieldset
                key={r.submissionId}
                index={i}
                review={r}
                posted={actionData?.posted?.[r.submissionId]}
                error={rowErrors[r.submissionId]}
              />
            ))}
            <div className={`nhsuk-form-group${actionData?.reasonError ? " nhsuk-form-group--error" : ""}`}>
              <label className="nhsuk-label nhsuk-label--s" htmlFor="reason">
                Reason for the change
              </label>
              <div className="nhsuk-hint" id="reason-hint">
                Recorded with each change and sent to the reviewers taken off.
              </div>
              {actionData?.reasonError ? (
                <span className="nhsuk-error-message" id="reason-error">
                  <span className="nhsuk-u-visually-hidden">Error:</span> {actionData.reasonError}
                </span>
              ) : null}
              <textarea
                className={`nhsuk-textarea${actionData?.reasonError ? " nhsuk-textarea--error" : ""}`}
                id="reason"
                name="reason"
                rows={3}
                maxLength={2000}
                defaultValue={d.person ? `${d.person.name} can no longer review these submissions.` : ""}
                aria-describedby={actionData?.reasonError ? "reason-hint reason-error" : "reason-hint"}
              />
            </div>
            <button className="nhsuk-button" type="submit" disabled={navigation.state === "submitting"}>
              {d.reviews.length === 1 ? "Reassign this review" : `Reassign all ${d.reviews.length} reviews`}
            </button>
          </Form>
        </>
      )}
    </>
  );
}

function ReviewFieldset({
  index: i,
  review: r,
  posted,
  error,
}: {
  index: number;
  review: ReviewToReassign;
  posted: { lead: string; second: string } | undefined;
  error: { field: "lead" | "second" | "form"; message: string } | undefined;
}) {
  const best = r.suggestions.pairs[0];
  const index = `reviews[${i}]`;
  const chosen = posted ?? { lead: best?.leadId ?? "", second: best?.secondId ?? "" };
  return (
    <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-6" aria-describedby={`${fieldId(r.submissionId, "lead")}-problems`}>
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
        <h2 className="nhsuk-fieldset__heading">
          {r.title}, checkpoint {r.checkpoint}
        </h2>
      </legend>
      <p className="nhsuk-u-secondary-text-color">{r.footprintName}</p>
      <ul className="nhsuk-list" id={`${fieldId(r.submissionId, "lead")}-problems`}>
        {r.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <input type="hidden" name={`${index}.submissionId`} value={r.submissionId} />
      <input type="hidden" name={`${index}.version`} value={r.version} />
      {r.refusal ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>{r.refusal}</p>
        </div>
      ) : null}
      {error?.field === "form" ? (
        <span className="nhsuk-error-message" id={`${fieldId(r.submissionId, "lead")}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error.message}
        </span>
      ) : null}
      {best ? (
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">
              Why {best.leadName} and {best.secondName} are suggested
            </span>
          </summary>
          <div className="nhsuk-details__text">
            <ol className="nhsuk-list nhsuk-list--number">
              {r.suggestions.pairs.map((p) => (
                <li key={`${p.leadId}:${p.secondId}`}>
                  {p.leadName} and {p.secondName}
                  <ul className="nhsuk-list nhsuk-list--bullet">
                    {p.reasons.map((reason) => (
                      <li key={reason}>{reason}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
            {r.suggestions.notSuggested.length > 0 ? (
              <>
                <p>Not suggested:</p>
                <ul className="nhsuk-list nhsuk-list--bullet">
                  {r.suggestions.notSuggested.map((n) => (
                    <li key={n.name}>
                      {n.name}: {n.why}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        </details>
      ) : (
        <p>No pair of reviewers can take this review: invite or reactivate a reviewer first.</p>
      )}
      {(["lead", "second"] as const).map((part) => {
        const id = fieldId(r.submissionId, part);
        const message = error && error.field === part ? error.message : null;
        return (
          <div key={part} className={`nhsuk-form-group${message ? " nhsuk-form-group--error" : ""}`}>
            <label className="nhsuk-label" htmlFor={id}>
              {part === "lead" ? "Lead reviewer" : "Second reviewer"}
            </label>
            {message ? (
              <span className="nhsuk-error-message" id={`${id}-error`}>
                <span className="nhsuk-u-visually-hidden">Error:</span> {message}
              </span>
            ) : null}
            <select
              className={`nhsuk-select${message ? " nhsuk-select--error" : ""}`}
              id={id}
              name={`${index}.${part}ReviewerId`}
              defaultValue={chosen[part]}
              aria-describedby={message ? `${id}-error` : undefined}
            >
              <option value="">Choose a reviewer</option>
              {r.allowed.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                  {o.id === (part === "lead" ? r.current.leadId : r.current.secondId) ? ` (${part} reviewer now)` : ""}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

export const meta: Route.MetaFunction = () => [];
