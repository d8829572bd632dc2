import type { Route } from "./+types/api.auth";
import { auth } from "../.server/auth.ts";

// Public: better-auth's own HTTP API (sign-in, sign-out, session). It checks sessions, origins and
// its per-client rate limit itself; public sign-up is switched off in app/.server/auth.ts.
export async function loader({ request }: Route.LoaderArgs) {
  return auth().handler(request);
}

export async function action({ request }: Route.ActionArgs) {
  return auth().handler(request);
}
