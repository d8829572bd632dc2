import { dialectOf, pingDatabase } from "../../db/client.ts";
import { db } from "../.server/db.ts";
import { logError } from "../.server/log.ts";

/** Public: a load balancer's liveness and readiness probe. Says whether the database answers, nothing more. */
export async function loader() {
  const database = db();
  const engine = dialectOf(database);
  try {
    await pingDatabase(database);
    return Response.json({ status: "ok", database: { engine, reachable: true } }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    logError("health check: database unreachable", { error });
    return Response.json(
      { status: "unavailable", database: { engine, reachable: false } },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
