import { ReviewsToReassign } from "../components/ReviewsToReassign.tsx";
import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-user";
import { redirectWithFlash } from "../.server/flash.ts";
import { SuccessBanner } from "../components/SuccessBanner.tsx";
import { countReviewsToReassign } from "../.server/suggestions.ts";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { Checkboxes, choiceId, Radios, Select } from "../components/form/Choices.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { ROLE_LABELS } from "../navigation.ts";
import { formatDate, formatDateTime } from "../status.ts";
import { findFootprint, listFootprints } from "../../db/reference.ts";
import type { Role } from "../../db/schema.ts";
import { findUserForAdmin } from "../../db/users.ts";
import { db } from "../.server/db.ts";
import { env } from "../.server/env.ts";
import { parseForm } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";
import {
  canDeactivate,
  changeRoleAndFootprints,
  deactivateUser,
  reactivateUser,
  recordConflictFor,
  resendInvitation,
  withdrawConflictFor,
} from "../.server/users.ts";

const DONE: Record<string, string> = {
  access: "The role and footprints have been saved.",
  unchanged: "Nothing was changed: the role and footprints were already as you chose.",
  "conflict-recorded": "The conflict has been recorded.",
  "conflict-withdrawn": "The conflict has been withdrawn.",
  deactivated: "The account has been deactivated and its sessions ended.",
  reactivated: "The account has been reactivated. They can sign in again.",
};

export async function loader({ request, params }: Route.LoaderArgs) {
  const admin = await requireRole(request, "admin");
  const [user, footprints, toReassign] = await Promise.all([
    findUserForAdmin(db(), params.userId),
    listFootprints(db()),
    countReviewsToReassign(db(), { userId: params.userId }),
  ]);
  if (!user) throw data("There is no such account.", { status: 404 });
  return {
    user,
    /** Open reviews this person holds but can no longer review (deactivated, not a reviewer, or conflicted since). */
    toReassign,
    self: user.id === admin.id,
    footprints: footprints.map((f) => ({ code: f.code, name: f.name, regionName: f.regionName })),
    regions: groupByRegion(footprints),
  };
}

function groupByRegion(footprints: { code: string; name: string; regionName: string }[]) {
  const regions = new Map<string, { code: string; name: string }[]>();
  for (const f of footprints) regions.set(f.regionName, [...(regions.get(f.regionName) ?? []), { code: f.code, name: f.name }]);
  return [...regions].map(([name, list]) => ({ name, footprints: list })).sort((a, b) => a.name.localeCompare(b.name));
}

const INTENTS = ["access", "record-conflict", "withdraw-conflict", "deactivate", "reactivate", "reinvite"] as const;
type Intent = (typeof INTENTS)[number];
const isIntent = (value: unknown): value is Intent => INTENTS.includes(value as Intent);

const SELECT_FOOTPRINT = "Select the footprint they have a conflict with";

// One schema per form on the page, told apart by the intent each posts. Whether a role and its
// footprints fit together, and which footprints exist, is the server's to say (changeRoleAndFootprints).
const AdminUserSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("access"),
    role: z.enum(["lead", "reviewer", "admin"], { error: "Select a role" }),
    footprints: z.array(z.string().max(20)).default([]),
  }),
  z.object({
    intent: z.literal("record-conflict"),
    conflictFootprint: z.string({ error: SELECT_FOOTPRINT }).trim().min(1, SELECT_FOOTPRINT).max(20, SELECT_FOOTPRINT),
    conflictReason: z
      .string({ error: "Enter the reason for the conflict" })
      .trim()
      .min(1, "Enter the reason for the conflict")
      .max(2000, "Reason must be 2,000 characters or fewer"),
  }),
  // Unknown or missing, the footprint is refused by withdrawConflictFor with its reason.
  z.object({ intent: z.literal("withdraw-conflict"), footprintCode: z.string().max(20).default("") }),
  z.object({
    intent: z.literal("deactivate"),
    deactivationReason: z
      .string({ error: "Enter why the account is being deactivated" })
      .trim()
      .min(1, "Enter why the account is being deactivated")
      .max(2000, "Reason must be 2,000 characters or fewer"),
  }),
  z.object({ intent: z.literal("reactivate") }),
  z.object({ intent: z.literal("reinvite") }),
]);

type Reinvited = { expiresAt: string; link: string | null };

