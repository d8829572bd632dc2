import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NamedActor } from "../../app/.server/assurance.ts";
import type { AnswerBlock } from "../../app/forms/answers.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { type PopulationSection, SECTION_SLUGS, SECTION_TITLES, type SubmissionContent } from "../../workflows/submission.ts";
import { databaseKinds } from "../support/databases.ts";
import { unzip, type WordParagraph, wordParagraphs } from "../support/docx.ts";
import { appRequest, context, prepareAppDatabaseOn, sessionCookieFor, settle } from "../support/app.ts";

/**
 * The proposal as a paper (a Word document and a print view) of a Greater Manchester MCP that has
 * been submitted once and changed since: the draft and version 1 differ in one practice's name.
 */

const LEAD = "lead.manchester@example.nhs.uk";
const OTHER_LEAD = "lead.kent@example.nhs.uk";
const CONFLICTED = "reviewer.three@example.nhs.uk";
const TITLE = "Greater Manchester MCP";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async function modules() {
  const [assurance, users, submissions, reference, docxRoute, printRoute, dbModule] = await Promise.all([
    import("../../app/.server/assurance.ts"),
    import("../../db/users.ts"),
    import("../../db/submissions.ts"),
    import("../../app/.server/reference.ts"),
    import("../../app/routes/submission-proposal.docx.ts"),
    import("../../app/routes/submission-proposal.tsx"),
    import("../../app/.server/db.ts"),
  ]);
  return { assurance, users, submissions, reference, docxRoute, printRoute, db: dbModule.db };
}

/** Every piece of text the answers show, as the blocks give it: headings, questions, answers, columns, cells, row names. */
function wordsOf(blocks: readonly AnswerBlock[]): string[] {
  return blocks.flatMap((block) => {
    switch (block.kind) {
      case "heading":
        return [block.text];
      case "summary":
        return block.rows.flatMap((r) => [r.label, ...r.lines]);
      // An empty list shows no columns, as on the page.
      case "table":
        return [block.label, ...(block.rows.length === 0 ? ["None added."] : block.columns), ...block.rows.flatMap((r) => r.cells)];
      case "cards":
        return [
          block.label,
          ...(block.cards.length === 0 ? ["None added."] : []),
          ...block.cards.flatMap((c) => [c.title, ...c.rows.flatMap((r) => [r.label, ...r.lines])]),
        ];
      default:
        return [];
    }
  });
}

function statusOf(result: unknown): number {
  return result instanceof Response ? result.status : (result as { init: { status: number } }).init.status;
}

