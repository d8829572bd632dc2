// The shipped sets' criterion examples in the database: the migration keeps them beside each set
// (criteria_set.examples), leaving the published content and its hash as they were, and
// shippedExamples reads them back, on both engines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import criteria2016 from "../../db/criteria-sets/2016-17.json";
import criteria2017 from "../../db/criteria-sets/2017-19.json";
import examples2016 from "../../db/criteria-sets/examples/2016-17.json";
import examples2017 from "../../db/criteria-sets/examples/2017-19.json";
import { CriteriaSetLoadError, compileStoredSet, contentHash, readCriteriaSetRows, shippedExamples } from "../../db/criteria-sets.ts";
import { exampleProblems, withExamples } from "../../workflows/criteria-data/examples.ts";
import { REFERENCE } from "../workflows/criterion-examples.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

describe.each(databaseKinds)("criterion examples of the shipped sets on $engine", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await kind.create();
  });
  afterAll(async () => t?.destroy());

  it("are stored beside each shipped set, as the JSON of the migration", async () => {
    expect(await shippedExamples(t.db, "2016-17")).toEqual(examples2016);
    expect(await shippedExamples(t.db, "2017-19")).toEqual(examples2017);
    expect(Object.keys(await shippedExamples(t.db, "2017-19"))).toContain("BCF-06");
  });

  it("leave the published content and its hash as they were", async () => {
    for (const [id, rows] of [
      ["2016-17", criteria2016],
      ["2017-19", criteria2017],
    ] as const) {
      const stored = await readCriteriaSetRows(t.db, id);
      expect(stored?.rows).toEqual(rows);
      expect(stored?.contentHash).toBe(contentHash(rows));
      expect(stored?.rows.some((row) => "examples" in row)).toBe(false);
    }
  });

  it("each give their expected outcome under the set as the service loads it", async () => {
    for (const id of ["2016-17", "2017-19"]) {
      const stored = (await readCriteriaSetRows(t.db, id))!;
      const set = compileStoredSet(
        { id, title: stored.title, published_on: stored.publishedOn, content_hash: stored.contentHash },
        JSON.stringify(stored.rows),
      );
      const rows = withExamples(stored.rows, await shippedExamples(t.db, id));
      expect(exampleProblems({ rows, criteria: set.criteria }, REFERENCE)).toEqual([]);
    }
  });

  it("are none for a set without any beside it, and refused when what is stored is not examples", async () => {
    expect(await shippedExamples(t.db, "2099-00")).toEqual({});
    await t.db.updateTable("criteria_set").set({ examples: null }).where("id", "=", "2016-17").execute();
    try {
      expect(await shippedExamples(t.db, "2016-17")).toEqual({});
      await t.db
        .updateTable("criteria_set")
        .set({ examples: JSON.stringify({ "ISAP-01": [{ name: "An MCP", expected: "maybe", checkpoint: 1, answers: {} }] }) })
        .where("id", "=", "2016-17")
        .execute();
      const refused = shippedExamples(t.db, "2016-17");
      await expect(refused).rejects.toThrow(CriteriaSetLoadError);
      await expect(refused).rejects.toThrow(/The examples of criteria set 2016-17 are malformed at ISAP-01\.0\.expected/);
    } finally {
      await t.db
        .updateTable("criteria_set")
        .set({ examples: JSON.stringify(examples2016) })
        .where("id", "=", "2016-17")
        .execute();
    }
  });
});
