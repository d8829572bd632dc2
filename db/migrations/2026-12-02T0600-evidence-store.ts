import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Evidence bytes in the database itself (issue 15, EVIDENCE_STORAGE=database), so every instance
 * on one PostgreSQL reads what any of them stored, and a database backup holds the evidence too.
 *
 * - `evidence_blob`: one row per stored content, by its sha256, once all its bytes are written.
 *   `stored_at` is refreshed whenever the same content is stored again, so the sweep never takes
 *   bytes an upload has just been told are there.
 * - `evidence_blob_chunk`: the bytes in pieces of 256 KB, so neither writing nor reading holds a
 *   whole file. While an upload is still arriving its pieces are kept under `partial:<time>:<id>`
 *   and renamed to the sha256 only when the last piece is in; readers look only at complete blobs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? "bytea" : "blob";
  await db.schema
    .createTable("evidence_blob")
    .addColumn("sha256", "text", (c) => c.primaryKey())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("stored_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("evidence_blob_chunk")
    .addColumn("blob_key", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("bytes", bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint("evidence_blob_chunk_pk", ["blob_key", "seq"])
    .execute();
  await db.schema.createIndex("evidence_blob_stored_at_idx").on("evidence_blob").column("stored_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("evidence_blob_chunk").execute();
  await db.schema.dropTable("evidence_blob").execute();
}
