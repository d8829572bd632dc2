import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditChains } from "../../db/audit.ts";
import { DEMO_ACCOUNTS } from "../../db/seed/demo.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { signIn } from "./browser-forms.ts";

/**
 * A deployment starts its instances at once, and the first start meets an empty database: every
 * instance must come up, the migrations must run once, and the demo seed (DEMO_SEED=1, a training
 * copy) must be written whole by exactly one of them.
 */
describe.each(databaseKinds)("two instances started at once on an empty database on $engine", (kind) => {
  let t: TestDatabase;
  let instances: RunningServer[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await t?.destroy();
  });

  it("both come up; one migrates and seeds, the other finds it done", async () => {
    t = await kind.create({ migrate: false });
    const started = await Promise.allSettled([0, 1].map(() => startServer({ databaseUrl: t.url, env: { DEMO_SEED: "1" } })));
    instances = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(started.map((s) => (s.status === "rejected" ? String(s.reason) : "started"))).toEqual(["started", "started"]);

    const outputs = instances.map((s) => s.output());
    expect(outputs.filter((o) => o.includes("demo accounts (seeded now)"))).toHaveLength(1);
    const applied = outputs.map((o) => Number(o.match(/migrations applied this start: (\d+)/)?.[1]));
    expect(applied.sort()).toEqual([0, applied[1]]);

    const emails = await t.db.selectFrom("user").select("email").execute();
    expect(emails.map((e) => e.email)).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));
    expect(new Set(emails.map((e) => e.email)).size).toBe(emails.length);
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });
    // Every demo account can sign in, on either instance.
    for (const [i, account] of DEMO_ACCOUNTS.entries()) await signIn(instances[i % 2]!.baseUrl, account.email);
  }, 120_000);
});
