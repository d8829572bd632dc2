import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import busboy from "busboy";
import { fileTypeFromBlob, fileTypeFromBuffer } from "file-type";
import type { Db } from "../../db/client.ts";
import { listVersionContents, lockSubmissionForEvidence, readEvidenceSection } from "../../db/evidence.ts";
import { saveSection } from "../../db/submissions.ts";
import {
  type EvidenceDocument,
  type EvidenceMediaType,
  EvidenceSchema,
  MAX_EVIDENCE_BYTES,
  parseSubmissionContent,
  type SectionSlug,
} from "../../workflows/submission.ts";
import { type LoadedSubmission, recheckDraft, refusalOf } from "./submissions.ts";
import { db } from "./db.ts";
import { env } from "./env.ts";
import { databaseEvidenceStore, type EvidenceStore, localEvidenceStore, type StoredBytes } from "./evidence-store.ts";

/**
 * Evidence documents (section 8): checking what an upload really is, keeping the file in the
 * evidence store under its content hash, and keeping the draft's list of documents. The list lives in the draft's
 * `evidence` section like any other answer, so submitting freezes it into the version with the rest.
 */

/** The largest request body read at all: one file at the limit plus the form's other fields. */
export const MAX_UPLOAD_REQUEST_BYTES = MAX_EVIDENCE_BYTES + 1024 * 1024;

/** Where files are kept with EVIDENCE_STORAGE=local: `UPLOADS_DIR`, or `data/uploads`. */
export function uploadsDir(): string {
  return path.resolve(process.env.UPLOADS_DIR || "data/uploads");
}

/** The store this instance keeps evidence in (EVIDENCE_STORAGE; decision 008). */
export function evidenceStore(database: Db = db()): EvidenceStore {
  return env().evidenceStorage === "database" ? databaseEvidenceStore(database) : localEvidenceStore(uploadsDir());
}

// ---------------------------------------------------------------------------------------------
// What a file is, judged by its bytes

export type EvidenceFormat = "pdf" | "doc" | "xls" | "docx" | "xlsx";

