import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_CHAIN, verifyAuditChains } from "../../db/audit.ts";
import { createDb, type Db } from "../../db/client.ts";
import { findUserProfile } from "../../db/users.ts";
import { appRequest, context, flashOf, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  const prepared = await prepareAppDatabase();
  cleanup = prepared.cleanup;
  database = createDb(prepared.url);
  for (const who of ["lead.kent", "reviewer.one", "reviewer.three", "admin"]) {
    cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
    ids[who] = (await database.selectFrom("user").select("id").where("email", "=", `${who}@example.nhs.uk`).executeTakeFirstOrThrow()).id;
  }
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request) => ({ request, params: {}, context }) as never;
const KENT = "E54000032";

type Refusal = {
  init: { status: number };
  data: { form: "declare" | "withdraw"; result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } };
};

async function post(who: string, fields: Record<string, string>) {
  const { action } = await import("../../app/routes/account-conflicts.tsx");
  return settle(() => action(args(formPost("/account/conflicts", fields, { cookie: cookies[who] }))));
}

async function page(who: string, search = "") {
  const { loader } = await import("../../app/routes/account-conflicts.tsx");
  return loader(args(appRequest(`/account/conflicts${search}`, { cookie: cookies[who] })));
}

async function adminChain() {
  return database.selectFrom("audit_event").selectAll().where("chain", "=", ADMIN_CHAIN).orderBy("seq").execute();
}