export async function action({ request, params }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const user = await findUserForAdmin(db(), params.userId);
  if (!user) throw data("There is no such account.", { status: 404 });
  const form = parseForm(await request.formData(), AdminUserSchema);
  const intent = form.payload.intent;
  if (!isIntent(intent)) throw data("That is not something this page can do.", { status: 400 });
  const refuse = (result: SubmissionResult<string[]>, status = 400) =>
    data({ form: intent, result, reinvited: null as Reinvited | null }, { status });
  const done = (what: keyof typeof DONE) => redirectWithFlash(`/admin/users/${user.id}`, DONE[what]!);

  // Nobody deactivates their own account, whatever else the form says.
  if (intent === "deactivate") {
    const allowed = canDeactivate(admin, user.id);
    if (!allowed.ok) return refuse(form.reply({ formErrors: [allowed.reason] }), 403);
  }
  if (form.status !== "success") return refuse(form.reply());

  const posted = form.value;
  switch (posted.intent) {
    case "access": {
      const outcome = await changeRoleAndFootprints(db(), admin, user.id, { role: posted.role, footprintCodes: posted.footprints });
      if (!outcome.ok) return refuse(form.reply({ fieldErrors: { [outcome.field]: [outcome.reason] } }), admin.id === user.id ? 403 : 400);
      return done(outcome.changed ? "access" : "unchanged");
    }
    case "record-conflict": {
      const footprint = await findFootprint(db(), posted.conflictFootprint);
      if (!footprint) return refuse(form.reply({ fieldErrors: { conflictFootprint: ["Select a footprint from the list"] } }));
      const outcome = await recordConflictFor(db(), admin, user.id, {
        footprintCode: footprint.code,
        footprintName: footprint.name,
        reason: posted.conflictReason,
      });
      if (!outcome.ok) return refuse(form.reply({ fieldErrors: { conflictFootprint: [outcome.reason] } }));
      return done("conflict-recorded");
    }
    case "withdraw-conflict": {
      const outcome = await withdrawConflictFor(db(), admin, user.id, posted.footprintCode);
      if (!outcome.ok) return refuse(form.reply({ formErrors: [outcome.reason] }));
      return done("conflict-withdrawn");
    }
    case "deactivate": {
      const outcome = await deactivateUser(db(), admin, user.id, posted.deactivationReason);
      if (!outcome.ok) return refuse(form.reply({ formErrors: [outcome.reason] }));
      return done("deactivated");
    }
    case "reactivate": {
      const outcome = await reactivateUser(db(), admin, user.id);
      if (!outcome.ok) return refuse(form.reply({ formErrors: [outcome.reason] }));
      return done("reactivated");
    }
    case "reinvite": {
      const outcome = await resendInvitation(db(), admin, user.id);
      if (!outcome.ok) return refuse(form.reply({ formErrors: [outcome.reason] }));
      const reinvited: Reinvited = { expiresAt: outcome.expiresAt, link: env().production ? null : outcome.link };
      return { form: intent, result: null as SubmissionResult<string[]> | null, reinvited };
    }
  }
}

type Conflict = Route.ComponentProps["loaderData"]["user"]["conflicts"][number];

const column = tableColumns<Conflict>();
const conflictColumns = column.columns([
  column.accessor("footprintName", { header: "Footprint" }),
  column.accessor("reason", { header: "Reason" }),
  column.accessor("declaredAt", { header: "Recorded", cell: (info) => formatDate(info.getValue()) }),
  column.display({
    id: "withdraw",
    header: "Action",
    cell: (info) => (
      <Form method="post" className="nhsuk-u-margin-bottom-0">
        <input type="hidden" name="intent" value="withdraw-conflict" />
        <input type="hidden" name="footprintCode" value={info.row.original.footprintCode} />
        <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">
          Withdraw<span className="nhsuk-u-visually-hidden"> the conflict with {info.row.original.footprintName}</span>
        </button>
      </Form>
    ),
  }),
]);

const STATUS_TAGS = {
  active: { text: "Active", className: "nhsuk-tag nhsuk-tag--green" },
  invited: { text: "Invited", className: "nhsuk-tag nhsuk-tag--blue" },
  deactivated: { text: "Deactivated", className: "nhsuk-tag nhsuk-tag--grey" },
} as const;

const ROLE_HINTS: Record<Role, string> = {
  lead: "Describes and submits their footprints' proposals.",
  reviewer: "Assesses submissions and signs off checkpoints.",
  admin: "Manages users and assignments, and sees everything.",
};

function ErrorText({ id, errors }: { id: string; errors: string[] | null | undefined }) {
  return errors ? (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {errors.join(" ")}
    </span>
  ) : null;
}

type Footprints = Route.ComponentProps["loaderData"]["regions"];

