import type { ReactNode } from "react";
import { cx, describedBy, FieldGroup } from "../form/FieldGroup.tsx";
import { fieldDomId } from "./forms.ts";

/** The ids the shared form group uses for this field: its error beside it, `<id>--error`. */
const shellOf = (id: string, field: { errors?: string[] | undefined }) => ({
  id,
  errorId: `${id}--error`,
  hintId: `${id}--hint`,
  errors: field.errors?.length ? field.errors : undefined,
});

/**
 * NHS design system controls for the review workspace's forms. Uncontrolled (`defaultValue`), so
 * they work the same with JavaScript off; ids come from `fieldDomId(formId, name)`, which the error
 * summary links to. `field` is the part of Conform's field metadata they read.
 */
export interface FieldLike {
  name: string;
  key?: string | undefined;
  initialValue?: unknown;
  errors?: string[] | undefined;
}

const textOf = (value: unknown) => (typeof value === "string" ? value : "");

export interface Choice {
  value: string;
  label: string;
  hint?: string | undefined;
}

export function Radios({
  formId,
  field,
  legend,
  legendSize = "s",
  hint,
  choices,
  inline = false,
  small = false,
}: {
  formId: string;
  field: FieldLike;
  legend: ReactNode;
  legendSize?: "s" | "m";
  hint?: ReactNode;
  choices: readonly Choice[];
  inline?: boolean;
  small?: boolean;
}) {
  const id = fieldDomId(formId, field.name);
  const selected = textOf(field.initialValue);
  return (
    <FieldGroup
      field={shellOf(id, field)}
      legend={legend}
      legendClassName={`nhsuk-fieldset__legend nhsuk-fieldset__legend--${legendSize}`}
      hint={hint}
    >
      <div className={cx("nhsuk-radios", inline && "nhsuk-radios--inline", small && "nhsuk-radios--small")} key={field.key}>
        {choices.map((choice, i) => {
          const optionId = i === 0 ? id : `${id}--${choice.value}`;
          return (
            <div className="nhsuk-radios__item" key={choice.value}>
              <input
                className="nhsuk-radios__input"
                id={optionId}
                name={field.name}
                type="radio"
                value={choice.value}
                defaultChecked={selected === choice.value}
                aria-describedby={choice.hint ? `${optionId}--hint` : undefined}
              />
              <label className="nhsuk-label nhsuk-radios__label" htmlFor={optionId}>
                {choice.label}
              </label>
              {choice.hint ? (
                <div className="nhsuk-hint nhsuk-radios__hint" id={`${optionId}--hint`}>
                  {choice.hint}
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
    </FieldGroup>
  );
}

export function TextArea({
  formId,
  field,
  label,
  labelClassName = "nhsuk-label",
  hint,
  rows = 4,
}: {
  formId: string;
  field: FieldLike;
  label: ReactNode;
  labelClassName?: string;
  hint?: ReactNode;
  rows?: number;
}) {
  const id = fieldDomId(formId, field.name);
  const shell = shellOf(id, field);
  return (
    <FieldGroup field={shell} label={label} labelClassName={labelClassName} hint={hint}>
      <textarea
        key={field.key}
        className={cx("nhsuk-textarea", shell.errors && "nhsuk-textarea--error")}
        id={id}
        name={field.name}
        rows={rows}
        defaultValue={textOf(field.initialValue)}
        aria-describedby={describedBy(shell, hint)}
      />
    </FieldGroup>
  );
}

export interface OptionGroup {
  section: string;
  options: { value: string; label: string }[];
}

export function Select({
  formId,
  field,
  label,
  hint,
  emptyLabel,
  options,
  groups,
}: {
  formId: string;
  field: FieldLike;
  label: ReactNode;
  hint?: ReactNode;
  /** The first, empty choice ("Not pinned to a field"). */
  emptyLabel: string;
  options?: readonly { value: string; label: string }[];
  groups?: readonly OptionGroup[];
}) {
  const id = fieldDomId(formId, field.name);
  const shell = shellOf(id, field);
  return (
    <FieldGroup field={shell} label={label} labelClassName="nhsuk-label" hint={hint}>
      <select
        key={field.key}
        className={cx("nhsuk-select", shell.errors && "nhsuk-select--error")}
        id={id}
        name={field.name}
        defaultValue={textOf(field.initialValue)}
        aria-describedby={describedBy(shell, hint)}
      >
        <option value="">{emptyLabel}</option>
        {(options ?? []).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {(groups ?? []).map((g) =>
          g.options.length === 0 ? null : (
            <optgroup key={g.section} label={g.section}>
              {g.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          ),
        )}
      </select>
    </FieldGroup>
  );
}

/** A status in words, with a colour that only backs the words up. */
export function Tag({ className, children }: { className: string; children: ReactNode }) {
  return <strong className={className}>{children}</strong>;
}
