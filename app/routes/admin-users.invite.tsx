import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-users.invite";
import { SuccessBanner } from "../components/SuccessBanner.tsx";
import { ErrorSummary, PageTitle } from "../components/ErrorSummary.tsx";
import { TextInput } from "../components/form/TextInput.tsx";
import { ROLE_LABELS } from "../navigation.ts";
import { formatDateTime } from "../status.ts";
import { listFootprints } from "../../db/reference.ts";
import type { Role } from "../../db/schema.ts";
import { db } from "../.server/db.ts";
import { env } from "../.server/env.ts";
import { parseForm } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";
import { inviteUser } from "../.server/users.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  return { regions: groupByRegion(await listFootprints(db())), production: env().production };
}

function groupByRegion(footprints: { code: string; name: string; regionName: string }[]) {
  const regions = new Map<string, { code: string; name: string }[]>();
  for (const f of footprints) regions.set(f.regionName, [...(regions.get(f.regionName) ?? []), { code: f.code, name: f.name }]);
  return [...regions].map(([name, list]) => ({ name, footprints: list })).sort((a, b) => a.name.localeCompare(b.name));
}

const ROLE_CHOICES: { value: Role; hint: string }[] = [
  { value: "lead", hint: "Describes and submits their footprints' proposals." },
  { value: "reviewer", hint: "Assesses submissions and signs off checkpoints." },
  { value: "admin", hint: "Manages users and assignments, and sees everything." },
];

const InviteSchema = z
  .object({
    name: z
      .string({ error: "Enter the person's full name" })
      .trim()
      .min(1, "Enter the person's full name")
      .max(200, "Full name must be 200 characters or fewer"),
    email: z
      .email({
        error: (issue) =>
          issue.input === undefined
            ? "Enter their email address"
            : "Enter an email address in the correct format, like name@example.nhs.uk",
      })
      .max(254, "Email address must be 254 characters or fewer"),
    role: z.enum(["lead", "reviewer", "admin"], { error: "Select the person's role" }),
    footprints: z.array(z.string()).optional(),
  })
  .superRefine(
    (value, ctx) => {
      // Runs even when other fields have problems (`when` below), so every problem shows at once;
      // the value may then be only partly valid.
      const footprints = Array.isArray(value.footprints) ? value.footprints : [];
      if (value.role === "lead" && footprints.length === 0) {
        ctx.addIssue({ code: "custom", path: ["footprints"], message: "Select at least one footprint for a system lead" });
      }
      if ((value.role === "reviewer" || value.role === "admin") && footprints.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["footprints"],
          message: "Only system leads belong to footprints. Clear the footprints, or choose system lead",
        });
      }
    },
    { when: () => true },
  );

export async function action({ request }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const submission = parseForm(await request.formData(), InviteSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), invited: null }, { status: 400 });
  const { name, email, role, footprints } = submission.value;
  const outcome = await inviteUser(db(), admin, { name, email, role, footprintCodes: footprints ?? [] });
  if (!outcome.ok) {
    return data({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.reason] } }), invited: null }, { status: 400 });
  }
  return {
    result: null,
    invited: {
      id: outcome.userId,
      name,
      email: email.toLowerCase(),
      role,
      expiresAt: outcome.expiresAt,
      // Only where no real email leaves the building; in production the link goes to its owner alone.
      link: env().production ? null : outcome.link,
    },
  };
}

export default function Invite({ loaderData: d, actionData }: Route.ComponentProps) {
  if (actionData?.invited) return <Invited invited={actionData.invited} />;
  return <InviteForm regions={d.regions} lastResult={actionData?.result ?? undefined} />;
}

