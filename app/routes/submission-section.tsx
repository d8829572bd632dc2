import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { useEffect, useState } from "react";
import { data, Form, Link, useLocation, useNavigation } from "react-router";
import type { Route } from "./+types/submission-section";
import { redirectWithFlash } from "../.server/flash.ts";
import { ErrorSummary, PageTitle } from "../components/ErrorSummary.tsx";
import { errorsInOrder, type FieldMeta, Fields, type FormUi, FormUiProvider } from "../components/form/fields.tsx";
import { Answers } from "../components/form/Answers.tsx";
import { sectionAnswers } from "../forms/answers.ts";
import { answerLookups } from "../.server/reference.ts";
import { parseSectionForm, sectionFormSchemas } from "../forms/section-schemas.ts";
import { type EditableSection, isEditableSection, SECTION_FIELDS } from "../forms/sections.ts";
import { anchorFor, assignRowIds, isValueSpec, type SelectOptions, toFormValues } from "../forms/spec.ts";
import { db } from "../.server/db.ts";
import {
  refusalOf,
  evaluateDraft,
  type LoadedSubmission,
  readDraft,
  requireSubmission,
  saveSubmissionSection,
} from "../.server/submissions.ts";
import { requireReadableForm, withClippedReply } from "../.server/forms.ts";
import { requireUser } from "../.server/session.ts";
import { isKnownFieldPath, SECTION_TITLES, sectionOfFieldPath, type SubmissionContent } from "../../workflows/submission.ts";

/**
 * One section of a submission's draft (`about` … `governance`; evidence has its own page). The
 * form posts to this route's action, so it works without JavaScript; with JavaScript, Conform checks
 * it in the browser with the same schema first. Adding or removing a row is a submit button with a
 * Conform list intent: the action applies it and shows the page again, saving nothing.
 */

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const section = params.section;
  if (!isEditableSection(section)) throw data("Not found", { status: 404 });

  const draft = await readDraft(db(), loaded.submission.id);
  const saved = draft.content[section];
  const evaluation = await evaluateDraft(db(), loaded, draft.content);
  const specs = SECTION_FIELDS[section];
  const field = new URL(request.url).searchParams.get("field");
  const focusId =
    field && sectionOfFieldPath(field) === section && isKnownFieldPath(field) ? anchorFor(section, specs, field, saved) : null;

  const refusal = refusalOf(loaded, "edit-draft");
  return {
    submission: { id: loaded.submission.id, title: loaded.submission.title },
    section,
    title: SECTION_TITLES[section],
    /** Why this person may not change the section now; null when they may. */
    refusal,
    /** What is saved, to read, for someone who may not change it. */
    answers: refusal ? sectionAnswers(section, draft.content, await answerLookups(db())) : [],
    values: toFormValues(specs, saved ?? startingValues(section, loaded.submission)),
    /** When the section was last saved, sent back with the form so a save cannot overwrite a newer one. */
    savedAt: draft.saved[section]?.at ?? null,
    checkpoint: evaluation.checkpoint,
    status: evaluation.sections[section],
    checks: evaluation.results
      .filter((r) => r.outcome === "fail" && r.section === section)
      .map((r) => ({
        id: r.id,
        severity: r.severity,
        message: r.message ?? r.title,
        anchor: r.fieldPath ? anchorFor(section, specs, r.fieldPath, saved) : null,
      })),
    selectOptions: await selectOptionsFor(section, draft.content),
    focusId,
    /** New rows' ids are this plus a counter, so they are random yet the same on server and client. */
    rowIdSeed: crypto.randomUUID(),
  };
}

/** Before About is first saved, it starts with what the lead gave when starting the submission. */
function startingValues(section: EditableSection, submission: LoadedSubmission["submission"]) {
  if (section !== "about") return undefined;
  return {
    title: submission.title,
    modelType: submission.model_type,
    footprintCode: submission.footprint_code,
    vanguardNumber: submission.vanguard_number ?? undefined,
  };
}

async function selectOptionsFor(section: EditableSection, content: SubmissionContent): Promise<SelectOptions> {
  if (section === "about") {
    const { footprints = [] } = await answerLookups(db());
    return { footprints: [...footprints] };
  }
  if (section === "governance") {
    return { evidenceDocuments: (content.evidence?.documents ?? []).map((d) => ({ value: d.id, label: d.fileName })) };
  }
  return {};
}

