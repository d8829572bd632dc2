import fs from "node:fs";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import routes from "../../app/routes.ts";
import { chromiumPath, launch, signIn as signInWithBrowser } from "../e2e/browser.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";

/**
 * The service's HTTP boundary, against the production build: other sites cannot post to any
 * action, the session cookie is out of scripts' and other sites' reach, the security headers are
 * on every page (scripts only by this response's nonce), and sign-in cannot be guessed at speed.
 */

const baseUrl = inject("baseUrl");
const PASSWORD = "assure-demo-password";
const CROSS_SITE_REFUSAL = "This request came from another site and was refused.";

function flatten(entries: RouteConfigEntry[]): RouteConfigEntry[] {
  return entries.flatMap((e) => [e, ...flatten(e.children ?? [])]);
}

/** Every route whose module exports an action, as an address with made-up ids. */
const actionPaths = flatten(routes)
  .filter((r) => /export (async )?function action\b/.test(fs.readFileSync(`app/${r.file}`, "utf8")))
  .map(
    (r) =>
      `/${(r.path ?? "").replace(/:(\w+)/g, (_, name: string) => (name === "section" ? "about" : name === "number" ? "1" : crypto.randomUUID())).replace("*", "sign-in/email")}`,
  );

async function signIn(url: string, email: string, init: { headers?: Record<string, string> } = {}) {
  const response = await fetch(`${url}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...init.headers },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });
  return response;
}

function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function signedInAs(email: string): Promise<string> {
  const response = await signIn(baseUrl, email);
  expect(response.status).toBe(302);
  return cookieFrom(response);
}

describe("posts from other sites", () => {
  let admin: string;
  beforeAll(async () => {
    admin = await signedInAs("admin@example.nhs.uk");
  });

  it("the route table has actions to protect", () => {
    expect(actionPaths.length).toBeGreaterThan(15);
    expect(actionPaths).toContain("/api/auth/sign-in/email");
  });

  it.each(actionPaths)("%s refuses a post whose Origin is another site", async (path) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: admin, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "intent=mark-all-read",
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain(CROSS_SITE_REFUSAL);
  });

  it.each(actionPaths)("%s refuses a post a browser marks Sec-Fetch-Site: cross-site", async (path) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: admin, "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" },
      body: "intent=mark-all-read",
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain(CROSS_SITE_REFUSAL);
  });

  it("refuses the opaque Origin of a sandboxed frame or a data: page", async () => {
    const response = await fetch(`${baseUrl}/sign-out`, { method: "POST", redirect: "manual", headers: { cookie: admin, origin: "null" } });
    expect(response.status).toBe(403);
  });

  it("a refused cross-site sign-out leaves the session signed in; the same post from the service itself signs out", async () => {
    const cookie = await signedInAs("reviewer.two@example.nhs.uk");
    await fetch(`${baseUrl}/sign-out`, { method: "POST", redirect: "manual", headers: { cookie, origin: "https://evil.example" } });
    const session = await fetch(`${baseUrl}/api/auth/get-session`, { headers: { cookie } });
    expect((await session.json())?.user?.email).toBe("reviewer.two@example.nhs.uk");

    const own = await fetch(`${baseUrl}/sign-out`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: baseUrl, "sec-fetch-site": "same-origin" },
    });
    expect(own.status).toBe(302);
    expect(own.headers.get("location")).toBe("/sign-in?signedOut=1");
  });

  it("better-auth's JSON sign-in answers its own origin and refuses another's", async () => {
    const attempt = (origin: string) =>
      fetch(`${baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: JSON.stringify({ email: "lead.kent@example.nhs.uk", password: PASSWORD }),
      });
    const own = await attempt(baseUrl);
    expect(own.status).toBe(200);
    expect(own.headers.getSetCookie().join()).toMatch(/better-auth\.session_token=/);
    const other = await attempt("https://evil.example");
    expect(other.status).toBe(403);
    expect(other.headers.getSetCookie()).toEqual([]);
  });
});

describe("the session cookie", () => {
  it("is HttpOnly and SameSite=Lax, and not Secure when the service is on plain http", async () => {
    const [session] = (await signIn(baseUrl, "lead.kent@example.nhs.uk")).headers
      .getSetCookie()
      .filter((c) => c.includes("session_token="));
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(session).not.toMatch(/;\s*Secure/i);
  });
});

describe("security headers", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signedInAs("admin@example.nhs.uk");
  });

  const PAGES = ["/sign-in", "/", "/submissions/new", "/pipeline", "/admin/users", "/no-such-page"];

  it.each(PAGES)("%s: a script nonce instead of 'unsafe-inline', no framing, nosniff, a referrer policy", async (path) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    const csp = response.headers.get("content-security-policy") ?? "";
    const directives = new Map(
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    const scriptSrc = directives.get("script-src") ?? [];
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    const nonce = scriptSrc.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce, csp).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("base-uri")).toEqual(["'self'"]);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");

    // Every script the page itself carries has this response's nonce, so the browser runs them all.
    if (response.headers.get("content-type")?.startsWith("text/html")) {
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    }
  });

  it("a fresh nonce for every response", async () => {
    const nonces = await Promise.all(
      [1, 2, 3].map(async () => (await fetch(`${baseUrl}/sign-in`)).headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1]),
    );
    expect(new Set(nonces).size).toBe(3);
  });
});

