import type { Db } from "../../db/client.ts";
import { listFootprints } from "../../db/reference.ts";
import type { AnswerLookups } from "../forms/answers.ts";

interface CriteriaReference {
  footprintCodes: string[];
  vanguardNumbers: number[];
}

// Reference data changes only through a migration, so one read per process is enough.
const cache = new WeakMap<Db, Promise<CriteriaReference>>();

/** The footprint codes and vanguard numbers the lookup criteria (NCM-12, NCM-13) check against. */
export function referenceForCriteria(db: Db): Promise<CriteriaReference> {
  let pending = cache.get(db);
  if (!pending) {
    pending = Promise.all([db.selectFrom("footprint").select("code").execute(), db.selectFrom("vanguard").select("number").execute()]).then(
      ([footprints, vanguards]) => ({
        footprintCodes: footprints.map((f) => f.code),
        vanguardNumbers: vanguards.map((v) => v.number),
      }),
    );
    cache.set(db, pending);
  }
  return pending;
}

const footprintNames = new WeakMap<Db, Promise<AnswerLookups>>();

/** What stored answers refer to outside themselves (a footprint's name), to show them in words. */
export function answerLookups(db: Db): Promise<AnswerLookups> {
  let pending = footprintNames.get(db);
  if (!pending) {
    pending = listFootprints(db).then((footprints) => ({
      footprints: footprints.map((f) => ({ value: f.code, label: `${f.name} (${f.code})` })),
    }));
    footprintNames.set(db, pending);
  }
  return pending;
}
