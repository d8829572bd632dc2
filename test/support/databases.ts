import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";

export interface TestDatabase {
  engine: "sqlite" | "postgres";
  url: string;
  db: Db;
  destroy(): Promise<void>;
}

export interface TestDatabaseKind {
  engine: "sqlite" | "postgres";
  /** A fresh, empty database of this engine, migrated unless `migrate: false`. */
  create(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

const postgresUrl = process.env.TEST_DATABASE_URL;

if (process.env.CI === "true" && !postgresUrl) {
  // In CI a missing PostgreSQL is a failure, not a reason to test less.
  throw new Error("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suites cannot run.");
}
if (!postgresUrl && !process.env.NCM_QUIET_SKIPS) {
  process.stderr.write("TEST_DATABASE_URL is not set: database suites run on SQLite only (PostgreSQL skipped).\n");
  process.env.NCM_QUIET_SKIPS = "1";
}

const sqlite: TestDatabaseKind = {
  engine: "sqlite",
  async create(options = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-test-"));
    const url = `file:${path.join(dir, "app.db")}`;
    const db = createDb(url);
    if (options.migrate !== false) await migrateToLatest(db);
    return {
      engine: "sqlite",
      url,
      db,
      async destroy() {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgres(adminUrl: string): TestDatabaseKind {
  return {
    engine: "postgres",
    async create(options = {}) {
      const name = `ncm_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = createDb(url.toString());
      if (options.migrate !== false) await migrateToLatest(db);
      return {
        engine: "postgres",
        url: url.toString(),
        db,
        async destroy() {
          await db.destroy();
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
        },
      };
    },
  };
}

/** The engines every database suite runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL names one. */
export const databaseKinds: TestDatabaseKind[] = postgresUrl ? [sqlite, postgres(postgresUrl)] : [sqlite];
