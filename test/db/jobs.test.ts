import { spawnSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createJobs, dueThisMinute, type Jobs } from "../../app/.server/jobs.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

/**
 * The job interface on both engines (decision 009): pg-boss on PostgreSQL, the in-process runner on
 * SQLite. Two runners on one database stand for two app instances.
 */

const CONFIG = { pollSeconds: 0.5, maintenanceSeconds: 60 };

/** Polls until `check` holds (no fixed waits); fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(databaseKinds)("jobs on $engine", (kind) => {
  let t: TestDatabase;
  let runners: Jobs[] = [];
  const runner = () => {
    const r = createJobs(t.db, t.url, CONFIG);
    runners.push(r);
    return r;
  };
  beforeAll(async () => {
    t = await kind.create();
  });
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners = [];
  });
  afterAll(async () => t?.destroy());
  // The SQLite runner's own behaviour is declared on SQLite only (not skipped on PostgreSQL, where
  // pg-boss does the same and CI counts a skipped test as a failure).
  const itOnSqlite: typeof it = ((name: string, fn: () => Promise<void>) => {
    if (kind.engine === "sqlite") it(name, fn);
  }) as typeof it;

  it("runs each job once with two runners taking from one queue", async () => {
    const runs: string[] = [];
    const [a, b] = [runner(), runner()];
    for (const r of [a, b]) r.work<{ n: number }>("count-once", async (job) => void runs.push(`${job.data.n}`));
    await Promise.all([a.start(), b.start()]);
    const sent = await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 ? a : b).send("count-once", { n })));
    expect(sent.every((id) => typeof id === "string")).toBe(true);
    await until(() => runs.length >= 20);
    await until(async () => (await a.stats()).find((q) => q.name === "count-once")?.queued === 0);
    expect(runs.sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 20 }, (_, n) => `${n}`));
  });

  it("retries a failing job up to its limit, then records it as failed", async () => {
    const tries = new Map<string, number>();
    const r = runner();
    r.work<{ key: string; failures: number }>(
      "flaky",
      async (job) => {
        const n = (tries.get(job.data.key) ?? 0) + 1;
        tries.set(job.data.key, n);
        if (n <= job.data.failures) throw new Error(`failure ${n} of ${job.data.key}`);
      },
      { retryLimit: 2, retryDelay: 0 },
    );
    await r.start();
    await r.send("flaky", { key: "recovers", failures: 2 });
    await r.send("flaky", { key: "never", failures: 99 });
    await until(async () => (await r.stats()).find((q) => q.name === "flaky")?.failed === 1);
    await until(() => tries.get("recovers") === 3);
    expect(tries.get("never")).toBe(3);
    expect(await r.stats()).toContainEqual({ name: "flaky", queued: 0, active: 0, failed: 1 });
  });

  it("keeps one queued and one running job per singleton key", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const r = runner();
    r.work("single", async () => released, { singletons: true });
    await r.start();
    expect(await r.send("single", {}, { singletonKey: "k" })).toEqual(expect.any(String));
    await until(async () => (await r.stats()).find((q) => q.name === "single")?.active === 1);
    // The running one may queue its sequel; a third waits for neither.
    expect(await r.send("single", {}, { singletonKey: "k" })).toEqual(expect.any(String));
    expect(await r.send("single", {}, { singletonKey: "k" })).toBeNull();
    expect(await r.send("single", {}, { singletonKey: "other" })).toEqual(expect.any(String));
    release();
  });

  it("stop() resolves only when the job in hand has finished", async () => {
    const events: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const r = runner();
    r.work("slow", async () => {
      events.push("started");
      await released;
      events.push("finished");
    });
    await r.start();
    await r.send("slow", {});
    await until(() => events.includes("started"));
    const stopped = r.stop().then(() => events.push("stopped"));
    setImmediate(release);
    await stopped;
    expect(events).toEqual(["started", "finished", "stopped"]);
  });

  itOnSqlite("SQLite: sends a scheduled job once per minute however many runners poll", async () => {
    const runs: string[] = [];
    const [a, b] = [runner(), runner()];
    for (const r of [a, b]) {
      r.work("every-minute", async (job) => void runs.push(job.id));
      r.schedule("every-minute", "* * * * *");
    }
    const minute = new Date().toISOString().slice(0, 16);
    const poll = (r: Jobs) => (r as unknown as { poll(): Promise<void> }).poll();
    await Promise.all([poll(a), poll(b), poll(a), poll(b)]);
    const rows = await t.db.selectFrom("job").select(["singleton_on", "state"]).where("name", "=", "every-minute").execute();
    // A poll just past a minute boundary sends that minute's too: one per minute, never two.
    const minutes = rows.map((j) => j.singleton_on!.slice(0, 16));
    expect(new Set(minutes).size).toBe(rows.length);
    expect(minutes).toContain(minute);
    expect(runs).toHaveLength(rows.length);
    expect(() => a.schedule("nightly", "0 2 * * *")).toThrow(/every minute/);
  });

  itOnSqlite("SQLite: another process leaves a key's next job until the running one is done", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    const [a, b] = [runner(), runner()];
    for (const [who, r] of [
      ["a", a],
      ["b", b],
    ] as const) {
      r.work(
        "keyed",
        async () => {
          runs.push(who);
          if (runs.length === 1) await released;
        },
        { singletons: true },
      );
    }
    const poll = (r: Jobs) => (r as unknown as { poll(only: string[]): Promise<void> }).poll(["keyed"]);
    await a.send("keyed", {}, { singletonKey: "k" });
    const first = poll(a);
    await until(() => runs.length === 1);
    await a.send("keyed", {}, { singletonKey: "k" });
    await poll(b);
    expect(runs).toEqual(["a"]);
    release();
    await first;
    expect(runs).toEqual(["a", "a"]);
  });

  itOnSqlite("SQLite: a job left running by a process that died is taken up again", async () => {
    // A real process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const at = new Date().toISOString();
    await t.db
      .insertInto("job")
      .values({ id: "orphan", name: "orphaned", data: '{"n":7}', state: "active", start_after: at, created_at: at, owner: dead.stdout })
      .execute();
    const runs: number[] = [];
    const r = runner();
    r.work<{ n: number }>("orphaned", async (job) => void runs.push(job.data.n));
    await r.start();
    await until(() => runs.length === 1);
    expect(runs).toEqual([7]);
    await until(
      async () => (await t.db.selectFrom("job").select("state").where("id", "=", "orphan").executeTakeFirst())?.state === "completed",
    );
  });
});

describe("the SQLite runner's schedules", () => {
  it("knows every minute and once an hour at a minute, as pg-boss reads cron (UTC)", () => {
    const at = new Date("2026-12-02T21:17:30Z");
    expect(dueThisMinute("* * * * *", at)).toBe(true);
    expect(dueThisMinute("17 * * * *", at)).toBe(true);
    expect(dueThisMinute("18 * * * *", at)).toBe(false);
    expect(dueThisMinute("17 * * * *", new Date("2026-12-02T22:17:00Z"))).toBe(true);
  });

  it("refuses a schedule it cannot keep rather than running it at the wrong time", async () => {
    const t = await databaseKinds[0]!.create();
    try {
      const runner = createJobs(t.db, t.url, CONFIG);
      expect(() => runner.schedule("nightly", "0 2 * * *")).toThrow(/only every minute .* or hourly/);
      expect(() => runner.schedule("hourly", "17 * * * *")).not.toThrow();
    } finally {
      await t.destroy();
    }
  });
});
