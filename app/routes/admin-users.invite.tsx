import { data } from "react-router";
import type { Route } from "./+types/admin-users.invite";
import { requireUser } from "../.server/session.ts";

// Being built: answers 404 until its page exists.
export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request);
  throw data("Not found", { status: 404 });
}

export default function Page() {
  return null;
}