export default function AdminUser({ loaderData: d, actionData }: Route.ComponentProps) {
  const { user } = d;
  // The page has several forms, so the server checks them (no Zod in the browser) and the one
  // summary lists every error of whichever was sent. Each form takes only its own reply.
  const replyFor = (intent: Intent) => (actionData?.form === intent ? (actionData.result ?? undefined) : undefined);
  const errorsOf = (intent: Intent, name: string) => replyFor(intent)?.error?.[name] ?? undefined;
  const accountErrors = errorsOf("deactivate", "") ?? errorsOf("reactivate", "") ?? errorsOf("reinvite", "");
  const firstFootprint = d.regions[0]?.footprints[0]?.code ?? "";
  const summary = summaryItems([
    [errorsOf("access", ""), "access"],
    [errorsOf("access", "role"), choiceId({ id: "access-role" }, "lead")],
    [errorsOf("access", "footprints"), choiceId({ id: "access-footprints" }, firstFootprint)],
    [errorsOf("withdraw-conflict", ""), "conflicts"],
    [errorsOf("record-conflict", "conflictFootprint"), "record-conflict-conflictFootprint"],
    [errorsOf("record-conflict", "conflictReason"), "record-conflict-conflictReason"],
    [accountErrors, "account-actions"],
    [errorsOf("deactivate", "deactivationReason"), "deactivate-deactivationReason"],
  ]);
  const reinvited = actionData?.reinvited ?? null;
  const canHaveConflicts = user.role !== "lead";

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to="/admin/users">
          Back to users
        </Link>
        {reinvited && summary.length === 0 ? (
          <SuccessBanner heading={`A new invitation has been sent to ${user.email}. Earlier links no longer work.`}>
            {reinvited?.link ? (
              <p>
                Development copy, so the link is shown here too:{" "}
                <a href={reinvited.link} data-testid="set-password-link" style={{ overflowWrap: "anywhere" }}>
                  {reinvited.link}
                </a>
              </p>
            ) : null}
          </SuccessBanner>
        ) : null}
        <ErrorSummary errors={summary} title={`${d.user.name} – Users`} />

        <span className="nhsuk-caption-l">Administration</span>
        <h1>{user.name}</h1>
        <ReviewsToReassign count={d.toReassign} person={user} />
        <dl className="nhsuk-summary-list">
          <Row label="Email address">{user.email}</Row>
          <Row label="Role">{ROLE_LABELS[user.role]}</Row>
          <Row label="Status">
            <strong className={STATUS_TAGS[user.status].className}>{STATUS_TAGS[user.status].text}</strong>
            {user.status === "deactivated" && user.deactivatedAt ? (
              <p className="nhsuk-body nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">
                Deactivated on {formatDateTime(user.deactivatedAt)}
                {user.deactivatedByName ? ` by ${user.deactivatedByName}` : ""}: {user.deactivationReason}
              </p>
            ) : null}
            {user.status === "invited" ? (
              <p className="nhsuk-body nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">
                {user.invitationExpiresAt
                  ? `Has not set a password yet. Their invitation link works until ${formatDateTime(user.invitationExpiresAt)}.`
                  : "Has not set a password yet, and has no working invitation link."}
              </p>
            ) : null}
          </Row>
          <Row label="Footprints">
            {user.footprints.length === 0 ? "None" : user.footprints.map((f) => `${f.name} (${f.code})`).join(", ")}
          </Row>
          <Row label="Conflicts">{user.conflicts.length === 0 ? "None" : user.conflicts.map((c) => c.footprintName).join(", ")}</Row>
          <Row label="Last signed in">{user.lastSignInAt ? formatDateTime(user.lastSignInAt) : "Never"}</Row>
          <Row label="Account created">{formatDate(user.createdAt)}</Row>
        </dl>

        {d.self ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>This is your own account. You cannot change your own role or deactivate it: another programme administrator must do that.</p>
          </div>
        ) : (
          <>
            <h2>Role and footprints</h2>
            {/* A new key once saved, so the form starts again from what is now saved. */}
            <AccessForm
              key={`${user.role}:${user.footprints.map((f) => f.code).join(",")}`}
              saved={{ role: user.role, footprints: user.footprints.map((f) => f.code) }}
              regions={d.regions}
              lastResult={replyFor("access")}
            />
          </>
        )}

        {canHaveConflicts ? (
          <>
            <h2 id="conflicts" tabIndex={-1}>
              Conflicts of interest
            </h2>
            <p>
              A reviewer is never assigned to a footprint they have a conflict with. Record a conflict they have told you about, or withdraw
              one that no longer applies.
            </p>
            <ErrorText id="conflicts-error" errors={errorsOf("withdraw-conflict", "")} />
          </>
        ) : null}
      </div>

      {canHaveConflicts ? (
        <div className="nhsuk-grid-column-full">
          <DataTable
            caption={`Conflicts recorded for ${user.name}`}
            columns={conflictColumns}
            data={user.conflicts}
            empty={<p>No conflicts are recorded.</p>}
          />
        </div>
      ) : null}

      <div className="nhsuk-grid-column-two-thirds">
        {canHaveConflicts ? (
          <>
            <h3>Record a conflict</h3>
            <ConflictForm
              key={`conflicts:${user.conflicts.map((c) => c.footprintCode).join(",")}`}
              footprints={d.footprints}
              lastResult={replyFor("record-conflict")}
            />
          </>
        ) : null}

        <h2 id="account-actions" tabIndex={-1}>
          Access to the service
        </h2>
        <ErrorText id="account-error" errors={accountErrors} />
        {user.status === "invited" ? (
          <Form method="post">
            <input type="hidden" name="intent" value="reinvite" />
            <p>
              They have not set a password yet. A new invitation emails them a fresh link that works for 7 days; any earlier link stops
              working.
            </p>
            <button className="nhsuk-button nhsuk-button--secondary" type="submit">
              Send a new invitation
            </button>
          </Form>
        ) : null}
        {d.self ? (
          <p>You are signed in with this account.</p>
        ) : user.status === "deactivated" ? (
          <Form method="post">
            <input type="hidden" name="intent" value="reactivate" />
            <p>Reactivating lets them sign in again with their existing password, with the same role, footprints and conflicts.</p>
            <button className="nhsuk-button" type="submit">
              Reactivate account
            </button>
          </Form>
        ) : (
          <DeactivateForm key={`deactivate:${user.status}`} lastResult={replyFor("deactivate")} />
        )}
      </div>
    </div>
  );
}

