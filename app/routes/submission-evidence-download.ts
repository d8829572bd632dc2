import type { Route } from "./+types/submission-evidence-download";
import { db } from "../.server/db.ts";
import { attachmentDisposition, findEvidenceDocument, openEvidenceFile } from "../.server/evidence.ts";
import { requireUser } from "../.server/session.ts";
import { errorDocument, withErrorPages } from "../.server/static-pages.tsx";
import { requireSubmission } from "../.server/submissions.ts";

/**
 * One evidence document, for anyone who may see the submission. The document may be in the draft
 * or only in a submitted version. Anything else (another footprint's submission, an unknown
 * document, a file missing from disk) is the same friendly 404 page; a conflicted reviewer's
 * refusal is the 403 page with the policy's reason.
 */
export async function loader({ request, params }: Route.LoaderArgs) {
  return withErrorPages(request, async () => {
    const user = await requireUser(request);
    const { submission } = await requireSubmission(db(), user, params.id);
    const document = await findEvidenceDocument(db(), submission.id, params.documentId);
    const file = document ? await openEvidenceFile(document) : null;
    if (!document || !file) throw errorDocument(request.url, 404);
    return new Response(file.body, {
      headers: {
        // The type recorded at upload, which the file's own bytes were checked against.
        "Content-Type": document.mediaType,
        "Content-Length": String(file.size),
        "Content-Disposition": attachmentDisposition(document.fileName),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  });
}
