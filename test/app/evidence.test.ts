import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { MAX_EVIDENCE_BYTES, SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, flashOf, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

// Set before any app module reads it: this file's uploads go to a directory of its own.
const uploads = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-uploads-test-"));
process.env.UPLOADS_DIR = uploads;

let cleanup = () => {};
let submissionId: string;
let cookies: Record<"lead" | "otherLead" | "reviewer" | "admin", string>;

const PDF = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n" +
    "trailer <</Root 1 0 R>>\n%%EOF\n",
);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

async function app() {
  const [session, assurance, users, evidenceRoute, downloadRoute, dbModule] = await Promise.all([
    import("../../app/.server/session.ts"),
    import("../../app/.server/assurance.ts"),
    import("../../db/users.ts"),
    import("../../app/routes/submission-evidence.tsx"),
    import("../../app/routes/submission-evidence-download.ts"),
    import("../../app/.server/db.ts"),
  ]);
  return { session, assurance, users, evidenceRoute, downloadRoute, db: dbModule.db };
}

async function actorFor(email: string) {
  const { users, assurance, db } = await app();
  const row = await db().selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return assurance.actorFrom((await users.findUserProfile(db(), row.id))!);
}

beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
  const { assurance, db } = await app();
  const lead = await actorFor("lead.kent@example.nhs.uk");
  const started = await assurance.startSubmission(db(), lead, {
    footprintCode: "E54000032",
    title: "Kent and Medway MCP",
    modelType: "MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  submissionId = started.id;
  cookies = {
    lead: await sessionCookieFor("lead.kent@example.nhs.uk"),
    otherLead: await sessionCookieFor("lead.manchester@example.nhs.uk"),
    reviewer: await sessionCookieFor("reviewer.one@example.nhs.uk"),
    admin: await sessionCookieFor("admin@example.nhs.uk"),
  };
});
afterAll(() => {
  cleanup();
  fs.rmSync(uploads, { recursive: true, force: true });
});

function uploadForm(file: File | null, fields: { section?: string; description?: string } = {}) {
  const form = new FormData();
  form.set("intent", "upload");
  if (file) form.set("file", file);
  else form.set("file", new File([], ""));
  if (fields.section) form.set("section", fields.section);
  if (fields.description !== undefined) form.set("description", fields.description);
  return form;
}

async function post(body: FormData | URLSearchParams, cookie: string, id = submissionId) {
  const { evidenceRoute } = await app();
  const request = appRequest(`/submissions/${id}/sections/evidence`, { method: "POST", body, cookie });
  return settle(() => evidenceRoute.action({ request, params: { id }, context } as never));
}

async function page(cookie: string, search = "") {
  const { evidenceRoute } = await app();
  const request = appRequest(`/submissions/${submissionId}/sections/evidence${search}`, { cookie });
  return evidenceRoute.loader({ request, params: { id: submissionId }, context } as never);
}

async function download(documentId: string, cookie: string) {
  const { downloadRoute } = await app();
  const request = appRequest(`/submissions/${submissionId}/evidence/${documentId}`, { cookie });
  return settle(() => downloadRoute.loader({ request, params: { id: submissionId, documentId }, context } as never));
}

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  return (result as { init: { status: number } }).init.status;
}

/** What the action handed back to the upload form: Conform's reply and the HTTP status. */
function reply(result: unknown) {
  const r = result as {
    data: { upload: { error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> } };
    init: { status: number };
  };
  return { status: r.init.status, error: r.data.upload.error ?? {}, values: r.data.upload.initialValue ?? {} };
}

