// `npm run db:backup [-- target]`: a consistent backup of DATABASE_URL's database (default
// data/app.db), safe to take while the app runs. SQLite: the online backup API; PostgreSQL:
// pg_dump (custom format). The target defaults to data/backups/<timestamp>.db (or .dump).
import { BackupError, backupDatabase, defaultBackupPath } from "../db/backup.ts";
import { DEFAULT_DATABASE_URL, databaseKind } from "../db/client.ts";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const target = process.argv[2] ?? defaultBackupPath(databaseKind(url));
try {
  const started = Date.now();
  const report = await backupDatabase(url, target);
  const engine = report.engine === "sqlite" ? "SQLite (online backup API)" : "PostgreSQL (pg_dump, custom format)";
  console.log(`Backed up ${report.tables} tables from ${engine} to ${report.file} (${report.bytes} bytes) in ${Date.now() - started} ms.`);
  console.log(`Restore it with: npm run db:restore -- ${report.file}`);
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(`Backup failed: ${error.message}`);
  process.exitCode = 1;
}
