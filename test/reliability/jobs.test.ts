import { afterAll, describe, expect, it } from "vitest";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { postForm, signIn } from "./browser-forms.ts";
import { demoActors, EMAILS, prepareSubmissions } from "./fixtures.ts";

/**
 * Background work as jobs (decision 009), with real server.js processes of the production build:
 * an impact simulation survives kill -9 of the instance running it, and two instances on one
 * PostgreSQL sweep the national clocks once a minute between them, not once each.
 */

/** Polls until `check` gives a value (no fixed waits); fails after `ms`. */
async function until<T>(check: () => Promise<T | undefined | null | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const LIVE = 60;

describe.each(databaseKinds)("an impact simulation across kill -9 on $engine", (kind) => {
  let t: TestDatabase;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await t?.destroy();
  });

  it("carries on from its last completed batch after a restart and counts each submission once", async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    await prepareSubmissions(t.db, await demoActors(t.db), "draft", LIVE);
    // Batches of five with a pause after each (server side): twelve batches, long enough to cut off.
    const jobEnv = { JOBS_POLL_SECONDS: "0.5", JOBS_MAINTENANCE_SECONDS: "1", SIMULATION_BATCH_SIZE: "5" };
    const first = await startServer({ databaseUrl: t.url, env: { ...jobEnv, SIMULATION_BATCH_PAUSE_MS: "300" } });
    servers.push(first);

    const cookie = await signIn(first.baseUrl, EMAILS.admin);
    const started = await postForm(first.baseUrl, "/admin/criteria", cookie, { target: "2016-17" });
    expect(started).toMatchObject({ kind: "applied" });
    const id = (started as { location: string }).location.split("/").at(-1)!;
    const row = () => t.db.selectFrom("criteria_simulation").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

    await until(async () => (await row()).processed >= 10, 30_000, "two batches done");
    await first.kill();
    const cut = await row();
    // What the old in-process simulation left for ever (or 15 minutes): "running", part way.
    expect(cut).toMatchObject({ status: "running", total: LIVE });
    expect(cut.processed).toBeLessThan(LIVE);

    const second = await startServer({ databaseUrl: t.url, env: jobEnv });
    servers.push(second);
    // On SQLite the new process takes the dead one's job at once; on PostgreSQL it is retried when it
    // expires (30 s) at the next maintenance run.
    const finished = await until(
      async () => {
        const r = await row();
        return r.status !== "running" && r;
      },
      75_000,
      "simulation finished after the restart",
    );
    expect(finished).toMatchObject({ status: "done", processed: LIVE, error: null });
    expect(JSON.parse(finished.result!)).toMatchObject({ live: LIVE, targetSet: "2016-17" });

    // The admin's page shows the findings, not a progress bar.
    const page = await fetch(`${second.baseUrl}/admin/criteria/simulations/${id}`, {
      headers: { cookie: await signIn(second.baseUrl, EMAILS.admin) },
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toContain("simulation-progress");
    expect(html).not.toContain("did not finish");
  }, 150_000);
});

const postgres = databaseKinds.find((k) => k.engine === "postgres");

describe.runIf(postgres)("two instances on one PostgreSQL", () => {
  let t: TestDatabase;
  let instances: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await t?.destroy();
  });

  it("sweep the national clocks once a minute between them, not once each", async () => {
    t = await postgres!.create();
    await seedDemoAccounts(t.db);
    instances = await Promise.all([0, 1].map(() => startServer({ databaseUrl: t.url, env: { JOBS_POLL_SECONDS: "0.5" } })));
    // The minute to watch: this one if both instances have half of it left to each send it (pg-boss
    // looks for due schedules every 10 s, in whichever instance gets there first), else the next.
    const upAt = new Date();
    const watched = new Date(upAt);
    watched.setUTCSeconds(0, 0);
    if (upAt.getUTCSeconds() > 30) watched.setUTCMinutes(watched.getUTCMinutes() + 1);
    const minute = watched.toISOString().slice(0, 16);
    // After its end no instance can send that minute's sweep; a few seconds more for one sent at its last moment to run.
    const after = watched.getTime() + 65_000;
    await until(async () => Date.now() > after, 150_000, "the watched minute over");

    const sweeps = instances.flatMap((s, instance) =>
      s
        .output()
        .split("\n")
        .filter((line) => line.includes('"message":"clock sweep"'))
        .map((line) => ({ instance, ...(JSON.parse(line) as { minute: string; jobId: string }) })),
    );
    const perMinute = new Map<string, number>();
    for (const s of sweeps) perMinute.set(s.minute, (perMinute.get(s.minute) ?? 0) + 1);
    expect(perMinute.get(minute)).toBe(1);
    expect([...perMinute.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(sweeps.map((s) => s.jobId)).size).toBe(sweeps.length);
  }, 180_000);
});
