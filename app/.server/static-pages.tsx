import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router";
import { ForbiddenPage, NotFoundPage } from "../components/ErrorPage.tsx";
import { Footer, Header } from "../components/Header.tsx";
import stylesheet from "../styles/app.scss?url";

/**
 * The friendly "not found" and "no permission" pages as whole documents, for a resource route (an
 * evidence download) that has no page of its own to show them in: React Router hands a resource
 * route's thrown response to the browser as it is, so without this a missing file read
 * `"Document not found"`. The same words as the root's error boundary; no scripts, as nothing on
 * them needs any.
 */
export function errorDocument(url: string, status: 403 | 404, reason?: string): Response {
  const html = renderToStaticMarkup(
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Vite gives the hashed address in a build; only a unit test, which has no build, gets none. */}
        {stylesheet ? <link rel="stylesheet" href={stylesheet} /> : null}
        <link rel="icon" href="/nhsuk/images/favicon.ico" sizes="48x48" />
      </head>
      <body>
        <StaticRouter location={url}>
          <a className="nhsuk-skip-link" href="#maincontent">
            Skip to main content
          </a>
          <Header user={null} navigation={[]} />
          <div className="nhsuk-width-container">
            <main className="nhsuk-main-wrapper" id="maincontent">
              {status === 404 ? <NotFoundPage /> : <ForbiddenPage reason={reason} />}
            </main>
          </div>
          <Footer />
        </StaticRouter>
      </body>
    </html>,
  );
  return new Response(`<!DOCTYPE html>${html}`, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** The status and message of what a loader threw: a Response, or React Router's `data()`. */
function refusalOf(error: unknown): { status: number; message?: string } | null {
  if (error instanceof Response) return { status: error.status };
  if (error && typeof error === "object" && "init" in error && "data" in error) {
    const init = error.init as ResponseInit | null;
    return { status: init?.status ?? 200, message: typeof error.data === "string" ? error.data : undefined };
  }
  return null;
}

/**
 * Runs a resource route's loader, turning the 404s and 403s it (or a guard it calls) throws into
 * the friendly pages. Redirects (to sign in) and everything else pass through unchanged.
 */
export async function withErrorPages<T>(request: Request, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof Response && error.headers.get("Content-Type")?.startsWith("text/html")) throw error;
    const refusal = refusalOf(error);
    if (refusal?.status === 404) throw errorDocument(request.url, 404);
    if (refusal?.status === 403) throw errorDocument(request.url, 403, refusal.message);
    throw error;
  }
}
