import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-user";
import { redirectWithFlash } from "../.server/flash.ts";
import { SuccessBanner } from "../components/SuccessBanner.tsx";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ErrorSummary, type ErrorSummaryItem } from "../components/ErrorSummary.tsx";
import { ROLE_LABELS } from "../navigation.ts";
import { formatDate, formatDateTime } from "../status.ts";
import { findFootprint, listFootprints } from "../../db/reference.ts";
import type { Role } from "../../db/schema.ts";
import { findUserForAdmin } from "../../db/users.ts";
import { db } from "../.server/db.ts";
import { env } from "../.server/env.ts";
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
  const [user, footprints] = await Promise.all([findUserForAdmin(db(), params.userId), listFootprints(db())]);
  if (!user) throw data("There is no such account.", { status: 404 });
  return {
    user,
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

const IntentSchema = z.enum(["access", "record-conflict", "withdraw-conflict", "deactivate", "reactivate", "reinvite"]);
type Intent = z.infer<typeof IntentSchema>;

const AccessSchema = z.object({
  role: z.enum(["lead", "reviewer", "admin"], { error: "Select a role" }),
  footprints: z.array(z.string()),
});

const SELECT_FOOTPRINT = "Select the footprint they have a conflict with";
const ConflictSchema = z.object({
  conflictFootprint: z.string({ error: SELECT_FOOTPRINT }).trim().min(1, SELECT_FOOTPRINT),
  conflictReason: z
    .string({ error: "Enter the reason for the conflict" })
    .trim()
    .min(1, "Enter the reason for the conflict")
    .max(2000, "Reason must be 2,000 characters or fewer"),
});

const DeactivateSchema = z.object({
  deactivationReason: z
    .string({ error: "Enter why the account is being deactivated" })
    .trim()
    .min(1, "Enter why the account is being deactivated")
    .max(2000, "Reason must be 2,000 characters or fewer"),
});

type Field = "role" | "footprints" | "conflictFootprint" | "conflictReason" | "conflicts" | "deactivationReason" | "account";
type Values = { role?: string; footprints?: string[]; conflictFootprint?: string; conflictReason?: string; deactivationReason?: string };

export async function action({ request, params }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const user = await findUserForAdmin(db(), params.userId);
  if (!user) throw data("There is no such account.", { status: 404 });
  const formData = await request.formData();
  const intent = IntentSchema.safeParse(formData.get("intent"));
  if (!intent.success) throw data("That is not something this page can do.", { status: 400 });
  const text = (name: string) => (typeof formData.get(name) === "string" ? (formData.get(name) as string) : "");
  const values: Values = {
    role: text("role"),
    footprints: formData.getAll("footprints").filter((v): v is string => typeof v === "string"),
    conflictFootprint: text("conflictFootprint"),
    conflictReason: text("conflictReason"),
    deactivationReason: text("deactivationReason"),
  };
  const refuse = (errors: Partial<Record<Field, string>>, status = 400) =>
    data({ intent: intent.data as Intent, errors, values, reinvited: null }, { status });
  const done = (what: keyof typeof DONE) => redirectWithFlash(`/admin/users/${user.id}`, DONE[what]!);

  switch (intent.data) {
    case "access": {
      const parsed = AccessSchema.safeParse(values);
      if (!parsed.success) return refuse({ role: "Select a role" });
      const outcome = await changeRoleAndFootprints(db(), admin, user.id, {
        role: parsed.data.role,
        footprintCodes: parsed.data.footprints,
      });
      if (!outcome.ok) return refuse({ [outcome.field]: outcome.reason }, admin.id === user.id ? 403 : 400);
      return done(outcome.changed ? "access" : "unchanged");
    }
    case "record-conflict": {
      const parsed = ConflictSchema.safeParse(values);
      if (!parsed.success) {
        const errors: Partial<Record<Field, string>> = {};
        for (const issue of parsed.error.issues) errors[issue.path[0] as Field] ??= issue.message;
        return refuse(errors);
      }
      const footprint = await findFootprint(db(), parsed.data.conflictFootprint);
      if (!footprint) return refuse({ conflictFootprint: "Select a footprint from the list" });
      const outcome = await recordConflictFor(db(), admin, user.id, {
        footprintCode: footprint.code,
        footprintName: footprint.name,
        reason: parsed.data.conflictReason,
      });
      if (!outcome.ok) return refuse({ conflictFootprint: outcome.reason });
      return done("conflict-recorded");
    }
    case "withdraw-conflict": {
      const outcome = await withdrawConflictFor(db(), admin, user.id, text("footprintCode"));
      if (!outcome.ok) return refuse({ conflicts: outcome.reason });
      return done("conflict-withdrawn");
    }
    case "deactivate": {
      const allowed = canDeactivate(admin, user.id);
      if (!allowed.ok) return refuse({ account: allowed.reason }, 403);
      const parsed = DeactivateSchema.safeParse(values);
      if (!parsed.success) return refuse({ deactivationReason: parsed.error.issues[0]!.message });
      const outcome = await deactivateUser(db(), admin, user.id, parsed.data.deactivationReason);
      if (!outcome.ok) return refuse({ account: outcome.reason });
      return done("deactivated");
    }
    case "reactivate": {
      const outcome = await reactivateUser(db(), admin, user.id);
      if (!outcome.ok) return refuse({ account: outcome.reason });
      return done("reactivated");
    }
    case "reinvite": {
      const outcome = await resendInvitation(db(), admin, user.id);
      if (!outcome.ok) return refuse({ account: outcome.reason });
      return {
        intent: intent.data as Intent,
        errors: {},
        values: {},
        reinvited: { expiresAt: outcome.expiresAt, link: env().production ? null : outcome.link },
      };
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

/** Where each error's summary link takes focus. */
function anchorFor(field: Field, firstFootprint: string): string {
  switch (field) {
    case "role":
      return "role-lead";
    case "footprints":
      return `footprint-${firstFootprint}`;
    case "conflicts":
      return "conflicts";
    case "account":
      return "account-actions";
    default:
      return field;
  }
}

function ErrorText({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {message}
    </span>
  ) : null;
}

export default function AdminUser({ loaderData: d, actionData }: Route.ComponentProps) {
  const { user } = d;
  const errors: Partial<Record<Field, string>> = actionData?.errors ?? {};
  const kept: Values = actionData && Object.keys(errors).length > 0 ? actionData.values : {};
  const firstFootprint = d.regions[0]?.footprints[0]?.code ?? "";
  const summary: ErrorSummaryItem[] = (Object.entries(errors) as [Field, string][]).map(([field, message]) => ({
    fieldId: anchorFor(field, firstFootprint),
    message,
  }));
  const reinvited = actionData?.reinvited ?? null;
  const role = kept.role ?? user.role;
  const chosen = new Set(kept.footprints ?? user.footprints.map((f) => f.code));
  const formKey = `${user.role}:${user.footprints.map((f) => f.code).join(",")}`;
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
        <ErrorSummary errors={summary} />

        <span className="nhsuk-caption-l">Administration</span>
        <h1>{user.name}</h1>
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
            <Form method="post" noValidate key={formKey}>
              <input type="hidden" name="intent" value="access" />
              <div className={`nhsuk-form-group${errors.role ? " nhsuk-form-group--error" : ""}`}>
                <fieldset className="nhsuk-fieldset" aria-describedby={errors.role ? "role-error" : undefined}>
                  <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Role</legend>
                  <ErrorText id="role-error" message={errors.role} />
                  <div className="nhsuk-radios" data-module="nhsuk-radios">
                    {(["lead", "reviewer", "admin"] as const).map((value) => (
                      <div className="nhsuk-radios__item" key={value}>
                        <input
                          className="nhsuk-radios__input"
                          id={`role-${value}`}
                          name="role"
                          type="radio"
                          value={value}
                          defaultChecked={role === value}
                          aria-describedby={`role-${value}-hint`}
                        />
                        <label className="nhsuk-label nhsuk-radios__label" htmlFor={`role-${value}`}>
                          {ROLE_LABELS[value]}
                        </label>
                        <div className="nhsuk-hint nhsuk-radios__hint" id={`role-${value}-hint`}>
                          {ROLE_HINTS[value]}
                        </div>
                      </div>
                    ))}
                  </div>
                </fieldset>
              </div>
              <div className={`nhsuk-form-group${errors.footprints ? " nhsuk-form-group--error" : ""}`}>
                <fieldset className="nhsuk-fieldset" aria-describedby={`footprints-hint${errors.footprints ? " footprints-error" : ""}`}>
                  <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Footprints</legend>
                  <div className="nhsuk-hint" id="footprints-hint">
                    For a system lead only: the STP footprints whose proposals they work on. Select all that apply. Changing the role away
                    from system lead needs the footprints cleared.
                  </div>
                  <ErrorText id="footprints-error" message={errors.footprints} />
                  {d.regions.map((region) => (
                    <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-4" key={region.name}>
                      <legend className="nhsuk-fieldset__legend">{region.name}</legend>
                      <div className="nhsuk-checkboxes" data-module="nhsuk-checkboxes">
                        {region.footprints.map((f) => (
                          <div className="nhsuk-checkboxes__item" key={f.code}>
                            <input
                              className="nhsuk-checkboxes__input"
                              id={`footprint-${f.code}`}
                              name="footprints"
                              type="checkbox"
                              value={f.code}
                              defaultChecked={chosen.has(f.code)}
                            />
                            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`footprint-${f.code}`}>
                              {f.name}
                            </label>
                          </div>
                        ))}
                      </div>
                    </fieldset>
                  ))}
                </fieldset>
              </div>
              <button className="nhsuk-button" type="submit">
                Save role and footprints
              </button>
            </Form>
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
            <ErrorText id="conflicts-error" message={errors.conflicts} />
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
            <Form method="post" noValidate key={`conflicts:${user.conflicts.map((c) => c.footprintCode).join(",")}`}>
              <input type="hidden" name="intent" value="record-conflict" />
              <div className={`nhsuk-form-group${errors.conflictFootprint ? " nhsuk-form-group--error" : ""}`}>
                <label className="nhsuk-label nhsuk-label--s" htmlFor="conflictFootprint">
                  Footprint
                </label>
                <ErrorText id="conflictFootprint-error" message={errors.conflictFootprint} />
                <select
                  className={`nhsuk-select${errors.conflictFootprint ? " nhsuk-select--error" : ""}`}
                  id="conflictFootprint"
                  name="conflictFootprint"
                  defaultValue={kept.conflictFootprint ?? ""}
                  aria-describedby={errors.conflictFootprint ? "conflictFootprint-error" : undefined}
                >
                  <option value="">Select a footprint</option>
                  {d.footprints.map((f) => (
                    <option key={f.code} value={f.code}>
                      {f.name} ({f.regionName})
                    </option>
                  ))}
                </select>
              </div>
              <div className={`nhsuk-form-group${errors.conflictReason ? " nhsuk-form-group--error" : ""}`}>
                <label className="nhsuk-label nhsuk-label--s" htmlFor="conflictReason">
                  Reason
                </label>
                <div className="nhsuk-hint" id="conflictReason-hint">
                  For example, a past or present role with a commissioner or provider in the footprint.
                </div>
                <ErrorText id="conflictReason-error" message={errors.conflictReason} />
                <textarea
                  className={`nhsuk-textarea${errors.conflictReason ? " nhsuk-textarea--error" : ""}`}
                  id="conflictReason"
                  name="conflictReason"
                  rows={3}
                  defaultValue={kept.conflictReason ?? ""}
                  aria-describedby={errors.conflictReason ? "conflictReason-hint conflictReason-error" : "conflictReason-hint"}
                />
              </div>
              <button className="nhsuk-button nhsuk-button--secondary" type="submit">
                Record conflict
              </button>
            </Form>
          </>
        ) : null}

        <h2 id="account-actions" tabIndex={-1}>
          Access to the service
        </h2>
        <ErrorText id="account-error" message={errors.account} />
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
          <Form method="post" noValidate key={`deactivate:${user.status}`}>
            <input type="hidden" name="intent" value="deactivate" />
            <div className="nhsuk-warning-callout">
              <h3 className="nhsuk-warning-callout__label">
                <span role="text">
                  <span className="nhsuk-u-visually-hidden">Important: </span>
                  Deactivating an account
                </span>
              </h3>
              <p>
                They are signed out at once and cannot sign in until the account is reactivated. Their submissions, reviews and history
                stay. Reviews assigned to them stay assigned: assign other reviewers if needed.
              </p>
            </div>
            <div className={`nhsuk-form-group${errors.deactivationReason ? " nhsuk-form-group--error" : ""}`}>
              <label className="nhsuk-label nhsuk-label--s" htmlFor="deactivationReason">
                Why is the account being deactivated?
              </label>
              <ErrorText id="deactivationReason-error" message={errors.deactivationReason} />
              <textarea
                className={`nhsuk-textarea${errors.deactivationReason ? " nhsuk-textarea--error" : ""}`}
                id="deactivationReason"
                name="deactivationReason"
                rows={3}
                defaultValue={kept.deactivationReason ?? ""}
                aria-describedby={errors.deactivationReason ? "deactivationReason-error" : undefined}
              />
            </div>
            <button className="nhsuk-button nhsuk-button--warning" type="submit">
              Deactivate account
            </button>
          </Form>
        )}
      </div>
    </div>
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

export const meta: Route.MetaFunction = ({ data: d }) => [{ title: `${d?.user.name ?? "User"} – Users – NCM Assure` }];
