import { data } from "react-router";
import type { Route } from "./+types/submission-evidence-download";
import { requireUser } from "../.server/session.ts";

// Being built: answers 404 until downloads exist.
export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request);
  throw data("Not found", { status: 404 });
}
