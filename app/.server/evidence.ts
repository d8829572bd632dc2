import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
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

/**
 * Evidence documents (section 8): checking what an upload really is, keeping the file on disk
 * under its content hash, and keeping the draft's list of documents. The list lives in the draft's
 * `evidence` section like any other answer, so submitting freezes it into the version with the rest.
 */

/** The largest request body read at all: one file at the limit plus the form's other fields. */
export const MAX_UPLOAD_REQUEST_BYTES = MAX_EVIDENCE_BYTES + 1024 * 1024;

/** Where files are kept: `UPLOADS_DIR`, or `data/uploads` beside the default database. */
export function uploadsDir(): string {
  return path.resolve(process.env.UPLOADS_DIR || "data/uploads");
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

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\x03\x04

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/**
 * The format a file's bytes show, or null for anything else: a PDF starts `%PDF-`; a .doc or
 * .xls is an OLE2 compound file whose root holds a `WordDocument` or `Workbook` stream; a .docx
 * or .xlsx is a zip whose central directory lists `word/` or `xl/` parts.
 */
export function sniffFormat(bytes: Uint8Array): EvidenceFormat | null {
  if (startsWith(bytes, PDF_MAGIC)) return "pdf";
  if (startsWith(bytes, OLE2_MAGIC)) {
    const names = compoundFileRootNames(bytes);
    if (!names) return null;
    if (names.has("worddocument")) return "doc";
    if (names.has("workbook") || names.has("book")) return "xls";
    return null;
  }
  if (startsWith(bytes, ZIP_MAGIC)) {
    const names = zipEntryNames(bytes);
    if (!names?.some((n) => n === "[Content_Types].xml")) return null;
    const word = names.some((n) => n.startsWith("word/"));
    const excel = names.some((n) => n.startsWith("xl/"));
    if (word && !excel) return "docx";
    if (excel && !word) return "xlsx";
  }
  return null;
}

/** The media type for a file whose name and bytes agree on an accepted format; otherwise null. */
export function evidenceMediaType(fileName: string, bytes: Uint8Array): EvidenceMediaType | null {
  const expected = FORMATS[path.extname(fileName).slice(1).toLowerCase()];
  if (!expected) return null;
  return sniffFormat(bytes) === expected.format ? expected.mediaType : null;
}

/** The names in a zip's central directory, or null when it has none that can be read. */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let at = bytes.length - 22; at >= lowest; at -= 1) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return null;
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const offset = view.getUint32(end + 16, true);
  if (offset + size > end) return null; // also refuses zip64 markers (0xffffffff)
  const names: string[] = [];
  const decoder = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > offset + size || view.getUint32(at, true) !== 0x02014b50) return null;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > offset + size) return null;
    names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The names (lower case) of the streams and storages directly under an OLE2 compound file's root,
 * found by following the file's own allocation table; null when the structure does not hold up.
 */
