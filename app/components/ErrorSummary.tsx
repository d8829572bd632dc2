import { useEffect, useRef } from "react";

export interface ErrorSummaryItem {
  /** The id of the input to move focus to, without the #. */
  fieldId: string;
  message: string;
}

/**
 * The NHS error summary. It takes focus when it appears so screen reader and keyboard users land
 * on it, as the design system asks, both after a server round trip and after browser validation.
 * It takes focus for what sending a form found, never for errors that appear while someone types
 * (fields are checked again as they change), which would pull them out of the field mid-word.
 */
/** After the frame, so the summary wins over Conform, which focuses the first field in error. */
function focusSoon(ref: React.RefObject<HTMLDivElement | null>) {
  requestAnimationFrame(() => ref.current?.focus());
}

/**
 * The page's `<title>`, for pages with a form: it starts "Error: " while the form shows errors, as
 * the GOV.UK error pattern asks, so the first thing a screen reader announces is that something
 * needs fixing. Route `meta` never sees what an action returned, so these pages render their
 * title here (React puts it in the head) and their `meta` gives none.
 */
export function PageTitle({ title, errors = false }: { title: string; errors?: boolean }) {
  return <title>{`${errors ? "Error: " : ""}${title} – NCM Assure`}</title>;
}

/** The summary, with the page's title (see PageTitle), first in the page's content. */
export function ErrorSummary({ errors, title }: { errors: ErrorSummaryItem[]; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // A page that arrives with errors (sent without JavaScript) counts as just sent.
  const sent = useRef(errors.length > 0);
  const signature = errors.map((e) => `${e.fieldId}:${e.message}`).join("|");
  useEffect(() => {
    const onSubmit = (event: SubmitEvent) => {
      // Conform's "add another" and "remove" buttons submit too, but send nothing to check.
      if ((event.submitter as HTMLButtonElement | null)?.name === "__intent__") return;
      sent.current = true;
      // Sending the same mistakes again leaves the summary as it is, so take focus from here.
      if (ref.current) focusSoon(ref);
    };
    const onInput = () => {
      sent.current = false;
    };
    document.addEventListener("submit", onSubmit, true);
    document.addEventListener("input", onInput, true);
    return () => {
      document.removeEventListener("submit", onSubmit, true);
      document.removeEventListener("input", onInput, true);
    };
  }, []);
  useEffect(() => {
    if (signature && sent.current) {
      focusSoon(ref);
      sent.current = false;
    }
  }, [signature]);
  if (errors.length === 0) return <PageTitle title={title} />;
  return (
    <div className="nhsuk-error-summary" tabIndex={-1} ref={ref}>
      <PageTitle title={title} errors />
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

/**
 * The summary's entries for a form: each pair is a form's or a field's errors and the id of what
 * its links go to, in page order, so every error the form has is listed at once.
 */
export function summaryItems(pairs: readonly (readonly [errors: string[] | undefined, fieldId: string])[]): ErrorSummaryItem[] {
  return pairs.flatMap(([errors, fieldId]) => (errors ?? []).map((message) => ({ fieldId, message })));
}
