// The shipped criteria sets for the benches, as the service has them: migrated into a throwaway
// SQLite database and loaded and compiled by db/criteria-sets.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createDb } from "../db/client.ts";
import { loadCriteriaSets } from "../db/criteria-sets.ts";
import { migrateToLatest } from "../db/migrate.ts";
import type { CriteriaSets } from "../workflows/criteria-data/sets.ts";

/** The shipped sets loaded from a migrated database, with how long the first and a second load took. */
export async function loadShippedSets(): Promise<{ sets: CriteriaSets; firstLoadMs: number; cachedLoadMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-bench-criteria-"));
  const db = createDb(`file:${path.join(dir, "app.db")}`);
  try {
    await migrateToLatest(db);
    let started = performance.now();
    const sets = await loadCriteriaSets(db);
    const firstLoadMs = performance.now() - started;
    started = performance.now();
    await loadCriteriaSets(db);
    const cachedLoadMs = performance.now() - started;
    return { sets, firstLoadMs, cachedLoadMs };
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
