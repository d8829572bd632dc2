import { useEffect, useRef } from "react";

export interface ErrorSummaryItem {
  /** The id of the input to move focus to, without the #. */
  fieldId: string;
  message: string;
}

/**
 * The NHS error summary. It takes focus when it appears so screen reader and keyboard users land
 * on it, as the design system asks, both after a server round trip and after browser validation.
 */
export function ErrorSummary({ errors }: { errors: ErrorSummaryItem[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const signature = errors.map((e) => `${e.fieldId}:${e.message}`).join("|");
  useEffect(() => {
    if (signature) ref.current?.focus();
  }, [signature]);
  if (errors.length === 0) return null;
  return (
    <div className="nhsuk-error-summary" aria-labelledby="error-summary-title" tabIndex={-1} ref={ref}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading" id="error-summary-title">
          There is a problem
        </h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {errors.map((e) => (
              <li key={`${e.fieldId}:${e.message}`}>
                <a href={`#${e.fieldId}`}>{e.message}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
