import { createHash } from "node:crypto";
import { getMigrations } from "better-auth/db/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, CLIENT_IP_HEADER, createAuth } from "../../app/.server/auth.ts";
import {
  changeRoleAndFootprints,
  checkSetPasswordLink,
  deactivateUser,
  inviteUser,
  reactivateUser,
  recordConflictFor,
  resendInvitation,
  setPasswordWithLink,
} from "../../app/.server/users.ts";
import { ADMIN_CHAIN, verifyAuditChains } from "../../db/audit.ts";
import { DEMO_PASSWORD, seedDemoAccounts } from "../../db/seed/demo.ts";
import { dialectOf } from "../../db/client.ts";
import { findUserForAdmin, findUserProfile, listUsersForAdmin } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const BASE = "http://localhost:3000";
const config = { baseUrl: BASE, authSecret: "test-secret-".padEnd(40, "x"), signInAttemptsPerMinute: 1000 };
const NEW_PASSWORD = "correct horse battery staple";
const KENT = "E54000032";
const DEVON = "E54000037";
const DAY = 24 * 60 * 60 * 1000;

function signInRequest(email: string, password: string) {
  return new Request(`${BASE}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE, [CLIENT_IP_HEADER]: "10.9.0.1" },
    body: JSON.stringify({ email, password }),
  });
}

function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token")!;
}

describe.each(databaseKinds)("user administration on $engine", (kind) => {
  let t: TestDatabase;
  let auth: Auth;
  let admin: { id: string; name: string; role: "admin" };

  async function signIn(email: string, password: string) {
    const response = await auth.handler(signInRequest(email, password));
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    return { status: response.status, body: await response.json(), cookie };
  }

  async function adminChain() {
    return t.db.selectFrom("audit_event").selectAll().where("chain", "=", ADMIN_CHAIN).orderBy("seq").execute();
  }

  async function invite(email: string, options: { now?: Date; role?: "lead" | "reviewer" | "admin"; footprints?: string[] } = {}) {
    const outcome = await inviteUser(
      t.db,
      admin,
      { name: `Invited ${email.split("@")[0]}`, email, role: options.role ?? "lead", footprintCodes: options.footprints ?? [KENT] },
      { baseUrl: BASE, now: options.now },
    );
    if (!outcome.ok) throw new Error(outcome.reason);
    return outcome;
  }

  beforeAll(async () => {
    t = await kind.create();
    auth = createAuth(t.db, config);
    await seedDemoAccounts(t.db);
    const row = await t.db.selectFrom("user").select(["id", "name"]).where("email", "=", "admin@example.nhs.uk").executeTakeFirstOrThrow();
    admin = { id: row.id, name: row.name, role: "admin" };
  });
  afterAll(async () => t?.destroy());

  it("still leaves better-auth's planner nothing to create or add", async () => {
    const plan = await getMigrations(auth.options);
    expect(plan.toBeCreated).toEqual([]);
    expect(plan.toBeAdded).toEqual([]);
    expect(plan.toBeAddedIndexes).toEqual([]);
  });

  it("counts an invited account linked to single sign-on as active, with no invitation to send again", async () => {
    const outcome = await invite("linked.by.sso@example.nhs.uk");
    const now = new Date();
    // The row better-auth writes when it links the identity provider's `sub` (test/e2e/sso.test.ts does it for real).
    await t.db
      .insertInto("account")
      .values({
        id: `oidc-${outcome.userId}`,
        accountId: "subject-at-the-provider",
        providerId: "oidc",
        userId: outcome.userId,
        accessToken: null,
        refreshToken: null,
        idToken: null,
        accessTokenExpiresAt: null,
        refreshTokenExpiresAt: null,
        scope: null,
        password: null,
        createdAt: dialectOf(t.db) === "sqlite" ? now.toISOString() : now,
        updatedAt: dialectOf(t.db) === "sqlite" ? now.toISOString() : now,
      })
      .execute();
    expect((await findUserForAdmin(t.db, outcome.userId))!.status).toBe("active");
    expect((await listUsersForAdmin(t.db)).find((u) => u.id === outcome.userId)).toMatchObject({ status: "active" });
    expect(await resendInvitation(t.db, admin, outcome.userId, { baseUrl: BASE })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("can already sign in"),
    });
  });

  it("invites: an account with no usable password, a hashed one-time link, an email, and an audit entry without the token", async () => {
    const before = (await adminChain()).length;
    const outcome = await invite("New.Lead@Example.nhs.uk", { footprints: [KENT, DEVON] });
    expect(outcome.link).toMatch(new RegExp(`^${BASE}/set-password\\?token=[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(outcome.link);

    const profile = await findUserProfile(t.db, outcome.userId);
    expect(profile).toMatchObject({ email: "new.lead@example.nhs.uk", role: "lead" });
    expect(profile!.footprints.map((f) => f.code).sort()).toEqual([DEVON, KENT].sort());
    const account = await t.db.selectFrom("account").select(["password", "providerId"]).where("userId", "=", outcome.userId).execute();
    expect(account).toEqual([{ password: null, providerId: "credential" }]);
    expect((await findUserForAdmin(t.db, outcome.userId))!.status).toBe("invited");

    const stored = await t.db.selectFrom("set_password_token").selectAll().where("user_id", "=", outcome.userId).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(Date.parse(stored[0]!.expires_at) - Date.parse(stored[0]!.created_at)).toBe(7 * DAY);

    // The token exists only in the email; the in-app notification does not carry it.
    const outbox = await t.db.selectFrom("outbox").selectAll().where("to_address", "=", "new.lead@example.nhs.uk").execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.body).toContain(outcome.link);
    const notifications = await t.db.selectFrom("notification").selectAll().where("user_id", "=", outcome.userId).execute();
    expect(notifications).toMatchObject([{ kind: "invitation" }]);
    expect(JSON.stringify(notifications)).not.toContain(token);

    const chain = await adminChain();
    expect(chain).toHaveLength(before + 1);
    expect(chain.at(-1)).toMatchObject({ action: "INVITE_USER", actor_id: admin.id });
    expect(JSON.parse(chain.at(-1)!.payload)).toMatchObject({ userId: outcome.userId, email: "new.lead@example.nhs.uk", role: "lead" });
    expect(chain.at(-1)!.payload).not.toContain(token);
  });

  it("refuses a duplicate email, in any case, and footprints that do not fit the role", async () => {
    const duplicate = await inviteUser(t.db, admin, {
      name: "Again",
      email: " LEAD.KENT@example.nhs.uk ",
      role: "lead",
      footprintCodes: [KENT],
    });
    expect(duplicate).toEqual({ ok: false, field: "email", reason: expect.stringContaining("already exists") });
    const leadWithout = await inviteUser(t.db, admin, { name: "A", email: "a@example.nhs.uk", role: "lead", footprintCodes: [] });
    expect(leadWithout).toMatchObject({ ok: false, field: "footprints" });
    const reviewerWith = await inviteUser(t.db, admin, { name: "B", email: "b@example.nhs.uk", role: "reviewer", footprintCodes: [KENT] });
    expect(reviewerWith).toMatchObject({ ok: false, field: "footprints" });
    const unknown = await inviteUser(t.db, admin, { name: "C", email: "c@example.nhs.uk", role: "lead", footprintCodes: ["E99999999"] });
    expect(unknown).toMatchObject({ ok: false, field: "footprints" });
    expect(
      await t.db
        .selectFrom("user")
        .select("id")
        .where("email", "in", ["a@example.nhs.uk", "b@example.nhs.uk", "c@example.nhs.uk"])
        .execute(),
    ).toEqual([]);
  });

  it("lets the link set a password once; the invited person then signs in", async () => {
    const outcome = await invite("once@example.nhs.uk");
    const token = tokenOf(outcome.link);
    const wrong = await signIn("lead.kent@example.nhs.uk", "not-the-password");
    // Before the password is set the account answers exactly as a wrong password does.
    const early = await signIn("once@example.nhs.uk", NEW_PASSWORD);
    expect(early.status).toBe(401);
    expect(early.body).toEqual(wrong.body);

    expect(await checkSetPasswordLink(t.db, token)).toEqual({ ok: true, name: "Invited once", email: "once@example.nhs.uk" });
    expect(await setPasswordWithLink(t.db, token, NEW_PASSWORD)).toEqual({ ok: true, email: "once@example.nhs.uk" });
    expect(await setPasswordWithLink(t.db, token, "another password entirely")).toEqual({ ok: false, problem: "used" });
    expect(await checkSetPasswordLink(t.db, token)).toEqual({ ok: false, problem: "used" });

    const signedIn = await signIn("once@example.nhs.uk", NEW_PASSWORD);
    expect(signedIn.status).toBe(200);
    const session = await auth.api.getSession({ headers: new Headers({ cookie: signedIn.cookie }) });
    expect(session?.user).toMatchObject({ email: "once@example.nhs.uk", role: "lead" });
    expect((await findUserForAdmin(t.db, outcome.userId))!).toMatchObject({ status: "active", lastSignInAt: expect.any(String) });
    expect((await signIn("once@example.nhs.uk", "another password entirely")).status).toBe(401);

    const chain = await adminChain();
    expect(chain.filter((e) => e.action === "SET_PASSWORD").at(-1)).toMatchObject({ actor_id: outcome.userId });
  });

  it("spends a link only once when it is used twice at the same moment", async () => {
    const token = tokenOf((await invite("race@example.nhs.uk")).link);
    const results = await Promise.all([
      setPasswordWithLink(t.db, token, "first password typed"),
      setPasswordWithLink(t.db, token, "second password typed"),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, problem: "used" }]);
  });

  it("refuses an expired link, an unknown one, and one a newer invitation replaced", async () => {
    const old = await invite("late@example.nhs.uk", { now: new Date(Date.now() - 8 * DAY) });
    expect(await checkSetPasswordLink(t.db, tokenOf(old.link))).toEqual({ ok: false, problem: "expired" });
    expect(await setPasswordWithLink(t.db, tokenOf(old.link), NEW_PASSWORD)).toEqual({ ok: false, problem: "expired" });
    expect(await checkSetPasswordLink(t.db, "made-up-token")).toEqual({ ok: false, problem: "invalid" });
    expect(await checkSetPasswordLink(t.db, "")).toEqual({ ok: false, problem: "invalid" });

    const fresh = await resendInvitation(t.db, admin, old.userId, { baseUrl: BASE });
    if (!fresh.ok) throw new Error(fresh.reason);
    expect(await checkSetPasswordLink(t.db, tokenOf(old.link))).toEqual({ ok: false, problem: "expired" });
    expect(await setPasswordWithLink(t.db, tokenOf(fresh.link), NEW_PASSWORD)).toMatchObject({ ok: true });
    expect((await signIn("late@example.nhs.uk", NEW_PASSWORD)).status).toBe(200);
    // Once a password is set there is no invitation to resend.
    expect(await resendInvitation(t.db, admin, old.userId, { baseUrl: BASE })).toMatchObject({ ok: false });
  });

  it("deactivates: sessions end, better-auth refuses sign-in as it refuses a wrong password, open links die", async () => {
    const kent = await t.db.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
    const first = await signIn("lead.kent@example.nhs.uk", DEMO_PASSWORD);
    const second = await signIn("lead.kent@example.nhs.uk", DEMO_PASSWORD);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await auth.api.getSession({ headers: new Headers({ cookie: first.cookie }) })).not.toBeNull();

    const outcome = await deactivateUser(t.db, admin, kent.id, "Left the Kent STP in March 2017");
    expect(outcome).toEqual({ ok: true, sessionsEnded: 2 });
    expect(await t.db.selectFrom("session").select("id").where("userId", "=", kent.id).execute()).toEqual([]);
    expect(await auth.api.getSession({ headers: new Headers({ cookie: first.cookie }) })).toBeNull();

    const refused = await signIn("lead.kent@example.nhs.uk", DEMO_PASSWORD);
    const wrong = await signIn("lead.manchester@example.nhs.uk", "not-the-password");
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(wrong.body);
    expect(refused.cookie).toBe("");
    expect(await t.db.selectFrom("session").select("id").where("userId", "=", kent.id).execute()).toEqual([]);

    // History stays: the account, its footprint and its role are all still there.
    expect(await findUserForAdmin(t.db, kent.id)).toMatchObject({
      status: "deactivated",
      role: "lead",
      deactivationReason: "Left the Kent STP in March 2017",
      deactivatedByName: "Alex Admin",
      footprints: [{ code: KENT }],
    });
    expect((await listUsersForAdmin(t.db)).find((u) => u.id === kent.id)).toMatchObject({ status: "deactivated" });
    expect(await deactivateUser(t.db, admin, kent.id, "Again")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("already deactivated"),
    });

    const entry = (await adminChain()).at(-1)!;
    expect(entry).toMatchObject({ action: "DEACTIVATE_USER", actor_id: admin.id, from_state: "active", to_state: "deactivated" });
    expect(JSON.parse(entry.payload)).toMatchObject({ userId: kent.id, reason: "Left the Kent STP in March 2017", sessionsEnded: 2 });

    // An invitation link dies with the account it belongs to.
    const invited = await invite("doomed@example.nhs.uk");
    expect(await deactivateUser(t.db, admin, invited.userId, "Invited by mistake")).toMatchObject({ ok: true });
    expect(await checkSetPasswordLink(t.db, tokenOf(invited.link))).toEqual({ ok: false, problem: "invalid" });
  });

  it("reactivates: the same password signs in again", async () => {
    const kent = await t.db.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
    expect(await reactivateUser(t.db, admin, kent.id)).toEqual({ ok: true });
    expect((await signIn("lead.kent@example.nhs.uk", DEMO_PASSWORD)).status).toBe(200);
    expect(await reactivateUser(t.db, admin, kent.id)).toMatchObject({ ok: false, reason: expect.stringContaining("already active") });
    expect((await adminChain()).filter((e) => e.action === "REACTIVATE_USER")).toHaveLength(1);
  });

  it("refuses to let an administrator deactivate or demote themselves", async () => {
    expect(await deactivateUser(t.db, admin, admin.id, "Bored")).toEqual({
      ok: false,
      reason: "You cannot deactivate your own account. Ask another programme administrator to do it.",
    });
    expect(await changeRoleAndFootprints(t.db, admin, admin.id, { role: "reviewer", footprintCodes: [] })).toMatchObject({
      ok: false,
      field: "role",
    });
    expect((await signIn("admin@example.nhs.uk", DEMO_PASSWORD)).status).toBe(200);
  });

  it("changes role and footprints together, auditing each kind of change", async () => {
    const riley = await t.db.selectFrom("user").select("id").where("email", "=", "reviewer.two@example.nhs.uk").executeTakeFirstOrThrow();
    expect(await changeRoleAndFootprints(t.db, admin, riley.id, { role: "lead", footprintCodes: [] })).toMatchObject({
      ok: false,
      field: "footprints",
    });
    const before = (await adminChain()).length;
    expect(await changeRoleAndFootprints(t.db, admin, riley.id, { role: "lead", footprintCodes: [DEVON] })).toEqual({
      ok: true,
      changed: true,
    });
    const entries = (await adminChain()).slice(before);
    expect(entries.map((e) => e.action)).toEqual(["CHANGE_ROLE", "CHANGE_FOOTPRINTS"]);
    expect(JSON.parse(entries[0]!.payload)).toMatchObject({ userId: riley.id, from: "reviewer", to: "lead" });
    expect(JSON.parse(entries[1]!.payload)).toMatchObject({ added: [DEVON], removed: [] });
    expect(await findUserProfile(t.db, riley.id)).toMatchObject({ role: "lead", footprints: [{ code: DEVON }] });
    // The session carries the new role.
    const session = await signIn("reviewer.two@example.nhs.uk", DEMO_PASSWORD);
    expect(session.body.user.role).toBe("lead");

    expect(await changeRoleAndFootprints(t.db, admin, riley.id, { role: "lead", footprintCodes: [DEVON] })).toEqual({
      ok: true,
      changed: false,
    });
    expect(await changeRoleAndFootprints(t.db, admin, riley.id, { role: "reviewer", footprintCodes: [] })).toEqual({
      ok: true,
      changed: true,
    });
    expect(await findUserProfile(t.db, riley.id)).toMatchObject({ role: "reviewer", footprints: [] });
  });

  it("records a conflict on a reviewer's behalf, but not for a lead", async () => {
    const rowan = await t.db.selectFrom("user").select("id").where("email", "=", "reviewer.one@example.nhs.uk").executeTakeFirstOrThrow();
    const input = { footprintCode: KENT, footprintName: "Kent and Medway", reason: "Told the programme office on 3 May" };
    expect(await recordConflictFor(t.db, admin, rowan.id, input)).toEqual({ ok: true });
    expect(await recordConflictFor(t.db, admin, rowan.id, input)).toMatchObject({ ok: false });
    expect((await findUserProfile(t.db, rowan.id))!.conflicts).toMatchObject([{ footprintCode: KENT }]);
    const entry = (await adminChain()).at(-1)!;
    expect(entry).toMatchObject({ action: "RECORD_CONFLICT", actor_id: admin.id });
    expect(JSON.parse(entry.payload)).toMatchObject({ userId: rowan.id, footprintCode: KENT });

    const lead = await t.db.selectFrom("user").select("id").where("email", "=", "lead.manchester@example.nhs.uk").executeTakeFirstOrThrow();
    expect(await recordConflictFor(t.db, admin, lead.id, input)).toMatchObject({ ok: false });
  });

  it("keeps every audit chain intact", async () => {
    expect(await verifyAuditChains(t.db)).toMatchObject({ intact: true });
    const actions = new Set((await adminChain()).map((e) => e.action));
    for (const action of [
      "INVITE_USER",
      "RESEND_INVITATION",
      "SET_PASSWORD",
      "CHANGE_ROLE",
      "CHANGE_FOOTPRINTS",
      "RECORD_CONFLICT",
      "DEACTIVATE_USER",
      "REACTIVATE_USER",
    ]) {
      expect(actions).toContain(action);
    }
  });
});
