import { data, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/sign-in-oidc";
import { env } from "../.server/env.ts";
import { parseForm } from "../.server/forms.ts";
import { safeRedirectTo, startSingleSignOn } from "../.server/session.ts";

// Public: the "Sign in with NHSmail" button on the sign-in page posts here, with JavaScript on or
// off; the answer is a redirect to the identity provider, whose answer goes to better-auth's
// /api/auth/callback/oidc.

export async function loader() {
  throw redirect("/sign-in");
}

const StartSchema = z.object({ redirectTo: z.string().max(2048).optional() });

export async function action({ request }: Route.ActionArgs) {
  if (!env().sso) throw data("Not found", { status: 404 });
  const submission = parseForm(await request.formData(), StartSchema);
  const redirectTo = safeRedirectTo(submission.status === "success" ? submission.value.redirectTo : "/");
  const started = await startSingleSignOn(request, redirectTo);
  if (!started.ok) {
    throw redirect(`/sign-in?${new URLSearchParams({ redirectTo, error: `sso_${started.reason}` })}`);
  }
  const headers = new Headers();
  for (const cookie of started.setCookies) headers.append("Set-Cookie", cookie);
  return redirect(started.url, { headers });
}
