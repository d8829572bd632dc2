import { data } from "react-router";
import type { Route } from "./+types/api.auth";
import { auth } from "../.server/auth.ts";
import { SSO_PROVIDER_ID } from "../.server/single-sign-on.ts";

// Public: better-auth's own HTTP API, narrowed to what the service uses: signing in and out and
// reading the session. Everything else it offers (update-user, change-email, delete-user, …) would
// let people change their own account outside the audited administration pages: a person renamed
// themselves and the new name showed on their past audit entries. Those answer 404.
// With single sign-on, the identity provider's answer comes back to better-auth's callback. Starting
// it (/sign-in/social) stays closed: our /sign-in/oidc does that, and better-auth's endpoint would
// also accept an ID token posted by anyone holding one.
const OPEN_ENDPOINTS = new Set(["/sign-in/email", "/sign-out", "/get-session", `/callback/${SSO_PROVIDER_ID}`]);

function requireOpenEndpoint(request: Request) {
  const endpoint = new URL(request.url).pathname.replace(/^\/api\/auth/, "").replace(/\/+$/, "");
  if (!OPEN_ENDPOINTS.has(endpoint)) throw data("Not found", { status: 404 });
}

export async function loader({ request }: Route.LoaderArgs) {
  requireOpenEndpoint(request);
  return auth().handler(request);
}

export async function action({ request }: Route.ActionArgs) {
  requireOpenEndpoint(request);
  return auth().handler(request);
}
