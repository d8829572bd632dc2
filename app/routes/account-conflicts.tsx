import { data, Form } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/account-conflicts";
import { redirectWithFlash } from "../.server/flash.ts";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ErrorSummary, type ErrorSummaryItem } from "../components/ErrorSummary.tsx";
import { formatDate } from "../status.ts";
import { findFootprint, listFootprints } from "../../db/reference.ts";
import { listReviewerConflicts } from "../../db/users.ts";
import { declareConflict, withdrawConflict } from "../.server/conflicts.ts";
import { mayWithdrawConflict } from "../../workflows/policy.ts";
import { actorFrom } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { clipToSchema } from "../.server/forms.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const [conflicts, footprints] = await Promise.all([listReviewerConflicts(db(), user.id), listFootprints(db())]);
  const actor = actorFrom(user);
  return {
    // Withdrawable only where the policy lets this person: not a conflict an administrator recorded.
    conflicts: conflicts.map((c) => {
      const verdict = mayWithdrawConflict(actor, { userId: user.id, declaredBy: c.declaredBy });
      return { ...c, withdrawRefusal: verdict.allowed ? null : verdict.reason };
    }),
    footprints: footprints.map((f) => ({ code: f.code, name: f.name, regionName: f.regionName })),
  };
}

const SELECT_FOOTPRINT = "Select the footprint you have a conflict with";

const DeclareSchema = z.object({
  footprintCode: z.string({ error: SELECT_FOOTPRINT }).trim().min(1, SELECT_FOOTPRINT),
  reason: z
    .string({ error: "Enter the reason for the conflict" })
    .trim()
    .min(1, "Enter the reason for the conflict")
    .max(2000, "Reason must be 2,000 characters or fewer"),
});

const WithdrawSchema = z.object({ footprintCode: z.string().trim().min(1) });

const IntentSchema = z.enum(["declare", "withdraw"]);

type FieldErrors = Partial<Record<"footprintCode" | "reason" | "conflicts", string>>;

export async function action({ request }: Route.ActionArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const form = Object.fromEntries(await request.formData());
  const intent = IntentSchema.safeParse(form.intent);
  if (!intent.success) throw data("That is not something this page can do.", { status: 400 });
  const values = clipToSchema(
    {
      footprintCode: typeof form.footprintCode === "string" ? form.footprintCode : "",
      reason: typeof form.reason === "string" ? form.reason : "",
    },
    DeclareSchema,
  ) as { footprintCode: string; reason: string };
  const refuse = (errors: FieldErrors, status = 400) => data({ errors, values: intent.data === "declare" ? values : null }, { status });

  if (intent.data === "withdraw") {
    const parsed = WithdrawSchema.safeParse(form);
    if (!parsed.success) throw data("Choose a declared conflict to withdraw.", { status: 400 });
    const withdrawn = await withdrawConflict(db(), user, parsed.data.footprintCode);
    if (!withdrawn.ok) return refuse({ conflicts: withdrawn.reason }, withdrawn.kind === "refused" ? 403 : 400);
    const footprint = await findFootprint(db(), parsed.data.footprintCode);
    return redirectWithFlash(
      "/account/conflicts",
      `Your conflict with ${footprint?.name ?? parsed.data.footprintCode} has been withdrawn.`,
    );
  }

  const parsed = DeclareSchema.safeParse(form);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as "footprintCode" | "reason";
      errors[field] ??= issue.message;
    }
    return refuse(errors);
  }
  const footprint = await findFootprint(db(), parsed.data.footprintCode);
  if (!footprint) return refuse({ footprintCode: "Select a footprint from the list" });
  const declared = await declareConflict(db(), user, {
    footprintCode: footprint.code,
    footprintName: footprint.name,
    reason: parsed.data.reason,
  });
  if (!declared) {
    return refuse({
      footprintCode: `You have already declared a conflict with ${footprint.name}. Withdraw it first if the reason has changed.`,
    });
  }
  return redirectWithFlash("/account/conflicts", `Your conflict with ${footprint.name} has been declared.`);
}

type Conflict = Route.ComponentProps["loaderData"]["conflicts"][number];

