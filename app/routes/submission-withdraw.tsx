import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-withdraw";
import { redirectWithFlash } from "../.server/flash.ts";
import { parseForm, refusedReply } from "../.server/forms.ts";
import { summaryItems } from "../components/ErrorSummary.tsx";
import { FormPage } from "../components/form/FormPage.tsx";
import { FormErrors, formLevelErrors } from "../components/form/FormErrors.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { versionField } from "../forms/hidden-fields.ts";
import { applyEvent } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { refusalOf, requirePermission, requireSubmission } from "../.server/submissions.ts";
import { requireUser } from "../.server/session.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  requirePermission(loaded, "withdraw");
  const { submission } = loaded;
  // Already closed (withdrawn, say, by someone else a moment ago): the page says so instead of the form.
  return { id: submission.id, title: submission.title, version: submission.version, notNow: refusalOf(loaded, "withdraw") };
}

const WithdrawSchema = z.object({
  reason: z
    .string({ error: "Enter why the submission is being withdrawn" })
    .trim()
    .min(1, "Enter why the submission is being withdrawn")
    .max(2000, "Reason must be 2,000 characters or fewer"),
  version: versionField,
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const { submission, actor } = await requireSubmission(db(), user, params.id);
  const form = parseForm(await request.formData(), WithdrawSchema);
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const { reason, version } = form.value;
  const result = await applyEvent(db(), submission.id, actor, { type: "WITHDRAW", reason }, { expectedVersion: version });
  if (!result.ok) return refusedReply(form, result);
  return redirectWithFlash(
    actor.role === "lead" ? "/submissions" : `/submissions/${submission.id}`,
    "The submission was withdrawn. Its history is kept.",
  );
}

export default function Withdraw({ loaderData: d, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "withdraw",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: WithdrawSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const formErrors = formLevelErrors(form.errors, fields.version.errors);
  const summary = summaryItems([
    [formErrors, `${form.id}--error`],
    [fields.reason.errors, fields.reason.id],
  ]);
  return (
    <FormPage
      back={{ to: `/submissions/${d.id}`, text: "Back to the submission" }}
      errors={summary}
      caption={d.title}
      heading={"Withdraw this submission?"}
    >
      {d.notNow ? (
        <p>{d.notNow}</p>
      ) : (
        <>
          <div className="nhsuk-warning-callout">
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>This cannot be undone
              </span>
            </h2>
            <p>A withdrawn submission stops for good. Its answers, versions and history are kept, but nothing more can happen to it.</p>
          </div>
          <Form method="post" {...getFormProps(form)}>
            <FormErrors formId={form.id} errors={formErrors} />
            <input type="hidden" name={fields.version.name} value={d.version} />
            <Textarea field={fields.reason} label="Why is it being withdrawn?" />
            <div className="nhsuk-button-group">
              <button className="nhsuk-button nhsuk-button--warning" type="submit">
                Withdraw submission
              </button>
              <Link className="nhsuk-link" to={`/submissions/${d.id}`}>
                Cancel
              </Link>
            </div>
          </Form>
        </>
      )}
    </FormPage>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
