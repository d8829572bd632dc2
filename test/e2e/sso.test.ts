import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.ts";
import { insertInvitedUser, markUserDeactivated } from "../../db/users.ts";
import { chromiumPath, expectAccessible, launch, signedInAs } from "./browser.ts";
import { type RunningServer, startServer } from "./server.ts";

/**
 * Single sign-on against a real OpenID provider (oidc-provider, in this process, with its
 * development sign-in form standing in for NHSmail's): the app is the production build, configured
 * only by its OIDC_* variables. Each person signs in in a fresh browser, as they would.
 */

const CLIENT_ID = "ncm-assure";
const CLIENT_SECRET = "a-client-secret-for-the-tests";

/** The people the provider knows, by the name typed into its sign-in form. */
const PEOPLE: Record<string, { email: string; email_verified: boolean; name: string }> = {
  "sam.reviewer": { email: "sam.reviewer@nhs.net", email_verified: true, name: "Sam Reviewer" },
  stranger: { email: "stranger@nhs.net", email_verified: true, name: "Someone Uninvited" },
  unconfirmed: { email: "jo.unconfirmed@nhs.net", email_verified: false, name: "Jo Unconfirmed" },
  personal: { email: "ash.personal@outlook.example", email_verified: true, name: "Ash Personal" },
  leaver: { email: "lee.leaver@nhs.net", email_verified: true, name: "Lee Leaver" },
};

/** The provider's signing key, which the test also holds to make a token for another service. */
const signingKey: KeyObject = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const KEY_ID = "test-signing-key";

