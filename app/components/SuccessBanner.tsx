import { type ReactNode, useId } from "react";

/** The NHS.UK success notification banner: what just happened, announced, at the top of the page. */
export function SuccessBanner({ heading, children }: { heading: ReactNode; children?: ReactNode }) {
  const titleId = useId();
  return (
    <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby={titleId}>
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id={titleId}>
          Success
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{heading}</p>
        {children}
      </div>
    </div>
  );
}