describe("uploading evidence", () => {
  let uploadedId: string;

  it("stores a real PDF by its content hash and lists it in the draft", async () => {
    const file = new File([PDF], "governing-body-minutes.pdf", { type: "application/pdf" });
    const result = (await post(uploadForm(file, { section: "governance", description: "Minutes, March 2017" }), cookies.lead)) as Response;
    expect(result.status).toBe(302);
    const location = new URL(result.headers.get("Location")!, "http://x");
    expect(location.pathname).toBe(`/submissions/${submissionId}/sections/evidence`);
    expect(await flashOf(result)).toBe("governing-body-minutes.pdf has been uploaded.");

    const data = await page(cookies.lead);
    uploadedId = data.documents[0]!.id;
    expect(data.refusal).toBeNull();
    expect(data.documents).toEqual([
      {
        id: uploadedId,
        href: `/submissions/${submissionId}/evidence/${uploadedId}`,
        fileName: "governing-body-minutes.pdf",
        section: "Governance and engagement",
        description: "Minutes, March 2017",
        sizeBytes: PDF.byteLength,
        uploadedAt: expect.any(String),
      },
    ]);

    const sha = createHash("sha256").update(PDF).digest("hex");
    const stored = path.join(uploads, sha.slice(0, 2), sha.slice(2, 4), sha);
    expect(fs.readFileSync(stored)).toEqual(Buffer.from(PDF));
    // No temporary files left behind.
    expect(fs.readdirSync(path.join(uploads, "tmp"))).toEqual([]);

    const { readDraft } = await import("../../app/.server/submissions.ts");
    const { db } = await app();
    const draft = await readDraft(db(), submissionId);
    expect(draft.content.evidence?.documents).toEqual([
      expect.objectContaining({ id: uploadedId, mediaType: "application/pdf", sha256: sha, section: "governance" }),
    ]);
    // The draft's checks were judged again with the new list, in the same transaction.
    const { draftChecksFor, requireSubmission } = await import("../../app/.server/submissions.ts");
    const { users } = await app();
    const lead = await db().selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
    const loaded = await requireSubmission(db(), (await users.findUserProfile(db(), lead.id))!, submissionId);
    expect(
      await draftChecksFor(db(), { ...loaded, submission: { ...loaded.submission, draft_checks: null } }, async () => draft.content),
    ).toEqual(loaded.submission.draft_checks);
  });

  it("stores the same content once however many times it is uploaded", async () => {
    const file = new File([PDF], "copy-of-minutes.pdf", { type: "application/pdf" });
    expect(statusOf(await post(uploadForm(file, { section: "about" }), cookies.lead))).toBe(302);
    const sha = createHash("sha256").update(PDF).digest("hex");
    expect(fs.readdirSync(path.join(uploads, sha.slice(0, 2), sha.slice(2, 4)))).toEqual([sha]);
    expect((await page(cookies.lead)).documents.map((d) => d.fileName)).toEqual(["governing-body-minutes.pdf", "copy-of-minutes.pdf"]);
  });

  it("refuses a .pdf whose bytes are a PNG, and keeps the section and description", async () => {
    const file = new File([PNG], "diagram.pdf", { type: "application/pdf" });
    const { status, error, values } = reply(await post(uploadForm(file, { section: "finance", description: "The model" }), cookies.lead));
    expect(status).toBe(400);
    expect(error.file).toEqual(["The selected file must be a PDF, Word or Excel file"]);
    expect(values).toMatchObject({ section: "finance", description: "The model" });
    expect((await page(cookies.lead)).documents).toHaveLength(2);
  });

  it("refuses a file of another type even when it is named .docx", async () => {
    const { status, error } = reply(await post(uploadForm(new File([PDF], "plan.docx"), { section: "about" }), cookies.lead));
    expect(status).toBe(400);
    expect(error.file).toEqual(["The selected file must be a PDF, Word or Excel file"]);
  });

  it("refuses a file of 20MB and 1 byte while it arrives (413), keeping the other answers and storing nothing", async () => {
    const big = new Uint8Array(MAX_EVIDENCE_BYTES + 1);
    big.set(PDF);
    // As a browser sends it: with its length.
    const encoded = new Response(uploadForm(new File([big], "huge.pdf"), { section: "population", description: "Too big" }));
    const body = new Uint8Array(await encoded.arrayBuffer());
    const { evidenceRoute } = await app();
    const request = appRequest(`/submissions/${submissionId}/sections/evidence`, {
      method: "POST",
      body,
      cookie: cookies.lead,
      headers: { "content-type": encoded.headers.get("content-type")!, "content-length": String(body.length) },
    });
    const { status, error, values } = reply(
      await settle(() => evidenceRoute.action({ request, params: { id: submissionId }, context } as never)),
    );
    expect(status).toBe(413);
    expect(error.file).toEqual(["The selected file must be smaller than 20MB"]);
    expect(values).toMatchObject({ section: "population", description: "Too big" });
    expect(fs.readdirSync(path.join(uploads, "tmp"))).toEqual([]);
  });

  it("asks for a file and a section when none are given", async () => {
    const { status, error } = reply(await post(uploadForm(null), cookies.lead));
    expect(status).toBe(400);
    expect(error.file).toEqual(["Select a file"]);
    expect(error.section).toEqual(["Select the section this document supports"]);
  });

  it("refuses a body declared larger than the limit without parsing it, still giving back the other answers", async () => {
    const { evidenceRoute } = await app();
    const part = (name: string, value: string, file = "") =>
      `--b\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: application/pdf` : ""}\r\n\r\n${value}\r\n`;
    const body = `${part("intent", "upload")}${part("file", "%PDF-1.4 and much more", "big.pdf")}${part("section", "finance")}${part("description", "Modèle financier")}--b--\r\n`;
    const request = appRequest(`/submissions/${submissionId}/sections/evidence`, {
      method: "POST",
      body,
      cookie: cookies.lead,
      headers: { "content-type": "multipart/form-data; boundary=b", "content-length": String(30 * 1024 * 1024) },
    });
    const { status, error, values } = reply(
      await settle(() => evidenceRoute.action({ request, params: { id: submissionId }, context } as never)),
    );
    expect(status).toBe(413);
    expect(error.file).toEqual(["The selected file must be smaller than 20MB"]);
    expect(values).toEqual({ section: "finance", description: "Modèle financier" });
  });

  it("stops reading a body without a length once it passes the limit", async () => {
    const { evidenceRoute } = await app();
    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const opening = new TextEncoder().encode(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="endless.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n',
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(opening);
      },
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > 200 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = appRequest(`/submissions/${submissionId}/sections/evidence`, {
      method: "POST",
      body,
      cookie: cookies.lead,
      headers: { "content-type": "multipart/form-data; boundary=b" },
      duplex: "half",
    } as RequestInit);
    const { status, error } = reply(await settle(() => evidenceRoute.action({ request, params: { id: submissionId }, context } as never)));
    expect(status).toBe(413);
    expect(error.file).toEqual(["The selected file must be smaller than 20MB"]);
    expect(sent).toBeLessThan(30 * 1024 * 1024);
  });

  it("streams the file into the store while the body is still arriving, and abandons a put whose bytes turn out wrong", async () => {
    const { readUploadForm } = await import("../../app/.server/evidence.ts");
    const { localEvidenceStore } = await import("../../app/.server/evidence-store.ts");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-stream-test-"));
    const real = localEvidenceStore(dir);
    const encoder = new TextEncoder();
    /** A body sent 16 KB at a time, only as fast as the reader asks, counting what it has handed over. */
    const trickle = (fileName: string, file: Uint8Array) => {
      const parts = [
        encoder.encode(
          `--b\r\nContent-Disposition: form-data; name="intent"\r\n\r\nupload\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        file,
        encoder.encode(`\r\n--b\r\nContent-Disposition: form-data; name="section"\r\n\r\nfinance\r\n--b--\r\n`),
      ];
      const all = Buffer.concat(parts);
      const state = { sent: 0 };
      let at = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (at >= all.length) {
              controller.close();
              return;
            }
            const chunk = all.subarray(at, at + 16 * 1024);
            controller.enqueue(new Uint8Array(chunk));
            at += chunk.length;
            state.sent = at;
          },
        },
        { highWaterMark: 0 },
      );
      const request = new Request("http://localhost/upload", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=b" },
        body,
        duplex: "half",
      } as RequestInit);
      return { request, state };
    };
    /** The real store, noting how much of the body had been sent when the first bytes reached it. */
    const watched = (state: { sent: number }) => {
      const seen = { sentAtFirstBytes: null as number | null };
      return {
        seen,
        store: {
          ...real,
          async put(source: AsyncIterable<Uint8Array>) {
            async function* observed() {
              for await (const chunk of source) {
                seen.sentAtFirstBytes ??= state.sent;
                yield chunk;
              }
            }
            return real.put(observed());
          },
        },
      };
    };
    try {
      // 2 MB: a parser that buffers each file part whole hands it over only once all 2 MB have come.
      const file = new Uint8Array(2 * 1024 * 1024).fill(0x20);
      file.set(PDF);
      const sent = trickle("large-minutes.pdf", file);
      const accepted = watched(sent.state);
      const form = await readUploadForm(sent.request, accepted.store as never);
      expect(accepted.seen.sentAtFirstBytes).toBeGreaterThan(0);
      expect(accepted.seen.sentAtFirstBytes).toBeLessThan(512 * 1024);
      expect(sent.state.sent).toBeGreaterThan(file.byteLength);
      expect(form.ok && form.upload).toMatchObject({
        ok: true,
        fileName: "large-minutes.pdf",
        stored: { sizeBytes: file.byteLength, sha256: createHash("sha256").update(file).digest("hex") },
      });
      expect(form.ok && form.formData.get("section")).toBe("finance");

      // An OLE2 file named .doc is only known to be neither Word nor Excel once its directory has
      // gone by: the put already under way is abandoned, and leaves nothing behind.
      const neither = new Uint8Array(512 * 1024);
      neither.set(compoundFile("Contents"));
      const wrong = trickle("letter.doc", neither);
      const refused = watched(wrong.state);
      const judged = await readUploadForm(wrong.request, refused.store as never);
      expect(refused.seen.sentAtFirstBytes).toBeLessThan(256 * 1024);
      expect(judged.ok && judged.upload).toEqual({ ok: false, problem: "wrong_type" });
      expect(fs.readdirSync(path.join(dir, "tmp"))).toEqual([]);

      // A body that breaks off part-way through the file: unreadable, and its put leaves nothing.
      const cut = trickle("cut-short.pdf", file);
      const broken = new Request("http://localhost/upload", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=b" },
        body: new Blob([await new Response(cut.request.body).arrayBuffer()]).slice(0, 1024 * 1024).stream(),
        duplex: "half",
      } as RequestInit);
      expect(await readUploadForm(broken, real)).toEqual({ ok: false, problem: "unreadable", fields: {} });
      expect(fs.readdirSync(path.join(dir, "tmp"))).toEqual([]);
      expect(fs.readdirSync(dir).sort()).toEqual(["tmp", createHash("sha256").update(file).digest("hex").slice(0, 2)].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses two files in one upload, and a form of too many parts, next to the file field", async () => {
    const before = (await page(cookies.lead)).documents.length;
    const two = uploadForm(new File([PDF], "one.pdf"), { section: "about", description: "Two at once" });
    two.append("file", new File([PDF], "two.pdf"));
    const tooMany = reply(await post(two, cookies.lead));
    expect(tooMany.status).toBe(400);
    expect(tooMany.error.file).toEqual(["Select one file at a time"]);
    expect(tooMany.values).toMatchObject({ section: "about", description: "Two at once" });

    const parts = uploadForm(new File([PDF], "minutes.pdf"), { section: "about" });
    for (let i = 0; i < 30; i += 1) parts.append(`extra${i}`, "x");
    const flooded = reply(await post(parts, cookies.lead));
    expect(flooded.status).toBe(400);
    expect(flooded.error.file).toEqual(["The file could not be read. Select it again and upload it"]);
    expect((await page(cookies.lead)).documents).toHaveLength(before);
  });

  it("does not let another footprint's lead upload (404) or a reviewer (403)", async () => {
    const file = () => new File([PDF], "minutes.pdf");
    expect(statusOf(await post(uploadForm(file(), { section: "about" }), cookies.otherLead))).toBe(404);
    expect(statusOf(await post(uploadForm(file(), { section: "about" }), cookies.reviewer))).toBe(403);
    expect(statusOf(await post(uploadForm(file(), { section: "about" }), cookies.admin))).toBe(403);
    expect((await page(cookies.lead)).documents).toHaveLength(2);
  });

  it("downloads the same bytes with safe headers for the lead and for reviewers", async () => {
    for (const cookie of [cookies.lead, cookies.reviewer]) {
      const response = (await download(uploadedId, cookie)) as Response;
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/pdf");
      expect(response.headers.get("Content-Disposition")).toBe(
        `attachment; filename="governing-body-minutes.pdf"; filename*=UTF-8''governing-body-minutes.pdf`,
      );
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Content-Length")).toBe(String(PDF.byteLength));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);
    }
  });

  it("answers 404 to another footprint's lead, and for a document that is not on this submission", async () => {
    expect(statusOf(await download(uploadedId, cookies.otherLead))).toBe(404);
    expect(statusOf(await download("no-such-document", cookies.lead))).toBe(404);
  });

  it("deletes a document from the draft with a plain form post", async () => {
    const documents = (await page(cookies.lead)).documents;
    const copy = documents.find((d) => d.fileName === "copy-of-minutes.pdf")!;
    expect(statusOf(await post(new URLSearchParams({ intent: "delete", documentId: copy.id }), cookies.reviewer))).toBe(403);
    const result = (await post(new URLSearchParams({ intent: "delete", documentId: copy.id }), cookies.lead)) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe(`/submissions/${submissionId}/sections/evidence`);
    expect(await flashOf(result)).toBe("The document has been deleted from the draft.");
    expect((await page(cookies.lead)).documents.map((d) => d.fileName)).toEqual(["governing-body-minutes.pdf"]);
    expect(statusOf(await download(copy.id, cookies.lead))).toBe(404);
    expect(statusOf(await post(new URLSearchParams({ intent: "delete", documentId: copy.id }), cookies.lead))).toBe(404);
  });

  it("keeps a document downloadable from a submitted version after it leaves the draft, and stops edits once submitted", async () => {
    const { assurance, db } = await app();
    const { saveSection, readSections } = await import("../../db/submissions.ts");
    const lead = await actorFor("lead.kent@example.nhs.uk");
    const content = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032" }) as Record<
      string,
      unknown
    >;
    const uploaded = (await readSections(db(), submissionId)).evidence as { documents: unknown[] };
    content.evidence = { documents: [...(content.evidence as { documents: unknown[] }).documents, ...uploaded.documents] };
    for (const section of SECTION_SLUGS) {
      await saveSection(db(), { submissionId, section, data: content[section], updatedBy: lead.id, at: new Date().toISOString() });
    }
    expect(await assurance.applyEvent(db(), submissionId, lead, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });

    const after = await page(cookies.lead);
    expect(after.refusal).toMatch(/with the national team/);
    expect(statusOf(await post(uploadForm(new File([PDF], "late.pdf"), { section: "about" }), cookies.lead))).toBe(403);

    // A later draft without the document: the frozen version still has it.
    await saveSection(db(), {
      submissionId,
      section: "evidence",
      data: { documents: [] },
      updatedBy: lead.id,
      at: new Date().toISOString(),
    });
    const response = (await download(uploadedId, cookies.lead)) as Response;
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);
    // The example's own documents were never uploaded here: listed, but not on disk, so not found.
    expect(statusOf(await download("doc-case", cookies.lead))).toBe(404);
  });
});

