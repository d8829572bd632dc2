import { sql, type Kysely, type Migration, type MigrationResultSet, Migrator } from "kysely";
import * as referenceData from "./migrations/2026-11-24T0100-reference-data.ts";
import * as betterAuth from "./migrations/2026-11-24T0200-better-auth.ts";
import * as membership from "./migrations/2026-11-24T0300-footprint-membership-and-conflicts.ts";
import * as submissions from "./migrations/2026-11-24T0400-submissions-and-audit.ts";
import * as reviews from "./migrations/2026-11-24T0500-reviews-and-notifications.ts";
import * as userAdministration from "./migrations/2026-11-24T0600-user-administration.ts";
import * as pipelineIndexes from "./migrations/2026-11-24T0700-pipeline-indexes.ts";
import * as failingCriteria from "./migrations/2026-11-24T0800-failing-criteria-and-simulations.ts";
import * as conflictDeclaredBy from "./migrations/2026-12-02T0100-conflict-declared-by.ts";
import * as pipelineKeys from "./migrations/2026-12-02T0200-pipeline-keys.ts";
import * as draftChecks from "./migrations/2026-12-02T0400-draft-checks.ts";
import * as regionalViewKeys from "./migrations/2026-12-02T0500-regional-view-keys.ts";
import * as evidenceStore from "./migrations/2026-12-02T0600-evidence-store.ts";
import * as jobs from "./migrations/2026-12-02T0700-jobs.ts";
import * as criteriaSets from "./migrations/2026-12-02T0800-criteria-sets.ts";
import * as criteriaExamples from "./migrations/2026-12-03T0900-criteria-examples.ts";
import * as criteriaDrafts from "./migrations/2026-12-03T1000-criteria-drafts.ts";
import * as pausedClockFigure from "./migrations/2026-12-03T1100-paused-clock-figure.ts";

/**
 * Every migration, in order. Listed in code rather than read from a folder so the production
 * bundle carries them and nothing depends on the working directory.
 */
export const migrations: Record<string, Migration> = {
  "2026-11-24T0100-reference-data": referenceData,
  "2026-11-24T0200-better-auth": betterAuth,
  "2026-11-24T0300-footprint-membership-and-conflicts": membership,
  "2026-11-24T0400-submissions-and-audit": submissions,
  "2026-11-24T0500-reviews-and-notifications": reviews,
  "2026-11-24T0600-user-administration": userAdministration,
  "2026-11-24T0700-pipeline-indexes": pipelineIndexes,
  "2026-11-24T0800-failing-criteria-and-simulations": failingCriteria,
  "2026-12-02T0100-conflict-declared-by": conflictDeclaredBy,
  "2026-12-02T0200-pipeline-keys": pipelineKeys,
  "2026-12-02T0400-draft-checks": draftChecks,
  "2026-12-02T0500-regional-view-keys": regionalViewKeys,
  "2026-12-02T0600-evidence-store": evidenceStore,
  "2026-12-02T0700-jobs": jobs,
  "2026-12-02T0800-criteria-sets": criteriaSets,
  "2026-12-03T0900-criteria-examples": criteriaExamples,
  "2026-12-03T1000-criteria-drafts": criteriaDrafts,
  "2026-12-03T1100-paused-clock-figure": pausedClockFigure,
};

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  const applied = (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  // A migration that adds an index leaves the planner without statistics for it, and SQLite then
  // guesses: with the pipeline's old statistics and none for a new index, it sorted 20,000 rows
  // per page rather than walk the index made for that order. Both engines gather them afresh.
  if (applied.length > 0) await sql`analyze`.execute(db);
  return applied;
}
