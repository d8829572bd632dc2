import { getFormProps, getInputProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/submission-evidence";
import { redirectWithFlash } from "../.server/flash.ts";
import { EvidenceLink } from "../components/EvidenceLink.tsx";
import { ErrorSummary } from "../components/ErrorSummary.tsx";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { formatDate } from "../status.ts";
import { db } from "../.server/db.ts";
import { deleteEvidence, draftDocuments, evidenceStore, readUploadForm, type UploadProblem, uploadEvidence } from "../.server/evidence.ts";
import { parseForm } from "../.server/forms.ts";
import { requireUser } from "../.server/session.ts";
import { refusalOf, requireSubmission } from "../.server/submissions.ts";
import { formatFileSize, MAX_EVIDENCE_BYTES, SECTION_SLUGS, SECTION_TITLES } from "../../workflows/submission-vocabulary.ts";

export async function loader({ request, params }: Route.LoaderArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const documents = await draftDocuments(db(), loaded.submission.id);
  return {
    submission: { id: loaded.submission.id, title: loaded.submission.title },
    refusal: refusalOf(loaded, "edit-draft"),
    documents: documents.map((d) => ({
      id: d.id,
      href: `/submissions/${loaded.submission.id}/evidence/${d.id}`,
      fileName: d.fileName,
      section: SECTION_TITLES[d.section],
      description: d.description ?? null,
      sizeBytes: d.sizeBytes,
      uploadedAt: d.uploadedAt,
    })),
  };
}

const EVIDENCE_ERRORS = {
  missing: "Select a file",
  wrong_type: "The selected file must be a PDF, Word or Excel file",
  too_large: "The selected file must be smaller than 20MB",
  too_many_files: "Select one file at a time",
  unreadable: "The file could not be read. Select it again and upload it",
} as const satisfies Record<UploadProblem, string>;

/** What the browser may offer; the server checks each file's bytes against its extension. */
const ACCEPTED_EXTENSIONS = [".pdf", ".doc", ".docx", ".xls", ".xlsx"];

/** The seven sections a document can support (not the evidence section itself). */
const TAGGABLE_SECTIONS = SECTION_SLUGS.filter((s) => s !== "evidence") as [
  Exclude<(typeof SECTION_SLUGS)[number], "evidence">,
  ...Exclude<(typeof SECTION_SLUGS)[number], "evidence">[],
];

const UploadSchema = z.object({
  intent: z.literal("upload"),
  // The browser knows a file's name and size, so both are checked before anything is sent; what the
  // file really is can only be judged from its bytes, on the server.
  file: z
    .instanceof(File, { error: EVIDENCE_ERRORS.missing })
    .refine((file) => file.size > 0, EVIDENCE_ERRORS.missing)
    .refine((file) => file.size <= MAX_EVIDENCE_BYTES, EVIDENCE_ERRORS.too_large)
    .refine((file) => ACCEPTED_EXTENSIONS.some((ext) => file.name.toLowerCase().endsWith(ext)), EVIDENCE_ERRORS.wrong_type),
  section: z.enum(TAGGABLE_SECTIONS, { error: "Select the section this document supports" }),
  description: z.string().trim().max(300, "Description must be 300 characters or fewer").optional(),
});

const DeleteSchema = z.object({ intent: z.literal("delete"), documentId: z.string().min(1).max(100) });

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const loaded = await requireSubmission(db(), user, params.id);
  const refusal = refusalOf(loaded, "edit-draft");
  if (refusal) throw data(refusal, { status: 403 });

  const body = await readUploadForm(request, evidenceStore());
  if (!body.ok) {
    // Refused part-way: give back what could be recovered of the other answers.
    const { section, description } = body.fields;
    const reply: SubmissionResult = {
      status: "error",
      initialValue: { ...(section ? { section } : {}), ...(description ? { description } : {}) },
      error: { file: [EVIDENCE_ERRORS[body.problem]] },
    };
    return data({ upload: reply }, { status: body.problem === "too_large" ? 413 : 400 });
  }
  const evidencePage = `/submissions/${loaded.submission.id}/sections/evidence`;

  if (body.formData.get("intent") === "delete") {
    const parsed = DeleteSchema.safeParse(Object.fromEntries(body.formData));
    if (!parsed.success) throw data("Choose a document to delete.", { status: 400 });
    const outcome = await deleteEvidence(db(), loaded, parsed.data.documentId);
    if (!outcome.ok) {
      if (outcome.kind === "refused") throw data(outcome.reason, { status: 403 });
      throw data("Document not found", { status: 404 });
    }
    throw await redirectWithFlash(evidencePage, "The document has been deleted from the draft.");
  }

  const submission = parseForm(body.formData, UploadSchema);
  if (submission.status !== "success") return data({ upload: submission.reply() }, { status: 400 });
  const outcome = await uploadEvidence(db(), loaded, { ...submission.value, upload: body.upload });
  if (!outcome.ok) {
    if (outcome.kind === "invalid")
      return data({ upload: submission.reply({ fieldErrors: { file: [EVIDENCE_ERRORS[outcome.problem]] } }) }, { status: 400 });
    if (outcome.kind === "refused") throw data(outcome.reason, { status: 403 });
    throw data("Submission not found", { status: 404 });
  }
  throw await redirectWithFlash(evidencePage, `${outcome.document.fileName} has been uploaded.`);
}

