import { type Kysely, sql } from "kysely";
import { dialectOf } from "../client.ts";

/**
 * Background work as jobs (decision 009).
 *
 * `job`: the SQLite runner's queue (app/.server/jobs.ts). On PostgreSQL the queue is pg-boss, in
 * its own schema, which it creates and migrates itself, so this table exists on SQLite only.
 *
 * `criteria_simulation.cursor` and `.partial`: how far a simulation has got (the last submission
 * id of its last completed batch) and its tally so far, written with each batch, so a simulation
 * cut off by a restart carries on from there rather than staying "running".
 *
 * `outbox.next_attempt_at`: when a failed email may be tried again (it backs off, attempt by attempt).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === "sqlite") {
    await db.schema
      .createTable("job")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      // created | active | completed | failed
      .addColumn("state", "text", (c) => c.notNull())
      // At most one queued and one running job of a name has this key.
      .addColumn("singleton_key", "text")
      // A scheduled job's minute: at most one job of a name for it, whatever its state.
      .addColumn("singleton_on", "text")
      .addColumn("retry_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("retry_limit", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("retry_delay", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("retry_backoff", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("start_after", "text", (c) => c.notNull())
      // The process running it (its pid): a job whose process has died is taken up again.
      .addColumn("owner", "text")
      .addColumn("output", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("completed_at", "text")
      .execute();
    await db.schema.createIndex("job_fetch_idx").on("job").columns(["name", "state", "start_after"]).execute();
    // As pg-boss's "stately" queues: one queued and one running per key, so a running job can queue its own sequel.
    await sql`create unique index job_singleton_key_idx on job (name, state, singleton_key) where singleton_key is not null and state in ('created', 'active')`.execute(
      db,
    );
    await sql`create unique index job_singleton_on_idx on job (name, singleton_on) where singleton_on is not null`.execute(db);
  }
  await db.schema.alterTable("criteria_simulation").addColumn("cursor", "text").execute();
  await db.schema.alterTable("criteria_simulation").addColumn("partial", "text").execute();
  await db.schema.alterTable("outbox").addColumn("next_attempt_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("outbox").dropColumn("next_attempt_at").execute();
  await db.schema.alterTable("criteria_simulation").dropColumn("partial").execute();
  await db.schema.alterTable("criteria_simulation").dropColumn("cursor").execute();
  if (dialectOf(db) === "sqlite") await db.schema.dropTable("job").execute();
}
