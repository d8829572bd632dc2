import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redirectWithFlash } from "../../app/.server/flash.ts";
import { appRequest, context, prepareAppDatabase } from "../support/app.ts";

let cleanup = () => {};
beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
});
afterAll(() => cleanup());

/** The Cookie header a browser would send after receiving these Set-Cookie headers. */
const cookieAfter = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

describe("one-time messages after a form", () => {
  it("shows the message on the next page once, then clears it; the address carries nothing", async () => {
    const redirect = await redirectWithFlash("/reviews/abc", "Your ratings have been saved.");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("Location")).toBe("/reviews/abc");
    expect(redirect.headers.get("Set-Cookie")).toMatch(/^ncm_flash=.+; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax/);

    const { loader } = await import("../../app/root.tsx");
    const shown = await loader({ request: appRequest("/reviews/abc", { cookie: cookieAfter(redirect) }), params: {}, context } as never);
    expect(shown.data.flash).toBe("Your ratings have been saved.");
    const cleared = new Headers(shown.init?.headers).get("Set-Cookie");
    expect(cleared).toMatch(/^ncm_flash=; Max-Age=0/);

    // A reload sends the cleared cookie: nothing is shown again.
    const reloaded = await loader({ request: appRequest("/reviews/abc", { cookie: "ncm_flash=" }), params: {}, context } as never);
    expect(reloaded.data.flash).toBeNull();
  });

  it("ignores a message it did not sign", async () => {
    const { loader } = await import("../../app/root.tsx");
    const forged = Buffer.from(JSON.stringify("You have been given admin rights")).toString("base64");
    const page = await loader({ request: appRequest("/", { cookie: `ncm_flash=${forged}` }), params: {}, context } as never);
    expect(page.data.flash).toBeNull();
  });
});
