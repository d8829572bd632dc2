/** An error page's heading and words, inside the layout (the root's error boundary, or a static page). */
export function ErrorPage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <>
      <title>{`${title} – NCM Assure`}</title>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>{title}</h1>
          {children}
        </div>
      </div>
    </>
  );
}

/** The one "not found" page, for an address that does not exist and for one that is not yours. */
export function NotFoundPage() {
  return (
    <ErrorPage title="Page not found">
      <p>If you typed the web address, check it is correct.</p>
      <p>If you pasted the web address, check you copied the entire address.</p>
      <p>
        If the address is right, the page may belong to a submission you cannot see. <a href="/">Go to your home page</a>.
      </p>
    </ErrorPage>
  );
}

/** The "no permission" page, with the policy's own sentence when there is one. */
export function ForbiddenPage({ reason }: { reason?: string }) {
  return (
    <ErrorPage title="You do not have permission to see this page">
      {/* A role, a conflict of interest, a step: the policy says which. */}
      <p>{reason || "Your account does not have the role this page needs."}</p>
      <p>
        If you think you should have access, contact your programme administrator. <a href="/">Go to your home page</a>.
      </p>
    </ErrorPage>
  );
}
