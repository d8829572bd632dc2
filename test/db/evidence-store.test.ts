import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, startSubmission } from "../../app/.server/assurance.ts";
import {
  CHUNK_BYTES,
  databaseEvidenceStore,
  type EvidenceStore,
  localEvidenceStore,
  sweepUnreferencedEvidence,
} from "../../app/.server/evidence-store.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const MB = 1024 * 1024;

/** `size` bytes of noise, handed over in pieces of `piece` bytes as an upload's would be. */
function noise(size: number, piece = 64 * 1024): { bytes: Buffer; stream(): ReadableStream<Uint8Array> } {
  const bytes = randomBytes(size);
  return {
    bytes,
    stream: () => {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= size) return controller.close();
          controller.enqueue(new Uint8Array(bytes.subarray(at, at + piece)));
          at += piece;
        },
      });
    },
  };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<{ bytes: Buffer; pieces: number; largest: number }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return { bytes: Buffer.concat(chunks), pieces: chunks.length, largest: Math.max(0, ...chunks.map((c) => c.byteLength)) };
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe.each(databaseKinds)("evidence stores on $engine", (kind) => {
  let t: TestDatabase;
  let dir: string;
  const stores: Record<"local" | "database", () => EvidenceStore> = {
    local: () => localEvidenceStore(dir),
    database: () => databaseEvidenceStore(t.db),
  };
  beforeAll(async () => {
    t = await kind.create();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-evidence-store-"));
  }, 60_000);
  afterAll(async () => {
    await t?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe.each(["local", "database"] as const)("the %s store", (which) => {
    it("gives back exactly the bytes it was given, by their hash, as a stream of pieces", async () => {
      const store = stores[which]();
      const file = noise(3 * MB + 123);
      const stored = await store.put(file.stream());
      expect(stored).toEqual({ sha256: sha(file.bytes), sizeBytes: file.bytes.length });
      const opened = (await store.open(stored.sha256))!;
      expect(opened.sizeBytes).toBe(file.bytes.length);
      const read = await readAll(opened.body);
      expect(read.bytes.equals(file.bytes)).toBe(true);
      // Read a piece at a time, never as one whole file.
      expect(read.pieces).toBeGreaterThan(3);
      expect(read.largest).toBeLessThanOrEqual(Math.max(CHUNK_BYTES, 64 * 1024));
      if (which === "database") {
        const rows = await t.db.selectFrom("evidence_blob_chunk").select("seq").where("blob_key", "=", stored.sha256).execute();
        expect(rows).toHaveLength(Math.ceil(file.bytes.length / CHUNK_BYTES));
      }
    });

    it("keeps the same content once, and answers null for content it does not hold", async () => {
      const store = stores[which]();
      const file = noise(300 * 1024);
      const first = await store.put(file.stream());
      const second = await store.put(file.stream());
      expect(second).toEqual(first);
      if (which === "database") {
        const chunks = await t.db.selectFrom("evidence_blob_chunk").select("seq").where("blob_key", "=", first.sha256).execute();
        expect(chunks).toHaveLength(2);
        const partial = await t.db.selectFrom("evidence_blob_chunk").select("blob_key").where("blob_key", "like", "partial:%").execute();
        expect(partial).toEqual([]);
      } else {
        expect(fs.readdirSync(path.join(dir, first.sha256.slice(0, 2), first.sha256.slice(2, 4)))).toEqual([first.sha256]);
      }
      expect(await store.open("0".repeat(64))).toBeNull();
      await expect(store.open("../../etc/passwd")).rejects.toThrow(/sha256/);
    });

    it("leaves nothing readable, and nothing behind, when an upload breaks off", async () => {
      const store = stores[which]();
      let sent = 0;
      const broken = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 1;
          if (sent > 8) controller.error(new Error("connection dropped"));
          else controller.enqueue(new Uint8Array(64 * 1024).fill(sent));
        },
      });
      await expect(store.put(broken)).rejects.toThrow("connection dropped");
      if (which === "database") {
        const partial = await t.db.selectFrom("evidence_blob_chunk").select("blob_key").where("blob_key", "like", "partial:%").execute();
        expect(partial).toEqual([]);
      } else {
        expect(fs.readdirSync(path.join(dir, "tmp"))).toEqual([]);
      }
    });
  });

  it("the sweep removes only bytes that nothing names and that were stored before the grace period", async () => {
    await seedDemoAccounts(t.db);
    const user = await t.db.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
    const lead = actorFrom((await findUserProfile(t.db, user.id))!);
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000032", title: "Sweep", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);

    for (const which of ["local", "database"] as const) {
      const store = stores[which]();
      // Whatever earlier tests stored, out of the way first, so the counts below are this test's own.
      await sweepUnreferencedEvidence(t.db, store, { olderThan: 0, now: new Date(Date.now() + 60_000) });
      const [inDraft, inVersion, unreferenced, recent] = await Promise.all(
        [1, 2, 3, 4].map(async (n) => store.put([Buffer.from(`${which} document ${n} ${randomUUID()}`)])),
      );
      const document = (sha256: string) => ({
        id: randomUUID(),
        fileName: "minutes.pdf",
        mediaType: "application/pdf",
        sizeBytes: 10,
        sha256,
        section: "governance",
        uploadedAt: new Date().toISOString(),
      });
      await saveSection(t.db, {
        submissionId: started.id,
        section: "evidence",
        data: { documents: [document(inDraft!.sha256)] },
        updatedBy: lead.id,
        at: new Date().toISOString(),
      });
      const versionId = randomUUID();
      await t.db
        .insertInto("submission_version")
        .values({
          id: versionId,
          submission_id: started.id,
          number: 1,
          checkpoint: 1,
          criteria_set: "2017-19",
          content: JSON.stringify({ evidence: { documents: [document(inVersion!.sha256)] } }),
          evaluation: "{}",
          submitted_by: lead.id,
          submitted_at: new Date().toISOString(),
        })
        .execute();

      // The cutoff falls here: everything above was stored before it. Then `recent` is uploaded
      // again (the same content), which re-dates it past the cutoff, as an upload in progress would.
      const cutoff = new Date();
      while (Date.now() <= cutoff.getTime()) await new Promise((resolve) => setImmediate(resolve));
      const again = await store.put([Buffer.from((await readAll((await store.open(recent!.sha256))!.body)).bytes)]);
      expect(again.sha256).toBe(recent!.sha256);
      const result = await sweepUnreferencedEvidence(t.db, store, { olderThan: 0, now: cutoff });
      // Only `unreferenced` was stored before the cutoff and named by nothing.
      expect(result.removed, which).toBe(1);
      expect(result.kept, which).toBe(2);
      expect(await store.open(unreferenced!.sha256)).toBeNull();
      for (const kept of [inDraft!, inVersion!, recent!]) {
        const opened = await store.open(kept.sha256);
        expect(opened, `${which}: ${kept.sha256}`).not.toBeNull();
        await opened!.body.cancel();
      }
      await t.db.deleteFrom("submission_version").where("id", "=", versionId).execute();
    }
  });

  it("the sweep clears what a crashed upload left, once it is older than the grace period", async () => {
    const store = databaseEvidenceStore(t.db);
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000).toISOString();
    await t.db
      .insertInto("evidence_blob_chunk")
      .values([
        { blob_key: `partial:${old}:${randomUUID()}`, seq: 0, bytes: Buffer.from("left by a crash") },
        { blob_key: `partial:${new Date().toISOString()}:${randomUUID()}`, seq: 0, bytes: Buffer.from("still arriving") },
      ])
      .execute();
    const result = await sweepUnreferencedEvidence(t.db, store);
    expect(result.abandoned).toBe(1);
    const left = await t.db.selectFrom("evidence_blob_chunk").select("bytes").where("blob_key", "like", "partial:%").execute();
    expect(left.map((r) => Buffer.from(r.bytes).toString())).toEqual(["still arriving"]);
  });
});
