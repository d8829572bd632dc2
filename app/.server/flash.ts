import { createCookie, redirect } from "react-router";
import { env } from "./env.ts";

/**
 * One-time messages after a form is sent ("Your ratings have been saved"): carried to the next page
 * in a short-lived signed cookie and cleared as soon as it is shown, so a reload, a bookmark or a
 * shared link never repeats it (as `?done=` in the address did).
 */
function flashCookie() {
  const config = env();
  return createCookie("ncm_flash", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60,
    secure: config.baseUrl.startsWith("https://"),
    // The newest signs; older versions still read a message set just before a rotation.
    secrets: config.authSecrets?.map((s) => s.value) ?? [config.authSecret],
  });
}

/** A redirect (post/redirect/get) that shows `message` once on the page it leads to. */
export async function redirectWithFlash(to: string, message: string): Promise<Response> {
  return redirect(to, { headers: { "Set-Cookie": await flashCookie().serialize(message) } });
}

/** The message waiting for this request, if any, and the header that clears it. */
export async function takeFlash(request: Request): Promise<{ message: string | null; clear: string | null }> {
  const cookie = flashCookie();
  const value: unknown = await cookie.parse(request.headers.get("Cookie"));
  if (typeof value !== "string" || value === "") return { message: null, clear: null };
  return { message: value, clear: await cookie.serialize("", { maxAge: 0 }) };
}
