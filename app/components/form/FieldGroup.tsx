import type { ReactNode } from "react";

export const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");

/** What the shell needs of a Conform field. */
export interface FieldLike {
  id: string;
  errorId: string;
  /** The hint's id, when not `<id>-hint` (the section and review forms use `<id>--hint`). */
  hintId?: string;
  errors?: string[] | undefined;
}

const hintIdOf = (field: FieldLike) => field.hintId ?? `${field.id}-hint`;

/** The ids a control (or its fieldset) is described by: its hint, then its error. */
export function describedBy(field: FieldLike, hint: ReactNode): string | undefined {
  return cx(hint ? hintIdOf(field) : null, Boolean(field.errors?.length) && field.errorId) || undefined;
}

/** The error message beside a field: the same words as the error summary. */
export function ErrorMessage({ id, errors }: { id: string; errors: readonly string[] | undefined }) {
  return errors && errors.length > 0 ? (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {errors.join(". ")}
    </span>
  ) : null;
}

/**
 * One NHS.UK form group in the design system's order: the question (a label for one control, or a
 * fieldset's legend for a set of choices), its hint, the error message, then the control.
 */
export function FieldGroup({
  field,
  label,
  labelClassName,
  legend,
  legendClassName = "nhsuk-fieldset__legend nhsuk-fieldset__legend--s",
  hint,
  invalid = false,
  children,
}: {
  field: FieldLike;
  label?: ReactNode;
  labelClassName?: string;
  /** Given for a set of choices: the group is a fieldset and this is its question. */
  legend?: ReactNode;
  legendClassName?: string;
  hint?: ReactNode;
  /** In error for a form-level message (a wrong password), though the field has none of its own. */
  invalid?: boolean;
  children: ReactNode;
}) {
  const inner = (
    <>
      {hint ? (
        <div className="nhsuk-hint" id={hintIdOf(field)}>
          {hint}
        </div>
      ) : null}
      <ErrorMessage id={field.errorId} errors={field.errors} />
      {children}
    </>
  );
  return (
    <div className={cx("nhsuk-form-group", (Boolean(field.errors?.length) || invalid) && "nhsuk-form-group--error")}>
      {legend === undefined ? (
        <>
          <label className={labelClassName} htmlFor={field.id}>
            {label}
          </label>
          {inner}
        </>
      ) : (
        <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(field, hint)}>
          <legend className={legendClassName}>{legend}</legend>
          {inner}
        </fieldset>
      )}
    </div>
  );
}