function InviteForm({
  regions,
  lastResult,
}: {
  regions: Route.ComponentProps["loaderData"]["regions"];
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const roleId = fields.role.id;
  const footprintsId = fields.footprints.id;
  const firstFootprint = regions[0]?.footprints[0]?.code ?? "";
  const summary = [
    ...(fields.name.errors ?? []).map((message) => ({ fieldId: fields.name.id, message })),
    ...(fields.email.errors ?? []).map((message) => ({ fieldId: fields.email.id, message })),
    ...(fields.role.errors ?? []).map((message) => ({ fieldId: `${roleId}-lead`, message })),
    ...(fields.footprints.errors ?? []).map((message) => ({ fieldId: `${footprintsId}-${firstFootprint}`, message })),
  ];
  const chosenRole = typeof fields.role.initialValue === "string" ? fields.role.initialValue : undefined;
  const chosen = new Set(
    Array.isArray(fields.footprints.initialValue)
      ? fields.footprints.initialValue.filter((v): v is string => typeof v === "string")
      : typeof fields.footprints.initialValue === "string"
        ? [fields.footprints.initialValue]
        : [],
  );

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to="/admin/users">
          Back to users
        </Link>
        <ErrorSummary errors={summary} title={"Invite a user"} />
        <span className="nhsuk-caption-l">Administration</span>
        <h1>Invite a user</h1>
        <p>
          The person gets an email with a link to set their password. The link works once, for 7 days. Until they use it, nobody can sign in
          to the account.
        </p>
        <Form method="post" {...getFormProps(form)}>
          <TextInput
            field={fields.name}
            label="Full name"
            labelClassName="nhsuk-label nhsuk-label--s"
            autoComplete="off"
            spellCheck={false}
          />
          <TextInput
            field={fields.email}
            label="Email address"
            labelClassName="nhsuk-label nhsuk-label--s"
            hint="Their NHS email address. They sign in with it."
            type="email"
            autoComplete="off"
            spellCheck={false}
          />

          <div className={`nhsuk-form-group${fields.role.errors ? " nhsuk-form-group--error" : ""}`}>
            <fieldset className="nhsuk-fieldset" aria-describedby={fields.role.errors ? fields.role.errorId : undefined}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Role</legend>
              {fields.role.errors ? (
                <span className="nhsuk-error-message" id={fields.role.errorId}>
                  <span className="nhsuk-u-visually-hidden">Error:</span> {fields.role.errors.join(". ")}
                </span>
              ) : null}
              <div className="nhsuk-radios" data-module="nhsuk-radios">
                {ROLE_CHOICES.map((choice) => (
                  <div className="nhsuk-radios__item" key={choice.value}>
                    <input
                      className="nhsuk-radios__input"
                      id={`${roleId}-${choice.value}`}
                      name={fields.role.name}
                      type="radio"
                      value={choice.value}
                      defaultChecked={chosenRole === choice.value}
                      aria-describedby={`${roleId}-${choice.value}-hint`}
                    />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${roleId}-${choice.value}`}>
                      {ROLE_LABELS[choice.value]}
                    </label>
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${roleId}-${choice.value}-hint`}>
                      {choice.hint}
                    </div>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>

          <div className={`nhsuk-form-group${fields.footprints.errors ? " nhsuk-form-group--error" : ""}`}>
            <fieldset
              className="nhsuk-fieldset"
              aria-describedby={`${footprintsId}-hint${fields.footprints.errors ? ` ${fields.footprints.errorId}` : ""}`}
            >
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Footprints</legend>
              <div className="nhsuk-hint" id={`${footprintsId}-hint`}>
                For a system lead only: the STP footprints whose proposals they work on. Select all that apply.
              </div>
              {fields.footprints.errors ? (
                <span className="nhsuk-error-message" id={fields.footprints.errorId}>
                  <span className="nhsuk-u-visually-hidden">Error:</span> {fields.footprints.errors.join(". ")}
                </span>
              ) : null}
              {regions.map((region) => (
                <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-4" key={region.name}>
                  <legend className="nhsuk-fieldset__legend">{region.name}</legend>
                  <div className="nhsuk-checkboxes" data-module="nhsuk-checkboxes">
                    {region.footprints.map((f) => (
                      <div className="nhsuk-checkboxes__item" key={f.code}>
                        <input
                          className="nhsuk-checkboxes__input"
                          id={`${footprintsId}-${f.code}`}
                          name={fields.footprints.name}
                          type="checkbox"
                          value={f.code}
                          defaultChecked={chosen.has(f.code)}
                        />
                        <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`${footprintsId}-${f.code}`}>
                          {f.name}
                        </label>
                      </div>
                    ))}
                  </div>
                </fieldset>
              ))}
            </fieldset>
          </div>

          <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
            Send invitation
          </button>
        </Form>
      </div>
    </div>
  );
}

function Invited({ invited }: { invited: NonNullable<NonNullable<Route.ComponentProps["actionData"]>["invited"]> }) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageTitle title="Invitation sent" />
        <SuccessBanner heading={`${invited.name} has been invited as a ${ROLE_LABELS[invited.role].toLowerCase()}.`} />
        <span className="nhsuk-caption-l">Administration</span>
        <h1>Invitation sent</h1>
        <p>
          We have emailed {invited.email} a link to set their password. It works once, until {formatDateTime(invited.expiresAt)}. If it
          expires, open their account and send a new invitation.
        </p>
        {invited.link ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              This is a development copy, so the link is shown here as well as in the <Link to="/admin/outbox">email outbox</Link>.
              Production never shows it.
            </p>
            <p>
              <a href={invited.link} data-testid="set-password-link" style={{ overflowWrap: "anywhere" }}>
                {invited.link}
              </a>
            </p>
          </div>
        ) : null}
        <p>
          <Link to={`/admin/users/${invited.id}`}>View {invited.name}'s account</Link>
        </p>
        <p>
          <Link to="/admin/users/invite">Invite another user</Link>
        </p>
        <p>
          <Link to="/admin/users">Back to users</Link>
        </p>
      </div>
    </div>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
