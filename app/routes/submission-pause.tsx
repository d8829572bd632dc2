import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-pause";
import { parseForm, refusedReply } from "../.server/forms.ts";
import { summaryItems } from "../components/ErrorSummary.tsx";
import { FormPage } from "../components/form/FormPage.tsx";
import { FormErrors, formLevelErrors } from "../components/form/FormErrors.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { intentField, versionField } from "../forms/hidden-fields.ts";
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

const PauseSchema = z.object({
  intent: intentField(["pause", "resume"]),
  reason: z.string({ error: "Enter the reason" }).trim().min(1, "Enter the reason").max(2000, "Reason must be 2,000 characters or fewer"),
  version: versionField,
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireRole(request, "admin");
  const { submission, actor } = await requireSubmission(db(), user, params.id);
  const form = parseForm(await request.formData(), PauseSchema);
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const { intent, reason, version } = form.value;
  const result = await applyEvent(
    db(),
    submission.id,
    actor,
    { type: intent === "pause" ? "PAUSE" : "RESUME", reason },
    { expectedVersion: version },
  );
  if (!result.ok) return refusedReply(form, result);
  return redirect(`/submissions/${submission.id}`);
}

export default function Pause({ loaderData: d, actionData }: Route.ComponentProps) {
  const verb = d.paused ? "Resume" : "Pause";
  const [form, fields] = useForm({
    id: "pause",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PauseSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const formErrors = formLevelErrors(form.errors, fields.intent.errors, fields.version.errors);
  const summary = summaryItems([
    [formErrors, `${form.id}--error`],
    [fields.reason.errors, fields.reason.id],
  ]);
  return (
    <FormPage
      back={{ to: `/submissions/${d.id}`, text: "Back to the submission" }}
      errors={summary}
      caption={d.title}
      heading={`${verb} this submission`}
    >
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
          <Form method="post" {...getFormProps(form)}>
            <FormErrors formId={form.id} errors={formErrors} />
            <input type="hidden" name={fields.version.name} value={d.version} />
            <input type="hidden" name={fields.intent.name} value={d.paused ? "resume" : "pause"} />
            <Textarea field={fields.reason} label={d.paused ? "Why is it being resumed?" : "Why is it being paused?"} />
            <button className="nhsuk-button" type="submit">
              {verb} submission
            </button>
          </Form>
        </>
      )}
    </FormPage>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
