import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { data, Form } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/account-conflicts";
import { redirectWithFlash } from "../.server/flash.ts";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { Select } from "../components/form/Choices.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { formatDate } from "../status.ts";
import { findFootprint, listFootprints } from "../../db/reference.ts";
import { listReviewerConflicts } from "../../db/users.ts";
import { declareConflict, withdrawConflict } from "../.server/conflicts.ts";
import { mayWithdrawConflict } from "../../workflows/policy.ts";
import { actorFrom } from "../.server/assurance.ts";
import { db } from "../.server/db.ts";
import { parseForm } from "../.server/forms.ts";
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
  intent: z.literal("declare"),
  footprintCode: z.string({ error: SELECT_FOOTPRINT }).trim().min(1, SELECT_FOOTPRINT).max(20, SELECT_FOOTPRINT),
  reason: z
    .string({ error: "Enter the reason for the conflict" })
    .trim()
    .min(1, "Enter the reason for the conflict")
    .max(2000, "Reason must be 2,000 characters or fewer"),
});

const WithdrawSchema = z.object({ intent: z.literal("withdraw"), footprintCode: z.string().trim().min(1).max(20) });

// The intent names the form: declaring one, or withdrawing one from the table.
const ConflictFormSchema = z.discriminatedUnion("intent", [DeclareSchema, WithdrawSchema], {
  error: "That is not something this page can do.",
});

const reply = (form: "declare" | "withdraw", result: SubmissionResult<string[]>, status: number) => data({ form, result }, { status });

export async function action({ request }: Route.ActionArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const form = parseForm(await request.formData(), ConflictFormSchema);
  if (form.status !== "success") {
    // Only the declaration has anything to type; the withdraw buttons and their intent are the page's own.
    if (form.payload.intent !== "declare" || form.error?.intent) {
      throw data(
        form.payload.intent === "withdraw" ? "Choose a declared conflict to withdraw." : "That is not something this page can do.",
        {
          status: 400,
        },
      );
    }
    return reply("declare", form.reply(), 400);
  }

  if (form.value.intent === "withdraw") {
    const { footprintCode } = form.value;
    const withdrawn = await withdrawConflict(db(), user, footprintCode);
    if (!withdrawn.ok) return reply("withdraw", form.reply({ formErrors: [withdrawn.reason] }), withdrawn.kind === "refused" ? 403 : 400);
    const footprint = await findFootprint(db(), footprintCode);
    return redirectWithFlash("/account/conflicts", `Your conflict with ${footprint?.name ?? footprintCode} has been withdrawn.`);
  }

  const footprint = await findFootprint(db(), form.value.footprintCode);
  if (!footprint) return reply("declare", form.reply({ fieldErrors: { footprintCode: ["Select a footprint from the list"] } }), 400);
  const declared = await declareConflict(db(), user, {
    footprintCode: footprint.code,
    footprintName: footprint.name,
    reason: form.value.reason,
  });
  if (!declared) {
    const message = `You have already declared a conflict with ${footprint.name}. Withdraw it first if the reason has changed.`;
    return reply("declare", form.reply({ fieldErrors: { footprintCode: [message] } }), 400);
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

/** The declaration form's id; its fields' ids start with it. */
const DECLARE = "declare-conflict";

export default function Conflicts({ loaderData: d, actionData }: Route.ComponentProps) {
  // The page has a form per declared conflict as well as the declaration, so the server checks
  // them (no Zod in the browser) and the one summary lists every error of whichever was sent.
  const declaring = actionData?.form === "declare" ? actionData.result : undefined;
  const withdrawing = actionData?.form === "withdraw" ? actionData.result : undefined;
  const summary = summaryItems([
    [declaring?.error?.footprintCode ?? undefined, `${DECLARE}-footprintCode`],
    [declaring?.error?.reason ?? undefined, `${DECLARE}-reason`],
    [withdrawing?.error?.[""] ?? undefined, "conflicts"],
  ]);
  const withdrawErrors = withdrawing?.error?.[""] ?? undefined;
  const declaredCodes = new Set(d.conflicts.map((c) => c.footprintCode));
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <ErrorSummary errors={summary} title={"Your declared conflicts"} />
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
        {withdrawErrors ? (
          <span className="nhsuk-error-message">
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {withdrawErrors.join(" ")}
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
            {/* A new key once a conflict is declared or withdrawn, so the form starts empty again. */}
            <DeclareForm
              key={[...declaredCodes].join(",")}
              lastResult={declaring}
              footprints={d.footprints.map((f) => ({
                value: f.code,
                label: `${f.name} (${f.regionName})${declaredCodes.has(f.code) ? ", already declared" : ""}`,
              }))}
            />
          </div>
        </div>
      </div>
    </div>
  );
}

function DeclareForm({
  lastResult,
  footprints,
}: {
  lastResult: SubmissionResult<string[]> | undefined;
  footprints: { value: string; label: string }[];
}) {
  const [form, fields] = useForm<z.input<typeof DeclareSchema>>({ id: DECLARE, lastResult });
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name={fields.intent.name} value="declare" />
      <Select field={fields.footprintCode} label="Footprint" emptyLabel="Select a footprint" options={footprints} />
      <Textarea
        field={fields.reason}
        label="Reason"
        hint="For example, a past or present role with a commissioner or provider in the footprint."
        rows={3}
      />
      <button className="nhsuk-button" type="submit">
        Declare conflict
      </button>
    </Form>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