const FORMATS: Record<string, { format: EvidenceFormat; mediaType: EvidenceMediaType }> = {
  pdf: { format: "pdf", mediaType: "application/pdf" },
  doc: { format: "doc", mediaType: "application/msword" },
  docx: { format: "docx", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  xls: { format: "xls", mediaType: "application/vnd.ms-excel" },
  xlsx: { format: "xlsx", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
};

/**
 * The format a file's bytes show, or null for anything else. file-type tells a PDF, and a .docx
 * or .xlsx by the parts its zip declares; an old .doc or .xls it knows only as an OLE2 compound
 * file, so which of the two is read from the file's directory (compoundFileFormat).
 */
export async function sniffFormat(file: Blob): Promise<EvidenceFormat | null> {
  const found = await fileTypeFromBlob(file);
  if (found?.ext === "pdf" || found?.ext === "docx" || found?.ext === "xlsx") return found.ext;
  if (found?.ext === "cfb") return compoundFileFormat(file.stream());
  return null;
}

/** The media type for a file whose name and bytes agree on an accepted format; otherwise null. */
export async function evidenceMediaType(fileName: string, file: Blob): Promise<EvidenceMediaType | null> {
  const expected = FORMATS[path.extname(fileName).slice(1).toLowerCase()];
  if (!expected) return null;
  return (await sniffFormat(file)) === expected.format ? expected.mediaType : null;
}

const ENTRY_BYTES = 128;

/**
 * Word or Excel, for an OLE2 compound file: its directory is a run of 128-byte entries, each a
 * UTF-16 name, the name's length at byte 64 and the entry's type at byte 66 (2 for a stream). A
 * Word document has a `WordDocument` stream, a workbook a `Workbook` (or, before 1997, `Book`).
 * Entries sit at multiples of 128 bytes, so the file is read once, as a stream, a few at a time.
 */
export async function compoundFileFormat(stream: ReadableStream<Uint8Array>): Promise<"doc" | "xls" | null> {
  const scanner = new CompoundFileScanner();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) scanner.push(chunk);
  return scanner.format();
}

/** The scan of compoundFileFormat, fed a chunk at a time (an upload is scanned on its way into the store). */
class CompoundFileScanner {
  #streams = new Set<string>();
  #carry: Uint8Array = new Uint8Array(0);
  push(chunk: Uint8Array) {
    const bytes = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    for (; at + ENTRY_BYTES <= bytes.length; at += ENTRY_BYTES) {
      const nameLength = bytes.readUInt16LE(at + 64);
      if (bytes[at + 66] !== 2 || nameLength < 4 || nameLength > 64 || nameLength % 2) continue;
      const name = bytes.toString("utf16le", at, at + nameLength - 2);
      if (name === "WordDocument" || name === "Workbook" || name === "Book") this.#streams.add(name);
    }
    this.#carry = bytes.subarray(at);
  }
  format(): "doc" | "xls" | null {
    if (this.#streams.has("WordDocument")) return "doc";
    if (this.#streams.has("Workbook") || this.#streams.has("Book")) return "xls";
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the upload within bounds

/** What is wrong with an upload; the page puts it in words. */
export type UploadProblem = "missing" | "wrong_type" | "too_large" | "too_many_files" | "unreadable";

/** The uploaded file, judged and (when it passed) already in the store. */
export type CheckedUpload =
  | { ok: true; fileName: string; mediaType: EvidenceMediaType; stored: StoredBytes }
  | { ok: false; problem: UploadProblem };

export type UploadForm =
  | { ok: true; formData: FormData; upload: CheckedUpload | null }
  /** `fields`: the plain text fields that could still be recovered, to give back to the form. */
  | { ok: false; problem: UploadProblem; fields: Record<string, string> };

/**
 * Limits on the parts of an upload form: one file of at most 20 MB, a handful of short fields.
 * The form has four fields; the rest is room for what a browser may add. Part headers are held to
 * 16 KB by busboy itself (Node's own limit for request headers); a longer one is unreadable.
 */
export const UPLOAD_FORM_LIMITS = {
  maxFiles: 1,
  maxFileSize: MAX_EVIDENCE_BYTES,
  maxParts: 20,
  /** Each text field; the description is at most 300 characters, the rest far shorter. */
  maxFieldSize: 64 * 1024,
  maxTotalSize: MAX_UPLOAD_REQUEST_BYTES,
} as const;

class BodyTooLarge extends Error {}
/** Our own reasons to abandon a put part-way: the store removes what it had written. */
class FileRefused extends Error {}

/** Past this, a refused body is no longer drained: the connection is dropped instead. */
const MAX_DRAINED_BYTES = 256 * 1024 * 1024;
/** How much of the end of a refused body is kept, for the fields that follow the file. */
const TAIL_BYTES = 64 * 1024;
/**
 * How much of a file is read before judging it: file-type needs only the first few KB of a PDF or
 * an OLE2 file, and finds a .docx's or .xlsx's declared parts in the zip's first entries.
 */
const PEEK_BYTES = 64 * 1024;

/**
 * Reads the upload form with busboy, which hands the file over as a stream while it arrives: its
 * first 64 KB are judged by their bytes, and a file that is what its name says goes into the
 * evidence store piece by piece, so no upload is ever held whole. The body is counted as it
 * arrives, with or without a Content-Length, and never read past MAX_UPLOAD_REQUEST_BYTES into the
 * parser. A refused body is drained (up to 256 MB, keeping only its last 64 KB), because a browser
 * shows the answer only once it has sent everything; the fields after the file input (section,
 * description) are in that tail and are given back.
 */
export async function readUploadForm(request: Request, store: EvidenceStore, limit = MAX_UPLOAD_REQUEST_BYTES): Promise<UploadForm> {
  if (!request.body) return { ok: false, problem: "unreadable", fields: {} };
  // Read only when the parser is ready for more, and never cancelled: a read of the request left
  // pending would stall React Router's Node stream (it resumes the socket only for one reader),
  // and a refused body is still drained below through this same reader.
  const reader = request.body.getReader();
  const tail = new Tail(TAIL_BYTES);
  let seen = 0;
  let problem: UploadProblem = "too_large";
  const declared = Number(request.headers.get("content-length"));
  if (!(Number.isFinite(declared) && declared > limit)) {
    const read = async (): Promise<Uint8Array | null> => {
      const { done, value } = await reader.read();
      if (done) return null;
      seen += value.byteLength;
      tail.push(value);
      if (seen > limit) throw new BodyTooLarge();
      return value;
    };
    const parsed = await parseUpload(request.headers.get("content-type") ?? "", store, read);
    if (parsed.ok) return parsed;
    // A malformed body is the sender's fault, and nothing in it can be trusted to give back.
    if (parsed.malformed) return { ok: false, problem: "unreadable", fields: {} };
    problem = parsed.problem;
  }
  // A browser always says how long its form is: a body without a length is read on only up to
  // the limit (a script's that runs past it is abandoned), a declared one up to 256 MB.
  const lengthKnown = request.headers.get("content-length") !== null && Number.isFinite(declared);
  const drained = await drain(reader, tail, seen, lengthKnown ? MAX_DRAINED_BYTES : limit);
  const boundary = /boundary="?([^";]+)"?/i.exec(request.headers.get("content-type") ?? "")?.[1];
  return { ok: false, problem, fields: drained && boundary ? await textFieldsAfter(tail.bytes(), boundary) : {} };
}

type Parsed = { ok: true; formData: FormData; upload: CheckedUpload | null } | { ok: false; problem: UploadProblem; malformed?: boolean };

/**
 * Feeds the counted body to busboy a chunk at a time, writing the next only once busboy has taken
 * the last (which it does only as fast as the store takes the file), until the form ends or is
 * refused. Every refusal stops the parser, which ends the file stream with an error, so an
 * unfinished put removes what it wrote; it is waited for before answering.
 */
async function parseUpload(contentType: string, store: EvidenceStore, read: () => Promise<Uint8Array | null>): Promise<Parsed> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Browsers send file names as UTF-8; busboy's default reads them as Latin-1.
      defParamCharset: "utf8",
      limits: {
        files: UPLOAD_FORM_LIMITS.maxFiles,
        fileSize: UPLOAD_FORM_LIMITS.maxFileSize,
        parts: UPLOAD_FORM_LIMITS.maxParts,
        fields: UPLOAD_FORM_LIMITS.maxParts,
        fieldSize: UPLOAD_FORM_LIMITS.maxFieldSize,
      },
    });
  } catch {
    return { ok: false, problem: "unreadable", malformed: true };
  }
  const formData = new FormData();
  let refused: UploadProblem | null = null;
  let malformed = false;
  let storeFailure: { error: unknown } | null = null;
  let fileWork: Promise<CheckedUpload | null> | null = null;
  // Once we stop the parser, its complaint that the form ended early is ours, not the sender's.
  let stopped = false;
  const stop = () => {
    stopped = true;
    process.nextTick(() => parser.destroy());
  };
  const refuse = (why: UploadProblem) => {
    refused ??= why;
    stop();
  };
  const closed = new Promise<void>((resolve) => parser.once("close", resolve));
  parser.on("error", () => {
    if (!stopped) malformed = true;
  });
  parser.on("filesLimit", () => refuse("too_many_files"));
  parser.on("partsLimit", () => refuse("unreadable"));
  parser.on("fieldsLimit", () => refuse("unreadable"));
  parser.on("field", (name, value, info) => {
    if (info.valueTruncated || info.nameTruncated) refuse("unreadable");
    else formData.append(name, value);
  });
  parser.on("file", (name, stream, info) => {
    // The stream errors when the parser stops part-way; the reading below sees that too.
    stream.on("error", () => {});
    stream.on("limit", () => refuse("too_large"));
    fileWork = takeFile(name, stream, info.filename ?? "", store, formData).catch((error: unknown) => {
      // An abandoned file is expected once the form is refused or found malformed (judged below,
      // once the parser has closed); anything else is the store failing.
      if (!refused && !malformed && !(error instanceof FileRefused)) {
        storeFailure = { error };
        stop();
      }
      return null;
    });
  });

  try {
    while (!refused && !storeFailure && !parser.destroyed) {
      const chunk = await read();
      if (chunk === null) {
        parser.end();
        break;
      }
      if (!parser.write(chunk)) await drainedOrClosed(parser);
    }
  } catch (error) {
    // Past the limit, or the sender went away: either way the put under way is abandoned first.
    stopped = true;
    parser.destroy();
    await closed;
    await fileWork;
    if (!(error instanceof BodyTooLarge)) throw error;
    refused ??= "too_large";
  }
  await closed;
  const upload = await (fileWork ?? Promise.resolve(null));
  if (refused) return { ok: false, problem: refused };
  if (malformed) return { ok: false, problem: "unreadable", malformed: true };
  if (storeFailure) throw (storeFailure as { error: unknown }).error;
  return { ok: true, formData, upload };
}

