import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvidenceSection } from "../../db/evidence.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { signIn } from "./browser-forms.ts";
import { demoActors, prepareSubmissions } from "./fixtures.ts";

/**
 * Evidence in shared storage (issue 15): two instances of the production build on one PostgreSQL,
 * each with an uploads directory of its own (as two machines would have). A file uploaded through
 * one downloads, byte for byte, through the other, because both keep evidence in the database
 * (EVIDENCE_STORAGE's default on PostgreSQL) rather than on their own disks.
 */
const postgres = databaseKinds.filter((k) => k.engine === "postgres");

describe.runIf(postgres.length > 0).each(postgres)("evidence shared by two instances on $engine", (kind) => {
  let t: TestDatabase;
  let instances: RunningServer[] = [];
  let submissionId: string;

  beforeAll(async () => {
    t = await kind.create({ migrate: false });
    // One first, so it migrates and seeds alone; then the second on the same database.
    instances = [await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "1" } })];
    instances.push(await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "1" } }));
    const [draft] = await prepareSubmissions(t.db, await demoActors(t.db), "draft", 1);
    submissionId = draft!.id;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await t?.destroy();
  });

  it("a document uploaded through one instance downloads, identical, through the other", async () => {
    const [first, second] = instances as [RunningServer, RunningServer];
    const cookie = await signIn(first.baseUrl, "lead.kent@example.nhs.uk");
    // 3 MB: a dozen pieces in the database, so the download is streamed from several rows.
    const bytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(3 * 1024 * 1024), Buffer.from("\n%%EOF\n")]);
    const form = new FormData();
    form.set("intent", "upload");
    form.set("file", new File([bytes], "board-minutes.pdf", { type: "application/pdf" }));
    form.set("section", "governance");
    const uploaded = await fetch(`${first.baseUrl}/submissions/${submissionId}/sections/evidence`, {
      method: "POST",
      body: form,
      redirect: "manual",
      headers: { cookie, origin: first.baseUrl },
    });
    expect(uploaded.status).toBe(302);

    const section = (await readEvidenceSection(t.db, submissionId)) as { documents: { id: string; sha256: string }[] };
    const document = section.documents.find((d) => d.sha256 === createHash("sha256").update(bytes).digest("hex"));
    expect(document).toBeDefined();
    const blob = await t.db.selectFrom("evidence_blob").selectAll().where("sha256", "=", document!.sha256).executeTakeFirst();
    expect(blob?.size_bytes).toBe(bytes.length);

    // Sessions live in the database too: the same cookie is good on the other instance.
    const downloaded = await fetch(`${second.baseUrl}/submissions/${submissionId}/evidence/${document!.id}`, { headers: { cookie } });
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get("content-length")).toBe(String(bytes.length));
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes)).toBe(true);

    // Neither instance wrote it to its own disk.
    const [firstUploads, secondUploads] = instances.map(uploadsDirOf);
    expect(firstUploads).not.toBe(secondUploads);
    for (const uploads of [firstUploads!, secondUploads!]) {
      expect(fs.existsSync(path.join(uploads, document!.sha256.slice(0, 2)))).toBe(false);
    }
  });
});

/** The instance's own UPLOADS_DIR, as its process was started with it. */
function uploadsDirOf(instance: RunningServer): string {
  const environ = fs.readFileSync(`/proc/${instance.pid}/environ`, "utf8").split("\0");
  return environ.find((v) => v.startsWith("UPLOADS_DIR="))!.slice("UPLOADS_DIR=".length);
}
