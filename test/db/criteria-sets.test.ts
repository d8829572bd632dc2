// The national criteria sets as rows of criteria_set, loaded the way the service loads them: the
// migration's shipped sets, the compiled-set cache, and a malformed set refused at load naming the
// set and the criterion, on both engines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CriteriaSetLoadError, contentHash, compileStoredSet, loadCriteriaSets, pinnedCriteriaSet } from "../../db/criteria-sets.ts";
import type { CriterionRow } from "../../workflows/criteria-data/types.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

describe.each(databaseKinds)("criteria sets in the database on $engine", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await kind.create();
  });
  afterAll(async () => t?.destroy());

  async function storedRows(id: string): Promise<CriterionRow[]> {
    const row = await t.db.selectFrom("criteria_set").select("content").where("id", "=", id).executeTakeFirstOrThrow();
    return JSON.parse(row.content) as CriterionRow[];
  }

  it("are the two shipped sets, published, each with the hash of its content", async () => {
    const rows = await t.db.selectFrom("criteria_set").selectAll().orderBy("published_on").execute();
    expect(rows.map((r) => [r.id, r.status, r.published_on, r.based_on])).toEqual([
      ["2016-17", "published", "2016-11-01", null],
      ["2017-19", "published", "2017-08-01", null],
    ]);
    for (const row of rows) {
      expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(contentHash(JSON.parse(row.content))).toBe(row.content_hash);
      expect(row.published_at).not.toBeNull();
      expect(row.publish_reason).toMatch(/Shipped/);
    }
  });

  it("load compiled (41 and 40 criteria, 46 between them), the latest the one with the newest guidance", async () => {
    const sets = await loadCriteriaSets(t.db);
    expect(sets.list.map((s) => s.id)).toEqual(["2016-17", "2017-19"]);
    expect(sets.latest.id).toBe("2017-19");
    expect(sets.list.map((s) => [s.criteria.length, s.criteria.filter((c) => c.kind === "automatic").length])).toEqual([
      [41, 30],
      [40, 29],
    ]);
    expect(new Set(sets.list.flatMap((s) => s.criteria.map((c) => c.id))).size).toBe(46);
    expect(sets.byId.get("2016-17")?.title).toBe("New care models assurance criteria 2016-17");
    // Compiled once: the next load gives the very same sets without compiling again.
    expect(await loadCriteriaSets(t.db)).toBe(sets);
    expect(await pinnedCriteriaSet(t.db, "2017-19")).toBe(sets.latest);
    await expect(pinnedCriteriaSet(t.db, "2099-00")).rejects.toThrow("Criteria set 2099-00 is not a published criteria set");
  });

  it("never judge with a draft, even one with newer guidance", async () => {
    const content = await t.db
      .selectFrom("criteria_set")
      .select(["content", "content_hash"])
      .where("id", "=", "2017-19")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("criteria_set")
      .values({
        id: "2018-19",
        title: "New care models assurance criteria 2018-19",
        published_on: "2018-04-01",
        status: "draft",
        content: content.content,
        content_hash: content.content_hash,
        based_on: "2017-19",
        created_at: new Date().toISOString(),
        created_by: null,
        published_at: null,
        published_by: null,
        publish_reason: null,
      })
      .execute();
    try {
      const sets = await loadCriteriaSets(t.db);
      expect(sets.latest.id).toBe("2017-19");
      expect(sets.byId.has("2018-19")).toBe(false);
    } finally {
      await t.db.deleteFrom("criteria_set").where("id", "=", "2018-19").execute();
    }
  });

  it("refuse a malformed set at load, naming the set and the criterion", async () => {
    const original = await t.db
      .selectFrom("criteria_set")
      .select(["content", "content_hash"])
      .where("id", "=", "2016-17")
      .executeTakeFirstOrThrow();
    const rows = await storedRows("2016-17");
    const ncm = rows.findIndex((r) => r.id === "NCM-03");
    const broken = structuredClone(rows) as CriterionRow[];
    const row = broken[ncm];
    if (row?.kind !== "automatic") throw new Error("NCM-03 should be automatic");
    (row.table.rules[0] as { when: string }).when = "population.registeredPopulation < (";
    // Well formed as far as the row's hash goes: only the criterion itself is wrong.
    await t.db
      .updateTable("criteria_set")
      .set({ content: JSON.stringify(broken), content_hash: contentHash(broken) })
      .where("id", "=", "2016-17")
      .execute();
    try {
      const refused = await loadCriteriaSets(t.db).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(CriteriaSetLoadError);
      expect((refused as CriteriaSetLoadError).message).toMatch(
        /^Criteria set 2016-17 cannot be loaded: Criterion NCM-03: rule 1 condition/,
      );
      expect(refused).toMatchObject({ setId: "2016-17", criterionId: "NCM-03" });
    } finally {
      await t.db.updateTable("criteria_set").set(original).where("id", "=", "2016-17").execute();
    }
    // Put right, it loads again.
    expect((await loadCriteriaSets(t.db)).list).toHaveLength(2);
  });

  it("refuse a set whose content no longer matches its hash, or is not JSON", async () => {
    const original = await t.db
      .selectFrom("criteria_set")
      .select(["content", "content_hash"])
      .where("id", "=", "2017-19")
      .executeTakeFirstOrThrow();
    const rows = await storedRows("2017-19");
    rows[0] = { ...rows[0]!, title: "Changed behind the service's back" };
    await t.db
      .updateTable("criteria_set")
      .set({ content: JSON.stringify(rows), content_hash: "0".repeat(64) })
      .where("id", "=", "2017-19")
      .execute();
    try {
      await expect(loadCriteriaSets(t.db)).rejects.toThrow(
        "Criteria set 2017-19 cannot be loaded: its content does not match its content hash",
      );
    } finally {
      await t.db.updateTable("criteria_set").set(original).where("id", "=", "2017-19").execute();
    }
    const stored = { id: "2017-19", title: "t", published_on: "2017-08-01", content_hash: original.content_hash };
    expect(() => compileStoredSet(stored, "{not json")).toThrow("Criteria set 2017-19 cannot be loaded: its content is not JSON");
    expect(() => compileStoredSet(stored, JSON.stringify(rows))).toThrow(/does not match its content hash/);
  });
});
