import type { Route } from "./+types/pipeline.csv";
import { db } from "../.server/db.ts";
import { csvFilename, parsePipelineParams, pipelineCsv } from "../.server/pipeline.ts";
import { requireRole } from "../.server/session.ts";
import { withErrorPages } from "../.server/static-pages.tsx";

/** The pipeline as filtered and sorted by the same address as /pipeline, as a streamed CSV download. */
export async function loader({ request }: Route.LoaderArgs) {
  // A lead who follows the link gets the friendly page that says why, not a bare refusal.
  await withErrorPages(request, () => requireRole(request, "reviewer", "admin"));
  const now = new Date();
  const body = await pipelineCsv(db(), parsePipelineParams(new URL(request.url).searchParams), now);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFilename(now)}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
