import { type DefaultValue, type FieldMetadata, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ReactNode, useMemo } from "react";
import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin-criteria-criterion";
import { ErrorSummary, summaryItems } from "../components/ErrorSummary.tsx";
import { Checkboxes, choiceId, Radios } from "../components/form/Choices.tsx";
import { cx, describedBy, FieldGroup } from "../components/form/FieldGroup.tsx";
import { FormErrors } from "../components/form/FormErrors.tsx";
import { TextInput } from "../components/form/TextInput.tsx";
import { Textarea } from "../components/form/Textarea.tsx";
import { CRITERIA_FIELDS } from "../forms/criteria-fields.ts";
import {
  type CriterionInput,
  CriterionSchema,
  DOMAIN_LABELS,
  DOMAINS,
  liveCriterionCheck,
  OUTCOME_LABELS,
  withoutTableForJudgement,
} from "../forms/criterion.ts";
import { criterionForEditing, saveCriterionFromForm } from "../.server/criteria-authoring.ts";
import { db } from "../.server/db.ts";
import { redirectWithFlash } from "../.server/flash.ts";
import { requireRole } from "../.server/session.ts";
import { parseForm } from "../.server/forms.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  await requireRole(request, "admin");
  const found = await criterionForEditing(db(), params.setId, params.criterionId);
  if (!found) throw data("Criterion not found", { status: 404 });
  return found;
}

const VersionSchema = z.coerce.number().int().min(1);
const CHANGED_MEANWHILE =
  "Someone else saved this draft since you opened this criterion. Your changes below are not saved: open the draft in another tab to see theirs, then save again to keep yours.";

export async function action({ request, params }: Route.ActionArgs) {
  const admin = await requireRole(request, "admin");
  const formData = await request.formData();
  const form = parseForm(withoutTableForJudgement(formData), CriterionSchema);
  // The version the person's form was opened at travels with the form, so that a round trip (a rule
  // added without JavaScript, an error) never quietly moves it on to someone else's save.
  const version = VersionSchema.safeParse(formData.get("version"));
  const copyFrom = formData.get("intent") === "copy" ? String(formData.get("copyFrom") ?? "") : null;
  const reply = (result: ReturnType<typeof form.reply>, status: number, stale = false) =>
    data({ result, version: version.success ? version.data : null, stale, copyFrom, copyError: null as string | null }, { status });
  if (!version.success) return reply(form.reply({ formErrors: ["The form could not be read: reload the page and try again"] }), 400);
  if (form.status !== "success") return reply(form.reply(), form.status === "error" ? 400 : 200);
  const saved = await saveCriterionFromForm(db(), admin, {
    setId: params.setId,
    criterionId: params.criterionId === "new" ? null : params.criterionId,
    version: version.data,
    input: form.value,
    copyFrom,
  });
  if (!saved.ok) {
    if (saved.copyError) {
      return data({ result: form.reply(), version: version.data, stale: false, copyFrom, copyError: saved.copyError }, { status: 400 });
    }
    const formErrors = saved.conflict ? [CHANGED_MEANWHILE] : saved.formErrors;
    return reply(form.reply({ formErrors, fieldErrors: saved.fieldErrors }), saved.conflict ? 409 : 400, saved.conflict);
  }
  const where = `/admin/criteria/sets/${params.setId}`;
  return saved.copied
    ? redirectWithFlash(`${where}/criteria/${form.value.id}#examples`, saved.copied)
    : redirectWithFlash(`${where}#criterion-${form.value.id}`, `${form.value.id} saved in draft ${params.setId}`);
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];

