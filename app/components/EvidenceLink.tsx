/**
 * An evidence document's download link with its description beneath. A download, not a page: the
 * browser fetches it whole, never the client router.
 */
export function EvidenceLink({ href, fileName, description }: { href: string; fileName: string; description?: string | null | undefined }) {
  return (
    <>
      <a href={href} download={fileName}>
        {fileName}
      </a>
      {description ? (
        <>
          <br />
          <span className="nhsuk-body-s">{description}</span>
        </>
      ) : null}
    </>
  );
}
