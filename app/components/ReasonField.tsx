/**
 * The "why" a workflow action asks for (withdraw, pause, resume): an NHS textarea named `reason`,
 * with its error beside it and what the person typed kept after a refused post.
 */
export function ReasonField({ label, error, value }: { label: string; error?: string; value?: string }) {
  return (
    <div className={`nhsuk-form-group${error ? " nhsuk-form-group--error" : ""}`}>
      <label className="nhsuk-label nhsuk-label--s" htmlFor="reason">
        {label}
      </label>
      {error ? (
        <span className="nhsuk-error-message" id="reason-error">
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      ) : null}
      <textarea
        className={`nhsuk-textarea${error ? " nhsuk-textarea--error" : ""}`}
        id="reason"
        name="reason"
        rows={4}
        defaultValue={value ?? ""}
        aria-describedby={error ? "reason-error" : undefined}
      />
    </div>
  );
}