describe("what a file is, judged by its bytes", () => {
  it("recognises Word and Excel zips by their declared parts (file-type), and OLE2 files by their streams", async () => {
    const { evidenceMediaType, sniffFormat } = await import("../../app/.server/evidence.ts");
    const docx = blob(zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"], "wordprocessingml.document"));
    const xlsx = blob(zip(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"], "spreadsheetml.sheet"));
    const plainZip = blob(zip(["notes.txt"]));
    expect(await sniffFormat(docx)).toBe("docx");
    expect(await sniffFormat(xlsx)).toBe("xlsx");
    expect(await sniffFormat(plainZip)).toBeNull();
    expect(await sniffFormat(blob(compoundFile("WordDocument")))).toBe("doc");
    expect(await sniffFormat(blob(compoundFile("Workbook")))).toBe("xls");
    expect(await sniffFormat(blob(compoundFile("Contents")))).toBeNull();
    expect(await sniffFormat(blob(PDF))).toBe("pdf");
    expect(await sniffFormat(blob(PNG))).toBeNull();

    expect(await evidenceMediaType("Plan.DOCX", docx)).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(await evidenceMediaType("model.xlsx", xlsx)).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(await evidenceMediaType("model.xls", blob(compoundFile("Workbook")))).toBe("application/vnd.ms-excel");
    expect(await evidenceMediaType("letter.doc", blob(compoundFile("WordDocument")))).toBe("application/msword");
    // Name and content must agree.
    expect(await evidenceMediaType("model.docx", xlsx)).toBeNull();
    expect(await evidenceMediaType("letter.xls", blob(compoundFile("WordDocument")))).toBeNull();
    expect(await evidenceMediaType("minutes.pdf.exe", blob(PDF))).toBeNull();
    expect(await evidenceMediaType("archive.zip", plainZip)).toBeNull();
  });

  it("finds a Word document's stream however the bytes arrive", async () => {
    const { compoundFileFormat } = await import("../../app/.server/evidence.ts");
    const bytes = compoundFile("WordDocument");
    // Pieces of 100 bytes: directory entries are split across them.
    const pieces = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 100) controller.enqueue(bytes.subarray(at, at + 100));
        controller.close();
      },
    });
    expect(await compoundFileFormat(pieces)).toBe("doc");
  });

  it("names downloads safely", async () => {
    const { attachmentDisposition, cleanFileName } = await import("../../app/.server/evidence.ts");
    expect(cleanFileName("C:\\Users\\kim\\minutes.pdf")).toBe("minutes.pdf");
    expect(cleanFileName("../../etc/passwd\u0000.pdf")).toBe("passwd.pdf");
    expect(attachmentDisposition('Board "minutes" (draft) – ü.pdf')).toBe(
      `attachment; filename="Board _minutes_ (draft) _ _.pdf"; filename*=UTF-8''Board%20%22minutes%22%20%28draft%29%20%E2%80%93%20%C3%BC.pdf`,
    );
  });
});

