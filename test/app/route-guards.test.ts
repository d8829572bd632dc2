import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import routes from "../../app/routes.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

/**
 * Routes that answer anonymous visitors on purpose, and why. Everything else must send an
 * anonymous visitor to sign in, from its loader and from its action.
 */
const PUBLIC: Record<string, string> = {
  "root.tsx": "the layout shows the header to everyone; it reveals only the signed-in user's own name",
  "routes/sign-in.tsx": "the way in",
  "routes/sign-in-oidc.ts": "the way in through single sign-on: starts the identity provider's sign-in",
  "routes/healthz.ts": "load balancer probe; reports only whether the database answers",
  "routes/api.auth.ts": "better-auth's own API, which checks sessions and origins itself",
  "routes/set-password.tsx": "reached from a one-time invitation link by someone who has no password yet",
};

function flatten(entries: RouteConfigEntry[]): RouteConfigEntry[] {
  return entries.flatMap((e) => [e, ...flatten(e.children ?? [])]);
}

const routeFiles = ["root.tsx", ...flatten(routes).map((r) => r.file)];

let cleanup = () => {};
beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
});
afterAll(() => cleanup());

describe("every route is guarded or explicitly public", () => {
  it("lists no public route that is not in the route table", () => {
    for (const file of Object.keys(PUBLIC)) expect(routeFiles).toContain(file);
  });

  it.each(routeFiles.filter((file) => !(file in PUBLIC)))(
    "%s sends an anonymous visitor to sign in, from its loader and its action",
    async (file) => {
      const module = await import(/* @vite-ignore */ `../../app/${file}`);
      const handlers = (["loader", "action"] as const).filter((name) => typeof module[name] === "function");
      expect(handlers.length, `${file} has neither loader nor action, so nothing guards it`).toBeGreaterThan(0);
      for (const name of handlers) {
        const request = appRequest("/some/deep/page?x=1", name === "action" ? { method: "POST", body: new URLSearchParams() } : {});
        const result = await settle(() => module[name]({ request, params: {}, context }));
        expect(result, `${file} ${name}`).toBeInstanceOf(Response);
        const response = result as Response;
        expect(response.status, `${file} ${name}`).toBe(302);
        expect(response.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/some/deep/page?x=1")}`);
      }
    },
  );
});

describe("signed-in pages", () => {
  it("shows a lead their name, role and footprint on the home page", async () => {
    const { loader } = await import("../../app/routes/home.tsx");
    const cookie = await sessionCookieFor("lead.blackcountry@example.nhs.uk");
    const data = await loader({ request: appRequest("/", { cookie }), params: {}, context } as never);
    expect(data.user).toMatchObject({
      email: "lead.blackcountry@example.nhs.uk",
      role: "lead",
      footprints: [{ code: "E54000016", name: "The Black Country and West Birmingham" }],
    });
  });

  it("answers an unknown address with 404 once signed in", async () => {
    const { loader } = await import("../../app/routes/not-found.tsx");
    const cookie = await sessionCookieFor("admin@example.nhs.uk");
    const result = await settle(() => loader({ request: appRequest("/nowhere", { cookie }), params: {}, context } as never));
    expect(result).toMatchObject({ init: { status: 404 } });
  });

  it("refuses a role a page does not allow with 403, and lets the right role through", async () => {
    const { requireRole } = await import("../../app/.server/session.ts");
    const lead = await sessionCookieFor("lead.kent@example.nhs.uk");
    const refused = await settle(() => requireRole(appRequest("/", { cookie: lead }), "admin"));
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(403);
    const admin = await sessionCookieFor("admin@example.nhs.uk");
    await expect(requireRole(appRequest("/", { cookie: admin }), "admin", "reviewer")).resolves.toMatchObject({ role: "admin" });
  });

  it("the root layout names the signed-in user and nobody else", async () => {
    const { loader } = await import("../../app/root.tsx");
    const anonymous = (await loader({ request: appRequest("/"), params: {}, context } as never)).data;
    expect(anonymous.user).toBeNull();
    const cookie = await sessionCookieFor("reviewer.two@example.nhs.uk");
    const signedIn = (await loader({ request: appRequest("/", { cookie }), params: {}, context } as never)).data;
    expect(signedIn.user).toEqual({ name: "Robin Reviewer", role: "reviewer", unread: null });
    expect(signedIn.requestId).toBe("test-request");
    expect(signedIn.flash).toBeNull();
  });
});
