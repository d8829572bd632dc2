import { data } from "react-router";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { findFootprint } from "../../db/reference.ts";
import { findVersion } from "../../db/submissions.ts";
import { userNames } from "../../db/users.ts";
import { loadCriteriaSets } from "../../db/criteria-sets.ts";
import type { CriterionResult, Evaluation } from "../../workflows/evaluate.ts";
import { SECTION_SLUGS, SECTION_TITLES, type SectionSlug, type SubmissionContent } from "../../workflows/submission.ts";
import { type AnswerBlock, answerLines, sectionAnswers } from "../forms/answers.ts";
import { formatDateTime } from "../status.ts";
import { answerLookups } from "./reference.ts";
import { evaluateDraft, type LoadedSubmission, readDraft, targetCheckpoint } from "./submissions.ts";

/**
 * The proposal as a paper: what a lead takes to the commissioners' governing bodies and the
 * providers' boards before a checkpoint. The current draft, or one frozen version, read once here
 * and rendered twice, as a Word document (proposal-docx.ts) and as a print view; both lay out the
 * same AnswerBlocks the service shows everywhere else, so the paper says what the pages say.
 */

export interface ProposalCheck {
  id: string;
  title: string;
  message: string | null;
}

export interface ProposalSection {
  slug: SectionSlug;
  title: string;
  /** Empty when nothing in the section is answered yet. */
  blocks: AnswerBlock[];
}

export interface Proposal {
  submissionId: string;
  title: string;
  /** The current draft (null) or the number of a frozen version. */
  version: number | null;
  /** "Current draft" or "Version 2", as the paper and its file are named. */
  versionName: string;
  checkpoint: number;
  /** "The proposal for checkpoint 2: version 3", under the title. */
  subtitle: string;
  /** The title page's particulars, in words. */
  particulars: { label: string; value: string }[];
  sections: ProposalSection[];
  checks: {
    /** "National checks: New care models assurance criteria 2017-19". */
    heading: string;
    /** Where the results come from (judged now, or recorded when the version was submitted), and how many of each. */
    summary: string[];
    /** Blocking checks that fail, warnings, checks passed: each only when it has any. */
    groups: { heading: string; checks: ProposalCheck[] }[];
  };
  /** The evidence documents, as the evidence section's answers lay them out; empty when none were uploaded. */
  evidence: AnswerBlock[];
}

/** `?version=2`: a frozen version; no parameter: the current draft. */
const ProposalQuery = z.object({
  version: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .optional(),
});

/**
 * The proposal the address asks for, for a person already allowed to see the submission. A version
 * parameter that names no version of this submission (or no version at all) is a 404: the address
 * names nothing.
 */
export async function requireProposal(db: Db, loaded: LoadedSubmission, searchParams: URLSearchParams): Promise<Proposal> {
  const query = ProposalQuery.safeParse({ version: searchParams.get("version") ?? undefined });
  const proposal = query.success ? await proposalFor(db, loaded, query.data.version ?? null) : null;
  if (!proposal) throw data("Version not found", { status: 404 });
  return proposal;
}

/** The draft (version null) or a frozen version as a paper; null when there is no such version. */
export async function proposalFor(db: Db, loaded: LoadedSubmission, version: number | null): Promise<Proposal | null> {
  const { submission } = loaded;
  const [footprint, lookups] = await Promise.all([findFootprint(db, submission.footprint_code), answerLookups(db)]);

  let content: SubmissionContent;
  let evaluation: Evaluation;
  let criteriaSetId: string;
  let status: string;
  let basis: string;
  if (version === null) {
    const draft = await readDraft(db, submission.id);
    content = draft.content;
    evaluation = await evaluateDraft(db, loaded, content);
    criteriaSetId = submission.criteria_set;
    // ISO times, so the latest sorts last.
    const lastSaved = Object.values(draft.saved)
      .map((s) => s.at)
      .sort()
      .at(-1);
    status = lastSaved ? `Current draft, as last saved ${formatDateTime(lastSaved)}` : "Current draft, nothing saved yet";
    basis = "Judged now against the current draft. The checks are judged again each time the draft is saved.";
  } else {
    const frozen = await findVersion(db, submission.id, version);
    if (!frozen) return null;
    content = frozen.content;
    evaluation = frozen.evaluation;
    criteriaSetId = frozen.criteria_set;
    const by = (await userNames(db, [frozen.submitted_by])).get(frozen.submitted_by) ?? "a former user";
    status = `Version ${version}, submitted ${formatDateTime(frozen.submitted_at)} by ${by}`;
    basis = `As recorded when version ${version} was submitted.`;
  }
  const checkpoint = version === null ? targetCheckpoint(loaded.snapshot, submission.state) : evaluation.checkpoint;
  // Each set's title names its years ("New care models assurance criteria 2017-19").
  const criteriaSet = (await loadCriteriaSets(db)).byId.get(criteriaSetId)?.title ?? criteriaSetId;
  const check = (r: CriterionResult): ProposalCheck => ({ id: r.id, title: r.title, message: r.message });
  const blocking = evaluation.blockingFailures.map(check);
  const warnings = evaluation.warnings.map(check);
  const passed = evaluation.results.filter((r) => r.outcome === "pass").map(check);
  const versionName = version === null ? "Current draft" : `Version ${version}`;

  return {
    submissionId: submission.id,
    title: submission.title,
    version,
    versionName,
    checkpoint,
    subtitle: `The proposal for checkpoint ${checkpoint}: ${versionName.toLowerCase()}`,
    particulars: [
      { label: "Footprint", value: footprint ? `${footprint.name} (${footprint.code})` : submission.footprint_code },
      { label: "Region", value: footprint?.regionName || "Not known" },
      // The model type in the words of the question that asks it.
      { label: "Care model", value: answerLines("about.modelType", submission.model_type)?.[0] ?? submission.model_type },
      { label: "Checkpoint", value: `Checkpoint ${checkpoint}` },
      { label: "Version", value: status },
      { label: "Criteria set", value: criteriaSet },
    ],
    sections: SECTION_SLUGS.filter((slug) => slug !== "evidence").map((slug) => ({
      slug,
      title: SECTION_TITLES[slug],
      blocks: sectionAnswers(slug, content, lookups),
    })),
    checks: {
      heading: `National checks: ${criteriaSet}`,
      summary: [
        basis,
        `${count(blocking.length, "blocking check fails", "blocking checks fail")}, ${count(warnings.length, "warning", "warnings")}, ` +
          `${count(passed.length, "check passed", "checks passed")}.`,
      ],
      groups: [
        { heading: "Blocking checks that fail", checks: blocking },
        { heading: "Warnings", checks: warnings },
        { heading: "Checks passed", checks: passed },
      ].filter((g) => g.checks.length > 0),
    },
    evidence: sectionAnswers("evidence", content, lookups),
  };
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}

/** "Kent and Medway MCP (version 2).docx": the paper's file, named from its title. */
export function proposalFileName(proposal: Pick<Proposal, "title" | "versionName">): string {
  return `${proposal.title} (${proposal.versionName.toLowerCase()}).docx`;
}