function AccessForm({
  saved,
  regions,
  lastResult,
}: {
  saved: { role: Role; footprints: string[] };
  regions: Footprints;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm<{ intent: "access"; role: Role; footprints: string[] }>({ id: "access", lastResult, defaultValue: saved });
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name={fields.intent.name} value="access" />
      <Radios
        field={fields.role}
        legend="Role"
        choices={(["lead", "reviewer", "admin"] as const).map((value) => ({ value, label: ROLE_LABELS[value], hint: ROLE_HINTS[value] }))}
      />
      <Checkboxes
        field={fields.footprints}
        legend="Footprints"
        hint="For a system lead only: the STP footprints whose proposals they work on. Select all that apply. Changing the role away from system lead needs the footprints cleared."
        groups={regions.map((region) => ({
          legend: region.name,
          choices: region.footprints.map((f) => ({ value: f.code, label: f.name })),
        }))}
      />
      <button className="nhsuk-button" type="submit">
        Save role and footprints
      </button>
    </Form>
  );
}

function ConflictForm({
  footprints,
  lastResult,
}: {
  footprints: Route.ComponentProps["loaderData"]["footprints"];
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm<{ intent: "record-conflict"; conflictFootprint: string; conflictReason: string }>({
    id: "record-conflict",
    lastResult,
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name={fields.intent.name} value="record-conflict" />
      <Select
        field={fields.conflictFootprint}
        label="Footprint"
        emptyLabel="Select a footprint"
        options={footprints.map((f) => ({ value: f.code, label: `${f.name} (${f.regionName})` }))}
      />
      <Textarea
        field={fields.conflictReason}
        label="Reason"
        hint="For example, a past or present role with a commissioner or provider in the footprint."
        rows={3}
      />
      <button className="nhsuk-button nhsuk-button--secondary" type="submit">
        Record conflict
      </button>
    </Form>
  );
}

function DeactivateForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useForm<{ intent: "deactivate"; deactivationReason: string }>({ id: "deactivate", lastResult });
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name={fields.intent.name} value="deactivate" />
      <div className="nhsuk-warning-callout">
        <h3 className="nhsuk-warning-callout__label">
          <span role="text">
            <span className="nhsuk-u-visually-hidden">Important: </span>
            Deactivating an account
          </span>
        </h3>
        <p>
          They are signed out at once and cannot sign in until the account is reactivated. Their submissions, reviews and history stay.
          Reviews assigned to them stay assigned: assign other reviewers if needed.
        </p>
      </div>
      <Textarea field={fields.deactivationReason} label="Why is the account being deactivated?" rows={3} />
      <button className="nhsuk-button nhsuk-button--warning" type="submit">
        Deactivate account
      </button>
    </Form>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
