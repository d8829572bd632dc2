import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, migrations } from "../../db/migrate.ts";
import { countReferenceData, listFootprints } from "../../db/reference.ts";
import { addFootprintMember } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

describe.each(databaseKinds)("migrations on $engine", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await kind.create({ migrate: false });
  });
  afterAll(async () => t?.destroy());

  it("applies every migration on an empty database, then finds nothing left to apply", async () => {
    expect(await migrateToLatest(t.db)).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it("leaves the planner statistics for what the migrations made (a new index is not left to guesswork)", async () => {
    // The reference data's footprints are rows the statistics must have counted.
    if (kind.engine === "sqlite") {
      const stats = await sql<{ idx: string | null }>`select idx from sqlite_stat1 where tbl = 'footprint'`.execute(t.db);
      expect(stats.rows.length).toBeGreaterThan(0);
    } else {
      const analysed = await sql<{
        n: string;
      }>`select count(*) as n from pg_stat_user_tables where relname = 'footprint' and last_analyze is not null`.execute(t.db);
      expect(Number(analysed.rows[0]!.n)).toBe(1);
    }
  });

  it("loads the 7 regions, 44 footprints and 50 vanguards as reference data", async () => {
    expect(await countReferenceData(t.db)).toEqual({ regions: 7, footprints: 44, vanguards: 50 });
    const footprints = await listFootprints(t.db);
    expect(footprints.find((f) => f.code === "E54000007")).toMatchObject({
      name: "Greater Manchester",
      regionName: "North West",
    });
    const salford = await t.db.selectFrom("vanguard").selectAll().where("number", "=", 5).executeTakeFirstOrThrow();
    expect(salford).toMatchObject({ name: "Salford Together", type: "PACS", likely_footprint_code: "E54000007" });
  });

  it("enforces foreign keys, so a membership of an unknown footprint is refused", async () => {
    await expect(addFootprintMember(t.db, "no-such-user", "E54000007")).rejects.toThrow();
    await expect(
      t.db
        .insertInto("footprint")
        .values({
          code: "E54999999",
          name: "Nowhere",
          region_code: "XX",
          region_2016: "North",
          region_inferred: 0,
          aliases: "[]",
        })
        .execute(),
    ).rejects.toThrow();
  });

  if (kind.engine === "sqlite") {
    it("opens SQLite in WAL mode with foreign keys on", async () => {
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.db);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(t.db);
      expect(journal.rows[0]?.journal_mode).toBe("wal");
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    });
  }
});
