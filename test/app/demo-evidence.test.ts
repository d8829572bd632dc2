import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoDocx, demoPdf, demoXlsx } from "../../app/.server/demo-evidence.ts";
import { evidenceMediaType, sniffFormat } from "../../app/.server/evidence.ts";
import { EvidenceDocumentSchema } from "../../workflows/submission.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

describe("the demo seed's documents", () => {
  it("are real files of their kind, as the upload's own checks judge them", async () => {
    const pdf = demoPdf("Case for change (draft)", ["Line one", "Ünïcode and a backslash \\ stay readable"]);
    expect(await evidenceMediaType("case.pdf", new Blob([new Uint8Array(pdf)]))).toBe("application/pdf");
    const text = Buffer.from(pdf).toString("latin1");
    // Every cross-reference entry points at the object it names, as a PDF reader expects.
    const xref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe("xref");
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(6);
    for (const [i, offset] of offsets.entries()) expect(text.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true);

    const docx = demoDocx("Case for change", ["A paragraph & more"]);
    expect(await evidenceMediaType("case.docx", new Blob([new Uint8Array(docx)]))).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(await sniffFormat(new Blob([new Uint8Array(docx)]))).toBe("docx");

    const xlsx = demoXlsx("Financial model", [
      ["Year", "Budget"],
      ["2017-18", 412_000_000],
    ]);
    expect(await evidenceMediaType("model.xlsx", new Blob([new Uint8Array(xlsx)]))).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(await sniffFormat(new Blob([new Uint8Array(xlsx)]))).toBe("xlsx");
    // The same document is the same bytes each time, so reseeding stores nothing new.
    expect(demoXlsx("Financial model", [["Year"]])).toEqual(demoXlsx("Financial model", [["Year"]]));
  });
});

describe("every demo document downloads", () => {
  let cleanup = () => {};
  beforeAll(async () => {
    ({ cleanup } = await prepareAppDatabase());
    const [{ seedDemoSubmissions }, { db }] = await Promise.all([
      import("../../app/.server/demo-submissions.ts"),
      import("../../app/.server/db.ts"),
    ]);
    await seedDemoSubmissions(db(), new Date("2026-11-24T12:00:00Z"));
  }, 120_000);
  afterAll(() => cleanup());

  it("from every draft and every submitted version, with the size and hash recorded for it", async () => {
    const [{ db }, route] = await Promise.all([
      import("../../app/.server/db.ts"),
      import("../../app/routes/submission-evidence-download.ts"),
    ]);
    const drafts = await db()
      .selectFrom("submission_section")
      .select(["submission_id as submissionId", "data"])
      .where("section", "=", "evidence")
      .execute();
    const versions = await db().selectFrom("submission_version").select(["submission_id as submissionId", "content"]).execute();
    const documents = [
      ...drafts.flatMap((d) => ((JSON.parse(d.data) as { documents?: unknown[] }).documents ?? []).map((doc) => ({ ...d, doc }))),
      ...versions.flatMap((v) =>
        ((JSON.parse(v.content) as { evidence?: { documents?: unknown[] } }).evidence?.documents ?? []).map((doc) => ({ ...v, doc })),
      ),
    ].map(({ submissionId, doc }) => ({ submissionId, document: EvidenceDocumentSchema.parse(doc) }));
    expect(documents.length).toBeGreaterThan(100);
    expect(new Set(documents.map((d) => d.document.fileName.split(".").pop()))).toEqual(new Set(["pdf", "docx", "xlsx"]));

    const cookie = await sessionCookieFor("admin@example.nhs.uk");
    let checked = 0;
    for (const { submissionId, document } of documents) {
      const request = appRequest(`/submissions/${submissionId}/evidence/${document.id}`, { cookie });
      const response = (await settle(() =>
        route.loader({ request, params: { id: submissionId, documentId: document.id }, context } as never),
      )) as Response;
      expect(response.status, document.fileName).toBe(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.length).toBe(document.sizeBytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(document.sha256);
      expect(response.headers.get("content-type")).toBe(document.mediaType);
      expect(await evidenceMediaType(document.fileName, new Blob([bytes]))).toBe(document.mediaType);
      checked++;
    }
    expect(checked).toBe(documents.length);
  });

  it("answers a missing document, another footprint's and a conflicted reviewer's with the friendly pages", async () => {
    const [{ db }, route] = await Promise.all([
      import("../../app/.server/db.ts"),
      import("../../app/routes/submission-evidence-download.ts"),
    ]);
    const manchester = await db()
      .selectFrom("submission")
      .select("id")
      .where("footprint_code", "=", "E54000007")
      .where("state", "!=", "draft")
      .executeTakeFirstOrThrow();
    const download = async (email: string, documentId: string) => {
      const cookie = await sessionCookieFor(email);
      const request = appRequest(`/submissions/${manchester.id}/evidence/${documentId}`, { cookie });
      return (await settle(() => route.loader({ request, params: { id: manchester.id, documentId }, context } as never))) as Response;
    };
    const page = async (response: Response) => ({
      status: response.status,
      type: response.headers.get("content-type"),
      heading: /<h1>([^<]*)<\/h1>/.exec(await response.text())?.[1],
    });

    const friendly404 = { status: 404, type: "text/html; charset=utf-8", heading: "Page not found" };
    expect(await page(await download("admin@example.nhs.uk", "no-such-document"))).toEqual(friendly404);
    // Another footprint's lead learns nothing, not even that the submission exists.
    expect(await page(await download("lead.kent@example.nhs.uk", "doc-case"))).toEqual(friendly404);
    expect((await download("lead.manchester@example.nhs.uk", "doc-case")).status).toBe(200);

    const conflicted = await download("reviewer.three@example.nhs.uk", "doc-case");
    expect(conflicted.status).toBe(403);
    const body = await conflicted.text();
    expect(body).toContain("You do not have permission to see this page");
    expect(body).toContain("You have declared a conflict of interest with Greater Manchester");
    expect(body).toMatch(/<title>You do not have permission to see this page – NCM Assure<\/title>/);
  });
});
