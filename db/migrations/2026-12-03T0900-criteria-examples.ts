import type { Kysely } from "kysely";
import examples2016 from "../criteria-sets/examples/2016-17.json";
import examples2017 from "../criteria-sets/examples/2017-19.json";

/**
 * `criteria_set.examples`: a set's criterion examples kept beside its content, as JSON (criterion id
 * → examples, workflows/criteria-data/types.ts CriterionExample). Issue 14 step 4 makes examples the
 * tests a set must pass before it is published; a new set carries them in its rows. The two shipped
 * sets were published before examples were required, and a published set's content and content hash
 * never change, so their examples go here instead: converted once from the example tests that had
 * been run against them (test/workflows/criterion-examples.ts), each a partial submission holding
 * only the answers its criterion looks at. Null for a set whose examples are in its rows.
 *
 * Like the shipped sets themselves, the JSON beside this migration is a frozen copy: later
 * corrections go in a new migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("criteria_set").addColumn("examples", "text").execute();
  const shipped = [
    { id: "2016-17", examples: examples2016 as unknown },
    { id: "2017-19", examples: examples2017 as unknown },
  ];
  for (const set of shipped) {
    await db
      .updateTable("criteria_set")
      .set({ examples: JSON.stringify(set.examples) })
      .where("id", "=", set.id)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("criteria_set").dropColumn("examples").execute();
}
