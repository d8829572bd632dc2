import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { type Db, databaseKind, dialectOf } from "../../db/client.ts";
import { logError } from "./log.ts";

/**
 * Background work as jobs (decision 009): one interface, two engines. On PostgreSQL, pg-boss keeps
 * the queue in its own schema of the same database, so a job is done once across every instance,
 * a scheduled one is sent once per minute for the whole cluster, and a job whose instance died is
 * failed when it expires and retried. On SQLite (one machine), the same interface runs in process
 * from the `job` table, so queued work survives a restart and a job whose process died is taken
 * up again at once.
 */

export interface JobOptions {
  /**
   * One queued and one running job per key: sending another while one is queued does nothing (a
   * running job may queue its sequel). Only on queues declared with `singletons`.
   */
  singletonKey?: string;
  /** Queue option: every job of this queue is sent with a singletonKey (pg-boss's "stately" policy). */
  singletons?: boolean;
  /** How many times a failed job is tried again, after retryDelay seconds (doubling each time with retryBackoff). */
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  /** How long one run may take before it counts as failed (and, on PostgreSQL, a dead instance's job is retried). */
  expireInSeconds?: number;
}

export interface Job<T> {
  id: string;
  data: T;
  /** A scheduled job's minute (ISO), the slot it is the one job for; null for others. */
  singletonOn: string | null;
}

export type Handler<T> = (job: Job<T>) => Promise<void>;

export interface QueueStats {
  name: string;
  queued: number;
  active: number;
  failed: number;
}

export interface Jobs {
  readonly engine: "postgres" | "sqlite";
  /** Queues a job; null when a singleton like it is already queued or running. */
  send<T extends object>(name: string, data: T, options?: JobOptions): Promise<string | null>;
  /** Declares the queue's defaults and this instance's handler for it, before start(). */
  work<T extends object>(name: string, handler: Handler<T>, options?: JobOptions): void;
  /** A job sent once per matching minute across all instances; the SQLite runner knows only "* * * * *". */
  schedule(name: string, cron: string): void;
  start(): Promise<void>;
  /** Takes no more jobs and resolves when those running have finished. */
  stop(): Promise<void>;
  stats(): Promise<QueueStats[]>;
}

export interface JobsConfig {
  /** How often an idle worker looks for jobs, in seconds (JOBS_POLL_SECONDS). */
  pollSeconds: number;
  /** PostgreSQL: how often expired jobs are failed (and retried), in seconds (JOBS_MAINTENANCE_SECONDS). */
  maintenanceSeconds: number;
}

export const DEFAULT_JOBS_CONFIG: JobsConfig = { pollSeconds: 2, maintenanceSeconds: 60 };

export function createJobs(db: Db, databaseUrl: string, config: JobsConfig = DEFAULT_JOBS_CONFIG): Jobs {
  return databaseKind(databaseUrl) === "postgres" ? new PgBossJobs(databaseUrl, config) : new SqliteJobs(db, config);
}

interface Declared {
  name: string;
  handler: Handler<never>;
  options: JobOptions;
}

const PG_SCHEMA = "pgboss";

class PgBossJobs implements Jobs {
  readonly engine = "postgres" as const;
  readonly #boss: PgBoss;
  readonly #config: JobsConfig;
  readonly #queues: Declared[] = [];
  readonly #schedules: { name: string; cron: string }[] = [];
  readonly #workers = new Map<string, string>();
  #started: Promise<void> | null = null;

