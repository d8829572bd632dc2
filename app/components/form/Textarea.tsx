import { type FieldMetadata, getTextareaProps } from "@conform-to/react";
import type { ReactNode } from "react";

const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");

/**
 * An NHS.UK textarea bound to a Conform field: label, optional hint, the error message beside the
 * field (the same words as the error summary), and what the person typed kept after a refused post.
 */
export function Textarea({
  field,
  label,
  hint,
  rows = 4,
  labelClassName = "nhsuk-label nhsuk-label--s",
}: {
  field: FieldMetadata<string | undefined>;
  label: ReactNode;
  hint?: ReactNode;
  rows?: number;
  labelClassName?: string;
}) {
  const { key, ...props } = getTextareaProps(field);
  const errors = field.errors;
  const hintId = hint ? `${field.id}-hint` : null;
  return (
    <div className={cx("nhsuk-form-group", errors && "nhsuk-form-group--error")}>
      <label className={labelClassName} htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <div className="nhsuk-hint" id={hintId ?? undefined}>
          {hint}
        </div>
      ) : null}
      {errors ? (
        <span className="nhsuk-error-message" id={field.errorId}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {errors.join(". ")}
        </span>
      ) : null}
      <textarea
        key={key}
        className={cx("nhsuk-textarea", errors && "nhsuk-textarea--error")}
        rows={rows}
        {...props}
        aria-describedby={cx(hintId, errors && field.errorId) || undefined}
      />
    </div>
  );
}
