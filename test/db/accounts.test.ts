import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, CLIENT_IP_HEADER, createAuth } from "../../app/.server/auth.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts } from "../../db/seed/demo.ts";
import { countUsers, findUserProfile } from "../../db/users.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

const BASE = "http://localhost:3000";
const config = { baseUrl: BASE, authSecret: "test-secret-".padEnd(40, "x"), signInAttemptsPerMinute: 3 };

function signInRequest(email: string, password: string, ip: string) {
  return new Request(`${BASE}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE, [CLIENT_IP_HEADER]: ip },
    body: JSON.stringify({ email, password }),
  });
}

describe.each(databaseKinds)("accounts on $engine", (kind) => {
  let t: TestDatabase;
  let auth: Auth;
  beforeAll(async () => {
    t = await kind.create();
    auth = createAuth(t.db, config);
  });
  afterAll(async () => t?.destroy());

  it("seeds the eight demo accounts into an empty database, and never again", async () => {
    expect(await seedDemoAccounts(t.db)).toBe(true);
    expect(await countUsers(t.db)).toBe(8);
    expect(await seedDemoAccounts(t.db)).toBe(false);
    expect(await countUsers(t.db)).toBe(8);
  });

  it("gives leads their footprint and reviewer.three a declared conflict with Greater Manchester", async () => {
    const ids = await t.db.selectFrom("user").select(["id", "email"]).execute();
    const idOf = (email: string) => ids.find((u) => u.email === email)!.id;

    const manchester = await findUserProfile(t.db, idOf("lead.manchester@example.nhs.uk"));
    expect(manchester).toMatchObject({ role: "lead", footprints: [{ code: "E54000007", name: "Greater Manchester" }] });
    const blackCountry = await findUserProfile(t.db, idOf("lead.blackcountry@example.nhs.uk"));
    expect(blackCountry?.footprints.map((f) => f.code)).toEqual(["E54000016"]);
    const kent = await findUserProfile(t.db, idOf("lead.kent@example.nhs.uk"));
    expect(kent?.footprints.map((f) => f.name)).toEqual(["Kent and Medway"]);

    const three = await findUserProfile(t.db, idOf("reviewer.three@example.nhs.uk"));
    expect(three).toMatchObject({ role: "reviewer", conflicts: [{ footprintCode: "E54000007" }] });
    const admin = await findUserProfile(t.db, idOf("admin@example.nhs.uk"));
    expect(admin).toMatchObject({ role: "admin", footprints: [], conflicts: [] });
  });

  it("signs every demo account in with the demo password, and the session carries the role", async () => {
    for (const account of DEMO_ACCOUNTS) {
      const response = await auth.handler(signInRequest(account.email, DEMO_PASSWORD, `10.0.0.${DEMO_ACCOUNTS.indexOf(account)}`));
      expect(response.status, account.email).toBe(200);
      const cookie = response.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
      expect(session?.user.email).toBe(account.email);
      expect(session?.user.role).toBe(account.role);
    }
  });

  it("answers a wrong password and an unknown email with the same error", async () => {
    const wrongPassword = await auth.handler(signInRequest("lead.kent@example.nhs.uk", "not-the-password", "10.1.0.1"));
    const unknownEmail = await auth.handler(signInRequest("nobody@example.nhs.uk", "not-the-password", "10.1.0.2"));
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await unknownEmail.json());
  });

  it("has no public sign-up", async () => {
    const response = await auth.handler(
      new Request(`${BASE}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE, [CLIENT_IP_HEADER]: "10.2.0.1" },
        body: JSON.stringify({ email: "someone@example.nhs.uk", password: "a-long-enough-password", name: "Someone" }),
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await countUsers(t.db)).toBe(8);
  });

  it("throttles sign-in per client: one address is stopped while another still signs in", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await auth.handler(signInRequest("lead.kent@example.nhs.uk", `guess-number-${i}`, "10.3.0.1"))).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The right password from the throttled address is still refused until the window passes…
    expect((await auth.handler(signInRequest("lead.kent@example.nhs.uk", DEMO_PASSWORD, "10.3.0.1"))).status).toBe(429);
    // …but someone else is not locked out by it.
    expect((await auth.handler(signInRequest("lead.kent@example.nhs.uk", DEMO_PASSWORD, "10.3.0.2"))).status).toBe(200);
  });

  it("signs in with rotated secrets (BETTER_AUTH_SECRETS), the newest signing the session", async () => {
    const rotated = createAuth(t.db, {
      ...config,
      authSecret: "newer-secret-".padEnd(40, "n"),
      authSecrets: [
        { version: 2, value: "newer-secret-".padEnd(40, "n") },
        { version: 1, value: config.authSecret },
      ],
    });
    const response = await rotated.handler(signInRequest("admin@example.nhs.uk", DEMO_PASSWORD, "203.0.113.77"));
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    const session = await rotated.api.getSession({ headers: new Headers({ cookie }) });
    expect(session?.user.email).toBe("admin@example.nhs.uk");
    // An instance still on the old secret alone does not accept it: during a rolling restart people may sign in again.
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
  });
});
