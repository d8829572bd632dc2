import type { Kysely } from "kysely";

/**
 * Authoring criteria in the browser (issue 14, steps 3 and 5).
 * - `criteria_set.version`: a draft's edit count, checked on every save so two administrators
 *   editing one draft cannot overwrite each other unseen (the same optimistic check submissions have).
 * - `criteria_simulation.target_hash`: the content hash of the set simulated, so publishing a draft
 *   can insist on a simulation of exactly the content being published.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("criteria_set")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable("criteria_simulation").addColumn("target_hash", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("criteria_simulation").dropColumn("target_hash").execute();
  await db.schema.alterTable("criteria_set").dropColumn("version").execute();
}