describe("/account/conflicts", () => {
  it("lists the reviewer's declared conflicts and offers all 44 footprints", async () => {
    const riley = await page("reviewer.three");
    expect(riley.conflicts).toEqual([
      {
        footprintCode: "E54000007",
        footprintName: "Greater Manchester",
        reason: expect.any(String),
        declaredAt: expect.any(String),
        declaredBy: ids["reviewer.three"],
        withdrawRefusal: null,
      },
    ]);
    expect(riley.footprints).toHaveLength(44);
    expect((await page("reviewer.one")).conflicts).toEqual([]);
  });

  it("declares a conflict, audited on the admin chain", async () => {
    const before = (await adminChain()).length;
    const response = (await post("reviewer.one", {
      intent: "declare",
      footprintCode: KENT,
      reason: "  Non-executive director of a Kent CCG until 2016  ",
    })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/account/conflicts");
    expect(await flashOf(response)).toBe("Your conflict with Kent and Medway has been declared.");

    const listed = await page("reviewer.one");
    expect(listed.conflicts).toEqual([
      {
        footprintCode: KENT,
        footprintName: "Kent and Medway",
        reason: "Non-executive director of a Kent CCG until 2016",
        declaredAt: expect.any(String),
        declaredBy: ids["reviewer.one"],
        withdrawRefusal: null,
      },
    ]);
    // The workflow's conflict rules read the same table.
    expect((await findUserProfile(database, ids["reviewer.one"]!))!.conflicts.map((c) => c.footprintCode)).toEqual([KENT]);

    const chain = await adminChain();
    expect(chain).toHaveLength(before + 1);
    const entry = chain.at(-1)!;
    expect(entry).toMatchObject({ action: "DECLARE_CONFLICT", actor_id: ids["reviewer.one"], submission_id: null });
    expect(JSON.parse(entry.payload)).toMatchObject({
      userId: ids["reviewer.one"],
      footprintCode: KENT,
      reason: "Non-executive director of a Kent CCG until 2016",
    });
    expect(await verifyAuditChains(database)).toMatchObject({ intact: true });
  });

  it("refuses a duplicate declaration with a clear message, keeping what was typed and auditing nothing", async () => {
    const before = (await adminChain()).length;
    const refused = (await post("reviewer.one", { intent: "declare", footprintCode: KENT, reason: "Again" })) as Refusal;
    expect(refused.init.status).toBe(400);
    expect(refused.data.result.error.footprintCode).toEqual([
      "You have already declared a conflict with Kent and Medway. Withdraw it first if the reason has changed.",
    ]);
    expect(refused.data.result.initialValue).toEqual({ intent: "declare", footprintCode: KENT, reason: "Again" });
    expect(await adminChain()).toHaveLength(before);
    expect((await page("reviewer.one")).conflicts.map((c) => c.reason)).toEqual(["Non-executive director of a Kent CCG until 2016"]);
  });

  it("asks for a footprint and a reason, and refuses an unknown footprint, keeping what was typed", async () => {
    const blank = (await post("reviewer.one", { intent: "declare", footprintCode: "", reason: " " })) as Refusal;
    expect(blank.init.status).toBe(400);
    expect(blank.data.result.error).toEqual({
      footprintCode: ["Select the footprint you have a conflict with"],
      reason: ["Enter the reason for the conflict"],
    });

    const noReason = (await post("reviewer.one", { intent: "declare", footprintCode: "E54000007" })) as Refusal;
    expect(noReason.data.result.error).toEqual({ reason: ["Enter the reason for the conflict"] });
    expect(noReason.data.result.initialValue).toEqual({ intent: "declare", footprintCode: "E54000007" });

    const unknown = (await post("reviewer.one", { intent: "declare", footprintCode: "E99999999", reason: "Typed reason" })) as Refusal;
    expect(unknown.data.result.error).toEqual({ footprintCode: ["Select a footprint from the list"] });
    expect(unknown.data.result.initialValue).toEqual({ intent: "declare", footprintCode: "E99999999", reason: "Typed reason" });

    expect(await post("reviewer.one", { intent: "explode" })).toMatchObject({ init: { status: 400 } });
  });

  it("withdraws a declaration, audited on the admin chain with what it said; a second withdrawal is refused", async () => {
    const before = (await adminChain()).length;
    const response = (await post("reviewer.one", { intent: "withdraw", footprintCode: KENT })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/account/conflicts");
    expect(await flashOf(response)).toBe("Your conflict with Kent and Medway has been withdrawn.");
    expect((await page("reviewer.one")).conflicts).toEqual([]);

    const chain = await adminChain();
    expect(chain).toHaveLength(before + 1);
    expect(chain.at(-1)).toMatchObject({ action: "WITHDRAW_CONFLICT", actor_id: ids["reviewer.one"] });
    expect(JSON.parse(chain.at(-1)!.payload)).toMatchObject({
      footprintCode: KENT,
      reason: "Non-executive director of a Kent CCG until 2016",
    });

    const again = (await post("reviewer.one", { intent: "withdraw", footprintCode: KENT })) as Refusal;
    expect(again.init.status).toBe(400);
    expect(again.data.form).toBe("withdraw");
    expect(again.data.result.error[""]?.[0]).toMatch(/no declared conflict with that footprint/);
    expect(await adminChain()).toHaveLength(before + 1);
    expect(await verifyAuditChains(database, { chain: ADMIN_CHAIN })).toMatchObject({ intact: true });
    expect(await verifyAuditChains(database)).toMatchObject({ intact: true });
  });

  it("a conflict an administrator recorded stays until an administrator withdraws it", async () => {
    const { recordConflictFor, withdrawConflictFor } = await import("../../app/.server/users.ts");
    const admin = (await findUserProfile(database, ids.admin!))!;
    expect(
      await recordConflictFor(database, admin, ids["reviewer.one"]!, {
        footprintCode: KENT,
        footprintName: "Kent and Medway",
        reason: "Told the programme office",
      }),
    ).toEqual({ ok: true });

    const listed = await page("reviewer.one");
    expect(listed.conflicts).toMatchObject([
      {
        footprintCode: KENT,
        declaredBy: ids.admin,
        withdrawRefusal: expect.stringContaining("A programme administrator recorded this conflict"),
      },
    ]);

    const before = (await adminChain()).length;
    const refused = (await post("reviewer.one", { intent: "withdraw", footprintCode: KENT })) as Refusal;
    expect(refused.init.status).toBe(403);
    expect(refused.data.result.error[""]).toEqual([
      "A programme administrator recorded this conflict, so only an administrator can withdraw it. Contact them if it no longer applies.",
    ]);
    expect((await findUserProfile(database, ids["reviewer.one"]!))!.conflicts.map((c) => c.footprintCode)).toEqual([KENT]);
    expect(await adminChain()).toHaveLength(before);

    expect(await withdrawConflictFor(database, admin, ids["reviewer.one"]!, KENT)).toEqual({ ok: true });
    expect((await page("reviewer.one")).conflicts).toEqual([]);
  });

  it("lets an admin declare their own conflicts", async () => {
    const response = (await post("admin", { intent: "declare", footprintCode: KENT, reason: "Married to the Kent STP lead" })) as Response;
    expect(response.status).toBe(302);
    expect((await page("admin")).conflicts.map((c) => c.footprintCode)).toEqual([KENT]);
    // Each person's declarations are their own.
    expect((await page("reviewer.one")).conflicts).toEqual([]);
  });

  it("refuses a lead with 403, from the page and the form", async () => {
    const { loader } = await import("../../app/routes/account-conflicts.tsx");
    const refused = (await settle(() => loader(args(appRequest("/account/conflicts", { cookie: cookies["lead.kent"] }))))) as Response;
    expect(refused.status).toBe(403);
    const posted = (await post("lead.kent", { intent: "declare", footprintCode: KENT, reason: "Sneaky" })) as Response;
    expect(posted).toBeInstanceOf(Response);
    expect(posted.status).toBe(403);
    const lead = await database.selectFrom("reviewer_conflict").select("user_id").where("user_id", "=", ids["lead.kent"]!).execute();
    expect(lead).toEqual([]);
  });
});