  constructor(url: string, config: JobsConfig) {
    this.#config = config;
    this.#boss = new PgBoss({
      connectionString: url,
      schema: PG_SCHEMA,
      max: 4,
      maintenanceIntervalSeconds: config.maintenanceSeconds,
      // Scheduled jobs are looked for often enough to be sent within seconds of their minute.
      cronMonitorIntervalSeconds: 10,
      cronWorkerIntervalSeconds: Math.max(1, config.pollSeconds),
    });
    this.#boss.on("error", (error) => logError("job queue error", { error }));
  }

  work<T extends object>(name: string, handler: Handler<T>, options: JobOptions = {}): void {
    this.#queues.push({ name, handler, options });
  }

  schedule(name: string, cron: string): void {
    this.#schedules.push({ name, cron });
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      await this.#boss.start();
      for (const q of this.#queues) {
        const queue = {
          name: q.name,
          policy: q.options.singletons ? ("stately" as const) : ("standard" as const),
          retryLimit: q.options.retryLimit ?? 0,
          retryDelay: q.options.retryDelay ?? 0,
          retryBackoff: q.options.retryBackoff ?? false,
          expireInSeconds: q.options.expireInSeconds ?? 15 * 60,
        };
        // "stately": one job per key in each of queued, waiting to retry and running.
        if (await this.#boss.getQueue(q.name)) await this.#boss.updateQueue(q.name, queue);
        else await this.#boss.createQueue(q.name, queue).catch(() => {});
        const workerId = await this.#boss.work<object>(
          q.name,
          { pollingIntervalSeconds: Math.max(0.5, this.#config.pollSeconds), includeMetadata: true },
          async (jobs) => {
            for (const job of jobs) {
              const singletonOn = job.singletonOn ? new Date(job.singletonOn).toISOString() : null;
              await q.handler({ id: job.id, data: job.data as never, singletonOn });
            }
          },
        );
        this.#workers.set(q.name, workerId);
      }
      for (const s of this.#schedules) {
        // The scheduled job itself is also a singleton for its minute, so even a cron sent twice runs once.
        await this.#boss.schedule(s.name, s.cron, {}, { singletonKey: s.name, singletonSeconds: 60 });
      }
    })();
    return this.#started;
  }

  async send<T extends object>(name: string, data: T, options: JobOptions = {}): Promise<string | null> {
    await this.start();
    const id = await this.#boss.send(name, data, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.retryLimit !== undefined ? { retryLimit: options.retryLimit } : {}),
      ...(options.retryDelay !== undefined ? { retryDelay: options.retryDelay } : {}),
      ...(options.retryBackoff !== undefined ? { retryBackoff: options.retryBackoff } : {}),
      ...(options.expireInSeconds !== undefined ? { expireInSeconds: options.expireInSeconds } : {}),
    });
    // A worker waits out its polling interval after each job; one here is told at once, so a
    // simulation's next batch or a fresh email does not wait for it.
    const workerId = this.#workers.get(name);
    if (id && workerId) this.#boss.notifyWorker(workerId);
    return id;
  }

  #stopping: Promise<void> | null = null;

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (!this.#started) return;
    await this.#started.catch(() => {});
    // Graceful: waits for the handlers running now, up to 30 s, then fails what is left (to be retried).
    await new Promise<void>((resolve) => {
      this.#boss.once("stopped", () => resolve());
      this.#boss.stop({ graceful: true, wait: true, timeout: 30_000 }).catch((error) => {
        logError("job queue did not stop cleanly", { error });
        resolve();
      });
    });
  }

  async stats(): Promise<QueueStats[]> {
    await this.start();
    const db = this.#boss.getDb();
    const { rows } = (await db.executeSql(
      `select name, state, count(*)::int as n from ${PG_SCHEMA}.job where name not like '\\_\\_pgboss%' group by name, state`,
      [],
    )) as { rows: { name: string; state: string; n: number }[] };
    return tallyStates(
      this.#queues.map((q) => q.name),
      rows.map((r) => ({ name: r.name, state: r.state === "retry" ? "created" : r.state, n: r.n })),
    );
  }
}

