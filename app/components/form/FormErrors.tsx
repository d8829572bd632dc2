/**
 * Why a whole form was refused (the machine's reason, or someone else's change), shown at the top
 * of that form; the page's error summary links here.
 */
export function FormErrors({ formId, errors }: { formId: string; errors: string[] | undefined }) {
  if (!errors || errors.length === 0) return null;
  return (
    <div className="nhsuk-form-group nhsuk-form-group--error" id={`${formId}--error`}>
      <p className="nhsuk-error-message">
        <span className="nhsuk-u-visually-hidden">Error: </span>
        {errors.join(" ")}
      </p>
    </div>
  );
}

/**
 * A form's own errors together with those of its hidden fields (`version`, `intent`), which only a
 * stale or forged post gets wrong and which have no input to show them beside.
 */
export function formLevelErrors(...lists: (string[] | undefined)[]): string[] | undefined {
  const all = lists.flatMap((list) => list ?? []);
  return all.length > 0 ? all : undefined;
}