/** A textarea for FEEL or answers: code-styled, spelling off, with the live problems as the person types. */
function CodeArea({
  field,
  label,
  hint,
  rows = 2,
  problems = [],
}: {
  field: FieldMetadata<string | undefined>;
  label: string;
  hint?: ReactNode;
  rows?: number;
  problems?: readonly string[];
}) {
  const { key, ...props } = getTextareaProps(field);
  const liveId = `${field.id}-live`;
  return (
    <FieldGroup field={field} label={label} labelClassName="nhsuk-label" hint={hint}>
      <textarea
        key={key}
        className={cx("nhsuk-textarea app-code-input", (field.errors || problems.length > 0) && "nhsuk-textarea--error")}
        rows={rows}
        spellCheck={false}
        autoCapitalize="off"
        {...props}
        aria-describedby={[describedBy(field, hint), liveId].filter(Boolean).join(" ")}
      />
      <div id={liveId} aria-live="polite" className="nhsuk-error-message">
        {field.errors
          ? null
          : problems.map((p) => (
              <span key={p} className="app-live-problem">
                <span className="nhsuk-u-visually-hidden">Problem:</span> {p}
                <br />
              </span>
            ))}
      </div>
    </FieldGroup>
  );
}

export default function CriterionEditor({ loaderData: d, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm<CriterionInput>({
    id: "criterion",
    lastResult: actionData?.result,
    defaultValue: d.formValues as DefaultValue<CriterionInput>,
    onValidate: ({ formData }) => parseWithZod(withoutTableForJudgement(formData), { schema: CriterionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const rules = fields.rules.getFieldList();
  const examples = fields.examples.getFieldList();
  // What the person has typed so far, checked and run here in the browser: each expression's
  // problems and each example's outcome, as they type (the server checks the same again on save).
  const live = useMemo(
    () => liveCriterionCheck(form.value ?? d.formValues, d.saved, d.reference),
    [form.value, d.formValues, d.saved, d.reference],
  );
  const readOnly = !d.draft;
  const summary = summaryItems([
    [form.errors, `${form.id}--error`],
    [fields.id.errors, fields.id.id],
    [fields.kind.errors, choiceId(fields.kind, "automatic")],
    [fields.title.errors, fields.title.id],
    [fields.rule.errors, fields.rule.id],
    [fields.source.errors, fields.source.id],
    [fields.domain.errors, choiceId(fields.domain, DOMAINS[0])],
    [fields.severity.errors, choiceId(fields.severity, "blocking")],
    [fields.modelTypes.errors, choiceId(fields.modelTypes, "MCP")],
    [fields.checkpoints.errors, choiceId(fields.checkpoints, "1")],
    [fields.fieldPaths.errors, fields.fieldPaths.id],
    ...rules.flatMap((rule) => {
      const r = rule.getFieldset();
      return [
        [rule.errors, `${form.id}-${rule.name}`],
        [r.when.errors, r.when.id],
        [r.outcome.errors, choiceId(r.outcome, "fail")],
        [r.message.errors, r.message.id],
        [r.fieldPath.errors, r.fieldPath.id],
        [r.missing.errors, choiceId(r.missing, "yes")],
      ] as const;
    }),
    [fields.rules.errors, `${form.id}-rules`],
    [actionData?.copyError ? [actionData.copyError] : undefined, "copy-from"],
    ...examples.flatMap((example) => {
      const e = example.getFieldset();
      return [
        [e.name.errors, e.name.id],
        [e.expected.errors, choiceId(e.expected, "pass")],
        [e.checkpoint.errors, choiceId(e.checkpoint, "1")],
        [e.answers.errors, e.answers.id],
      ] as const;
    }),
  ]);

  return (
    <>
      <Link className="nhsuk-back-link" to={`/admin/criteria/sets/${d.setId}`}>
        Back to {d.setId}
      </Link>
      <ErrorSummary errors={summary} title={d.isNew ? `Add a criterion to ${d.setId}` : `${d.criterionId} in ${d.setId}`} />
      <span className="nhsuk-caption-l">
        {d.draft ? "Draft" : "Published"} criteria set {d.setId}
      </span>
      <h1>{d.isNew ? "Add a criterion" : `${d.criterionId}: ${d.title}`}</h1>
      {readOnly ? <p>This set is published, so its criteria cannot change. Start a new version from it to change them.</p> : null}

      <Form method="post" {...getFormProps(form)}>
        <FormErrors formId={form.id} errors={form.errors} />
        {/* Enter in a text box sends the form's first submit button: this one, not "Remove rule 1". */}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true">
          Save criterion
        </button>
        <input
          type="hidden"
          name="version"
          value={actionData && !actionData.stale && actionData.version ? actionData.version : d.version}
        />
        {d.isNew ? (
          <>
            <TextInput field={fields.id} label="Criterion id" hint="Letters, a hyphen and a number, like NCM-15. It cannot change later." />
            <Radios
              field={fields.kind}
              legend="How is it judged?"
              choices={[
                { value: "automatic", label: "Automatically, by a decision table over the submission's answers" },
                { value: "judgement", label: "By reviewers' judgement (a key line of enquiry)" },
              ]}
            />
          </>
        ) : (
          <>
            <input type="hidden" name="id" id={fields.id.id} value={d.criterionId ?? ""} />
            <input type="hidden" name="kind" value={d.kind} />
          </>
        )}
        <TextInput field={fields.title} label="Title" />
        <Textarea field={fields.rule} label="The rule in plain English" hint="What leads and reviewers read." rows={3} />
        <TextInput field={fields.source} label="Source" hint="Ids from the source register, like S33, S34." />
        <Radios field={fields.domain} legend="Domain" choices={DOMAINS.map((value) => ({ value, label: DOMAIN_LABELS[value] }))} />
        <Radios
          field={fields.severity}
          legend="When it fails"
          choices={[
            { value: "blocking", label: "Blocking: the submission cannot be sent for assurance" },
            { value: "warning", label: "Warning: shown to the lead and reviewers, but does not block" },
          ]}
        />
        <Checkboxes
          field={fields.modelTypes}
          legend="Models it applies to"
          groups={[
            {
              choices: [
                { value: "MCP", label: "MCP" },
                { value: "PACS", label: "PACS" },
              ],
            },
          ]}
        />
        <Checkboxes
          field={fields.checkpoints}
          legend="Checkpoints it applies at"
          groups={[{ choices: ["1", "2", "3"].map((value) => ({ value, label: `Checkpoint ${value}` })) }]}
        />
        <CodeArea
          field={fields.fieldPaths}
          label="Fields it may point at"
          hint={
            <>
              One field path a line, like <code>contract.contractTermYears</code>. A lead following a failure lands on the field.
            </>
          }
          rows={3}
          problems={live.fieldPaths}
        />

        {d.kind === "automatic" || (d.isNew && fields.kind.value !== "judgement") ? (
          <>
            <h2 id="rules">Decision table</h2>
            <p>
              Rules are checked in order; the first whose condition is true gives the outcome. When none is true, the criterion passes.
              Conditions, messages and field paths are FEEL: see <a href="#fields">the fields you can use</a>.
            </p>
            {d.tableNames.length > 0 ? (
              <details className="nhsuk-details">
                <summary className="nhsuk-details__summary">
                  <span className="nhsuk-details__summary-text">Names this table defines ({d.tableNames.length})</span>
                </summary>
                <div className="nhsuk-details__text">
                  <dl className="nhsuk-summary-list">
                    {d.tableNames.map((n) => (
                      <div className="nhsuk-summary-list__row" key={n.name}>
                        <dt className="nhsuk-summary-list__key">
                          <code>{n.name}</code>
                        </dt>
                        <dd className="nhsuk-summary-list__value">
                          <code>{n.value}</code>
                        </dd>
                      </div>
                    ))}
                  </dl>
                </div>
              </details>
            ) : null}
            {rules.map((rule, index) => {
              const r = rule.getFieldset();
              const group = r.kind.value === "group" || r.kind.initialValue === "group";
              const kept = group ? d.groups[Number(r.keep.value ?? r.keep.initialValue)] : undefined;
              return (
                <fieldset className="nhsuk-fieldset app-repeated-row" key={rule.key} id={`${form.id}-${rule.name}`}>
                  <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Rule {index + 1}</legend>
                  {rule.errors ? (
                    <p className="nhsuk-error-message">
                      <span className="nhsuk-u-visually-hidden">Error:</span> {rule.errors.join(". ")}
                    </p>
                  ) : null}
                  <input type="hidden" name={r.kind.name} value={group ? "group" : "rule"} />
                  {group ? (
                    <>
                      <input type="hidden" name={r.keep.name} value={String(r.keep.value ?? r.keep.initialValue ?? "")} />
                      <p>
                        For each item of <code>{kept?.list ?? "a list"}</code>, its {kept?.rules ?? 0} rules are checked in turn. List rules
                        are kept as they are here; history shows them in full.
                      </p>
                    </>
                  ) : (
                    <>
                      <CodeArea field={r.when} label="When" problems={live.rules[index]?.when} />
                      <Radios
                        field={r.outcome}
                        legend="Then the criterion"
                        choices={(["fail", "pass", "not_applicable"] as const).map((value) => ({ value, label: OUTCOME_LABELS[value] }))}
                      />
                      <CodeArea
                        field={r.message}
                        label="Message (FEEL text)"
                        hint={'What the lead reads, in quotes, like "Enter the contract term"'}
                        problems={live.rules[index]?.message}
                      />
                      <CodeArea
                        field={r.fieldPath}
                        label="Field at fault (FEEL text)"
                        hint={
                          <>
                            In quotes, like <code>"contract.contractTermYears"</code>
                          </>
                        }
                        problems={live.rules[index]?.fieldPath}
                      />
                      <Radios
                        field={r.missing}
                        legend="When it fails, is the field"
                        choices={[
                          { value: "yes", label: "Still empty (the section stays in progress)" },
                          { value: "no", label: "Filled in wrongly (the section shows failing checks)" },
                        ]}
                      />
                    </>
                  )}
                  {!readOnly ? (
                    <div className="app-button-row">
                      {index > 0 ? (
                        <button
                          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                          {...form.reorder.getButtonProps({ name: fields.rules.name, from: index, to: index - 1 })}
                        >
                          Move rule {index + 1} up
                        </button>
                      ) : null}
                      <button
                        className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                        {...form.remove.getButtonProps({ name: fields.rules.name, index })}
                      >
                        Remove rule {index + 1}
                      </button>
                    </div>
                  ) : null}
                </fieldset>
              );
            })}
            {fields.rules.errors ? (
              <p className="nhsuk-error-message" id={`${form.id}-rules`}>
                <span className="nhsuk-u-visually-hidden">Error:</span> {fields.rules.errors.join(". ")}
              </p>
            ) : null}
            {!readOnly ? (
              <button
                className="nhsuk-button nhsuk-button--secondary"
                {...form.insert.getButtonProps({ name: fields.rules.name, defaultValue: { kind: "rule", outcome: "fail", missing: "no" } })}
              >
                Add a rule
              </button>
            ) : null}

            <h2 id="examples">Examples</h2>
            <p>
              The criterion's own tests: at least one example that passes and one that fails. Write each as the answers of a partial
              submission, one a line: the field's path, an equals sign and the answer as a lead would give it, like{" "}
              <code>population.registeredPopulation = 220,000</code>. Money is in pounds, dates like 1 March 2017, yes or no, and a choice
              by its name.
            </p>
            {examples.map((example, index) => {
              const e = example.getFieldset();
              const outcome = live.examples[index];
              return (
                <fieldset className="nhsuk-fieldset app-repeated-row" key={example.key} id={`${form.id}-${example.name}`}>
                  <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Example {index + 1}</legend>
                  <TextInput field={e.name} label="What it shows" />
                  <Radios
                    field={e.expected}
                    legend="It must"
                    choices={(["pass", "fail", "not_applicable"] as const).map((value) => ({
                      value,
                      label: value === "pass" ? "Pass" : value === "fail" ? "Fail" : "Not apply",
                    }))}
                  />
                  <Radios
                    field={e.checkpoint}
                    legend="At checkpoint"
                    choices={["1", "2", "3"].map((value) => ({ value, label: `Checkpoint ${value}` }))}
                  />
                  <CodeArea field={e.answers} label="Answers" rows={4} problems={outcome?.problems} />
                  <p className="app-example-outcome" aria-live="polite" data-example={index}>
                    {outcome?.outcome ? (
                      outcome.right ? (
                        <strong className="nhsuk-tag nhsuk-tag--green">Right: {OUTCOME_LABELS[outcome.outcome].toLowerCase()}</strong>
                      ) : (
                        <strong className="nhsuk-tag nhsuk-tag--red">Wrong: {OUTCOME_LABELS[outcome.outcome].toLowerCase()}</strong>
                      )
                    ) : null}{" "}
                    {outcome?.detail ?? ""}
                  </p>
                  {!readOnly ? (
                    <button
                      className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                      {...form.remove.getButtonProps({ name: fields.examples.name, index })}
                    >
                      Remove example {index + 1}
                    </button>
                  ) : null}
                </fieldset>
              );
            })}
            {!readOnly ? (
              <>
                <button
                  className="nhsuk-button nhsuk-button--secondary"
                  {...form.insert.getButtonProps({ name: fields.examples.name, defaultValue: { checkpoint: "1" } })}
                >
                  Add an example
                </button>
                <div className={`nhsuk-form-group${actionData?.copyError ? " nhsuk-form-group--error" : ""}`}>
                  <label className="nhsuk-label" htmlFor="copy-from">
                    Copy an example from a real submission, anonymised
                  </label>
                  <div className="nhsuk-hint" id="copy-from-hint">
                    Its reference (the last part of its address, after /reviews/). Only the answers this criterion points at are copied;
                    names and other free text are replaced. Your changes above are saved first.
                  </div>
                  {actionData?.copyError ? (
                    <span className="nhsuk-error-message" id="copy-from-error">
                      <span className="nhsuk-u-visually-hidden">Error:</span> {actionData.copyError}
                    </span>
                  ) : null}
                  <input
                    className={`nhsuk-input nhsuk-input--width-30${actionData?.copyError ? " nhsuk-input--error" : ""}`}
                    id="copy-from"
                    name="copyFrom"
                    defaultValue={actionData?.copyFrom ?? ""}
                    aria-describedby={actionData?.copyError ? "copy-from-hint copy-from-error" : "copy-from-hint"}
                  />
                </div>
                <button className="nhsuk-button nhsuk-button--secondary" type="submit" name="intent" value="copy">
                  Save and copy the example
                </button>
              </>
            ) : null}
          </>
        ) : null}

        {!readOnly ? (
          <div>
            <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
              Save criterion
            </button>
          </div>
        ) : null}
      </Form>

      <h2 id="fields">Fields you can use</h2>
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Every field, by section, with an example of its value</span>
        </summary>
        <div className="nhsuk-details__text">
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Fields a condition can name</caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th scope="col" className="nhsuk-table__header">
                  Question
                </th>
                <th scope="col" className="nhsuk-table__header">
                  Path
                </th>
                <th scope="col" className="nhsuk-table__header">
                  Example value
                </th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {CRITERIA_FIELDS.filter((f) => !f.internal).map((f) => (
                <tr className="nhsuk-table__row" key={f.path}>
                  <td className="nhsuk-table__cell">
                    {f.section}: {f.label}
                  </td>
                  <td className="nhsuk-table__cell">
                    <code>{f.path}</code>
                  </td>
                  <td className="nhsuk-table__cell">
                    <code>{f.example.feel}</code>
                    {f.example.reads ? ` (${f.example.reads})` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
