// One Zod form schema per section, built from its description, and the one way a section's form
// is parsed, by the action on the server and by Conform in the browser. Its own module because it
// brings Zod: the section page imports it lazily (app/routes/submission-section.tsx), so the page
// renders and hydrates without waiting for Zod, and checks in the browser once it has arrived.
import { parseWithZod } from "@conform-to/zod/v4";
import { formSchemaFor, nameRowsInErrors } from "./form-schema.ts";
import { type EditableSection, SECTION_FIELDS } from "./sections.ts";

export const sectionFormSchemas = {
  about: formSchemaFor(SECTION_FIELDS.about),
  population: formSchemaFor(SECTION_FIELDS.population),
  contract: formSchemaFor(SECTION_FIELDS.contract),
  finance: formSchemaFor(SECTION_FIELDS.finance),
  outcomes: formSchemaFor(SECTION_FIELDS.outcomes),
  enablers: formSchemaFor(SECTION_FIELDS.enablers),
  governance: formSchemaFor(SECTION_FIELDS.governance),
} as const;

/**
 * Conform's submission for a section's form: the parsers do the coercion, not Conform. An error in
 * a row of a list names its row ("Enter the list size of practice 2 as a whole number").
 */
export function parseSectionForm(section: EditableSection, formData: FormData) {
  const submission = parseWithZod(formData, { schema: sectionFormSchemas[section], disableAutoCoercion: true });
  // Whatever the intent: a field checked as it is left (no status yet) names its row too.
  if (submission.status !== "success" && submission.error) nameRowsInErrors(submission.error, SECTION_FIELDS[section]);
  return submission;
}