function drainedOrClosed(parser: busboy.Busboy): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      parser.off("drain", done);
      parser.off("close", done);
      resolve();
    };
    parser.on("drain", done);
    parser.on("close", done);
  });
}

/**
 * The uploaded file: its first bytes judged, then (if it is what its name says) those bytes and the
 * rest streamed into the store. An old .doc or .xls can only be told apart once its directory has
 * gone by, which may be anywhere in the file, so it is scanned on the way into the store and the
 * put abandoned at the end if it is neither. A file refused by its first bytes is read and dropped.
 */
async function takeFile(
  fieldName: string,
  stream: Readable,
  name: string,
  store: EvidenceStore,
  formData: FormData,
): Promise<CheckedUpload | null> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < PEEK_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  // An empty file input still sends a part, with no name and no bytes: no file was chosen.
  if (headBytes === 0) return null;
  const fileName = cleanFileName(name);
  // For the form's own checks (a file was chosen, its name): the bytes themselves go to the store.
  formData.append(
    fieldName,
    new File(
      head.map((chunk) => new Uint8Array(chunk)),
      fileName,
    ),
  );
  const discard = async () => {
    while (!ended && !(await chunks.next()).done) {}
  };
  if (fieldName !== "file") {
    await discard();
    return { ok: false, problem: "missing" };
  }
  const expected = FORMATS[path.extname(fileName).slice(1).toLowerCase()];
  const found = await fileTypeFromBuffer(Buffer.concat(head));
  const directory = found?.ext === "cfb" && (expected?.format === "doc" || expected?.format === "xls") ? new CompoundFileScanner() : null;
  if (!expected || (!directory && found?.ext !== expected.format)) {
    await discard();
    return { ok: false, problem: "wrong_type" };
  }
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (const chunk of head) {
      directory?.push(chunk);
      yield chunk;
    }
    for (let next = ended ? null : await chunks.next(); next && !next.done; next = await chunks.next()) {
      directory?.push(next.value);
      yield next.value;
    }
    if ((stream as Readable & { truncated?: boolean }).truncated) throw new FileRefused("too large");
    if (directory && directory.format() !== expected!.format) throw new FileRefused("wrong type");
  }
  try {
    return { ok: true, fileName, mediaType: expected.mediaType, stored: await store.put(bytes()) };
  } catch (error) {
    if (error instanceof FileRefused && error.message === "wrong type") return { ok: false, problem: "wrong_type" };
    throw error;
  }
}