describe("signing in from one address, over and over", () => {
  let server: RunningServer;
  const LIMIT = 3;
  beforeAll(async () => {
    // Its own server: https as its public address (behind a proxy that sets X-Forwarded-For), and a low limit.
    server = await startServer({
      baseUrl: (port) => `https://localhost:${port}`,
      env: { SIGN_IN_ATTEMPTS_PER_MINUTE: String(LIMIT), TRUST_PROXY: "1" },
    });
  });
  afterAll(async () => server?.stop());

  const from = (address: string) => ({ headers: { "x-forwarded-for": address } });

  it("marks the session cookie Secure when the service's address is https", async () => {
    const response = await signIn(server.baseUrl, "lead.kent@example.nhs.uk", from("198.51.100.1"));
    expect(response.status).toBe(302);
    const [session] = response.headers.getSetCookie().filter((c) => c.includes("session_token="));
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
  });

  it(`allows ${LIMIT} attempts a minute from one address, then refuses even the right password; other addresses are unaffected`, async () => {
    const attempt = async (address: string, password: string) => {
      const response = await fetch(`${server.baseUrl}/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...from(address).headers },
        body: new URLSearchParams({ email: "lead.manchester@example.nhs.uk", password }),
      });
      return { status: response.status, text: await response.text() };
    };
    for (let i = 0; i < LIMIT; i++) expect((await attempt("203.0.113.7", `guess-${i}-password`)).status).toBe(401);
    const throttled = await attempt("203.0.113.7", "another-guess-password");
    expect(throttled.status).toBe(429);
    expect(throttled.text).toContain("Too many attempts to sign in from your connection.");
    expect((await attempt("203.0.113.7", PASSWORD)).status).toBe(429);
    // Someone else, from another address, signs in as usual.
    expect((await attempt("203.0.113.8", PASSWORD)).status).toBe(302);
  });

  it("better-auth's JSON endpoint shares the limit, so it is no way round it", async () => {
    const attempt = () =>
      fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
        body: JSON.stringify({ email: "lead.manchester@example.nhs.uk", password: "wrong-password-guess" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);
  });

  it("says the same to a wrong password and to an email with no account, on the form and the API", async () => {
    const form = async (email: string, address: string) => {
      const response = await fetch(`${server.baseUrl}/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...from(address).headers },
        body: new URLSearchParams({ email, password: "wrong-password-guess" }),
      });
      const html = await response.text();
      return { status: response.status, summary: html.match(/<div class="nhsuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/)?.[0] };
    };
    const known = await form("lead.kent@example.nhs.uk", "192.0.2.10");
    const unknown = await form("nobody.at.all@example.nhs.uk", "192.0.2.11");
    expect(known.summary).toContain("Enter a correct email address and password");
    expect(unknown).toEqual(known);

    const api = async (email: string, address: string) => {
      const response = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ email, password: "wrong-password-guess" }),
      });
      return { status: response.status, body: await response.text() };
    };
    const knownApi = await api("lead.kent@example.nhs.uk", "192.0.2.12");
    expect(knownApi.status).toBe(401);
    expect(await api("nobody.at.all@example.nhs.uk", "192.0.2.13")).toEqual(knownApi);
  });
});

describe.skipIf(!chromiumPath)("the Content-Security-Policy in Chromium", () => {
  it("runs the service's own scripts (hydration, sign-in with JavaScript) and blocks an injected handler and script", async () => {
    const browser = await launch();
    try {
      const page = await (await browser.newContext({ baseURL: baseUrl })).newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.goto("/sign-in");
      // The NHS snippet is an inline script: it ran only because it carries the nonce.
      await expect.poll(() => page.evaluate(() => document.body.classList.contains("js-enabled"))).toBe(true);
      await signInWithBrowser(page, "admin@example.nhs.uk");
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 20_000 }).toBe("/");
      await page.waitForLoadState("networkidle");
      expect(violations, "the service's own pages break no rule of their policy").toEqual([]);

      const ran = await page.evaluate(async () => {
        const w = window as unknown as { handlerRan?: boolean; scriptRan?: boolean };
        const host = document.createElement("div");
        document.body.append(host);
        host.innerHTML = `<img src="/no-such-image.png" onerror="window.handlerRan = true">`;
        await new Promise((resolve) => host.querySelector("img")!.addEventListener("error", resolve));
        const script = document.createElement("script");
        script.textContent = "window.scriptRan = true";
        document.body.append(script);
        return { handler: w.handlerRan === true, script: w.scriptRan === true };
      });
      expect(ran).toEqual({ handler: false, script: false });
      await expect.poll(() => violations.length).toBeGreaterThanOrEqual(2);
    } finally {
      await browser.close();
    }
  });
});
