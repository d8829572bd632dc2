import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { Db } from "../../db/client.ts";
import { listReferencedEvidence } from "../../db/evidence.ts";

/**
 * Where evidence bytes are kept, by their sha256 (issue 15). Two stores, chosen by
 * EVIDENCE_STORAGE: a local directory (`local`, one instance, the embedded default) and the
 * database itself in 256 KB pieces (`database`, shared by every instance on one PostgreSQL and
 * covered by its backups; decision 008). Both take and give streams, so no file is held whole.
 */
export interface EvidenceStore {
  readonly kind: "local" | "database";
  /**
   * Keeps the bytes and returns their hash and size. The same content is kept once; storing it
   * again re-dates it, so the sweep leaves it alone for another day. Nothing is visible to `open`
   * until every byte is in.
   */
  put(body: ByteSource): Promise<StoredBytes>;
  /** The bytes as a stream, or null when this store does not hold them. */
  open(sha256: string): Promise<{ body: ReadableStream<Uint8Array>; sizeBytes: number } | null>;
  /** Contents last stored before `before`: what the sweep may consider. */
  listStoredBefore(before: Date): Promise<string[]>;
  /** Removes the content unless it was stored (again) at or after `before`; true when removed. */
  removeIfStoredBefore(sha256: string, before: Date): Promise<boolean>;
  /** Removes what uploads that never finished (a crash, a dropped connection) left before `before`. */
  removeAbandoned(before: Date): Promise<number>;
}

export interface StoredBytes {
  sha256: string;
  sizeBytes: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

function requireSha256(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error("not a sha256 hex digest");
  return sha256;
}

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

function iterate(body: ByteSource): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  return body instanceof ReadableStream
    ? (Readable.fromWeb(body as import("node:stream/web").ReadableStream) as AsyncIterable<Uint8Array>)
    : body;
}

// ---------------------------------------------------------------------------------------------
// A local directory