function blob(bytes: Uint8Array): Blob {
  return new Blob([new Uint8Array(bytes)]);
}

/**
 * A stored (uncompressed) zip holding entries with these names, empty but for
 * `[Content_Types].xml`, which declares the main part of an Office document of `officeType`.
 */
function zip(names: string[], officeType = ""): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const bytes = encoder.encode(name);
    const content = encoder.encode(
      name === "[Content_Types].xml" && officeType
        ? `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="application/vnd.openxmlformats-officedocument.${officeType}.main+xml"/></Types>`
        : "",
    );
    const local = new Uint8Array(30 + bytes.length + content.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint32(18, content.length, true);
    lv.setUint32(22, content.length, true);
    lv.setUint16(26, bytes.length, true);
    local.set(bytes, 30);
    local.set(content, 30 + bytes.length);
    const central = new Uint8Array(46 + bytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint32(20, content.length, true);
    cv.setUint32(24, content.length, true);
    cv.setUint16(28, bytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(bytes, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, names.length, true);
  ev.setUint16(10, names.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** A minimal OLE2 compound file: a header, one allocation-table sector, one directory sector. */
function compoundFile(streamName: string): Uint8Array {
  const bytes = new Uint8Array(512 * 3);
  const view = new DataView(bytes.buffer);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  view.setUint16(24, 0x3e, true);
  view.setUint16(26, 3, true);
  view.setUint16(28, 0xfffe, true);
  view.setUint16(30, 9, true); // 512-byte sectors
  view.setUint16(32, 6, true);
  view.setUint32(44, 1, true); // one FAT sector
  view.setUint32(48, 1, true); // directory starts at sector 1
  view.setUint32(56, 4096, true);
  view.setUint32(60, 0xfffffffe, true);
  view.setUint32(68, 0xfffffffe, true);
  for (let i = 0; i < 109; i += 1) view.setUint32(76 + i * 4, i === 0 ? 0 : 0xffffffff, true);
  const fat = 512;
  for (let i = 0; i < 128; i += 1) view.setUint32(fat + i * 4, 0xffffffff, true);
  view.setUint32(fat, 0xfffffffd, true); // sector 0 holds the FAT
  view.setUint32(fat + 4, 0xfffffffe, true); // sector 1 (directory) ends its chain
  const entry = (index: number, name: string, type: number, child: number) => {
    const at = 1024 + index * 128;
    for (let i = 0; i < name.length; i += 1) view.setUint16(at + i * 2, name.charCodeAt(i), true);
    view.setUint16(at + 64, (name.length + 1) * 2, true);
    bytes[at + 66] = type;
    view.setUint32(at + 68, 0xffffffff, true);
    view.setUint32(at + 72, 0xffffffff, true);
    view.setUint32(at + 76, child, true);
  };
  entry(0, "Root Entry", 5, 1);
  entry(1, streamName, 2, 0xffffffff);
  entry(2, "", 0, 0xffffffff);
  entry(3, "", 0, 0xffffffff);
  return bytes;
}
