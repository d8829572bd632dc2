import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { listAuditEvents, verifyAuditChains } from "../../db/audit.ts";
import type { Db } from "../../db/client.ts";
import { listPipeline } from "../../db/pipeline.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { npmRun } from "./commands.ts";

/**
 * `npm run db:backup` and `npm run db:restore`, as an operator runs them: the demo data backed up
 * and restored into a fresh database reads back identically through the app's own queries, its
 * audit chains verify, and a restore will not overwrite a database that holds anything unless forced.
 */

/** What people see of the data: the pipeline, the audit log, and every table's row count. */
async function observe(db: Db) {
  const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table as "submission")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return {
    counts,
    pipeline: await listPipeline(db, { filter: {}, sort: { key: "title", dir: "asc" } }, { offset: 0, limit: 1000 }),
    nationalPipeline: await listPipeline(
      db,
      { filter: { whoseTurn: "national" }, sort: { key: "updated", dir: "desc" } },
      { offset: 0, limit: 1000 },
    ),
    audit: await listAuditEvents(db, {}, { offset: 0, limit: 10_000 }),
    chains: await verifyAuditChains(db),
  };
}

describe.each(databaseKinds)("backup and restore on $engine", (kind) => {
  let source: TestDatabase;
  let target: TestDatabase;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-backup-"));
    file = path.join(dir, `demo.${kind.engine === "sqlite" ? "db" : "dump"}`);
    [source, target] = await Promise.all([kind.create(), kind.create({ migrate: false })]);
    await seedDemoAccounts(source.db);
    await seedDemoSubmissions(source.db);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([source?.destroy(), target?.destroy()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips the demo data into a fresh database: identical queries, intact audit chains", async () => {
    const before = await observe(source.db);
    expect(before.counts.submission).toBeGreaterThan(30);
    expect(before.chains).toMatchObject({ intact: true });

    const backup = await npmRun("db:backup", source.url, [file]);
    expect(backup.stderr).toBe("");
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(
        `^Backed up ${Object.keys(before.counts).length} tables from ${kind.engine === "sqlite" ? "SQLite" : "PostgreSQL"} .* to ${file} \\(\\d+ bytes\\)`,
      ),
    );

    const restore = await npmRun("db:restore", target.url, [file]);
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(restore.stdout).toMatch(/^Restored .* \d+ tables, in \d+ ms\.\n$/);

    const after = await observe(target.db);
    expect(after).toEqual(before);
    expect(after.chains).toMatchObject({ intact: true, entries: before.audit.total });
    // The audit log is still append-only after a restore.
    await expect(target.db.updateTable("audit_event").set({ action: "FORGED" }).execute()).rejects.toThrow(/append-only/);
  }, 120_000);

  it("refuses to restore over a database that holds anything, unless --force", async () => {
    // Someone has been using the restored copy since.
    await target.db.deleteFrom("outbox").execute();
    const changed = await observe(target.db);
    expect(changed.counts.outbox).toBe(0);
    const original = await observe(source.db);
    expect(original.counts.outbox).toBeGreaterThan(0);

    const refused = await npmRun("db:restore", target.url, [file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Restore refused: The database is not empty \(\d+ tables\): restoring would overwrite it\. .*--force/);
    expect(await observe(target.db)).toEqual(changed);

    const forced = await npmRun("db:restore", target.url, [file, "--force"]);
    expect(forced.stderr).toBe("");
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/replacing what was there \(--force\)/);
    expect(await observe(target.db)).toEqual(original);
  }, 120_000);
});
