import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreDatabase } from "../../db/backup.ts";
import { verifyAuditChains } from "../../db/audit.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { type Outcome, postForm, signIn } from "./browser-forms.ts";
import { npmRun } from "./commands.ts";
import { demoActors, EMAILS, inconsistencies, type Prepared, prepareSubmissions } from "./fixtures.ts";

/**
 * kill -9 of the server while 500 events are in flight, then a restart on the same database: no
 * transition may be half applied, the audit chains must verify, every event whose sender was told
 * it succeeded must be there, and an event that got no answer can simply be sent again (it either
 * applies now or is told the submission already changed). A backup started while the events are
 * being applied restores to a database where all of that holds too.
 */

const EVENTS = 500;
/** The kill is sent once this many answers have come back, so most of the 500 are still in flight. */
const KILL_AFTER_ANSWERS = 120;

interface Sent {
  submission: Prepared;
  action: "SUBMIT" | "WITHDRAW" | "PAUSE";
  who: keyof typeof EMAILS;
  path: string;
  fields: Record<string, string>;
}

describe.each(databaseKinds)("kill -9 with events in flight on $engine", (kind) => {
  let t: TestDatabase;
  const servers: RunningServer[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-kill-"));
    t = await kind.create();
    await seedDemoAccounts(t.db);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await t?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`leaves no half-applied transition and keeps every answered event, with ${EVENTS} in flight`, async () => {
    const started = performance.now();
    const actors = await demoActors(t.db);
    const submitCount = Math.ceil(EVENTS / 3);
    const [ready, drafts] = await Promise.all([
      prepareSubmissions(t.db, actors, "ready_to_submit", submitCount),
      prepareSubmissions(t.db, actors, "draft", EVENTS - submitCount),
    ]);
    // One event per submission: a lead's submit (freezes a version: several rows in one transaction),
    // a lead's withdrawal, or an administrator's pause.
    const events: Sent[] = [
      ...ready.map(
        (s): Sent => ({
          submission: s,
          action: "SUBMIT",
          who: "lead",
          path: `/submissions/${s.id}/check`,
          fields: { declaration: "yes", version: String(s.version) },
        }),
      ),
      ...drafts.map(
        (s, i): Sent =>
          i % 2 === 0
            ? {
                submission: s,
                action: "WITHDRAW",
                who: "lead",
                path: `/submissions/${s.id}/withdraw`,
                fields: { reason: "Commissioning through an alliance.", version: String(s.version) },
              }
            : {
                submission: s,
                action: "PAUSE",
                who: "admin",
                path: `/submissions/${s.id}/pause`,
                fields: { intent: "pause", reason: "National intervention.", version: String(s.version) },
              },
      ),
    ];
    // Interleave the kinds, so the kill lands among all three.
    events.sort((a, b) => a.submission.id.localeCompare(b.submission.id));

    const first = await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "0" } });
    servers.push(first);
    const cookies = { lead: await signIn(first.baseUrl, EMAILS.lead), admin: await signIn(first.baseUrl, EMAILS.admin) } as Record<
      keyof typeof EMAILS,
      string
    >;

    const sendStarted = performance.now();
    let killedAt = 0;
    let answered = 0;
    let killed: Promise<void> | undefined;
    let backup: ReturnType<typeof npmRun> | undefined;
    const backupFile = path.join(dir, `during.${kind.engine === "sqlite" ? "db" : "dump"}`);
    const outcomes: Outcome[] = await Promise.all(
      events.map(async (e) => {
        const outcome = await postForm(first.baseUrl, e.path, cookies[e.who], e.fields);
        if (outcome.kind === "no-answer") return outcome;
        answered += 1;
        // Once events are being applied, an operator takes a backup.
        if (answered === 1) backup = npmRun("db:backup", t.url, [backupFile]);
        if (answered === KILL_AFTER_ANSWERS) {
          killedAt = performance.now() - sendStarted;
          killed = first.kill();
        }
        return outcome;
      }),
    );
    await killed;
    expect(killed, "the server was killed").toBeDefined();

    const tally = (k: Outcome["kind"]) => outcomes.filter((o) => o.kind === k).length;
    const other = outcomes.filter((o) => o.kind === "other" || o.kind === "conflict" || o.kind === "refused");
    // Each submission got one event it was ready for: anything but "applied" or "no answer" is a fault.
    expect(other).toEqual([]);
    expect(tally("no-answer"), "events still in flight when the server died").toBeGreaterThan(0);

    const restartStarted = performance.now();
    const restarted = await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "0" } });
    const restartMs = performance.now() - restartStarted;
    servers.push(restarted);
    const ids = events.map((e) => e.submission.id);
    expect(await inconsistencies(t.db, ids)).toEqual([]);
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });

    const recorded = await t.db
      .selectFrom("audit_event")
      .select(["chain", "action"])
      .where("chain", "in", ids)
      .where("seq", ">", 1)
      .execute();
    const applied = new Set(recorded.map((r) => `${r.chain} ${r.action}`));
    expect(recorded).toHaveLength(applied.size);
    const missing = events.filter((e, i) => outcomes[i]!.kind === "applied" && !applied.has(`${e.submission.id} ${e.action}`));
    expect(missing).toEqual([]);
    const lostAnswers = events.filter((e, i) => outcomes[i]!.kind === "no-answer" && applied.has(`${e.submission.id} ${e.action}`)).length;

    // The senders of unanswered events try again, on the restarted server with the page they had.
    const retried = await Promise.all(
      events.map(async (e, i) =>
        outcomes[i]!.kind === "no-answer" ? { e, outcome: await postForm(restarted.baseUrl, e.path, cookies[e.who], e.fields) } : null,
      ),
    );
    for (const r of retried) {
      if (!r) continue;
      const expected = applied.has(`${r.e.submission.id} ${r.e.action}`) ? "conflict" : "applied";
      expect(r.outcome.kind, `${r.e.action} ${r.e.submission.id} sent again`).toBe(expected);
    }
    expect(await inconsistencies(t.db, ids)).toEqual([]);
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });
    // The backup is one consistent moment, whenever it ran: whatever it caught is whole.
    const backedUp = await backup!;
    expect(backedUp.stderr).toBe("");
    expect(backedUp.status).toBe(0);
    const copy = await kind.create({ migrate: false });
    let inBackup: number;
    try {
      await restoreDatabase(copy.url, backupFile);
      expect(await inconsistencies(copy.db, ids)).toEqual([]);
      expect(await verifyAuditChains(copy.db)).toMatchObject({ intact: true });
      const n = await copy.db
        .selectFrom("audit_event")
        .select(({ fn }) => fn.countAll<number>().as("n"))
        .where("chain", "in", ids)
        .where("seq", ">", 1)
        .executeTakeFirstOrThrow();
      inBackup = Number(n.n);
    } finally {
      await copy.destroy();
    }

    const final = await t.db
      .selectFrom("audit_event")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("chain", "in", ids)
      .where("seq", ">", 1)
      .executeTakeFirstOrThrow();
    expect(Number(final.n)).toBe(EVENTS);

    console.info(
      `kill -9 on ${kind.engine}: ${EVENTS} events, killed after ${KILL_AFTER_ANSWERS} answers (${(killedAt / 1000).toFixed(1)} s after sending), ` +
        `restarted and answering in ${(restartMs / 1000).toFixed(1)} s; ` +
        `${tally("applied")} answered as applied, ${tally("no-answer")} unanswered (${lostAnswers} of which had committed); ` +
        `all ${tally("no-answer")} re-sent after restart: ${tally("no-answer") - lostAnswers} applied, ${lostAnswers} told "changed by someone else"; ` +
        `the backup started under load holds ${inBackup} of the events; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
    );
  }, 180_000);
});