/** The last bytes of a stream, kept in a ring of whole chunks. */
class Tail {
  #chunks: Uint8Array[] = [];
  #length = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Uint8Array) {
    this.#chunks.push(chunk);
    this.#length += chunk.byteLength;
    while (this.#chunks.length > 1 && this.#length - this.#chunks[0]!.byteLength >= this.limit) {
      this.#length -= this.#chunks.shift()!.byteLength;
    }
  }
  bytes(): Buffer {
    const all = Buffer.concat(this.#chunks);
    return all.subarray(Math.max(0, all.length - this.limit));
  }
}

/** Reads a refused body to its end; false when it was abandoned (past `cap` bytes) or broke off. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, tail: Tail, seen: number, cap: number): Promise<boolean> {
  try {
    for (;;) {
      if (seen > cap) {
        await reader.cancel();
        return false;
      }
      const { done, value } = await reader.read();
      if (done) return true;
      seen += value.byteLength;
      tail.push(value);
    }
  } catch {
    return false;
  }
}

/**
 * The text fields in the end of a multipart body: from the first boundary in it, the tail is a
 * complete multipart body again, so busboy reads it (its files, if any, skipped).
 */
async function textFieldsAfter(tail: Buffer, boundary: string): Promise<Record<string, string>> {
  const start = tail.indexOf(`\r\n--${boundary}\r\n`);
  if (start < 0) return {};
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    try {
      const parser = busboy({
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        defParamCharset: "utf8",
        limits: { fieldSize: TAIL_BYTES },
      });
      parser.on("field", (name, value) => {
        fields[name] = value;
      });
      parser.on("file", (_name, stream) => stream.resume());
      parser.on("error", () => resolve({}));
      parser.on("close", () => resolve(fields));
      parser.end(tail.subarray(start + 2));
    } catch {
      resolve({});
    }
  });
}

