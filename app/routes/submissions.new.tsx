import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submissions.new";
import { redirectWithFlash } from "../.server/flash.ts";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
import { startSubmissionForLead } from "../.server/submissions.ts";
import { db } from "../.server/db.ts";
import { parseForm } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireRole(request, "lead");
  if (user.footprints.length === 0) throw data("You are not a member of any footprint", { status: 403 });
  return { footprints: user.footprints };
}

const NewSubmissionSchema = z.object({
  footprintCode: z.string({ error: "Select the footprint the proposal is for" }),
  modelType: z.enum(["MCP", "PACS"], { error: "Select the type of care model" }),
  title: z.string({ error: "Enter a title for the proposal" }).max(200, "Title must be 200 characters or fewer"),
});

export async function action({ request }: Route.ActionArgs) {
  const user = await requireRole(request, "lead");
  const submission = parseForm(await request.formData(), NewSubmissionSchema);
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const started = await startSubmissionForLead(db(), user, submission.value);
  if (!started.ok) return data(submission.reply({ fieldErrors: { footprintCode: [started.reason] } }), { status: 403 });
  return redirectWithFlash(
    `/submissions/${started.id}`,
    "Your draft has been started. Nothing is sent to the national team until you submit it.",
  );
}

export default function NewSubmission({ loaderData, actionData }: Route.ComponentProps) {
  const { footprints } = loaderData;
  const [form, fields] = useForm({
    lastResult: actionData,
    defaultValue: footprints.length === 1 ? { footprintCode: footprints[0]!.code } : {},
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewSubmissionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const errors = [
    ...(fields.footprintCode.errors ?? []).map((message) => ({ fieldId: `${fields.footprintCode.id}-0`, message })),
    ...(fields.modelType.errors ?? []).map((message) => ({ fieldId: `${fields.modelType.id}-MCP`, message })),
    ...(fields.title.errors ?? []).map((message) => ({ fieldId: fields.title.id, message })),
  ];
  const { key: titleKey, ...titleProps } = getInputProps(fields.title, { type: "text" });

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to="/submissions">
          Back to your submissions
        </Link>
        <ErrorSummary errors={errors} title={"Start a new submission"} />
        <h1>Start a new submission</h1>
        <Form method="post" {...getFormProps(form)}>
          {footprints.length === 1 ? (
            <>
              <input type="hidden" name={fields.footprintCode.name} value={footprints[0]!.code} />
              <p>
                For <strong>{footprints[0]!.name}</strong>.
              </p>
            </>
          ) : (
            <Radios
              name={fields.footprintCode.name}
              id={fields.footprintCode.id}
              legend="Which footprint is the proposal for?"
              errors={fields.footprintCode.errors}
              defaultValue={fields.footprintCode.initialValue as string | undefined}
              options={footprints.map((f, i) => ({ value: f.code, label: f.name, id: `${fields.footprintCode.id}-${i}` }))}
            />
          )}
          <Radios
            name={fields.modelType.name}
            id={fields.modelType.id}
            legend="What type of care model is it?"
            errors={fields.modelType.errors}
            defaultValue={fields.modelType.initialValue as string | undefined}
            options={[
              {
                value: "MCP",
                id: `${fields.modelType.id}-MCP`,
                label: "Multispecialty community provider (MCP)",
                hint: "Out-of-hospital care built on GP practices' registered lists; may include community-facing hospital services.",
              },
              {
                value: "PACS",
                id: `${fields.modelType.id}-PACS`,
                label: "Primary and acute care system (PACS)",
                hint: "Joins up GP, community, mental health and hospital services, including core acute services.",
              },
            ]}
          />
          <div className={`nhsuk-form-group${fields.title.errors ? " nhsuk-form-group--error" : ""}`}>
            <label className="nhsuk-label nhsuk-label--s" htmlFor={fields.title.id}>
              Title of the proposal
            </label>
            <div className="nhsuk-hint" id={`${fields.title.id}-hint`}>
              For example, Salford Together multispecialty community provider
            </div>
            {fields.title.errors ? (
              <span className="nhsuk-error-message" id={fields.title.errorId}>
                <span className="nhsuk-u-visually-hidden">Error:</span> {fields.title.errors.join(". ")}
              </span>
            ) : null}
            <input
              key={titleKey}
              className={`nhsuk-input${fields.title.errors ? " nhsuk-input--error" : ""}`}
              aria-describedby={`${fields.title.id}-hint${fields.title.errors ? ` ${fields.title.errorId}` : ""}`}
              {...titleProps}
            />
          </div>
          <button className="nhsuk-button" type="submit">
            Start submission
          </button>
        </Form>
      </div>
    </div>
  );
}

function Radios(props: {
  name: string;
  id: string;
  legend: string;
  errors?: string[];
  defaultValue?: string;
  options: { value: string; label: string; id: string; hint?: string }[];
}) {
  const errorId = `${props.id}-error`;
  return (
    <div className={`nhsuk-form-group${props.errors ? " nhsuk-form-group--error" : ""}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={props.errors ? errorId : undefined}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{props.legend}</legend>
        {props.errors ? (
          <span className="nhsuk-error-message" id={errorId}>
            <span className="nhsuk-u-visually-hidden">Error:</span> {props.errors.join(". ")}
          </span>
        ) : null}
        <div className="nhsuk-radios" data-module="nhsuk-radios">
          {props.options.map((option) => (
            <div className="nhsuk-radios__item" key={option.value}>
              <input
                className="nhsuk-radios__input"
                id={option.id}
                name={props.name}
                type="radio"
                value={option.value}
                defaultChecked={props.defaultValue === option.value}
                aria-describedby={option.hint ? `${option.id}-hint` : undefined}
              />
              <label className="nhsuk-label nhsuk-radios__label" htmlFor={option.id}>
                {option.label}
              </label>
              {option.hint ? (
                <div className="nhsuk-hint nhsuk-radios__hint" id={`${option.id}-hint`}>
                  {option.hint}
                </div>
              ) : null}
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
