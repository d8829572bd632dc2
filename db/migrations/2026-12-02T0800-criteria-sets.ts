import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import criteria2016 from "../criteria-sets/2016-17.json";
import criteria2017 from "../criteria-sets/2017-19.json";

/**
 * `criteria_set`: the national criteria sets as data (issue 14, docs/decisions/007). A row is one
 * version of a set: its criteria as JSON rows with FEEL decision tables (`content`), and the
 * SHA-256 of that content in canonical form (`content_hash`), which the service checks at load and
 * the admin audit chain records at publishing. A published set never changes: a change is a new
 * row with a new id, `based_on` the set it was copied from. A draft (`status` draft) is never used
 * to judge a submission; `published_at`, `published_by` and `publish_reason` stay null until it is
 * published.
 *
 * The two shipped sets are inserted here from a frozen copy taken for this migration (the JSON
 * beside it was generated once from the data form of issue 14's first step): later corrections go
 * in a new migration or a new version, never by editing these files. The canonical form is copied
 * here too, so nothing this migration does can change with the application's code.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("criteria_set")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    // The ISO date the national guidance behind the set appeared; the latest published set is
    // the one with the newest date.
    .addColumn("published_on", "text", (c) => c.notNull())
    // published | draft
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("based_on", "text", (c) => c.references("criteria_set.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("user.id"))
    .addColumn("published_at", "text")
    .addColumn("published_by", "text", (c) => c.references("user.id"))
    .addColumn("publish_reason", "text")
    .execute();
  await db.schema.createIndex("criteria_set_status_idx").on("criteria_set").columns(["status", "published_on"]).execute();

  // Published dates: only the month is sourced (ISAP introduction November 2016; full ISAP guidance
  // and the 2017-19 BCF requirements, summer 2017), so each set is dated the first of that month.
  const shipped = [
    { id: "2016-17", title: "New care models assurance criteria 2016-17", publishedOn: "2016-11-01", rows: criteria2016 as unknown },
    { id: "2017-19", title: "New care models assurance criteria 2017-19", publishedOn: "2017-08-01", rows: criteria2017 as unknown },
  ];
  const now = new Date().toISOString();
  await db
    .insertInto("criteria_set")
    .values(
      shipped.map((set) => {
        const content = canonicalJson(set.rows);
        return {
          id: set.id,
          title: set.title,
          published_on: set.publishedOn,
          status: "published",
          content,
          content_hash: createHash("sha256").update(content).digest("hex"),
          based_on: null,
          created_at: now,
          created_by: null,
          published_at: now,
          published_by: null,
          publish_reason: "Shipped with NCM Assure: the national guidance of its planning round",
        };
      }),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("criteria_set").execute();
}

/** JSON with every object's keys sorted and no spaces: the same value always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
