import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { databaseKind, type DbKind, sqliteFilename } from "./client.ts";

/**
 * Backups of the whole database, taken while the app runs, and restores of them.
 * - SQLite: the online backup API, which copies the file page by page as one committed state (a
 *   plain file copy of a WAL database can miss the WAL or catch a write half done).
 * - PostgreSQL: pg_dump's custom format (compressed, one consistent snapshot) and pg_restore.
 * A restore never overwrites a database that holds anything unless forced.
 */

export const BACKUP_EXTENSION: Record<DbKind, string> = { sqlite: "db", postgres: "dump" };
const SIGNATURE: Record<DbKind, string> = { sqlite: "SQLite format 3\0", postgres: "PGDMP" };

export class BackupError extends Error {}

/** `data/backups/2026-11-24T09-30-00Z.db`: sortable, and safe in any file system. */
export function defaultBackupPath(kind: DbKind, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
  return path.join("data", "backups", `${stamp}.${BACKUP_EXTENSION[kind]}`);
}

/** The newest backup for this engine in data/backups, the default for a restore. */
export function newestBackup(kind: DbKind): string | null {
  const dir = path.join("data", "backups");
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(`.${BACKUP_EXTENSION[kind]}`))
    .sort();
  return files.length ? path.join(dir, files.at(-1)!) : null;
}

export interface BackupReport {
  engine: DbKind;
  file: string;
  bytes: number;
  tables: number;
}

export async function backupDatabase(url: string, target: string): Promise<BackupReport> {
  const kind = databaseKind(url);
  if (fs.existsSync(target)) throw new BackupError(`${target} already exists; choose another file name.`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  // Written under a temporary name and renamed when complete, so a file with the final name is never half a backup.
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    if (kind === "sqlite") {
      const filename = sqliteFilename(url);
      if (filename === ":memory:" || !fs.existsSync(filename)) throw new BackupError(`There is no SQLite database at ${filename}.`);
      const source = new SQLite(filename, { fileMustExist: true });
      try {
        source.pragma("busy_timeout = 5000");
        // All pages in one step, under one read transaction. In steps (better-sqlite3's default is
        // 100 pages), each write by the app between two steps restarts the copy from the first page,
        // so the busier the database, the longer the backup; in WAL mode one long read blocks no writer.
        await source.backup(partial, { progress: () => 0x7fffffff });
      } finally {
        source.close();
      }
      // The copy keeps the WAL flag of its source; one self-contained file is what a backup should be.
      const copy = new SQLite(partial);
      copy.pragma("journal_mode = delete");
      copy.close();
    } else {
      runPostgresTool("pg_dump", ["--format=custom", "--file", partial], url);
    }
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { engine: kind, file: target, bytes: fs.statSync(target).size, tables: await countTables(url) };
}

export interface RestoreReport {
  engine: DbKind;
  file: string;
  /** Whether the database held tables that the restore replaced (only with force). */
  replaced: boolean;
  tables: number;
}

export async function restoreDatabase(url: string, source: string, options: { force?: boolean } = {}): Promise<RestoreReport> {
  const kind = databaseKind(url);
  if (!fs.existsSync(source)) throw new BackupError(`There is no backup at ${source}.`);
  const head = Buffer.alloc(16);
  const fd = fs.openSync(source, "r");
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  if (!head.toString("latin1").startsWith(SIGNATURE[kind])) {
    throw new BackupError(
      `${source} is not a ${kind === "sqlite" ? "SQLite" : "pg_dump custom-format"} backup, but DATABASE_URL is a ${kind === "sqlite" ? "SQLite" : "PostgreSQL"} database.`,
    );
  }
  const existing = await countTables(url);
  if (existing > 0 && !options.force) {
    throw new BackupError(
      `The database is not empty (${existing} tables): restoring would overwrite it. ` +
        "Restore into an empty database, or add --force to replace everything in this one.",
    );
  }

  if (kind === "sqlite") {
    const filename = sqliteFilename(url);
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    // The backup API writes through SQLite's own locking, so even a file with a WAL is replaced whole or not at all.
    const backup = new SQLite(source, { readonly: true, fileMustExist: true });
    try {
      await backup.backup(filename);
    } finally {
      backup.close();
    }
  } else {
    if (existing > 0) {
      // pg_restore --clean only drops what is in the dump; a table added since would survive and
      // clash with the migrations, so the whole schema goes first.
      await withClient(url, (client) => client.query("drop schema public cascade; create schema public"));
    }
    // One transaction: a restore that fails part way leaves nothing behind. Ownership and grants are
    // the target server's, not the source's.
    runPostgresTool("pg_restore", ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", source], url);
  }
  return { engine: kind, file: source, replaced: existing > 0, tables: await countTables(url) };
}

/** Tables in the database (0 for a missing SQLite file or an empty database). */
export async function countTables(url: string): Promise<number> {
  if (databaseKind(url) === "sqlite") {
    const filename = sqliteFilename(url);
    if (filename === ":memory:" || !fs.existsSync(filename)) return 0;
    const db = new SQLite(filename, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'").get() as {
        n: number;
      };
      return row.n;
    } finally {
      db.close();
    }
  }
  return withClient(url, async (client) => {
    const result = await client.query<{ n: string }>(
      "select count(*) as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    );
    return Number(result.rows[0]!.n);
  });
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** pg_dump / pg_restore from PATH, else the newest in /usr/lib/postgresql/<version>/bin (Debian's layout). */
export function findPostgresTool(name: "pg_dump" | "pg_restore"): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const candidate = path.join(root, version, "bin", name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new BackupError(`${name} was not found on PATH or in /usr/lib/postgresql/*/bin (apt-get install postgresql-client).`);
}

function runPostgresTool(name: "pg_dump" | "pg_restore", args: string[], url: string) {
  // The password goes in the environment, not the command line, where any user could read it in `ps`.
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = "";
  const result = spawnSync(findPostgresTool(name), [...args, `--dbname=${target.toString()}`], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    encoding: "utf8",
  });
  if (result.error) throw new BackupError(`${name} could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new BackupError(`${name} failed (exit ${result.status}):\n${result.stderr.trim()}`);
}
