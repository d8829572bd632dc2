// `npm run db:restore [-- backup-file] [--force]`: restores a backup made by db:backup into
// DATABASE_URL's database (default data/app.db); the file defaults to the newest in data/backups.
// It refuses to overwrite a database that already holds tables unless --force is given. Stop the
// app first: it should not be writing to a database that is being replaced.
import { BackupError, newestBackup, restoreDatabase } from "../db/backup.ts";
import { DEFAULT_DATABASE_URL, databaseKind, sqliteFilename } from "../db/client.ts";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const args = process.argv.slice(2);
const force = args.includes("--force");
const source = args.find((a) => a !== "--force") ?? newestBackup(databaseKind(url));
const where = databaseKind(url) === "sqlite" ? `SQLite ${sqliteFilename(url)}` : `PostgreSQL database ${new URL(url).pathname.slice(1)}`;
try {
  if (!source) throw new BackupError("No backup given and none in data/backups. Usage: npm run db:restore -- <backup-file> [--force]");
  const started = Date.now();
  const report = await restoreDatabase(url, source, { force });
  console.log(
    `Restored ${report.file} into ${where}: ${report.tables} tables${report.replaced ? ", replacing what was there (--force)" : ""}, in ${Date.now() - started} ms.`,
  );
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(`Restore refused: ${error.message}`);
  process.exitCode = 1;
}
