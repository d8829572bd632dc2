import type { Kysely } from "kysely";

/**
 * What an administrator manages about an account beyond better-auth's own tables: whether it is
 * deactivated (and by whom, why), when it last signed in, and the one-time links that let an
 * invited person set their first password. Kept out of better-auth's `user` table so its schema
 * stays exactly what its planner expects (test/db/auth-schema.test.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row per account that has ever been deactivated or signed in; no row means active and never signed in.
  await db.schema
    .createTable("user_status")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("deactivated_at", "text")
    .addColumn("deactivated_by", "text", (c) => c.references("user.id"))
    .addColumn("deactivation_reason", "text")
    .addColumn("last_sign_in_at", "text")
    .execute();

  // Only the SHA-256 of each token is stored: the token itself exists in the invitation email alone.
  await db.schema
    .createTable("set_password_token")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    // Set when a newer invitation replaces it or the account is deactivated.
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("set_password_token_user_idx").on("set_password_token").column("user_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("set_password_token").execute();
  await db.schema.dropTable("user_status").execute();
}
