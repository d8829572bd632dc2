import { useEffect } from "react";
import { useNavigate } from "react-router";

/**
 * A link to a page of the service as a plain anchor, for pages that render hundreds of links (a
 * pipeline of 50 rows with its actions, sort headers and pages). React Router's `Link` resolves its
 * path and runs its hooks once per link on every server render: 12% of the pipeline's CPU under
 * load. These anchors instead navigate client-side through one listener on the document
 * (`useRouteLinks`, mounted once by the root layout); with JavaScript off they are ordinary links.
 * `to` is an absolute path or a query ("?page=2"), which the browser resolves against the page,
 * as `Link` resolves it against the route. Never for a resource route (a download, the CSV export).
 */
export function RouteLink({
  to,
  preventScrollReset,
  ...anchor
}: Omit<React.AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string; preventScrollReset?: boolean }) {
  return <a href={to} data-route-link={preventScrollReset ? "keep-scroll" : ""} {...anchor} />;
}

/** The one listener behind every `RouteLink`: a plain left click navigates inside the app, as `Link` does. */
export function useRouteLinks() {
  const navigate = useNavigate();
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const anchor = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>("a[data-route-link]") : null;
      if (!anchor || (anchor.target && anchor.target !== "_self") || anchor.origin !== window.location.origin) return;
      event.preventDefault();
      navigate(`${anchor.pathname}${anchor.search}${anchor.hash}`, { preventScrollReset: anchor.dataset.routeLink === "keep-scroll" });
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [navigate]);
}
