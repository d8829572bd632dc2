import { createContext, useContext, useEffect } from "react";
import { data, isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import { Footer, Header } from "./components/Header.tsx";
import { ErrorPage, ForbiddenPage, NotFoundPage } from "./components/ErrorPage.tsx";
import { SuccessBanner } from "./components/SuccessBanner.tsx";
import { takeFlash } from "./.server/flash.ts";
import { useNonce } from "./csp-nonce.ts";
import { navigationFor } from "./navigation.ts";
import { getSessionUser } from "./.server/session.ts";
import { db } from "./.server/db.ts";
import { unreadShown } from "./.server/notifications.ts";
import stylesheet from "./styles/app.scss?url";

/**
 * Public on purpose: the layout shows the header whether or not anyone is signed in. It reveals
 * only the signed-in user's own name and role; every page below guards itself.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const user = await getSessionUser(request);
  // What the last form did ("Your ratings have been saved"), shown once on this page and cleared.
  const flash = await takeFlash(request);
  return data(
    {
      user: user ? { name: user.name, role: user.role, unread: await unreadShown(db(), user.id) } : null,
      // Shown on the error page so a user can quote it; the same id is in the server's log line.
      requestId: context.requestId,
      flash: flash.message,
    },
    flash.clear ? { headers: { "Set-Cookie": flash.clear } } : undefined,
  );
}

// Every navigation re-reads the session, so the header never shows a user who has signed out
// and the error page shows the id of the request that failed (loaders share one request).
export const shouldRevalidate = () => true;

export const links: Route.LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/nhsuk/images/favicon.ico", sizes: "48x48" },
  { rel: "icon", href: "/nhsuk/images/favicon.svg", type: "image/svg+xml" },
];

// The error boundary renders inside Layout but cannot read the root loader's data itself once a
// route below has failed, so Layout hands the request id down.
const RequestIdContext = createContext<string | undefined>(undefined);

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  // Data pages (tables people scan across) say so in their route's handle and get the window's width.
  const fullWidth = useMatches().some((m) => (m.handle as { fullWidth?: boolean } | undefined)?.fullWidth);
  useEffect(() => {
    // nhsuk-frontend's behaviours (header menu, error summary focus); the pages work without them.
    import("nhsuk-frontend").then((nhsuk) => nhsuk.initAll());
  }, []);
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body suppressHydrationWarning>
        <script
          nonce={nonce}
          // The NHS template's snippet: lets the CSS know JavaScript is available before hydration.
          // biome-ignore lint: static string, no user data
          dangerouslySetInnerHTML={{
            __html:
              "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');",
          }}
        />
        <a className="nhsuk-skip-link" href="#maincontent" data-module="nhsuk-skip-link">
          Skip to main content
        </a>
        <Header user={data?.user ?? null} navigation={navigationFor(data?.user?.role)} />
        <div className={fullWidth ? "nhsuk-width-container-fluid app-width-container-data" : "nhsuk-width-container"}>
          <main className={fullWidth ? "nhsuk-main-wrapper nhsuk-main-wrapper--s" : "nhsuk-main-wrapper"} id="maincontent">
            {data?.flash ? <SuccessBanner heading={data.flash} /> : null}
            <RequestIdContext.Provider value={data?.requestId}>{children}</RequestIdContext.Provider>
          </main>
        </div>
        <Footer />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

// An error page renders its own title (ErrorPage), so the root gives none then: never two.
export const meta: Route.MetaFunction = ({ error }) => (error ? [] : [{ title: "NCM Assure" }]);

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const requestId = useContext(RequestIdContext);
  const status = isRouteErrorResponse(error) ? error.status : 500;

  if (status === 404) return <NotFoundPage />;
  if (status === 403) {
    return <ForbiddenPage reason={isRouteErrorResponse(error) && typeof error.data === "string" ? error.data : undefined} />;
  }
  if (status === 400 && isRouteErrorResponse(error)) {
    return (
      <ErrorPage title="There is a problem with that request">
        <p>{typeof error.data === "string" ? error.data : "The request could not be understood."}</p>
        <p>
          <a href="/">Go to your home page</a>
        </p>
      </ErrorPage>
    );
  }
  return (
    <ErrorPage title="Sorry, there is a problem with the service">
      <p>Try again later. Anything you saved before this happened is safe.</p>
      {requestId ? (
        <p>
          If you contact the service desk, quote error ID <strong data-testid="error-id">{requestId}</strong>.
        </p>
      ) : null}
    </ErrorPage>
  );
}
