import { type FieldMetadata, getInputProps } from "@conform-to/react";
import type { ReactNode } from "react";

const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");

/**
 * An NHS.UK text input bound to a Conform field: label, optional hint, the error message beside the
 * field (the same words as the error summary), and the input with Conform's name, id, value and
 * constraints. `invalid` marks the field in error for a form-level message (a wrong password).
 */
export function TextInput({
  field,
  label,
  hint,
  type = "text",
  autoComplete,
  spellCheck,
  labelClassName = "nhsuk-label",
  invalid = false,
}: {
  field: FieldMetadata<string | undefined>;
  label: ReactNode;
  hint?: ReactNode;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  spellCheck?: boolean;
  labelClassName?: string;
  invalid?: boolean;
}) {
  const { key, ...props } = getInputProps(field, { type });
  const errors = field.errors;
  const hintId = hint ? `${field.id}-hint` : null;
  const describedBy = cx(hintId, errors && field.errorId) || undefined;
  return (
    <div className={cx("nhsuk-form-group", (errors || invalid) && "nhsuk-form-group--error")}>
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
      <input
        key={key}
        className={cx("nhsuk-input", errors && "nhsuk-input--error")}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
        {...props}
        aria-describedby={describedBy}
      />
    </div>
  );
}
