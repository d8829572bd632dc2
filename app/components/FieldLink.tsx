import { Link } from "react-router";

/**
 * A link to one field of a section page (`?field=`). The section page focuses the field and scrolls
 * it into view when it arrives; `preventScrollReset` stops the router scrolling back to the top
 * after that, as it does by default on every client-side navigation.
 */
export function FieldLink({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <Link to={to} preventScrollReset>
      {children}
    </Link>
  );
}
