import { useEffect, useRef } from "react";
import { useNavigate } from "react-router";

/**
 * A link to a page of the service as a plain anchor, for pages that render hundreds of links (a
 * pipeline of 50 rows with its actions, sort headers and pages). React Router's `Link` resolves its
 * path and runs its hooks once per link on every server render: 12% of the pipeline's CPU under
 * load. These anchors instead navigate client-side through one listener on the table that holds
 * them (`useRouteLinks`, in DataTable); with JavaScript off they are ordinary links.
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

/**
 * The listener behind `RouteLink`s: on the element the returned ref is given (a table with its
 * pages), a plain left click on one navigates inside the app, as `Link` does. Kept to the pages
 * that have tables, so pages without them (sign-in) carry none of it.
 */
export function useRouteLinks<T extends HTMLElement>(active: boolean) {
  const navigate = useNavigate();
  const ref = useRef<T>(null);
  useEffect(() => {
    const element = ref.current;
    if (!active || !element) return;
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const anchor = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>("a[data-route-link]") : null;
      if (!anchor || (anchor.target && anchor.target !== "_self") || anchor.origin !== window.location.origin) return;
      event.preventDefault();
      navigate(`${anchor.pathname}${anchor.search}${anchor.hash}`, { preventScrollReset: anchor.dataset.routeLink === "keep-scroll" });
    };
    element.addEventListener("click", onClick);
    return () => element.removeEventListener("click", onClick);
  }, [navigate, active]);
  return ref;
}
