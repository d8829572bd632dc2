import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditChains } from "../../db/audit.ts";
import { DEMO_ACCOUNTS } from "../../db/seed/demo.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { type Outcome, postForm, signIn } from "./browser-forms.ts";
import { demoActors, EMAILS, inconsistencies, type Prepared, prepareSubmissions } from "./fixtures.ts";

/**
 * Two app instances (two server.js processes of the production build) on one database: PostgreSQL
 * as production scales out, and SQLite, where a second process on the same file is supported (the
 * in-process race tests cannot show two processes). They start at once on an empty database; then
 * pairs of conflicting events are posted at once, one of each pair to each instance, by signed-in
 * users as their browsers would: exactly one of each pair may apply.
 */

const PAIRS = 200;

interface Race {
  label: string;
  submission: Prepared;
  /** Each side: who posts what where; the two go to different instances. */
  sides: [Post, Post];
  /** The state each side leads to, when it is the one that applies. */
  states: [string, string];
}
interface Post {
  who: keyof typeof EMAILS;
  path: string;
  fields: Record<string, string>;
}

describe.each(databaseKinds)("two app instances sharing one database on $engine", (kind) => {
  let t: TestDatabase;
  let instances: RunningServer[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await t?.destroy();
  });

  it("both start at once on an empty database: one migrates and seeds, the other finds it done", async () => {
    t = await kind.create({ migrate: false });
    const started = await Promise.allSettled([0, 1].map(() => startServer({ databaseUrl: t.url, env: { DEMO_SEED: "1" } })));
    instances = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(started.map((s) => (s.status === "rejected" ? String(s.reason) : "started"))).toEqual(["started", "started"]);

    // Each instance's start-up log line.
    const starts = instances.map(
      (s) =>
        s
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as { message: string; migrationsApplied?: number; demoAccountsSeeded?: boolean })
          .find((line) => line.message.startsWith("NCM Assure is running"))!,
    );
    expect(starts.filter((s) => s.demoAccountsSeeded)).toHaveLength(1);
    const applied = starts.map((s) => s.migrationsApplied!).sort((a, b) => a - b);
    expect(applied[0]).toBe(0);
    expect(applied[1]).toBeGreaterThan(0);
    const emails = (await t.db.selectFrom("user").select("email").execute()).map((u) => u.email);
    expect(emails).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));
    expect(new Set(emails).size).toBe(emails.length);
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });
  }, 120_000);

  it(`applies exactly one of each of ${PAIRS} pairs of conflicting events sent at once, and the audit chains verify`, async () => {
    expect(instances).toHaveLength(2);
    const started = performance.now();
    const actors = await demoActors(t.db);
    const [waiting, countersigning] = await Promise.all([
      prepareSubmissions(t.db, actors, "awaiting_assignment", PAIRS / 2, 4),
      prepareSubmissions(t.db, actors, "awaiting_countersign", PAIRS / 2, 4),
    ]);

    // Sessions live in the database: a cookie from one instance is good on the other. Each user signs
    // in on one of them, which also warms both up before the race.
    const cookies = Object.fromEntries(
      await Promise.all(
        Object.entries(EMAILS).map(async ([who, email], i) => [who, await signIn(instances[i % 2]!.baseUrl, email)] as const),
      ),
    ) as Record<keyof typeof EMAILS, string>;

    const races: Race[] = [
      // A lead withdraws while an administrator assigns reviewers.
      ...waiting.map(
        (s): Race => ({
          label: "withdraw / assign",
          submission: s,
          sides: [
            {
              who: "lead",
              path: `/submissions/${s.id}/withdraw`,
              fields: { version: String(s.version), reason: "The CCGs chose an alliance instead." },
            },
            {
              who: "admin",
              path: `/submissions/${s.id}/assign`,
              fields: {
                intent: "assign",
                version: String(s.version),
                leadReviewerId: actors.leadReviewer.id,
                secondReviewerId: actors.secondReviewer.id,
              },
            },
          ],
          states: ["withdrawn", "checkpoint1.in_review"],
        }),
      ),
      // The second reviewer countersigns (half in two tabs, agreeing in one and disagreeing in the
      // other; half while an administrator pauses the submission).
      ...countersigning.map((s, i): Race => {
        const agree: Post = {
          who: "secondReviewer",
          path: `/reviews/${s.id}`,
          fields: { intent: "countersign", version: String(s.version), agree: "yes" },
        };
        const other: Post =
          i % 2 === 0
            ? {
                who: "secondReviewer",
                path: `/reviews/${s.id}`,
                fields: { intent: "countersign", version: String(s.version), agree: "no", reason: "The hub populations do not add up." },
              }
            : {
                who: "admin",
                path: `/submissions/${s.id}/pause`,
                fields: { intent: "pause", version: String(s.version), reason: "National intervention." },
              };
        return {
          label: i % 2 === 0 ? "countersign yes / no" : "countersign / pause",
          submission: s,
          sides: [agree, other],
          states: ["procurement", i % 2 === 0 ? "checkpoint1.in_review" : "paused"],
        };
      }),
    ];

    const raceStarted = performance.now();
    // Every post at once; each pair's sides are issued back to back, to different instances (which
    // instance gets which side alternates), so the two arrive together.
    const outcomes = await Promise.all(
      races.map(
        (race, i) =>
          Promise.all(
            race.sides.map((side, s) => postForm(instances[(i + s) % 2]!.baseUrl, side.path, cookies[side.who], side.fields)),
          ) as Promise<[Outcome, Outcome]>,
      ),
    );

    const raceMs = performance.now() - raceStarted;
    const unexpected: string[] = [];
    const appliedOnInstance = [0, 0];
    for (const [i, race] of races.entries()) {
      const [a, b] = outcomes[i]!;
      const applied = [a, b].filter((o) => o.kind === "applied");
      const lost = [a, b].filter((o) => o.kind === "conflict" || o.kind === "refused");
      if (applied.length !== 1 || lost.length !== 1) unexpected.push(`${race.label} ${race.submission.id}: ${JSON.stringify([a, b])}`);
      const winner = a.kind === "applied" ? 0 : 1;
      appliedOnInstance[(i + winner) % 2]! += 1;
    }
    expect(unexpected).toEqual([]);

    // What the database holds agrees with the answers: each submission moved once, to the winner's state.
    const rows = await t.db
      .selectFrom("submission")
      .select(["id", "state", "version"])
      .where(
        "id",
        "in",
        races.map((r) => r.submission.id),
      )
      .execute();
    for (const [i, race] of races.entries()) {
      const winner = outcomes[i]![0].kind === "applied" ? 0 : 1;
      expect(rows.find((r) => r.id === race.submission.id)).toMatchObject({
        state: race.states[winner],
        version: race.submission.version + 1,
      });
    }
    expect(
      await inconsistencies(
        t.db,
        races.map((r) => r.submission.id),
      ),
    ).toEqual([]);
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });
    const conflicts = outcomes.flat().filter((o) => o.kind === "conflict").length;
    console.info(
      `two instances on ${kind.engine}: ${races.length} pairs (${races.length * 2} posts) answered in ${(raceMs / 1000).toFixed(1)} s; ` +
        `${conflicts} losers told "changed by someone else", ${races.length - conflicts} refused with a reason; ` +
        `wins per instance ${appliedOnInstance.join("/")}; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
    );
  }, 180_000);
});
