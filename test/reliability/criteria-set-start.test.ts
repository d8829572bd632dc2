import { afterAll, describe, expect, it } from "vitest";
import { contentHash } from "../../db/criteria-sets.ts";
import type { CriterionRow } from "../../workflows/criteria-data/types.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

/**
 * A malformed criteria set in the database stops server.js at start, with a message naming the set
 * and the criterion, rather than failing a lead's save later: the production build on each engine,
 * with one criterion's condition broken in the stored 2017-19 set (and its hash made to match, as a
 * faulty publish would leave it).
 */
describe.each(databaseKinds)("a malformed criteria set at start on $engine", (kind) => {
  let t: TestDatabase;
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
    await t?.destroy();
  });

  it("stops the start naming the set and the criterion; put right, the service starts", async () => {
    t = await kind.create();
    const stored = await t.db
      .selectFrom("criteria_set")
      .select(["content", "content_hash"])
      .where("id", "=", "2017-19")
      .executeTakeFirstOrThrow();
    const rows = JSON.parse(stored.content) as CriterionRow[];
    const row = rows.find((r) => r.id === "ISAP-04");
    if (row?.kind !== "automatic") throw new Error("ISAP-04 should be automatic");
    (row.table.rules[0] as { when: string }).when = "governance.keyDates[";
    await t.db
      .updateTable("criteria_set")
      .set({ content: JSON.stringify(rows), content_hash: contentHash(rows) })
      .where("id", "=", "2017-19")
      .execute();

    const refused = await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "0" } }).then(
      (started) => {
        server = started;
        return "started";
      },
      (error: unknown) => String(error),
    );
    expect(refused).toMatch(/server\.js exited with 1/);
    expect(refused).toContain("Criteria set 2017-19 cannot be loaded: Criterion ISAP-04:");

    await t.db.updateTable("criteria_set").set(stored).where("id", "=", "2017-19").execute();
    server = await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "0" } });
    expect((await fetch(`${server.baseUrl}/healthz`)).ok).toBe(true);
  });
});
