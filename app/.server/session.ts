import { redirect } from "react-router";
import type { Role } from "../../db/schema.ts";
import { findUserProfile, type UserProfile } from "../../db/users.ts";
import { auth, CLIENT_IP_HEADER } from "./auth.ts";
import { db } from "./db.ts";
import { env } from "./env.ts";
import { logError } from "./log.ts";
import { SSO_PROVIDER_ID } from "./single-sign-on.ts";
import { noteSignedInUser, oncePerRequest } from "./request-scope.ts";

export type CurrentUser = UserProfile;

/**
 * The request's session, looked up once however many loaders ask (the root's header and the
 * page's own both do): each lookup verifies the cookie's signature and reads the session and user.
 * A request without better-auth's cookie has no session, and needs no lookup at all.
 */
function sessionOf(request: Request) {
  const cookie = request.headers.get("cookie");
  if (!hasSessionCookie(cookie)) return Promise.resolve(null);
  return oncePerRequest(`session ${cookie}`, async () => {
    const session = await auth().api.getSession({ headers: request.headers });
    if (session) noteSignedInUser(session.user.id);
    return session;
  });
}

/** better-auth's session cookie, with or without the `__Secure-` prefix it adds on https. */
export function hasSessionCookie(header: string | null | undefined): boolean {
  return header != null && /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=/.test(header);
}

/**
 * Who the session cookie belongs to, from the session alone (one lookup), for the page header.
 * Pages that act on the user's behalf use requireUser, which also loads footprints and conflicts.
 */
export async function getSessionUser(request: Request): Promise<{ id: string; name: string; role: Role } | null> {
  const session = await sessionOf(request);
  if (!session) return null;
  return { id: session.user.id, name: session.user.name, role: session.user.role as Role };
}

/** The signed-in user with their footprints and conflicts, or null. */
export async function getUser(request: Request): Promise<CurrentUser | null> {
  const session = await sessionOf(request);
  if (!session) return null;
  return (await findUserProfile(db(), session.user.id)) ?? null;
}

/** The signed-in user; an anonymous visitor is sent to sign in and brought back afterwards. */
export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
    throw redirect(`/sign-in?${params}`);
  }
  return user;
}

const ROLE_PLURAL: Record<Role, string> = { lead: "system leads", reviewer: "national reviewers", admin: "programme administrators" };
const ROLE_SINGULAR: Record<Role, string> = { lead: "a system lead", reviewer: "a national reviewer", admin: "a programme administrator" };

/** The signed-in user if they hold one of the roles; otherwise a 403 page. */
export async function requireRole(request: Request, ...roles: Role[]): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) {
    const who = roles.map((r) => ROLE_PLURAL[r]).join(" and ");
    throw new Response(`This page is for ${who}. Your account is ${ROLE_SINGULAR[user.role]}'s.`, { status: 403, statusText: "Forbidden" });
  }
  return user;
}

/**
 * A same-site path to return to after signing in; anything else goes home. Only printable ASCII
 * that may appear in a URL path, query or fragment is accepted (no spaces, tabs, line breaks, DEL,
 * backslashes or non-ASCII: browsers drop or reinterpret those, so `/<TAB>/evil.example` became
 * `//evil.example`), and the URL parser must then resolve it to this origin.
 */
export function safeRedirectTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 2048 || !SAFE_PATH.test(value) || value.startsWith("//")) return "/";
  const base = "http://ncm-assure.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return "/";
  }
  // Checked again after parsing: dot segments collapse, so `/.//evil.example` becomes `//evil.example`.
  if (url.origin !== base || url.pathname.startsWith("//") || url.pathname.startsWith("/\\")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

const SAFE_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/;

/**
 * A post to one of better-auth's endpoints through its own HTTP handler, as from this person's
 * browser (their address and user agent), so its per-client rate limit counts them.
 */
function postToAuth(request: Request, endpoint: string, body: object): Promise<Response> {
  const { baseUrl } = env();
  const headers = new Headers({ "content-type": "application/json", origin: baseUrl });
  const clientIp = request.headers.get(CLIENT_IP_HEADER);
  if (clientIp) headers.set(CLIENT_IP_HEADER, clientIp);
  const userAgent = request.headers.get("user-agent");
  if (userAgent) headers.set("user-agent", userAgent);
  return auth().handler(new Request(`${baseUrl}/api/auth${endpoint}`, { method: "POST", headers, body: JSON.stringify(body) }));
}

export type SignInOutcome = { ok: true; setCookies: string[] } | { ok: false; reason: "invalid" | "throttled"; retryAfterSeconds?: number };

/**
 * Signs in through better-auth's own HTTP handler rather than `auth.api`, so its per-client rate
 * limit applies to our no-JavaScript form exactly as it does to `POST /api/auth/sign-in/email`.
 */
export async function signIn(request: Request, credentials: { email: string; password: string }): Promise<SignInOutcome> {
  const response = await postToAuth(request, "/sign-in/email", { email: credentials.email, password: credentials.password });
  if (response.ok) return { ok: true, setCookies: response.headers.getSetCookie() };
  if (response.status === 429) {
    const retry = Number(response.headers.get("x-retry-after") ?? response.headers.get("retry-after"));
    return { ok: false, reason: "throttled", retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : 60 };
  }
  return { ok: false, reason: "invalid" };
}

export type SingleSignOnStart = { ok: true; url: string; setCookies: string[] } | { ok: false; reason: "throttled" | "unavailable" };

/**
 * Starts signing in with the identity provider: better-auth keeps the flow's state (PKCE verifier,
 * nonce, where to go after) and answers with the provider's address and the cookie that ties the
 * provider's answer to this browser. Through better-auth's own HTTP handler, as signIn is, so its
 * per-client rate limit applies (each start stores a row). Afterwards, or if anything refuses the
 * person, better-auth sends them to `redirectTo` or back to the sign-in page with `?error=`.
 */
export async function startSingleSignOn(request: Request, redirectTo: string): Promise<SingleSignOnStart> {
  const response = await postToAuth(request, "/sign-in/social", {
    provider: SSO_PROVIDER_ID,
    callbackURL: redirectTo,
    errorCallbackURL: `/sign-in?${new URLSearchParams({ redirectTo })}`,
    disableRedirect: true,
  });
  if (response.status === 429) return { ok: false, reason: "throttled" };
  const body = (await response.json().catch(() => null)) as { url?: unknown } | null;
  if (!response.ok || typeof body?.url !== "string") {
    // Typically the provider's discovery document could not be fetched (better-auth retries it on the next start).
    logError("could not start single sign-on", { status: response.status, body });
    return { ok: false, reason: "unavailable" };
  }
  return { ok: true, url: body.url, setCookies: response.headers.getSetCookie() };
}

/** Ends the session in the database and returns the cookies that clear it in the browser. */
export async function signOut(request: Request): Promise<string[]> {
  const response = await auth().api.signOut({ headers: request.headers, asResponse: true });
  return response.headers.getSetCookie();
}
