import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupError, backupDatabase, countTables, defaultBackupPath, restoreDatabase } from "../../db/backup.ts";
import { createDb } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";

// The refusals of db:backup / db:restore, on SQLite in process. The round trips on both engines,
// through the npm scripts, are in test/reliability/backup-restore.test.ts.
describe("backup and restore refusals", () => {
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-backup-unit-"));
    url = `file:${path.join(dir, "app.db")}`;
    const db = createDb(url);
    await migrateToLatest(db);
    await db.destroy();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("names default backups by time, sortably, with the engine's extension", () => {
    const at = new Date("2026-11-24T09:30:05.123Z");
    expect(defaultBackupPath("sqlite", at)).toBe(path.join("data", "backups", "2026-11-24T09-30-05Z.db"));
    expect(defaultBackupPath("postgres", at)).toBe(path.join("data", "backups", "2026-11-24T09-30-05Z.dump"));
  });

  it("never overwrites an existing backup file, and writes a single self-contained file", async () => {
    const file = path.join(dir, "one.db");
    const report = await backupDatabase(url, file);
    expect(report).toMatchObject({ engine: "sqlite", file, tables: await countTables(url) });
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    await expect(backupDatabase(url, file)).rejects.toThrow(new BackupError(`${file} already exists; choose another file name.`));
  });

  it("refuses a file that is not a backup of this engine, and a database that is not empty", async () => {
    const dump = path.join(dir, "not-sqlite.dump");
    fs.writeFileSync(dump, "PGDMP\u0001\u000e\u0000");
    const fresh = `file:${path.join(dir, "fresh.db")}`;
    await expect(restoreDatabase(fresh, dump)).rejects.toThrow(/is not a SQLite backup/);
    await expect(restoreDatabase(fresh, path.join(dir, "missing.db"))).rejects.toThrow(/There is no backup at/);

    const file = path.join(dir, "two.db");
    await backupDatabase(url, file);
    await expect(restoreDatabase(url, file)).rejects.toThrow(/The database is not empty \(\d+ tables\)/);
    expect(await restoreDatabase(fresh, file)).toMatchObject({ replaced: false, tables: await countTables(url) });
  });
});