interface ActionData {
  result: SubmissionResult<string[]>;
  /** The `openedAt` the next save should send: what was posted, or the latest after a stale save. */
  openedAt: string | null;
  stale: boolean;
}

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const section = params.section;
  if (!isEditableSection(section)) throw data("Not found", { status: 404 });

  const formData = requireReadableForm(await request.formData());
  const posted = formData.get("openedAt");
  const openedAt = typeof posted === "string" && posted !== "" ? posted : null;
  const submission = readSectionForm(section, formData);
  const reply = (result: SubmissionResult<string[]>, status: number, stale = false) =>
    data<ActionData>({ result, openedAt, stale }, { status });

  const refusal = refusalOf(loaded, "edit-draft");
  if (refusal) return reply(submission.reply({ formErrors: [refusal] }), 403);
  // A list intent (add or remove a row) or values of the wrong type: show the page again with
  // everything as typed, and save nothing.
  if (submission.status !== "success") return reply(submission.reply(), submission.status === "error" ? 400 : 200);

  const value = assignRowIds(SECTION_FIELDS[section], submission.value, () => crypto.randomUUID());
  const outcome = await saveSubmissionSection(db(), loaded, section, value, { openedAt });
  if (outcome.ok) {
    const id = loaded.submission.id;
    return formData.get("then") === "later"
      ? redirectWithFlash("/submissions", "Your answers have been saved. You can come back to them at any time.")
      : redirectWithFlash(`/submissions/${id}`, "Your answers have been saved. Nothing is sent to the national team until you submit.");
  }
  switch (outcome.kind) {
    case "refused":
      return reply(submission.reply({ formErrors: [outcome.reason] }), 403);
    case "stale":
      return reply(submission.reply({ formErrors: [outcome.reason] }), 409, true);
    case "invalid":
      return reply(submission.reply({ fieldErrors: fieldErrorsFrom(section, outcome.issues) }), 400);
  }
}

function readSectionForm(section: EditableSection, formData: FormData) {
  try {
    return withClippedReply(parseSectionForm(section, formData), sectionFormSchemas[section]);
  } catch {
    // Only a tampered `__intent__` gets here: Conform cannot read it.
    throw data("The form could not be read. Go back to the page and try again.", { status: 400 });
  }
}

/** `population.practices.2.listSize` (the service's paths) → `practices[2].listSize` (the form's names). */
function fieldErrorsFrom(section: string, issues: { fieldPath: string; message: string }[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const name = issue.fieldPath.slice(section.length + 1).replace(/\.(\d+)(?=\.|$)/g, "[$1]");
    errors[name] = [...(errors[name] ?? []), issue.message];
  }
  return errors;
}

// In the browser the form checks itself with the same schemas as the action, but they bring Zod, so
// they load beside hydration instead of before it. Until they arrive, a post is checked by the
// server, exactly as with JavaScript off.
const browserSchemas = import.meta.env.SSR ? null : import("../forms/section-schemas.ts");
type SectionSchemas = typeof import("../forms/section-schemas.ts");
let loadedSchemas: SectionSchemas | null = null;
void browserSchemas?.then((schemas) => {
  loadedSchemas = schemas;
});

function useSectionSchemas(): SectionSchemas | null {
  const [schemas, setSchemas] = useState(loadedSchemas);
  useEffect(() => {
    if (!schemas) void browserSchemas?.then(setSchemas);
  }, [schemas]);
  return schemas;
}

export default function SectionPage(props: Route.ComponentProps) {
  // A new section is a new form: nothing typed or validated carries over from the last one.
  return <Section key={props.loaderData.section} {...props} />;
}

const CHECK_TAG = {
  blocking: { text: "Needed to submit", className: "nhsuk-tag nhsuk-tag--red" },
  warning: { text: "Warning", className: "nhsuk-tag nhsuk-tag--yellow" },
} as const;

function Section({ loaderData: d, actionData }: Route.ComponentProps) {
  const taskList = `/submissions/${d.submission.id}`;
  useFocusOnArrival(actionData ? null : d.focusId);
  return (
    <>
      <Link className="nhsuk-back-link" to={taskList}>
        Back to the task list
      </Link>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          {d.refusal ? (
            <>
              <PageTitle title={`${d.title} – ${d.submission.title}`} />
              <h1>
                <span className="nhsuk-caption-l">
                  {d.submission.title}
                  <span className="nhsuk-u-visually-hidden"> – </span>
                </span>
                {d.title}
              </h1>
              <div className="nhsuk-inset-text">
                <span className="nhsuk-u-visually-hidden">Information: </span>
                <p>{d.refusal}</p>
              </div>
              {d.answers.length === 0 ? <p>Nothing has been saved in this section.</p> : <Answers blocks={d.answers} />}
            </>
          ) : (
            <SectionForm loaderData={d} actionData={actionData as ActionData | undefined} />
          )}
        </div>
      </div>
    </>
  );
}

