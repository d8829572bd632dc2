import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.ts";
import { prepareAppDatabase, runQueuedJobs } from "../support/app.ts";

/**
 * Email after an event goes through the job queue (decision 009): deliverSoon queues the outbox
 * job, and the runner's run of it sends through SMTP and marks the row sent.
 */

let cleanup = () => {};
let database: Db;
const received: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    stream.resume();
    stream.on("end", () => {
      received.push(...session.envelope.rcptTo.map((r) => r.address));
      callback();
    });
  },
});

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}?ignoreTLS=true`;
  database = createDb(prepared.url);
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  await database?.destroy();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  cleanup();
});

describe("email as jobs", () => {
  it("queues the outbox job once however many events write email, and its run sends them", async () => {
    const { deliverSoon, OUTBOX_JOB } = await import("../../app/.server/notifications.ts");
    const at = new Date().toISOString();
    for (const n of [1, 2]) {
      await database
        .insertInto("outbox")
        .values({
          id: `mail-${n}`,
          notification_id: null,
          to_address: `person${n}@example.nhs.uk`,
          subject: "S",
          body: "B",
          created_at: at,
        })
        .execute();
      deliverSoon();
    }
    const queued = () => database.selectFrom("job").select(["id", "state"]).where("name", "=", OUTBOX_JOB).execute();
    for (let tries = 0; (await queued()).length === 0; tries++) {
      if (tries > 200) throw new Error("the outbox job was never queued");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Both events' calls come to one queued job (its singleton key), which sends both emails.
    expect(await queued()).toHaveLength(1);
    await runQueuedJobs(OUTBOX_JOB);
    expect(received.sort()).toEqual(["person1@example.nhs.uk", "person2@example.nhs.uk"]);
    const rows = await database.selectFrom("outbox").select(["sent_at", "attempts"]).execute();
    expect(rows.every((r) => r.sent_at !== null && r.attempts === 1)).toBe(true);
    expect((await queued()).map((j) => j.state)).toEqual(["completed"]);
  });
});

describe("the evidence sweep as a job", () => {
  it("removes bytes no draft or version names once they are a day old, and leaves newer ones", async () => {
    const fs = await import("node:fs");
    const { EVIDENCE_SWEEP_JOB, jobs } = await import("../../app/.server/background.ts");
    const { evidenceStore } = await import("../../app/.server/evidence.ts");
    const store = evidenceStore(database);
    const old = await store.put([Buffer.from(`nobody names this ${Date.now()}`)]);
    const recent = await store.put([Buffer.from(`uploaded a moment ago ${Date.now()}`)]);
    // The local store dates content by its file (this suite runs on SQLite, where local is the default).
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    const file = `${process.env.UPLOADS_DIR}/${old.sha256.slice(0, 2)}/${old.sha256.slice(2, 4)}/${old.sha256}`;
    fs.utimesSync(file, twoDaysAgo, twoDaysAgo);
    await jobs().send(EVIDENCE_SWEEP_JOB, {}, { singletonKey: EVIDENCE_SWEEP_JOB });
    await runQueuedJobs(EVIDENCE_SWEEP_JOB);
    expect(fs.existsSync(file)).toBe(false);
    expect(await store.listStoredBefore(new Date(Date.now() + 60_000))).toContain(recent.sha256);
  });
});
