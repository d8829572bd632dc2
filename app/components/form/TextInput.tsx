import { type FieldMetadata, getInputProps } from "@conform-to/react";
import type { ReactNode } from "react";

import { cx, describedBy, FieldGroup } from "./FieldGroup.tsx";

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
  return (
    <FieldGroup field={field} label={label} labelClassName={labelClassName} hint={hint} invalid={invalid}>
      <input
        key={key}
        className={cx("nhsuk-input", (field.errors || invalid) && "nhsuk-input--error")}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
        {...props}
        aria-describedby={describedBy(field, hint)}
      />
    </FieldGroup>
  );
}