const column = tableColumns<Conflict>();
const columns = column.columns([
  column.accessor("footprintName", { header: "Footprint" }),
  column.accessor("reason", { header: "Reason" }),
  column.accessor("declaredAt", { header: "Declared", cell: (info) => formatDate(info.getValue()) }),
  column.display({
    id: "withdraw",
    header: "Action",
    cell: (info) =>
      info.row.original.withdrawRefusal ? (
        <span className="nhsuk-body-s">{info.row.original.withdrawRefusal}</span>
      ) : (
        <Form method="post" className="nhsuk-u-margin-bottom-0">
          <input type="hidden" name="intent" value="withdraw" />
          <input type="hidden" name="footprintCode" value={info.row.original.footprintCode} />
          <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">
            Withdraw<span className="nhsuk-u-visually-hidden"> the conflict with {info.row.original.footprintName}</span>
          </button>
        </Form>
      ),
  }),
]);

export default function Conflicts({ loaderData: d, actionData }: Route.ComponentProps) {
  const errors = actionData?.errors ?? {};
  const summary: ErrorSummaryItem[] = (["footprintCode", "reason", "conflicts"] as const)
    .filter((field) => errors[field])
    .map((field) => ({ fieldId: field, message: errors[field]! }));
  const values = actionData?.values ?? { footprintCode: "", reason: "" };
  const declaredCodes = new Set(d.conflicts.map((c) => c.footprintCode));
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <ErrorSummary errors={summary} />
            <h1>Your declared conflicts</h1>
            <p>
              Declare a conflict of interest with any footprint whose submissions you should not judge. You will not be assigned to review
              them, and you cannot propose or countersign their decisions.
            </p>
            <div className="nhsuk-inset-text">
              <span className="nhsuk-u-visually-hidden">Information: </span>
              <p>
                Declaring a conflict does not take you off reviews you are already assigned to. Tell your programme administrator, who can
                assign another reviewer.
              </p>
            </div>
          </div>
        </div>

        <h2 id="conflicts" tabIndex={-1}>
          Conflicts you have declared
        </h2>
        {errors.conflicts ? (
          <span className="nhsuk-error-message">
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {errors.conflicts}
          </span>
        ) : null}
        <DataTable
          caption="Conflicts you have declared"
          columns={columns}
          data={d.conflicts}
          empty={<p>You have not declared any conflicts.</p>}
        />

        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <h2>Declare a conflict</h2>
            <Form method="post" noValidate key={d.conflicts.map((c) => c.footprintCode).join(",")}>
              <input type="hidden" name="intent" value="declare" />
              <div className={`nhsuk-form-group${errors.footprintCode ? " nhsuk-form-group--error" : ""}`}>
                <label className="nhsuk-label nhsuk-label--s" htmlFor="footprintCode">
                  Footprint
                </label>
                {errors.footprintCode ? (
                  <span className="nhsuk-error-message" id="footprintCode-error">
                    <span className="nhsuk-u-visually-hidden">Error: </span>
                    {errors.footprintCode}
                  </span>
                ) : null}
                <select
                  className={`nhsuk-select${errors.footprintCode ? " nhsuk-select--error" : ""}`}
                  id="footprintCode"
                  name="footprintCode"
                  defaultValue={values.footprintCode}
                  aria-describedby={errors.footprintCode ? "footprintCode-error" : undefined}
                >
                  <option value="">Select a footprint</option>
                  {d.footprints.map((f) => (
                    <option key={f.code} value={f.code}>
                      {f.name} ({f.regionName}){declaredCodes.has(f.code) ? ", already declared" : ""}
                    </option>
                  ))}
                </select>
              </div>
              <div className={`nhsuk-form-group${errors.reason ? " nhsuk-form-group--error" : ""}`}>
                <label className="nhsuk-label nhsuk-label--s" htmlFor="reason">
                  Reason
                </label>
                <div className="nhsuk-hint" id="reason-hint">
                  For example, a past or present role with a commissioner or provider in the footprint.
                </div>
                {errors.reason ? (
                  <span className="nhsuk-error-message" id="reason-error">
                    <span className="nhsuk-u-visually-hidden">Error: </span>
                    {errors.reason}
                  </span>
                ) : null}
                <textarea
                  className={`nhsuk-textarea${errors.reason ? " nhsuk-textarea--error" : ""}`}
                  id="reason"
                  name="reason"
                  rows={3}
                  defaultValue={values.reason}
                  aria-describedby={errors.reason ? "reason-hint reason-error" : "reason-hint"}
                />
              </div>
              <button className="nhsuk-button" type="submit">
                Declare conflict
              </button>
            </Form>
          </div>
        </div>
      </div>
    </div>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Your declared conflicts – NCM Assure" }];
