import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRequest, context, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
});
afterAll(() => cleanup());

async function signInAction(fields: Record<string, string>, ip = "127.0.0.1") {
  const { action } = await import("../../app/routes/sign-in.tsx");
  return settle(() => action({ request: formPost("/sign-in", fields, { ip }), params: {}, context } as never));
}

/** What the action handed back to the form: Conform's reply and the HTTP status. */
function reply(result: unknown) {
  const r = result as {
    data: { error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> };
    init: { status: number };
  };
  return { status: r.init.status, error: r.data.error ?? {}, values: r.data.initialValue ?? {} };
}

describe("the sign-in form (no JavaScript needed: it posts to its own action)", () => {
  it("asks for both fields when they are empty", async () => {
    const { status, error } = reply(await signInAction({ email: "", password: "" }));
    expect(status).toBe(400);
    expect(error.email).toEqual(["Enter your email address"]);
    expect(error.password).toEqual(["Enter your password"]);
  });

  it("explains a malformed email and keeps what was typed, but never echoes the password", async () => {
    const { status, error, values } = reply(await signInAction({ email: "lead.kent", password: "secret" }));
    expect(status).toBe(400);
    expect(error.email).toEqual(["Enter an email address in the correct format, like name@example.nhs.uk"]);
    expect(values.email).toBe("lead.kent");
    expect(values.password).toBeUndefined();
  });

  it("gives one message for a wrong password and for an unknown email", async () => {
    const wrong = reply(await signInAction({ email: "lead.kent@example.nhs.uk", password: "wrong-password" }));
    const unknown = reply(await signInAction({ email: "nobody@example.nhs.uk", password: "wrong-password" }));
    expect(wrong.status).toBe(401);
    expect(wrong.error[""]).toEqual(["Enter a correct email address and password"]);
    expect(unknown).toEqual({ ...wrong, values: { ...wrong.values, email: "nobody@example.nhs.uk" } });
  });

  it("signs in, sets the session cookie and returns to the page asked for", async () => {
    const result = (await signInAction({
      email: "Lead.Manchester@example.nhs.uk",
      password: "assure-demo-password",
      redirectTo: "/some/page?tab=2",
    })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/some/page?tab=2");
    const cookie = result.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/better-auth\.session_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it.each(["//evil.example/phish", "https://evil.example/", "/\\evil.example"])(
    "never redirects off-site after sign-in (redirectTo=%s)",
    async (redirectTo) => {
      const result = (await signInAction({ email: "lead.kent@example.nhs.uk", password: "assure-demo-password", redirectTo })) as Response;
      expect(result.headers.get("Location")).toBe("/");
    },
  );

  it("sends a signed-in visitor on from the sign-in page", async () => {
    const { loader } = await import("../../app/routes/sign-in.tsx");
    const cookie = await sessionCookieFor("admin@example.nhs.uk");
    const result = await settle(() => loader({ request: appRequest("/sign-in?redirectTo=/x", { cookie }), params: {}, context } as never));
    expect((result as Response).headers.get("Location")).toBe("/x");
  });
});

describe("signing out", () => {
  it("ends the session in the database, so the old cookie no longer signs anyone in", async () => {
    const { action } = await import("../../app/routes/sign-out.tsx");
    const { getUser } = await import("../../app/.server/session.ts");
    const cookie = await sessionCookieFor("reviewer.one@example.nhs.uk");
    expect(await getUser(appRequest("/", { cookie }))).toMatchObject({ email: "reviewer.one@example.nhs.uk" });

    const result = (await settle(() =>
      action({ request: formPost("/sign-out", {}, { cookie }), params: {}, context } as never),
    )) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/sign-in?signedOut=1");
    expect(result.headers.get("Set-Cookie")).toMatch(/better-auth\.session_token=;|Max-Age=0/);
    expect(await getUser(appRequest("/", { cookie }))).toBeNull();
  });
});