function tallyStates(names: string[], rows: { name: string; state: string; n: number }[]): QueueStats[] {
  const byName = new Map(names.map((name) => [name, { name, queued: 0, active: 0, failed: 0 }]));
  for (const r of rows) {
    const s = byName.get(r.name) ?? { name: r.name, queued: 0, active: 0, failed: 0 };
    if (r.state === "created") s.queued += r.n;
    else if (r.state === "active") s.active += r.n;
    else if (r.state === "failed") s.failed += r.n;
    byName.set(r.name, s);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether the process that took a job is still alive (SQLite's jobs all run on the one machine). */
function processAlive(owner: string | null): boolean {
  const pid = Number(owner);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const KEEP_FINISHED_MS = 7 * 24 * 60 * 60_000;

class SqliteJobs implements Jobs {
  readonly engine = "sqlite" as const;
  readonly #db: Db;
  readonly #config: JobsConfig;
  readonly #queues = new Map<string, Declared>();
  readonly #schedules: { name: string; cron: string }[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #owner = String(process.pid);
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> | null = null;
  #stopped = true;
  #closing = false;

  constructor(db: Db, config: JobsConfig) {
    if (dialectOf(db) !== "sqlite") throw new Error("The in-process job runner is for SQLite");
    this.#db = db;
    this.#config = config;
  }

  work<T extends object>(name: string, handler: Handler<T>, options: JobOptions = {}): void {
    this.#queues.set(name, { name, handler: handler as Handler<never>, options });
  }

  schedule(name: string, cron: string): void {
    if (!SQLITE_CRONS.test(cron.trim()))
      throw new Error(`The SQLite job runner schedules only every minute ("* * * * *") or hourly ("M * * * *"), not "${cron}"`);
    this.#schedules.push({ name, cron });
  }

  async send<T extends object>(name: string, data: T, options: JobOptions = {}, singletonOn: string | null = null): Promise<string | null> {
    const defaults = this.#queues.get(name)?.options ?? {};
    const o = { ...defaults, ...options };
    const now = new Date().toISOString();
    const id = randomUUID();
    const inserted = await this.#db
      .insertInto("job")
      .values({
        id,
        name,
        data: JSON.stringify(data),
        state: "created",
        singleton_key: o.singletonKey ?? null,
        singleton_on: singletonOn,
        retry_limit: o.retryLimit ?? 0,
        retry_delay: o.retryDelay ?? 0,
        retry_backoff: o.retryBackoff ? 1 : 0,
        start_after: now,
        owner: null,
        output: null,
        created_at: now,
        started_at: null,
        completed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return null;
    if (!this.#stopped) this.#wake();
    return id;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#closing = false;
    this.#schedulePoll(0);
  }

  /**
   * Runs one round now: sends due schedules, takes up dead processes' jobs, and runs what is
   * queued (and what those jobs queue) until none is left. Tests call it for the named queues.
   */
  async poll(only?: string[]): Promise<void> {
    const now = new Date();
    const minute = `${now.toISOString().slice(0, 16)}:00.000Z`;
    if (!only)
      for (const s of this.#schedules.filter((s) => dueThisMinute(s.cron, now)))
        await this.send(s.name, {}, { singletonKey: s.name }, minute);
    await this.#reclaim(now);
    for (const queue of this.#queues.values()) {
      if (only && !only.includes(queue.name)) continue;
      for (;;) {
        if (this.#closing) return;
        let job: Awaited<ReturnType<SqliteJobs["claim"]>>;
        try {
          job = await this.claim(queue.name, new Date().toISOString());
        } catch (error) {
          // Its key's job is running in another process (one running per key): it waits its turn.
          if (String(error).includes("UNIQUE constraint failed")) break;
          throw error;
        }
        if (!job) break;
        const run = this.#run(queue, job);
        this.#running.add(run);
        void run.finally(() => this.#running.delete(run));
        await run;
      }
    }
  }

  /** Takes the oldest due job of a queue for this process; undefined when there is none. */
  private async claim(name: string, now: string) {
    return this.#db
      .updateTable("job")
      .set({ state: "active", owner: this.#owner, started_at: now })
      .where(
        "id",
        "=",
        (eb) =>
          eb
            .selectFrom("job")
            .select("id")
            .where("name", "=", name)
            .where("state", "=", "created")
            .where("start_after", "<=", now)
            .orderBy("start_after")
            .limit(1) as never,
      )
      .where("state", "=", "created")
      .returningAll()
      .executeTakeFirst();
  }

  async #run(
    queue: Declared,
    job: {
      id: string;
      data: string;
      singleton_on: string | null;
      retry_count: number;
      retry_limit: number;
      retry_delay: number;
      retry_backoff: number;
    },
  ) {
    const expireMs = (queue.options.expireInSeconds ?? 15 * 60) * 1000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.handler({ id: job.id, data: JSON.parse(job.data) as never, singletonOn: job.singleton_on }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`job took longer than ${expireMs / 1000} s`)), expireMs);
        }),
      ]);
      await this.#db
        .updateTable("job")
        .set({ state: "completed", completed_at: new Date().toISOString(), owner: null })
        .where("id", "=", job.id)
        .execute();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retry = job.retry_count < job.retry_limit;
      const delay = job.retry_delay * (job.retry_backoff ? 2 ** job.retry_count : 1);
      await this.#db
        .updateTable("job")
        .set(
          retry
            ? {
                state: "created",
                retry_count: job.retry_count + 1,
                start_after: new Date(Date.now() + delay * 1000).toISOString(),
                owner: null,
                output: message,
              }
            : { state: "failed", completed_at: new Date().toISOString(), owner: null, output: message },
        )
        .where("id", "=", job.id)
        .execute();
      if (!retry) logError("job failed", { job: queue.name, jobId: job.id, error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A job left active by a process that has died is queued again, as it stood; finished ones are let go after a week. */
  async #reclaim(now: Date) {
    const active = await this.#db
      .selectFrom("job")
      .select(["id", "owner"])
      .where("state", "=", "active")
      .where("owner", "!=", this.#owner)
      .execute();
    const orphaned = active.filter((j) => !processAlive(j.owner)).map((j) => j.id);
    for (const id of orphaned) {
      try {
        await this.#db
          .updateTable("job")
          .set({ state: "created", owner: null })
          .where("id", "=", id)
          .where("state", "=", "active")
          .execute();
      } catch {
        // Its sequel is already queued under the same singleton key, and carries the work on.
        await this.#db.deleteFrom("job").where("id", "=", id).where("state", "=", "active").execute();
      }
    }
    await this.#db
      .deleteFrom("job")
      .where("state", "in", ["completed", "failed"])
      .where("completed_at", "<", new Date(now.getTime() - KEEP_FINISHED_MS).toISOString())
      .execute();
  }

  #wake() {
    if (this.#polling) return;
    this.#schedulePoll(0);
  }

  #schedulePoll(ms: number) {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#stopped) return;
      this.#polling = this.poll()
        .catch((error) => logError("job runner poll failed", { error }))
        .finally(() => {
          this.#polling = null;
          if (!this.#stopped) this.#schedulePoll(this.#config.pollSeconds * 1000);
        });
    }, ms);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#closing = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#polling;
    await Promise.allSettled([...this.#running]);
  }

  async stats(): Promise<QueueStats[]> {
    const rows = await this.#db
      .selectFrom("job")
      .select(["name", "state", (eb) => eb.fn.countAll<number>().as("n")])
      .where("state", "in", ["created", "active", "failed"])
      .groupBy(["name", "state"])
      .execute();
    return tallyStates(
      [...this.#queues.keys()],
      rows.map((r) => ({ name: r.name, state: r.state, n: Number(r.n) })),
    );
  }
}

/** The schedules the SQLite runner knows: every minute, or once an hour at a given minute. */
const SQLITE_CRONS = /^(\*|[0-5]?\d) \* \* \* \*$/;

/** Whether a schedule the SQLite runner knows falls in the minute of `at` (UTC, as pg-boss reads cron). */
export function dueThisMinute(cron: string, at: Date): boolean {
  const minute = cron.trim().split(" ")[0];
  return minute === "*" || Number(minute) === at.getUTCMinutes();
}