/** Keeps bytes made on the server (the demo documents) in the evidence store; returns their hash. */
export async function storeEvidenceBytes(bytes: Uint8Array): Promise<string> {
  return (await evidenceStore().put([bytes])).sha256;
}

/** The stored file as a stream, or null when the store does not hold it. Files never change once written. */
export async function openEvidenceFile(
  document: Pick<EvidenceDocument, "sha256">,
): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null> {
  const file = await evidenceStore().open(document.sha256);
  return file && { body: file.body, size: file.sizeBytes };
}

/**
 * `Content-Disposition` for a download: always an attachment (never shown inline, so a file cannot
 * run as a page of this site), with the name in RFC 5987 form and a plain-ASCII fallback.
 */
export function attachmentDisposition(fileName: string): string {
  const safe = cleanFileName(fileName) || "document";
  const ascii = safe.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A file name as a person chose it, without any folder, control characters or excess length. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const plain = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (plain.length <= 255) return plain;
  const ext = path.extname(plain).slice(0, 16);
  return plain.slice(0, 255 - ext.length) + ext;
}

// ---------------------------------------------------------------------------------------------
// The draft's list of documents

function documentsFrom(raw: Record<string, unknown> | undefined): EvidenceDocument[] {
  if (raw === undefined) return [];
  const parsed = EvidenceSchema.safeParse(raw);
  if (parsed.success) return parsed.data.documents ?? [];
  // Keep every well-formed row of a list that has a bad one, as the criteria would see it.
  return parseSubmissionContent({ evidence: raw }).content.evidence?.documents ?? [];
}

/** The documents now in the draft, in the order they were uploaded. */
export async function draftDocuments(db: Db, submissionId: string): Promise<EvidenceDocument[]> {
  return documentsFrom(await readEvidenceSection(db, submissionId));
}

/**
 * A document of this submission by id: in the draft, or frozen in any submitted version (deleting
 * it from the draft must not take it away from a version that was assured with it).
 */
export async function findEvidenceDocument(db: Db, submissionId: string, documentId: string): Promise<EvidenceDocument | undefined> {
  const inDraft = (await draftDocuments(db, submissionId)).find((d) => d.id === documentId);
  if (inDraft) return inDraft;
  const versions = await listVersionContents(db, submissionId);
  for (const version of versions.reverse()) {
    const found = version.content.evidence?.documents?.find((d) => d.id === documentId);
    if (found) return found;
  }
  return undefined;
}

type DocumentChange = (documents: EvidenceDocument[]) => EvidenceDocument[] | null;