/** `<dir>/ab/cd/abcd…`, sharded so no one directory holds every file; uploads arrive in `<dir>/tmp`. */
export function localEvidenceStore(dir: string): EvidenceStore {
  const root = path.resolve(dir);
  const fileFor = (sha256: string) => path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), requireSha256(sha256));
  const temporaryDir = path.join(root, "tmp");

  return {
    kind: "local",
    async put(body) {
      await fsp.mkdir(temporaryDir, { recursive: true });
      const temporary = path.join(temporaryDir, `${randomUUID()}.part`);
      const hash = createHash("sha256");
      let sizeBytes = 0;
      try {
        const handle = await fsp.open(temporary, "wx", 0o640);
        try {
          for await (const chunk of iterate(body)) {
            hash.update(chunk);
            sizeBytes += chunk.byteLength;
            await handle.write(chunk);
          }
          await handle.sync();
        } finally {
          await handle.close();
        }
        const sha256 = hash.digest("hex");
        const target = fileFor(sha256);
        // Already kept: re-date it (the sweep goes by this time) rather than write it again. If the
        // sweep took it in between, utimes fails and the new copy is renamed into place instead.
        const now = new Date();
        const kept = await fsp.utimes(target, now, now).then(
          () => true,
          () => false,
        );
        if (kept) await fsp.rm(temporary, { force: true });
        else {
          await fsp.mkdir(path.dirname(target), { recursive: true });
          // Two uploads of the same content may race here; both renames leave the same bytes.
          await fsp.rename(temporary, target);
        }
        return { sha256, sizeBytes };
      } catch (error) {
        await fsp.rm(temporary, { force: true });
        throw error;
      }
    },
    async open(sha256) {
      const file = fileFor(sha256);
      try {
        const stat = await fsp.stat(file);
        if (!stat.isFile()) return null;
        return { body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>, sizeBytes: stat.size };
      } catch {
        return null;
      }
    },
    async listStoredBefore(before) {
      const found: string[] = [];
      for (const first of await names(root)) {
        if (!/^[0-9a-f]{2}$/.test(first)) continue;
        for (const second of await names(path.join(root, first))) {
          for (const name of await names(path.join(root, first, second))) {
            if (!SHA256.test(name)) continue;
            const stat = await fsp.stat(path.join(root, first, second, name)).catch(() => null);
            if (stat && stat.mtime < before) found.push(name);
          }
        }
      }
      return found;
    },
    async removeIfStoredBefore(sha256, before) {
      // Moved aside first, then judged by the file actually taken: an upload that re-dated it
      // just before is put back; one that comes after finds it gone and writes it afresh.
      const target = fileFor(sha256);
      const aside = path.join(temporaryDir, `${sha256}.${randomUUID()}.sweep`);
      await fsp.mkdir(temporaryDir, { recursive: true });
      try {
        await fsp.rename(target, aside);
      } catch {
        return false;
      }
      const stat = await fsp.stat(aside);
      if (stat.mtime >= before) {
        await fsp.link(aside, target).catch(() => {});
        await fsp.rm(aside, { force: true });
        return false;
      }
      await fsp.rm(aside, { force: true });
      return true;
    },
    async removeAbandoned(before) {
      let removed = 0;
      for (const name of await names(temporaryDir)) {
        const file = path.join(temporaryDir, name);
        const stat = await fsp.stat(file).catch(() => null);
        if (stat && stat.mtime < before) {
          await fsp.rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}

async function names(dir: string): Promise<string[]> {
  return fsp.readdir(dir).catch(() => []);
}

// ---------------------------------------------------------------------------------------------
// The database

/** The size of one stored piece: small enough to hold a few at once, large enough that a 20 MB file is 80 rows. */
export const CHUNK_BYTES = 256 * 1024;
const PARTIAL = "partial:";

export function databaseEvidenceStore(db: Db): EvidenceStore {
  return {
    kind: "database",
    async put(body) {
      // ISO time first, so the sweep finds abandoned uploads by comparing keys.
      const key = `${PARTIAL}${new Date().toISOString()}:${randomUUID()}`;
      const hash = createHash("sha256");
      let sizeBytes = 0;
      let seq = 0;
      let piece = Buffer.allocUnsafe(CHUNK_BYTES);
      let filled = 0;
      const flush = async () => {
        if (filled === 0) return;
        await db
          .insertInto("evidence_blob_chunk")
          .values({ blob_key: key, seq, bytes: piece.subarray(0, filled) })
          .execute();
        seq += 1;
        piece = Buffer.allocUnsafe(CHUNK_BYTES);
        filled = 0;
      };
      try {
        for await (const chunk of iterate(body)) {
          hash.update(chunk);
          sizeBytes += chunk.byteLength;
          let at = 0;
          while (at < chunk.byteLength) {
            const taken = Math.min(CHUNK_BYTES - filled, chunk.byteLength - at);
            piece.set(chunk.subarray(at, at + taken), filled);
            filled += taken;
            at += taken;
            if (filled === CHUNK_BYTES) await flush();
          }
        }
        await flush();
        const sha256 = hash.digest("hex");
        const storedAt = new Date().toISOString();
        await db.transaction().execute(async (trx) => {
          // Re-dated if already kept (a sweep deciding at the same moment then sees the new date
          // and leaves it); otherwise this upload's pieces become the content, in the same transaction.
          for (let attempt = 0; attempt < 3; attempt += 1) {
            const redated = await trx
              .updateTable("evidence_blob")
              .set({ stored_at: storedAt })
              .where("sha256", "=", sha256)
              .executeTakeFirst();
            if (Number(redated.numUpdatedRows) > 0) {
              await trx.deleteFrom("evidence_blob_chunk").where("blob_key", "=", key).execute();
              return;
            }
            const inserted = await trx
              .insertInto("evidence_blob")
              .values({ sha256, size_bytes: sizeBytes, stored_at: storedAt })
              .onConflict((oc) => oc.column("sha256").doNothing())
              .executeTakeFirst();
            if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
              await trx.updateTable("evidence_blob_chunk").set({ blob_key: sha256 }).where("blob_key", "=", key).execute();
              return;
            }
            // Another upload of the same content finished in between: re-date that one.
          }
          throw new Error("could not record the stored evidence");
        });
        return { sha256, sizeBytes };
      } catch (error) {
        await db.deleteFrom("evidence_blob_chunk").where("blob_key", "=", key).execute();
        throw error;
      }
    },
    async open(sha256) {
      const blob = await db.selectFrom("evidence_blob").select("size_bytes").where("sha256", "=", requireSha256(sha256)).executeTakeFirst();
      if (!blob) return null;
      let seq = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const row = await db
            .selectFrom("evidence_blob_chunk")
            .select("bytes")
            .where("blob_key", "=", sha256)
            .where("seq", "=", seq)
            .executeTakeFirst();
          if (!row) {
            controller.close();
            return;
          }
          seq += 1;
          controller.enqueue(new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength));
        },
      });
      return { body, sizeBytes: Number(blob.size_bytes) };
    },
    async listStoredBefore(before) {
      const rows = await db.selectFrom("evidence_blob").select("sha256").where("stored_at", "<", before.toISOString()).execute();
      return rows.map((r) => r.sha256);
    },
    async removeIfStoredBefore(sha256, before) {
      // The row and its pieces go in one transaction, and only while the date is still old: an
      // upload re-dating it waits for this to commit and then stores the content afresh.
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom("evidence_blob")
          .where("sha256", "=", requireSha256(sha256))
          .where("stored_at", "<", before.toISOString())
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) return false;
        await trx.deleteFrom("evidence_blob_chunk").where("blob_key", "=", sha256).execute();
        return true;
      });
    },
    async removeAbandoned(before) {
      const removed = await db
        .deleteFrom("evidence_blob_chunk")
        .where("blob_key", ">=", PARTIAL)
        .where("blob_key", "<", `${PARTIAL}${before.toISOString()}`)
        .executeTakeFirst();
      return Number(removed.numDeletedRows);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The sweep

export interface SweepResult {
  /** Contents removed: referenced by no draft and no submitted version, and stored before the cutoff. */
  removed: number;
  /** Contents old enough to consider but still referenced. */
  kept: number;
  /** Pieces (database) or files (local) of uploads that never finished. */
  abandoned: number;
}

/** A day: far longer than any upload takes between storing its bytes and saving the draft that names them. */
export const SWEEP_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes evidence bytes that no draft and no submitted version names. Bytes stored (or stored
 * again) within `olderThan` are never considered, so an upload between storing its bytes and
 * saving the draft is never raced: every new reference comes from an upload, and every upload
 * re-dates its content before saving. Each removal re-checks the date as it deletes.
 */
export async function sweepUnreferencedEvidence(
  db: Db,
  store: EvidenceStore,
  options: { olderThan?: number; now?: Date } = {},
): Promise<SweepResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.olderThan ?? SWEEP_GRACE_MS));
  const candidates = await store.listStoredBefore(cutoff);
  const result: SweepResult = { removed: 0, kept: 0, abandoned: 0 };
  if (candidates.length > 0) {
    const referenced = await listReferencedEvidence(db);
    for (const sha256 of candidates) {
      if (referenced.has(sha256)) result.kept += 1;
      else if (await store.removeIfStoredBefore(sha256, cutoff)) result.removed += 1;
    }
  }
  result.abandoned = await store.removeAbandoned(cutoff);
  return result;
}
