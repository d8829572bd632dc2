import { getMigrations } from "better-auth/db/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../app/.server/auth.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const config = { baseUrl: "http://localhost:3000", authSecret: "test-secret-".padEnd(40, "x"), signInAttemptsPerMinute: 5 };

describe.each(databaseKinds)("better-auth's schema on $engine", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await kind.create();
  });
  afterAll(async () => t?.destroy());

  it("leaves better-auth's own planner nothing to create or add after our migrations", async () => {
    const auth = createAuth(t.db, config);
    const plan = await getMigrations(auth.options);
    expect(plan.toBeCreated.map((table) => table.table)).toEqual([]);
    expect(plan.toBeAdded.map((table) => `${table.table}: ${Object.keys(table.fields).join(", ")}`)).toEqual([]);
    expect(plan.toBeAddedIndexes).toEqual([]);
  });
});
