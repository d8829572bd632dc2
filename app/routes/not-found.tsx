import { data } from "react-router";
import type { Route } from "./+types/not-found";
import { requireUser } from "../.server/session.ts";

// Signed-in users get the friendly 404; anonymous visitors are sent to sign in first, so unknown
// addresses reveal nothing about what exists.
export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request);
  throw data("Not found", { status: 404 });
}

export async function action({ request }: Route.ActionArgs) {
  await requireUser(request);
  throw data("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