export function compoundFileRootNames(bytes: Uint8Array): Set<string> | null {
  if (bytes.length < 512) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorShift = view.getUint16(30, true);
  if (sectorShift !== 9 && sectorShift !== 12) return null;
  const sectorSize = 1 << sectorShift;
  const sectorCount = Math.floor((bytes.length - sectorSize) / sectorSize) + 1;
  const sectorOffset = (sector: number) => (sector + 1) * sectorSize;
  const validSector = (sector: number) => sector >= 0 && sector < sectorCount && sectorOffset(sector) + sectorSize <= bytes.length;
  const END = 0xfffffffe;
  const perSector = sectorSize / 4;

  // The sectors of the allocation table: 109 listed in the header, the rest in a chain of DIFAT sectors.
  const fatSectors: number[] = [];
  const fatCount = view.getUint32(44, true);
  if (fatCount > sectorCount) return null;
  for (let i = 0; i < 109 && fatSectors.length < fatCount; i += 1) fatSectors.push(view.getUint32(76 + i * 4, true));
  let difat = view.getUint32(68, true);
  for (let hops = 0; fatSectors.length < fatCount; hops += 1) {
    if (!validSector(difat) || hops > sectorCount) return null;
    for (let i = 0; i < perSector - 1 && fatSectors.length < fatCount; i += 1) {
      fatSectors.push(view.getUint32(sectorOffset(difat) + i * 4, true));
    }
    difat = view.getUint32(sectorOffset(difat) + (perSector - 1) * 4, true);
  }
  if (!fatSectors.every(validSector)) return null;
  const next = (sector: number): number | null => {
    const fatSector = fatSectors[Math.floor(sector / perSector)];
    return fatSector === undefined ? null : view.getUint32(sectorOffset(fatSector) + (sector % perSector) * 4, true);
  };

  // The directory: 128-byte entries in the chain that starts at the header's first directory sector.
  const entries: number[] = [];
  let sector = view.getUint32(48, true);
  for (let hops = 0; sector !== END; hops += 1) {
    if (!validSector(sector) || hops > sectorCount) return null;
    for (let at = sectorOffset(sector); at < sectorOffset(sector) + sectorSize; at += 128) entries.push(at);
    const following = next(sector);
    if (following === null) return null;
    sector = following;
  }
  const root = entries[0];
  if (root === undefined || bytes[root + 66] !== 5) return null;

  const nameAt = (at: number) => {
    const length = Math.min(view.getUint16(at + 64, true), 64);
    let name = "";
    for (let i = 0; i + 1 < length - 1; i += 2) name += String.fromCharCode(view.getUint16(at + i, true));
    return name.toLowerCase();
  };
  // The root's children form a tree through left and right sibling links.
  const names = new Set<string>();
  const pending = [view.getUint32(root + 76, true)];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (id === 0xffffffff || seen.has(id)) continue;
    const at = entries[id];
    if (at === undefined) return null;
    seen.add(id);
    names.add(nameAt(at));
    pending.push(view.getUint32(at + 68, true), view.getUint32(at + 72, true));
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Reading the request within bounds

export type UploadBody =
  | { ok: true; formData: FormData }
  | { ok: false; reason: "unreadable" }
  /** `fields`: the plain text fields that could still be recovered, to give back to the form. */
  | { ok: false; reason: "too_large"; fields: Record<string, string> };

class BodyTooLarge extends Error {}

/** Past this, a refused body is no longer drained: the connection is dropped instead. */
const MAX_DRAINED_BYTES = 256 * 1024 * 1024;

/**
 * The posted form, read only up to `limit` bytes. A declared Content-Length over the limit is
 * refused before anything is parsed; a body without one is counted as it arrives and abandoned
 * once it passes the limit, so a client cannot make the server hold more than the limit.
 */
export async function readUploadBody(request: Request, limit = MAX_UPLOAD_REQUEST_BYTES): Promise<UploadBody> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    const tail = await drain(request.body);
    const boundary = /boundary="?([^";]+)"?/i.exec(request.headers.get("content-type") ?? "")?.[1];
    return { ok: false, reason: "too_large", fields: tail && boundary ? textFieldsIn(tail, boundary) : {} };
  }
  if (!request.body) return { ok: false, reason: "unreadable" };
  let seen = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new BodyTooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  try {
    const bounded = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: counted,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    return { ok: true, formData: await bounded.formData() };
  } catch {
    return seen > limit ? { ok: false, reason: "too_large", fields: {} } : { ok: false, reason: "unreadable" };
  }
}

const TAIL_BYTES = 64 * 1024;

/**
 * Reads a refused body to its end, keeping only its last 64 KB. A browser shows the answer only
 * once it has sent the whole upload, so leaving the body unread would hold the page until the
 * connection timed out. The form's fields after the file input (section, description) are in
 * that tail, so they can be given back. Null when the body was abandoned or broke off.
 */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array | null> {
  if (!body) return null;
  const reader = body.getReader();
  let seen = 0;
  let tail = new Uint8Array(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return tail;
      seen += value.byteLength;
      if (seen > MAX_DRAINED_BYTES) {
        await reader.cancel();
        return null;
      }
      const joined = new Uint8Array(Math.min(TAIL_BYTES, tail.length + value.length));
      const fromValue = value.subarray(Math.max(0, value.length - joined.length));
      joined.set(tail.subarray(tail.length - (joined.length - fromValue.length)), 0);
      joined.set(fromValue, joined.length - fromValue.length);
      tail = joined;
    }
  } catch {
    return null;
  }
}

