import type { Db } from "./client.ts";

export async function listRegions(db: Db) {
  return db.selectFrom("region").select(["code", "name"]).orderBy("name").execute();
}

export async function listFootprints(db: Db) {
  return db
    .selectFrom("footprint")
    .innerJoin("region", "region.code", "footprint.region_code")
    .select(["footprint.code", "footprint.name", "footprint.region_code as regionCode", "region.name as regionName"])
    .orderBy("footprint.name")
    .execute();
}

export async function countReferenceData(db: Db) {
  const [regions, footprints, vanguards] = await Promise.all([
    db
      .selectFrom("region")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("footprint")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("vanguard")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return { regions: Number(regions.n), footprints: Number(footprints.n), vanguards: Number(vanguards.n) };
}

export async function findFootprint(db: Db, code: string) {
  return db
    .selectFrom("footprint")
    .innerJoin("region", "region.code", "footprint.region_code")
    .select(["footprint.code", "footprint.name", "region.name as regionName"])
    .where("footprint.code", "=", code)
    .executeTakeFirst();
}