type EvidenceDocument = Route.ComponentProps["loaderData"]["documents"][number];

const column = tableColumns<EvidenceDocument>();
const DOCUMENT_COLUMNS = [
  column.accessor("fileName", {
    header: "File",
    cell: ({ row: { original: d } }) => <EvidenceLink href={d.href} fileName={d.fileName} description={d.description} />,
  }),
  column.accessor("section", { header: "Section" }),
  column.accessor("sizeBytes", { header: "Size", cell: ({ getValue }) => formatFileSize(getValue()) }),
  column.accessor("uploadedAt", { header: "Uploaded", cell: ({ getValue }) => formatDate(getValue()) }),
];
// Only someone who may change the draft gets the delete buttons.
const DOCUMENT_COLUMNS_WITH_DELETE = [
  ...DOCUMENT_COLUMNS,
  column.display({
    id: "action",
    header: () => <span className="nhsuk-u-visually-hidden">Action</span>,
    cell: ({ row }) => <DeleteDocument document={row.original} />,
  }),
];

function DeleteDocument({ document: d }: { document: EvidenceDocument }) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="delete" />
      <input type="hidden" name="documentId" value={d.id} />
      <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit" disabled={busy}>
        Delete<span className="nhsuk-u-visually-hidden"> {d.fileName}</span>
      </button>
    </Form>
  );
}