function SectionForm({
  loaderData: d,
  actionData,
}: {
  loaderData: Route.ComponentProps["loaderData"];
  actionData: ActionData | undefined;
}) {
  const navigation = useNavigation();
  const specs = SECTION_FIELDS[d.section];
  const schemas = useSectionSchemas();
  const [inserted, setInserted] = useState(0);
  const [form, fields] = useForm({
    id: `section-${d.section}`,
    lastResult: actionData?.result,
    // Strings shaped like the form (see toFormValues); Conform types it from the schema, which takes anything.
    defaultValue: d.values as never,
    onValidate: schemas ? ({ formData }) => schemas.parseSectionForm(d.section, formData) : undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const meta = fields as unknown as Record<string, FieldMeta>;

  const firstField = specs.find(isValueSpec);
  const formAnchor = firstField ? anchorFor(d.section, specs, `${d.section}.${firstField.name}`) : "maincontent";
  const summary = [
    ...(form.errors ?? []).map((message) => ({ fieldId: formAnchor, message })),
    ...errorsInOrder(d.section, specs, specs, meta, d.section),
  ];

  const ui: FormUi = {
    section: d.section,
    // After a post the error summary takes focus instead.
    focusId: actionData ? null : d.focusId,
    selectOptions: d.selectOptions,
    insertButton: (name) => ({
      ...form.insert.getButtonProps({ name: name as never, defaultValue: { id: `${d.rowIdSeed}-${inserted}` } as never }),
      onClick: () => setInserted((n) => n + 1),
    }),
    removeButton: (name, index) => form.remove.getButtonProps({ name: name as never, index }),
  };
  const openedAt = actionData && !actionData.stale ? actionData.openedAt : d.savedAt;

  return (
    <>
      <ErrorSummary errors={summary} title={`${d.title} – ${d.submission.title}`} />
      <h1>
        <span className="nhsuk-caption-l">
          {d.submission.title}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {d.title}
      </h1>

      {d.checks.length > 0 ? (
        <section aria-labelledby="checks-heading">
          <h2 className="nhsuk-heading-m" id="checks-heading">
            Checks for this section
          </h2>
          <p>
            What you have saved, checked against the national criteria for checkpoint {d.checkpoint}. You can save an unfinished section and
            come back to it.
          </p>
          <ul className="nhsuk-list nhsuk-list--border">
            {d.checks.map((check) => (
              <li key={`${check.id}:${check.anchor}`}>
                <strong className={CHECK_TAG[check.severity].className}>{CHECK_TAG[check.severity].text}</strong>{" "}
                {check.anchor ? <a href={`#${check.anchor}`}>{check.message}</a> : check.message}{" "}
                <span className="nhsuk-body-s">({check.id})</span>
              </li>
            ))}
          </ul>
        </section>
      ) : d.status === "ready" ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>Every check for this section passes.</p>
        </div>
      ) : null}

      <Form method="post" {...getFormProps(form)}>
        {/* Enter in a text box presses the form's first submit button; make that "Save and continue", not "Remove". */}
        <button type="submit" name="then" value="continue" hidden tabIndex={-1} />
        <input type="hidden" name="openedAt" value={openedAt ?? ""} />
        <FormUiProvider value={ui}>
          <Fields specs={specs} meta={meta} path={d.section} />
        </FormUiProvider>
        <div className="nhsuk-button-group">
          <button type="submit" className="nhsuk-button" name="then" value="continue" disabled={navigation.state === "submitting"}>
            Save and continue
          </button>
          <button
            type="submit"
            className="nhsuk-button nhsuk-button--secondary"
            name="then"
            value="later"
            disabled={navigation.state === "submitting"}
          >
            Save and come back later
          </button>
        </div>
      </Form>
    </>
  );
}

/**
 * A link to `#<field id>` or `?field=<path>` from another page of the app focuses that field, as
 * it does on a full page load (where the server renders `autofocus`). React does not move focus
 * for `autofocus` on a client-side navigation, so the page does it.
 */
function useFocusOnArrival(focusId: string | null) {
  const { hash, search } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `search` changes on each arrival at the page, which is when to focus
  useEffect(() => {
    // Field ids need no escaping (field-id.ts), so an anchor that is not one is simply not found.
    const target = /^#f-[\w-]+$/.test(hash) ? hash.slice(1) : focusId;
    const field = target ? document.getElementById(target) : null;
    if (!field) return;
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
  }, [hash, search, focusId]);
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