describe.each(databaseKinds.map((kind) => [kind.engine, kind] as const))("the proposal as a document, on %s", (_engine, kind) => {
  let cleanup = async () => {};
  let submissionId: string;
  let submitted: SubmissionContent;
  let draft: SubmissionContent;
  let renamed: { before: string; after: string };

  async function actorFor(email: string): Promise<NamedActor> {
    const { users, assurance, db } = await modules();
    const row = await db().selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    return assurance.actorFrom((await users.findUserProfile(db(), row.id))!);
  }

  beforeAll(async () => {
    ({ cleanup } = await prepareAppDatabaseOn(kind));
    const { assurance, submissions, db } = await modules();
    const lead = await actorFor(LEAD);
    const started = await assurance.startSubmission(db(), lead, { footprintCode: "E54000007", title: TITLE, modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    submissionId = started.id;

    submitted = exampleSubmission({ modelType: "MCP", footprintName: "Greater Manchester", footprintCode: "E54000007", seed: 7 });
    const save = (section: string, data: unknown) =>
      submissions.saveSection(db(), { submissionId, section, data, updatedBy: lead.id, at: new Date().toISOString() });
    for (const section of SECTION_SLUGS) if (submitted[section] !== undefined) await save(section, submitted[section]);
    const result = await assurance.applyEvent(db(), submissionId, lead, { type: "SUBMIT", declaration: true });
    if (!result.ok) throw new Error(result.reason);

    // The draft moves on after version 1: its second practice is renamed.
    const population = structuredClone(submitted.population) as PopulationSection;
    const practice = population.practices![1]!;
    renamed = { before: practice.name!, after: `${practice.name} (renamed)` };
    practice.name = renamed.after;
    await save("population", population);
    draft = { ...submitted, population };
  }, 60_000);
  afterAll(() => cleanup());

  async function download(email: string | null, search = ""): Promise<unknown> {
    const { docxRoute } = await modules();
    const cookie = email ? await sessionCookieFor(email) : undefined;
    const request = appRequest(`/submissions/${submissionId}/proposal.docx${search}`, { cookie });
    return settle(() => docxRoute.loader({ request, params: { id: submissionId }, context } as never));
  }

  async function printView(email: string | null, search = ""): Promise<unknown> {
    const { printRoute } = await modules();
    const cookie = email ? await sessionCookieFor(email) : undefined;
    const request = appRequest(`/submissions/${submissionId}/proposal${search}`, { cookie });
    return settle(() => printRoute.loader({ request, params: { id: submissionId }, context } as never));
  }

  async function paragraphsOf(result: unknown): Promise<WordParagraph[]> {
    expect(result).toBeInstanceOf(Response);
    const response = result as Response;
    expect(response.status).toBe(200);
    return wordParagraphs(new Uint8Array(await response.arrayBuffer()));
  }

  async function expectedAnswers(content: SubmissionContent) {
    const { reference, db } = await modules();
    const { sectionAnswers } = await import("../../app/forms/answers.ts");
    const lookups = await reference.answerLookups(db());
    return SECTION_SLUGS.map((slug) => ({ slug, blocks: sectionAnswers(slug, content, lookups) }));
  }

  it("downloads the draft as a Word document named from the title, private and never cached", async () => {
    const response = (await download(LEAD)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(DOCX);
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="${TITLE} (current draft).docx"; filename*=UTF-8''Greater%20Manchester%20MCP%20%28current%20draft%29.docx`,
    );
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("Content-Length")).toBe(String(bytes.byteLength));
    // A zip, as every .docx is.
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it("has a title page, then every section heading and every answer in the words the service shows them", async () => {
    const paragraphs = await paragraphsOf(await download(LEAD));
    const texts = new Set(paragraphs.map((p) => p.text));
    expect(paragraphs[0]).toEqual({ style: "Title", text: TITLE });
    expect(texts).toContain("The proposal for checkpoint 2: current draft");
    for (const line of ["Greater Manchester (E54000007)", "Multispecialty community provider (MCP)", "Checkpoint 2"]) {
      expect(texts).toContain(line);
    }
    expect(texts).toContain("New care models assurance criteria 2017-19");

    const headings = paragraphs.filter((p) => p.style === "Heading1").map((p) => p.text);
    expect(headings).toEqual([
      ...SECTION_SLUGS.filter((s) => s !== "evidence").map((s) => SECTION_TITLES[s]),
      "National checks: New care models assurance criteria 2017-19",
      "Evidence",
    ]);

    let answers = 0;
    for (const { slug, blocks } of await expectedAnswers(draft)) {
      expect(blocks.length, `${slug} has answers`).toBeGreaterThan(0);
      for (const text of wordsOf(blocks)) {
        expect(texts, `${slug}: ${text}`).toContain(text);
        answers += 1;
      }
    }
    // Not a handful: every practice, hub, metric year and evidence document is there.
    expect(answers).toBeGreaterThan(200);
    expect(texts).toContain(renamed.after);
    expect(texts).not.toContain(renamed.before);
  });

  it("opens with contents that link to each part, and numbers every page after the title page", async () => {
    const response = (await download(LEAD)) as Response;
    const files = unzip(new Uint8Array(await response.arrayBuffer()));
    const xml = files.get("word/document.xml")!.toString("utf8");
    const parts = [
      ...SECTION_SLUGS.filter((s) => s !== "evidence").map((s) => SECTION_TITLES[s]),
      "National checks: New care models assurance criteria 2017-19",
      "Evidence",
    ];
    // Each contents entry is a link on the title page (before the first page break) to a bookmark
    // around its heading.
    const titlePage = xml.slice(0, xml.indexOf("<w:pageBreakBefore"));
    const links = [...titlePage.matchAll(/<w:hyperlink[^>]*\sw:anchor="([^"]+)"[^>]*>[\s\S]*?<w:t[^>]*>([^<]*)<\/w:t>/g)].map(
      ([, anchor, text]) => ({ anchor, text }),
    );
    expect(links.map((l) => l.text)).toEqual(parts);
    for (const { anchor, text } of links) {
      const bookmark = new RegExp(`<w:bookmarkStart[^>]*\\sw:name="${anchor}"[^>]*/>[\\s\\S]*?<w:t[^>]*>([^<]*)</w:t>`).exec(xml);
      expect(bookmark?.[1], `the bookmark ${anchor}`).toBe(text);
    }
    // A different (empty) footer on the title page; "Page N of M" as Word fields on the others.
    expect(xml).toMatch(/<w:titlePg\/>/);
    const footers = [...files.keys()]
      .filter((name) => /^word\/footer\d+\.xml$/.test(name))
      .map((name) => files.get(name)!.toString("utf8"));
    const numbered = footers.filter((f) => /PAGE/.test(f));
    expect(numbered).toHaveLength(1);
    expect(numbered[0]).toContain(TITLE);
    expect(numbered[0]).toMatch(
      /<w:t[^>]*>Page <\/w:t>[\s\S]*<w:instrText[^>]*>PAGE<\/w:instrText>[\s\S]*<w:t[^>]*> of <\/w:t>[\s\S]*<w:instrText[^>]*>NUMPAGES<\/w:instrText>/,
    );
  });

  it("lists the national checks with each result's message", async () => {
    const { submissions, db } = await modules();
    const paragraphs = await paragraphsOf(await download(LEAD, "?version=1"));
    const texts = new Set(paragraphs.map((p) => p.text));
    const { evaluation } = (await submissions.findVersion(db(), submissionId, 1))!;
    const passed = evaluation.results.filter((r) => r.outcome === "pass");
    expect(passed.length).toBeGreaterThan(0);
    for (const r of [...evaluation.blockingFailures, ...evaluation.warnings, ...passed]) {
      expect(texts).toContain(`${r.id} ${r.title}${r.message ? `: ${r.message}` : ""}`);
    }
    expect(texts).toContain("As recorded when version 1 was submitted.");
    expect(texts).toContain(
      `${evaluation.blockingFailures.length} blocking checks fail, ${evaluation.warnings.length} ${evaluation.warnings.length === 1 ? "warning" : "warnings"}, ${passed.length} checks passed.`,
    );
  });

  it("gives a frozen version's answers, not the draft's", async () => {
    const response = (await download(LEAD, "?version=1")) as Response;
    expect(response.headers.get("Content-Disposition")).toContain(`filename="${TITLE} (version 1).docx"`);
    const paragraphs = await paragraphsOf(response);
    const texts = new Set(paragraphs.map((p) => p.text));
    expect(texts).toContain("The proposal for checkpoint 1: version 1");
    expect([...texts].some((t) => /^Version 1, submitted .+ by \S.+$/.test(t))).toBe(true);
    for (const { slug, blocks } of await expectedAnswers(submitted)) {
      for (const text of wordsOf(blocks)) expect(texts, `${slug}: ${text}`).toContain(text);
    }
    expect(texts).toContain(renamed.before);
    expect(texts).not.toContain(renamed.after);
  });

  it("gives the print view the same blocks, for the draft and for a version", async () => {
    const draftView = (await printView(LEAD)) as { sections: { slug: string; blocks: AnswerBlock[] }[]; evidence: AnswerBlock[] };
    const expected = await expectedAnswers(draft);
    expect(draftView.sections).toEqual(expected.filter((s) => s.slug !== "evidence").map((s) => ({ ...s, title: SECTION_TITLES[s.slug] })));
    expect(draftView.evidence).toEqual(expected.find((s) => s.slug === "evidence")!.blocks);
    const versionView = (await printView(LEAD, "?version=1")) as { versionName: string; sections: { blocks: AnswerBlock[] }[] };
    expect(versionView.versionName).toBe("Version 1");
    expect(JSON.stringify(versionView.sections)).toContain(renamed.before);
    expect(JSON.stringify(versionView.sections)).not.toContain(renamed.after);
  });

  it("answers 404 for a version that does not exist, or a version parameter that is not a number", async () => {
    for (const search of ["?version=9", "?version=0", "?version=first", "?version=1.0"]) {
      expect(statusOf(await download(LEAD, search)), search).toBe(404);
      expect(statusOf(await printView(LEAD, search)), search).toBe(404);
    }
  });

  it("answers another footprint's lead exactly as an unknown submission: not found", async () => {
    const refused = (await download(OTHER_LEAD)) as Response;
    expect(refused.status).toBe(404);
    expect(refused.headers.get("Content-Type")).toContain("text/html");
    expect(await refused.text()).toContain("Page not found");
    expect(statusOf(await printView(OTHER_LEAD))).toBe(404);
  });

  it("refuses a reviewer with a conflict of interest, with the reason", async () => {
    const refused = (await download(CONFLICTED, "?version=1")) as Response;
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("You have declared a conflict of interest with Greater Manchester");
    const page = await printView(CONFLICTED);
    expect(statusOf(page)).toBe(403);
    expect((page as { data: string }).data).toContain("You have declared a conflict of interest with Greater Manchester");
  });

  it("sends someone not signed in to sign in, and back", async () => {
    for (const result of [await download(null, "?version=1"), await printView(null)]) {
      expect(result).toBeInstanceOf(Response);
      expect((result as Response).status).toBe(302);
      expect((result as Response).headers.get("Location")).toMatch(/^\/sign-in\?redirectTo=%2Fsubmissions%2F/);
    }
  });
});