/**
 * Rewrites the draft's document list in one transaction, re-checking inside it that the draft may
 * still be changed (it may have been submitted since the page was loaded). `change` returns null
 * to leave the list alone.
 */
async function changeDocuments(
  db: Db,
  loaded: LoadedSubmission,
  at: string,
  change: DocumentChange,
): Promise<{ ok: true } | { ok: false; kind: "refused" | "not_found"; reason: string }> {
  const submissionId = loaded.submission.id;
  const outcome = await db.transaction().execute(async (trx) => {
    const current = await lockSubmissionForEvidence(trx, submissionId);
    const refusal = current ? refusalOf(loaded, "edit-draft", current.state) : "The submission no longer exists.";
    if (refusal) return { ok: false as const, kind: "refused" as const, reason: refusal };
    const documents = change(documentsFrom(await readEvidenceSection(trx, submissionId)));
    if (!documents) return { ok: false as const, kind: "not_found" as const, reason: "That document is not in this draft." };
    await saveSection(trx, { submissionId, section: "evidence", data: { documents }, updatedBy: loaded.actor.id, at });
    // Governance approvals point at documents, so the draft's checks (and the pipeline's count of
    // failing ones) can move: judged again in the same transaction, so they never describe another list.
    await recheckDraft(trx, loaded, at);
    return { ok: true as const };
  });
  if (!outcome.ok) return outcome;
  return { ok: true };
}

export type EvidenceSection = Exclude<SectionSlug, "evidence">;

export type UploadOutcome =
  | { ok: true; document: EvidenceDocument }
  | { ok: false; kind: "refused" | "not_found"; reason: string }
  | { ok: false; kind: "invalid"; problem: UploadProblem };

/**
 * Adds an uploaded file, already judged and stored by readUploadForm, to the draft: only for
 * someone who may edit it, and only a PDF, Word or Excel file whose content matches its name.
 */
export async function uploadEvidence(
  db: Db,
  loaded: LoadedSubmission,
  input: { upload: CheckedUpload | null; section: EvidenceSection; description?: string | undefined; at?: Date },
): Promise<UploadOutcome> {
  const refusal = refusalOf(loaded, "edit-draft");
  if (refusal) return { ok: false, kind: "refused", reason: refusal };
  const { upload } = input;
  if (!upload) return { ok: false, kind: "invalid", problem: "missing" };
  if (!upload.ok) return { ok: false, kind: "invalid", problem: upload.problem };

  const at = (input.at ?? new Date()).toISOString();
  const description = input.description?.trim();
  const document: EvidenceDocument = {
    id: randomUUID(),
    fileName: upload.fileName,
    mediaType: upload.mediaType,
    sizeBytes: upload.stored.sizeBytes,
    sha256: upload.stored.sha256,
    section: input.section,
    ...(description ? { description } : {}),
    uploadedAt: at,
  };
  const saved = await changeDocuments(db, loaded, at, (documents) => [...documents, document]);
  return saved.ok ? { ok: true, document } : saved;
}

/**
 * Takes a document out of the draft. Its bytes stay in the store: submitted versions (of this or,
 * through deduplication, another submission) may still point at the same content, and
 * sweepUnreferencedEvidence (evidence-store.ts) removes them once nothing does.
 */
export async function deleteEvidence(
  db: Db,
  loaded: LoadedSubmission,
  documentId: string,
  options: { at?: Date } = {},
): Promise<{ ok: true; document: EvidenceDocument } | { ok: false; kind: "refused" | "not_found"; reason: string }> {
  const refusal = refusalOf(loaded, "edit-draft");
  if (refusal) return { ok: false, kind: "refused", reason: refusal };
  let removed: EvidenceDocument | undefined;
  const saved = await changeDocuments(db, loaded, (options.at ?? new Date()).toISOString(), (documents) => {
    removed = documents.find((d) => d.id === documentId);
    return removed ? documents.filter((d) => d !== removed) : null;
  });
  return saved.ok && removed ? { ok: true, document: removed } : saved.ok ? { ok: false, kind: "not_found", reason: "" } : saved;
}
