import { type Kysely, sql } from "kysely";

/**
 * Indexes for the pipeline (db/pipeline.ts), on both engines. The 0400 migration already indexes
 * footprint_code, state, checkpoint, state_entered_at and updated_at on their own. Every pipeline
 * sort ends with `id` in the same direction so pages are stable, so each sortable column gets a
 * (column, id) index that both engines can walk forwards or backwards for an ORDER BY … LIMIT, and
 * for the keyset batches of the CSV export. Title sorts and keysets on lower(title), an expression
 * index on both engines.
 *
 * (whose_turn, national_days_used, state_entered_at) serves the SLA filter: for each stored
 * national_days_used it asks for the rows on the national side that entered their state before a
 * precomputed instant, an index range per value (see slaCondition in app/.server/pipeline.ts).
 * (whose_turn, state_entered_at) serves "whose turn" with the days-in-state sort and the list of
 * days on which national items entered their state (the live clock's calendar).
 */
const SORT_INDEXES: [name: string, column: string][] = [
  ["submission_updated_id_idx", "updated_at"],
  ["submission_entered_id_idx", "state_entered_at"],
  ["submission_state_id_idx", "state"],
  ["submission_checkpoint_id_idx", "checkpoint"],
  ["submission_model_id_idx", "model_type"],
  ["submission_turn_id_idx", "whose_turn"],
  ["submission_warnings_id_idx", "failing_warnings"],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, column] of SORT_INDEXES) {
    await db.schema.createIndex(name).on("submission").columns([column, "id"]).execute();
  }
  await db.schema.createIndex("submission_title_lower_idx").on("submission").expression(sql`lower(title), id`).execute();
  await db.schema
    .createIndex("submission_turn_days_entered_idx")
    .on("submission")
    .columns(["whose_turn", "national_days_used", "state_entered_at"])
    .execute();
  await db.schema.createIndex("submission_turn_entered_idx").on("submission").columns(["whose_turn", "state_entered_at"]).execute();
  await db.schema.createIndex("submission_vanguard_idx").on("submission").column("vanguard_number").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    "submission_vanguard_idx",
    "submission_turn_entered_idx",
    "submission_turn_days_entered_idx",
    "submission_title_lower_idx",
    ...SORT_INDEXES.map(([name]) => name).reverse(),
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
