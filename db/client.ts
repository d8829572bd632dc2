import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from "kysely";
import pg from "pg";
import pino, { type Logger } from "pino";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type DbKind = "sqlite" | "postgres";

export const DEFAULT_DATABASE_URL = "file:data/app.db";

/**
 * Which engine a DATABASE_URL names. `file:` (or nothing) is the embedded SQLite default;
 * `postgres://` / `postgresql://` is the scale-out option shared by several app instances.
 */
export function databaseKind(url: string | undefined): DbKind {
  if (!url || url.startsWith("file:") || url === ":memory:") return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL); got "${url.split(":")[0]}:…"`);
}

/** The SQLite file a `file:` URL names, or ":memory:". Relative paths are relative to the working directory. */
export function sqliteFilename(url: string | undefined): string {
  const target = !url ? DEFAULT_DATABASE_URL.slice(5) : url === ":memory:" ? url : url.slice(5);
  return target === "" ? DEFAULT_DATABASE_URL.slice(5) : target;
}

// pg hands back bigint (count(*), sums) as strings; every such value here is well within 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

/** The PostgreSQL pool behind a handle made by createDb, for its figures (/metrics); none on SQLite. */
const pools = new WeakMap<Db, pg.Pool>();
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

/** `logger`: where a dropped idle PostgreSQL connection is reported; the app passes its own (app/.server/log.ts). */
export function createDb(url: string | undefined = DEFAULT_DATABASE_URL, options: { logger?: Pick<Logger, "warn"> } = {}): Db {
  if (databaseKind(url) === "postgres") {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const logger = options.logger ?? pino();
    // An idle connection that the server drops (restart, failover, admin shutdown) must not crash
    // the process: pg discards it and the next query opens a fresh one.
    pool.on("error", (error) => logger.warn({ err: error }, "idle PostgreSQL connection closed"));
    pool.on("connect", sendPreparedByName);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, pool);
    return db;
  }
  const filename = sqliteFilename(url);
  if (filename !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const sqlite = new SQLite(filename);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  // Several app processes may share one file (tests, a second instance); wait rather than fail.
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
}

/**
 * SQL texts sent to PostgreSQL as named prepared statements (see preparedOnPostgres), by name.
 * Bounded: a statement past the limit is sent as any other, parsed and planned each time.
 */
const preparedNames = new Map<string, string>();
const MAX_PREPARED = 200;

/**
 * Has PostgreSQL parse and plan a statement once per connection rather than on every execution:
 * pg sends a statement with a name as a prepared statement, then only its parameters. For the few
 * statements that run very often with the same text: a workflow event's read and its one write,
 * whose parsing and planning took longer on the server than running them (measured on the bench
 * machine: the write 0.8–1.0 ms unnamed against 0.13–0.34 ms named, the read 0.46 against 0.1–0.2).
 * Kysely still builds the SQL; its text only has to be registered before it runs. Only for
 * statements whose result columns do not depend on the schema (no `select *`): a column added
 * later would change a prepared statement's result type, which PostgreSQL refuses.
 */
export function preparedOnPostgres(sql: string): void {
  if (preparedNames.has(sql) || preparedNames.size >= MAX_PREPARED) return;
  preparedNames.set(sql, `ncm_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`);
}

function sendPreparedByName(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((config: unknown, ...rest: unknown[]) => {
    const name = typeof config === "string" ? preparedNames.get(config) : undefined;
    return query(name ? { name, text: config } : config, ...rest);
  }) as typeof client.query;
}

/**
 * Kysely prepares every query afresh; SQLite's prepare (parse and plan) was 11% of the time spent
 * applying a workflow event. Most queries repeat with the same SQL text and new parameters, so
 * prepared statements are kept by SQL, the most recent few hundred. A statement still being
 * iterated is busy and cannot run again, so a fresh one is prepared then.
 */
function withStatementCache(sqlite: SQLite.Database, size = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== "prepare") {
        const value = Reflect.get(target, property, receiver);
        // Native methods must be called on the database itself, not on the proxy.
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (source: string) => {
        const cached = cache.get(source);
        if (cached && !cached.busy) {
          // Most recently used last, so the oldest is first to go.
          cache.delete(source);
          cache.set(source, cached);
          return cached;
        }
        const statement = prepare(source);
        cache.set(source, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
        return statement;
      };
    },
  });
}

/**
 * SQLite transactions that take the write lock when they begin. A plain (deferred) BEGIN reads
 * first and upgrades later; when two processes do that at once, one gets SQLITE_BUSY at once,
 * without waiting on busy_timeout. BEGIN IMMEDIATE waits its turn instead, so two app instances
 * on one file behave like two on PostgreSQL: the version check, not a lock error, decides.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite can roll back DDL, but Kysely's adapter says it cannot, so Kysely's migrator would run
 * without a transaction and, on SQLite, without any lock: two instances starting at once on a new
 * file both create the tables and one crashes ("table region already exists"). In one BEGIN
 * IMMEDIATE transaction the second waits, then finds the migrations done; and a migration that
 * fails leaves nothing half done.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** The engine behind an open handle, for the few places that differ (column types, better-auth). */
export function dialectOf(db: Kysely<any>): DbKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** A round trip to the database, for /healthz. */
export async function pingDatabase(db: Db): Promise<void> {
  await db
    .selectFrom("region")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
}
