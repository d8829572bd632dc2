import type { Route } from "./+types/submission-proposal.docx";
import { db } from "../.server/db.ts";
import { attachmentDisposition } from "../.server/evidence.ts";
import { proposalFileName, requireProposal } from "../.server/proposal.ts";
import { DOCX_MEDIA_TYPE, proposalDocx } from "../.server/proposal-docx.ts";
import { requireUser } from "../.server/session.ts";
import { withErrorPages } from "../.server/static-pages.tsx";
import { requireSubmission } from "../.server/submissions.ts";

/**
 * The proposal as a Word document, for a lead to take to the governing bodies and boards: the
 * current draft, or a frozen version with `?version=N`. Anyone who may see the submission may
 * download it; a refusal is the service's "Page not found" or "You do not have permission" page.
 */
export async function loader({ request, params }: Route.LoaderArgs) {
  const proposal = await withErrorPages(request, async () => {
    const user = await requireUser(request);
    const loaded = await requireSubmission(db(), user, params.id);
    return requireProposal(db(), loaded, new URL(request.url).searchParams);
  });
  const body = await proposalDocx(proposal);
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": DOCX_MEDIA_TYPE,
      "Content-Length": String(body.byteLength),
      "Content-Disposition": attachmentDisposition(proposalFileName(proposal)),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