export default function Evidence({ loaderData, actionData }: Route.ComponentProps) {
  const { submission, documents, refusal } = loaderData;
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "upload",
    lastResult: actionData?.upload,
    constraint: { file: { required: true }, section: { required: true } },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UploadSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const { key: descriptionKey, ...descriptionProps } = getInputProps(fields.description, { type: "text" });
  const sectionValue = typeof fields.section.initialValue === "string" ? fields.section.initialValue : undefined;
  const firstSectionId = fields.section.id;

  const summary = [
    ...(fields.file.errors ?? []).map((message) => ({ fieldId: fields.file.id, message })),
    ...(fields.section.errors ?? []).map((message) => ({ fieldId: firstSectionId, message })),
    ...(fields.description.errors ?? []).map((message) => ({ fieldId: fields.description.id, message })),
  ];
  const busy = navigation.state === "submitting";

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <Link className="nhsuk-back-link" to={`/submissions/${submission.id}`}>
          Back to the submission
        </Link>
        <ErrorSummary errors={summary} title={`Evidence – ${submission.title}`} />
        <span className="nhsuk-caption-l">{submission.title}</span>
        <h1>Evidence</h1>
        <p>
          Documents that support the other sections: governing body and board minutes, the financial model, the case for change. Each is
          tagged to the section it supports and goes to the national team with the submission.
        </p>

        <DataTable
          caption="Uploaded documents"
          captionVisible
          columns={refusal ? DOCUMENT_COLUMNS : DOCUMENT_COLUMNS_WITH_DELETE}
          data={documents}
          getRowId={(d) => d.id}
          empty={<p>No documents have been uploaded yet.</p>}
        />

        {refusal ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>{refusal}</p>
          </div>
        ) : (
          <div className="nhsuk-grid-row">
            <div className="nhsuk-grid-column-two-thirds">
              <h2 className="nhsuk-heading-m">Upload a document</h2>
              {/* Remounted after each upload, so the form starts empty again. */}
              <Form method="post" encType="multipart/form-data" {...getFormProps(form)} key={documents.map((d) => d.id).join(",")}>
                <input type="hidden" name="intent" value="upload" />
                <div className={`nhsuk-form-group${fields.file.errors ? " nhsuk-form-group--error" : ""}`}>
                  <label className="nhsuk-label nhsuk-label--s" htmlFor={fields.file.id}>
                    File
                  </label>
                  <div className="nhsuk-hint" id={`${fields.file.id}-hint`}>
                    A PDF, Word or Excel file, smaller than 20MB
                  </div>
                  {fields.file.errors ? (
                    <span className="nhsuk-error-message" id={fields.file.errorId}>
                      <span className="nhsuk-u-visually-hidden">Error:</span> {fields.file.errors.join(". ")}
                    </span>
                  ) : null}
                  <input
                    className={`nhsuk-file-upload__input${fields.file.errors ? " nhsuk-input--error" : ""}`}
                    id={fields.file.id}
                    name={fields.file.name}
                    type="file"
                    accept={ACCEPTED_EXTENSIONS.join(",")}
                    aria-describedby={`${fields.file.id}-hint${fields.file.errors ? ` ${fields.file.errorId}` : ""}`}
                    aria-invalid={fields.file.errors ? true : undefined}
                  />
                </div>

                <div className={`nhsuk-form-group${fields.section.errors ? " nhsuk-form-group--error" : ""}`}>
                  <fieldset className="nhsuk-fieldset" aria-describedby={fields.section.errors ? fields.section.errorId : undefined}>
                    <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Which section does it support?</legend>
                    {fields.section.errors ? (
                      <span className="nhsuk-error-message" id={fields.section.errorId}>
                        <span className="nhsuk-u-visually-hidden">Error:</span> {fields.section.errors.join(". ")}
                      </span>
                    ) : null}
                    <div className="nhsuk-radios">
                      {TAGGABLE_SECTIONS.map((slug, i) => {
                        const id = i === 0 ? firstSectionId : `${firstSectionId}-${slug}`;
                        return (
                          <div className="nhsuk-radios__item" key={slug}>
                            <input
                              className="nhsuk-radios__input"
                              id={id}
                              name={fields.section.name}
                              type="radio"
                              value={slug}
                              defaultChecked={sectionValue === slug}
                            />
                            <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                              {SECTION_TITLES[slug]}
                            </label>
                          </div>
                        );
                      })}
                    </div>
                  </fieldset>
                </div>

                <div className={`nhsuk-form-group${fields.description.errors ? " nhsuk-form-group--error" : ""}`}>
                  <label className="nhsuk-label nhsuk-label--s" htmlFor={fields.description.id}>
                    Description (optional)
                  </label>
                  <div className="nhsuk-hint" id={`${fields.description.id}-hint`}>
                    For example, governing body minutes for checkpoint 1
                  </div>
                  {fields.description.errors ? (
                    <span className="nhsuk-error-message" id={fields.description.errorId}>
                      <span className="nhsuk-u-visually-hidden">Error:</span> {fields.description.errors.join(". ")}
                    </span>
                  ) : null}
                  <input
                    key={descriptionKey}
                    className={`nhsuk-input${fields.description.errors ? " nhsuk-input--error" : ""}`}
                    {...descriptionProps}
                    aria-describedby={`${fields.description.id}-hint${fields.description.errors ? ` ${fields.description.errorId}` : ""}`}
                  />
                </div>

                <button className="nhsuk-button" type="submit" data-module="nhsuk-button" disabled={busy}>
                  Upload file
                </button>
              </Form>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

// The title is rendered with the error summary, so it can start "Error: " (ErrorSummary.tsx).
export const meta: Route.MetaFunction = () => [];
