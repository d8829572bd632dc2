import type { Kysely } from "kysely";
import footprints from "../reference/footprints.json";
import regions from "../reference/regions.json";
import vanguards from "../reference/vanguards.json";

/**
 * NHS England's 7 regions, the 44 STP footprints and the 50 vanguards. Reference data lives in a
 * migration so a production database has it without any demo seed. The JSON is a frozen copy taken
 * for this migration: later corrections go in a new migration, never by editing these files.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("region")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("footprint")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("region_code", "text", (c) => c.notNull().references("region.code"))
    .addColumn("region_2016", "text", (c) => c.notNull())
    .addColumn("region_inferred", "integer", (c) => c.notNull())
    .addColumn("aliases", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("footprint_region_idx").on("footprint").column("region_code").execute();

  await db.schema
    .createTable("vanguard")
    .addColumn("number", "integer", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("aliases", "text", (c) => c.notNull())
    .addColumn("likely_footprint_code", "text", (c) => c.references("footprint.code"))
    .execute();

  await db
    .insertInto("region")
    .values(regions.regions.map((r) => ({ code: r.code, name: r.name })))
    .execute();

  await db
    .insertInto("footprint")
    .values(
      footprints.footprints.map((f) => ({
        code: f.code,
        name: f.name,
        region_code: f.region,
        region_2016: f.region2016,
        region_inferred: f.regionInferred ? 1 : 0,
        aliases: JSON.stringify(f.aliases),
      })),
    )
    .execute();

  const footprintCodeByName = new Map(footprints.footprints.map((f) => [f.name, f.code]));
  await db
    .insertInto("vanguard")
    .values(
      vanguards.vanguards.map((v) => ({
        number: v.number,
        name: v.name,
        type: v.type,
        aliases: JSON.stringify(v.aliases),
        likely_footprint_code: v.likelyFootprint ? (footprintCodeByName.get(v.likelyFootprint) ?? null) : null,
      })),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("vanguard").execute();
  await db.schema.dropTable("footprint").execute();
  await db.schema.dropTable("region").execute();
}