/** The ID token the provider issued, signed again by the provider's key with another audience. */
function withAudience(idToken: string, audience: string): string {
  const [header, payload] = idToken.split(".") as [string, string];
  const claims = { ...JSON.parse(Buffer.from(payload, "base64url").toString("utf8")), aud: audience };
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${body}.${sign("sha256", Buffer.from(body), createPrivateKey(signingKey.export({ format: "pem", type: "pkcs8" }))).toString("base64url")}`;
}

describe.skipIf(!chromiumPath)("signing in with NHSmail (OpenID Connect)", () => {
  let idp: http.Server;
  let issuer: string;
  let server: RunningServer;
  let database: Db;
  let browser: Browser;
  /** When set, the provider's token response carries an ID token for this audience instead of the app's. */
  let tokenAudience: string | undefined;

  beforeAll(async () => {
    // The provider must know the app's callback address, and the app the provider's: listen first,
    // start the app, then build the provider behind the listening socket.
    let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
    idp = http.createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

    server = await startServer({
      env: {
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_ALLOWED_DOMAINS: "nhs.net",
      },
    });
    database = createDb(`file:${server.databaseFile}`);

    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${server.baseUrl}/api/auth/callback/oidc`],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_post",
        },
      ],
      jwks: { keys: [{ ...signingKey.export({ format: "jwk" }), kid: KEY_ID, use: "sig", alg: "RS256" }] },
      cookies: { keys: ["cookie-key-for-the-tests"] },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      features: { devInteractions: { enabled: true } },
      // Lifetimes stated, so the provider does not print a notice for each default it falls back to.
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      async findAccount(_ctx, id) {
        const person = PEOPLE[id];
        if (!person) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, ...person }) };
      },
      // The service is the provider's own first-party client: no consent screen (oidc-provider's recipe).
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const { oidc } = ctx;
        const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
        if (grantId) return oidc.provider.Grant.find(grantId);
        const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
        grant.addOIDCScope("openid email profile");
        await grant.save();
        return grant;
      },
    });
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (tokenAudience && ctx.path === "/token" && body?.id_token)
        ctx.body = { ...body, id_token: withAudience(body.id_token, tokenAudience) };
    });
    handle = provider.callback();

    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await database?.destroy();
    await server?.stop();
    await new Promise((resolve) => idp?.close(resolve));
  });

  const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
  const summary = (page: Page) => page.locator(".nhsuk-error-summary").textContent();

  /** From the app's sign-in page (reached from `from`) through the provider's sign-in form as `login`. */
  async function signInWithProvider(login: string, options: { from?: string; javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: options.javaScriptEnabled ?? true });
    const page = await context.newPage();
    await page.goto(options.from ?? "/sign-in");
    await page.getByRole("button", { name: "Sign in with NHSmail" }).click();
    await page.waitForURL((url) => url.origin === issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.waitForURL((url) => url.origin === server.baseUrl && url.pathname !== "/api/auth/callback/oidc");
    return { context, page };
  }

  async function expectRefused(page: Page, message: string) {
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await summary(page)).toContain(message);
    // No session: the service still asks them to sign in.
    await page.goto("/reviews");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  }

  async function invite(email: string, name: string) {
    return database.transaction().execute((trx) => insertInvitedUser(trx, { email, name, role: "reviewer", at: new Date().toISOString() }));
  }

  it("lets a reviewer an administrator invited sign in with NHSmail, linking the account without changing it", async () => {
    const admin = await signedInAs(browser, server, "admin@example.nhs.uk");
    await admin.page.goto("/admin/users/invite");
    await admin.page.getByLabel("Full name").fill("Sam Reviewer");
    await admin.page.getByLabel("Email address").fill("sam.reviewer@nhs.net");
    await admin.page.getByLabel("National reviewer", { exact: true }).check();
    await admin.page.getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => heading(admin.page)).toBe("Invitation sent");
    await admin.context.close();

    // Straight from the invitation, without setting a password: back to the page they asked for.
    const { context, page } = await signInWithProvider("sam.reviewer", { from: "/reviews" });
    expect(new URL(page.url()).pathname).toBe("/reviews");
    expect(await heading(page)).toBe("Your reviews");
    expect(await page.getByRole("navigation", { name: "Account" }).textContent()).toContain("Sam Reviewer");
    await context.close();

    const users = await database.selectFrom("user").select(["id", "role", "name"]).where("email", "=", "sam.reviewer@nhs.net").execute();
    expect(users).toEqual([{ id: expect.any(String), role: "reviewer", name: "Sam Reviewer" }]);
    const accounts = await database.selectFrom("account").select(["providerId", "accountId"]).where("userId", "=", users[0]!.id).execute();
    expect(accounts).toContainEqual({ providerId: "oidc", accountId: "sam.reviewer" });
    const linked = await database
      .selectFrom("audit_event")
      .select(["actor_id", "payload"])
      .where("action", "=", "LINK_SINGLE_SIGN_ON")
      .execute();
    expect(linked).toHaveLength(1);
    expect(linked[0]!.actor_id).toBe(users[0]!.id);
    expect(JSON.parse(linked[0]!.payload)).toMatchObject({ provider: "NHSmail", issuer, subject: "sam.reviewer" });

    // Again with JavaScript off, now by the link: the button is a plain form, every step a page.
    const again = await signInWithProvider("sam.reviewer", { javaScriptEnabled: false });
    expect(new URL(again.page.url()).pathname).toBe("/");
    expect(await heading(again.page)).toBe("Welcome, Sam Reviewer");
    await again.context.close();
    expect(await database.selectFrom("audit_event").where("action", "=", "LINK_SINGLE_SIGN_ON").select("id").execute()).toHaveLength(1);
  });

  it("refuses someone the provider knows but no administrator invited, and creates no account", async () => {
    const { context, page } = await signInWithProvider("stranger");
    await expectRefused(
      page,
      "Your NHSmail account is not registered with NCM Assure. Ask your programme administrator to invite you, using your NHSmail email address.",
    );
    await page.goto("/sign-in?error=sso_not_invited");
    await expectAccessible(page);
    await context.close();
    expect(await database.selectFrom("user").where("email", "=", "stranger@nhs.net").select("id").execute()).toEqual([]);
  });

  it("refuses an email address the provider has not verified, even for an invited account", async () => {
    await invite("jo.unconfirmed@nhs.net", "Jo Unconfirmed");
    const { context, page } = await signInWithProvider("unconfirmed");
    await expectRefused(page, "NHSmail has not confirmed your email address");
    await context.close();
  });

  it("refuses an email address outside the allowed domains", async () => {
    const { context, page } = await signInWithProvider("personal");
    await expectRefused(page, "You can only sign in with NHSmail using an email address ending @nhs.net.");
    await context.close();
  });

  it("refuses an ID token issued for another service (the wrong audience)", async () => {
    tokenAudience = "another-service";
    try {
      const { context, page } = await signInWithProvider("sam.reviewer");
      await expectRefused(page, "NCM Assure could not confirm who you are with NHSmail. Try again.");
      // Refused for the audience, by better-auth's check of the token against the issuer's keys and this client id.
      expect(server.output()).toContain("id_token failed verification");
      await context.close();
    } finally {
      tokenAudience = undefined;
    }
  });

  it("refuses the provider's answer once the browser's sign-in state is gone, with a message rather than an error page", async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    const callbacks: string[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/api/auth/callback/oidc") callbacks.push(`${response.status()} ${response.url()}`);
    });
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with NHSmail" }).click();
    await page.waitForURL((url) => url.origin === issuer);
    // The state cookie better-auth set is gone (expired, or another browser) by the time the provider answers.
    await context.clearCookies({ domain: "localhost" });
    await page.locator('input[name="login"]').fill("sam.reviewer");
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.waitForURL((url) => url.origin === server.baseUrl && url.pathname === "/sign-in");
    expect(callbacks).toEqual([expect.stringMatching(/^302 .*[?&]code=/)]);
    await expectRefused(page, "Your sign-in with NHSmail had expired or was started in another window, so it was stopped. Sign in again.");

    // The provider's answer, replayed (the state it carries was spent or never stored): the same.
    const response = await page.goto(callbacks[0]!.slice(4));
    expect(response?.status()).toBe(200);
    await expectRefused(page, "Your sign-in with NHSmail had expired or was started in another window, so it was stopped. Sign in again.");
    await context.close();
  });

  it("refuses a deactivated account, saying so", async () => {
    const userId = await invite("lee.leaver@nhs.net", "Lee Leaver");
    const admin = await database.selectFrom("user").select("id").where("email", "=", "admin@example.nhs.uk").executeTakeFirstOrThrow();
    await database
      .transaction()
      .execute((trx) => markUserDeactivated(trx, { userId, by: admin.id, reason: "Left the programme", at: new Date().toISOString() }));
    const { context, page } = await signInWithProvider("leaver");
    await expectRefused(page, "Your NCM Assure account has been deactivated. Ask your programme administrator if you need it again.");
    await context.close();
    expect(await database.selectFrom("session").where("userId", "=", userId).select("id").execute()).toEqual([]);
  });
});
