import { type ReactNode, useEffect, useState } from "react";

/** Only with JavaScript: without it, the browser's own print command prints the same page. */
export function PrintButton({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return null;
  return (
    <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => window.print()}>
      {children}
    </button>
  );
}
