import type { ReactNode } from "react";
import { Link } from "react-router";
import { ErrorSummary } from "../ErrorSummary.tsx";

/**
 * A page that asks one thing of a submission (pause it, withdraw it): the back link, the error
 * summary first in the content as the NHS pattern puts it, the submission's title as the caption,
 * the question as the heading, then the page's own words and form, in a two-thirds column.
 */
export function FormPage({
  back,
  errors,
  caption,
  heading,
  title = heading,
  children,
}: {
  back: { to: string; text: string };
  errors: { fieldId: string; message: string }[];
  caption: string;
  heading: string;
  /** The page's title, where the heading alone would not say enough in a list of tabs. */
  title?: string;
  children: ReactNode;
}) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <Link className="nhsuk-back-link" to={back.to}>
          {back.text}
        </Link>
        <ErrorSummary errors={errors} title={title} />
        <span className="nhsuk-caption-l">{caption}</span>
        <h1>{heading}</h1>
        {children}
      </div>
    </div>
  );
}
