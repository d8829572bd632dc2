import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-criteria-set-new";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { choiceId, Radios } from "../components/form/Choices.tsx";
import { TextInput } from "../components/form/TextInput.tsx";
import { createDraftSet, publishedSetChoices } from "../.server/criteria-authoring.ts";
import { db } from "../.server/db.ts";
import { redirectWithFlash } from "../.server/flash.ts";
import { parseForm } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  return { sets: await publishedSetChoices(db()) };
}

const NewSetSchema = z.object({
  basedOn: z.string({ error: "Choose the set to start from" }).max(100),
  id: z
    .string({ error: "Enter a name for the new version, like 2018-19" })
    .trim()
    .regex(/^[0-9]{4}-[0-9]{2}$/, "Enter the name as the planning years, like 2018-19"),
  title: z
    .string({ error: "Enter the title leads and reviewers will see" })
    .trim()
    .min(1, "Enter the title leads and reviewers will see")
    .max(200, "Title must be 200 characters or fewer"),
  publishedOn: z
    .string({ error: "Enter the date of the national guidance, like 2018-04-01" })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date of the national guidance as year-month-day, like 2018-04-01")
    .refine((v) => !Number.isNaN(Date.parse(v)), "Enter a real date, like 2018-04-01"),
});

export async function action({ request }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const form = parseForm(await request.formData(), NewSetSchema);
  if (form.status !== "success") return data({ result: form.reply() }, { status: 400 });
  const created = await createDraftSet(db(), admin, form.value);
  if (!created.ok) return data({ result: form.reply({ fieldErrors: { [created.field ?? "id"]: [created.error] } }) }, { status: 400 });
  return redirectWithFlash(`/admin/criteria/sets/${form.value.id}`, `Draft ${form.value.id} started as a copy of ${form.value.basedOn}`);
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];

export default function NewCriteriaSet({ loaderData: d, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    id: "new-criteria-set",
    lastResult: actionData?.result,
    defaultValue: { basedOn: d.sets[0]?.id },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewSetSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const errors = summaryItems([
    [fields.basedOn.errors, choiceId(fields.basedOn, d.sets[0]?.id ?? "")],
    [fields.id.errors, fields.id.id],
    [fields.title.errors, fields.title.id],
    [fields.publishedOn.errors, fields.publishedOn.id],
  ]);
  return (
    <>
      <Link className="nhsuk-back-link" to="/admin/criteria">
        Back to criteria
      </Link>
      <ErrorSummary errors={errors} title="Start a new version of the criteria" />
      <h1>Start a new version of the criteria</h1>
      <p>
        The new version starts as a draft copy of a published set, with every criterion and its examples. Nobody is judged against a draft:
        it changes nothing until you publish it and move submissions to it.
      </p>
      <Form method="post" {...getFormProps(form)}>
        <Radios
          field={fields.basedOn}
          legend="Which set do you want to start from?"
          choices={d.sets.map((s) => ({ value: s.id, label: s.title }))}
        />
        <TextInput field={fields.id} label="Name of the new version" hint="The planning years it covers, like 2018-19." />
        <TextInput field={fields.title} label="Title" hint="Like ‘New care models assurance criteria 2018-19’." />
        <TextInput
          field={fields.publishedOn}
          label="Date of the national guidance"
          hint="Year-month-day, like 2018-04-01. Once published, the set with the newest guidance is the one new submissions start under."
        />
        <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
          Start the draft
        </button>
      </Form>
    </>
  );
}
