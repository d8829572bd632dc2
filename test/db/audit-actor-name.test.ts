import type { Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission } from "../../app/.server/assurance.ts";
import { ADMIN_CHAIN, appendAuditEvent, auditTrail, verifyAuditChains } from "../../db/audit.ts";
import type { Database } from "../../db/schema.ts";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { findUserProfile } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

/** The transaction, failing any read of the user table: the name must come from the caller. */
function withoutUserReads(trx: Transaction<Database>): Transaction<Database> {
  return new Proxy(trx, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== "selectFrom") return typeof value === "function" ? value.bind(target) : value;
      return (from: unknown) => {
        if (from === "user") throw new Error("appendAuditEvent read the user table although it was given the name");
        return target.selectFrom(from as "audit_event");
      };
    },
  });
}

describe.each(databaseKinds)("the actor's name in an audit entry on $engine", (kind) => {
  let t: TestDatabase;
  let admin: { id: string; name: string };

  beforeAll(async () => {
    t = await kind.create();
    await seedDemoAccounts(t.db);
    admin = await t.db.selectFrom("user").select(["id", "name"]).where("email", "=", "admin@example.nhs.uk").executeTakeFirstOrThrow();
  });
  afterAll(async () => t?.destroy());

  const entry = (actorName?: string) => ({
    chain: ADMIN_CHAIN,
    submissionId: null,
    actorId: admin.id,
    ...(actorName === undefined ? {} : { actorName }),
    action: "NOTE",
    fromState: null,
    toState: null,
    payload: { about: "names" },
    at: new Date().toISOString(),
  });

  it("records the name the caller passes, under the hash, without reading the user table", async () => {
    const written = await t.db.transaction().execute((trx) => appendAuditEvent(withoutUserReads(trx), entry("Ada Admin, as signed in")));
    expect(JSON.parse(written.payload)).toEqual({ about: "names", actorName: "Ada Admin, as signed in" });
    const stored = await t.db.selectFrom("audit_event").select("payload").where("id", "=", written.id).executeTakeFirstOrThrow();
    expect(stored.payload).toBe(written.payload);
    expect(await verifyAuditChains(t.db, { chain: ADMIN_CHAIN })).toMatchObject({ intact: true });
  });

  it("looks the name up only when the caller has none", async () => {
    await expect(t.db.transaction().execute((trx) => appendAuditEvent(withoutUserReads(trx), entry()))).rejects.toThrow(
      /read the user table/,
    );
    const written = await t.db.transaction().execute((trx) => appendAuditEvent(trx, entry()));
    expect(JSON.parse(written.payload)).toEqual({ about: "names", actorName: admin.name });
  });

  it("workflow events record the name of the person as they were loaded", async () => {
    const row = await t.db.selectFrom("user").select("id").where("email", "=", "lead.manchester@example.nhs.uk").executeTakeFirstOrThrow();
    const lead = { ...actorFrom((await findUserProfile(t.db, row.id))!), name: "Lead, as signed in" };
    const started = await startSubmission(t.db, lead, { footprintCode: "E54000007", title: "Salford MCP", modelType: "MCP" });
    if (!started.ok) throw new Error(started.reason);
    const paused = await applyEvent(
      t.db,
      started.id,
      { ...actorFrom((await findUserProfile(t.db, admin.id))!), name: "Admin, as signed in" },
      {
        type: "PAUSE",
        reason: "Intervention",
      },
    );
    expect(paused).toMatchObject({ ok: true });
    expect((await auditTrail(t.db, started.id)).map((e) => e.payload.actorName)).toEqual(["Lead, as signed in", "Admin, as signed in"]);
  });
});
