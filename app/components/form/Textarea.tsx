import { type FieldMetadata, getTextareaProps } from "@conform-to/react";
import type { ReactNode } from "react";

import { cx, describedBy, FieldGroup } from "./FieldGroup.tsx";

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
  return (
    <FieldGroup field={field} label={label} labelClassName={labelClassName} hint={hint}>
      <textarea
        key={key}
        className={cx("nhsuk-textarea", field.errors && "nhsuk-textarea--error")}
        rows={rows}
        {...props}
        aria-describedby={describedBy(field, hint)}
      />
    </FieldGroup>
  );
}
