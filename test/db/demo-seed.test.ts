import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoSubmissions } from "../../app/.server/demo-submissions.ts";
import { verifyAuditChains } from "../../db/audit.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const EVERY_RESTING_STATE = [
  "assured",
  ...[1, 2, 3].flatMap((n) => ["awaiting_assignment", "in_review", "awaiting_countersign", "returned"].map((s) => `checkpoint${n}.${s}`)),
  "draft",
  "final_conditions",
  "mobilisation",
  "not_assured",
  "paused",
  "procurement",
  "withdrawn",
].sort();

describe.each(databaseKinds)("demo submissions on $engine", (kind) => {
  let t: TestDatabase;
  let created = 0;
  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    created = await seedDemoSubmissions(t.db, new Date("2026-11-24T12:00:00Z"));
  }, 120_000);
  afterAll(async () => t?.destroy());

  it("creates about 40 submissions in every state, both model types and all seven regions", async () => {
    expect(created).toBeGreaterThanOrEqual(38);
    expect(created).toBeLessThanOrEqual(45);
    const rows = await t.db
      .selectFrom("submission")
      .innerJoin("footprint", "footprint.code", "submission.footprint_code")
      .select(["submission.state", "submission.model_type", "footprint.region_code"])
      .execute();
    expect([...new Set(rows.map((r) => r.state))].sort()).toEqual(EVERY_RESTING_STATE);
    expect(new Set(rows.map((r) => r.model_type))).toEqual(new Set(["MCP", "PACS"]));
    expect(new Set(rows.map((r) => r.region_code)).size).toBe(7);
  });

  it("built every submission through the runtime, so every audit chain verifies", async () => {
    const verdict = await verifyAuditChains(t.db);
    expect(verdict).toMatchObject({ intact: true });
    expect(verdict.chains).toBe(created);
    expect(verdict.entries).toBeGreaterThan(created * 3);
  });

  it("gives submitted content a frozen version for every submit and resubmit", async () => {
    const submitted = await t.db.selectFrom("submission").select(["id", "workflow_snapshot"]).where("state", "!=", "draft").execute();
    for (const row of submitted) {
      const expected = JSON.parse(row.workflow_snapshot).context.versionsSubmitted as number;
      const versions = await t.db
        .selectFrom("submission_version")
        .select("number")
        .where("submission_id", "=", row.id)
        .orderBy("number")
        .execute();
      expect(versions.map((v) => v.number)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    }
  });

  it("seeds nothing into a database that already has submissions", async () => {
    expect(await seedDemoSubmissions(t.db)).toBe(0);
  });
});