/** The complete plain-text parts (not files) found in a piece of a multipart body. */
export function textFieldsIn(piece: Uint8Array, boundary: string): Record<string, string> {
  // latin1 maps every byte to one character, so offsets stay byte offsets whatever the content.
  const text = Buffer.from(piece).toString("latin1");
  const fields: Record<string, string> = {};
  const parts = text.split(`--${boundary}`);
  // The first piece may start part-way through a part; the last is the closing "--".
  for (const part of parts.slice(1, -1)) {
    const headerEnd = part.indexOf("\r\n\r\n");
    if (!part.startsWith("\r\n") || headerEnd < 0 || !part.endsWith("\r\n")) continue;
    const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(part.slice(0, headerEnd))?.[1] ?? "";
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || /filename=/i.test(disposition)) continue;
    fields[name] = Buffer.from(part.slice(headerEnd + 4, -2), "latin1").toString("utf8");
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Files on disk, by content hash

const SHA256 = /^[0-9a-f]{64}$/;

/** `<uploads>/ab/cd/abcd…`: sharded so no one directory holds every file. */
export function evidenceFilePath(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error("not a sha256 hex digest");
  return path.join(uploadsDir(), sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/**
 * Keeps the bytes under their hash and returns it. The same content is stored once. A file is
 * written whole to a temporary name and then renamed, so a reader never sees half a file.
 */
export async function storeEvidenceBytes(bytes: Uint8Array): Promise<string> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const target = evidenceFilePath(sha256);
  if (await isFile(target)) return sha256;
  const temporaryDir = path.join(uploadsDir(), "tmp");
  await Promise.all([fsp.mkdir(path.dirname(target), { recursive: true }), fsp.mkdir(temporaryDir, { recursive: true })]);
  const temporary = path.join(temporaryDir, `${sha256}.${randomUUID()}.part`);
  try {
    const handle = await fsp.open(temporary, "wx", 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Two uploads of the same content may race here; both renames leave the same bytes.
    await fsp.rename(temporary, target);
  } catch (error) {
    await fsp.rm(temporary, { force: true });
    throw error;
  }
  return sha256;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The stored file as a stream, or null when it is not on disk. Files never change once written. */
export async function openEvidenceFile(
  document: Pick<EvidenceDocument, "sha256">,
): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null> {
  const file = evidenceFilePath(document.sha256);
  let size: number;
  try {
    const stat = await fsp.stat(file);
    if (!stat.isFile()) return null;
    size = stat.size;
  } catch {
    return null;
  }
  return { body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>, size };
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

/** What is wrong with an upload; the page puts it in words. */
export type UploadProblem = "missing" | "wrong_type" | "too_large";

/**
 * Adds an uploaded file to the draft: only for someone who may edit it, only a PDF, Word or Excel
 * file whose content matches its name, and only up to the size limit.
 */
export async function uploadEvidence(
  db: Db,
  loaded: LoadedSubmission,
  input: { file: File; section: EvidenceSection; description?: string | undefined; at?: Date },
): Promise<UploadOutcome> {
  const refusal = refusalOf(loaded, "edit-draft");
  if (refusal) return { ok: false, kind: "refused", reason: refusal };
  const { file } = input;
  if (file.size === 0) return { ok: false, kind: "invalid", problem: "missing" };
  if (file.size > MAX_EVIDENCE_BYTES) return { ok: false, kind: "invalid", problem: "too_large" };
  const fileName = cleanFileName(file.name);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const mediaType = evidenceMediaType(fileName, bytes);
  if (!mediaType) return { ok: false, kind: "invalid", problem: "wrong_type" };

  const sha256 = await storeEvidenceBytes(bytes);
  const at = (input.at ?? new Date()).toISOString();
  const description = input.description?.trim();
  const document: EvidenceDocument = {
    id: randomUUID(),
    fileName,
    mediaType,
    sizeBytes: bytes.byteLength,
    sha256,
    section: input.section,
    ...(description ? { description } : {}),
    uploadedAt: at,
  };
  const saved = await changeDocuments(db, loaded, at, (documents) => [...documents, document]);
  return saved.ok ? { ok: true, document } : saved;
}

/**
 * Takes a document out of the draft. Its file stays on disk: submitted versions (of this or,
 * through deduplication, another submission) may still point at the same content.
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
