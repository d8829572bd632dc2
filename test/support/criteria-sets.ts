// The shipped criteria sets as the service has them: migrated into a fresh SQLite database and
// loaded back through db/criteria-sets.ts, so tests of the criteria test what production judges with.
import { loadCriteriaSets } from "../../db/criteria-sets.ts";
import type { CriteriaSets } from "../../workflows/criteria-data/sets.ts";
import type { CriteriaSet } from "../../workflows/criteria-data/types.ts";
import { databaseKinds } from "./databases.ts";

export async function loadShippedCriteriaSets(): Promise<CriteriaSets & { get(id: string): CriteriaSet }> {
  const sqlite = databaseKinds.find((kind) => kind.engine === "sqlite")!;
  const t = await sqlite.create();
  try {
    const sets = await loadCriteriaSets(t.db);
    return {
      ...sets,
      get(id: string) {
        const set = sets.byId.get(id);
        if (!set) throw new Error(`No published criteria set ${id}`);
        return set;
      },
    };
  } finally {
    await t.destroy();
  }
}
