import { data } from "react-router";
import type { Route } from "./+types/pipeline.csv";
import { requireUser } from "../.server/session.ts";

// Being built: answers 404 until the export exists.
export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request);
  throw data("Not found", { status: 404 });
}
