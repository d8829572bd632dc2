import type { FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";

const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];

export interface Choice {
  value: string;
  label: ReactNode;
  hint?: ReactNode;
}

/** The id of one choice's input: the error summary links to the first. */
export const choiceId = (field: { id: string }, value: string) => `${field.id}-${value.replace(/[^A-Za-z0-9_-]+/g, "-")}`;

function ErrorMessage({ field }: { field: { errors?: string[] | undefined; errorId: string } }) {
  return field.errors ? (
    <span className="nhsuk-error-message" id={field.errorId}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {field.errors.join(". ")}
    </span>
  ) : null;
}

/**
 * NHS.UK radios bound to a Conform field: a fieldset whose legend asks the question, the error
 * beside it, and the choice the person made kept after a refused post. Each input's id is
 * `choiceId(field, value)`.
 */
export function Radios({
  field,
  legend,
  legendClassName = "nhsuk-fieldset__legend nhsuk-fieldset__legend--s",
  hint,
  choices,
}: {
  field: FieldMetadata<string | undefined>;
  legend: ReactNode;
  legendClassName?: string;
  hint?: ReactNode;
  choices: readonly Choice[];
}) {
  const chosen = texts(field.initialValue);
  const hintId = hint ? `${field.id}-hint` : null;
  return (
    <div className={cx("nhsuk-form-group", field.errors && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={cx(hintId, field.errors && field.errorId) || undefined}>
        <legend className={legendClassName}>{legend}</legend>
        {hint ? (
          <div className="nhsuk-hint" id={hintId ?? undefined}>
            {hint}
          </div>
        ) : null}
        <ErrorMessage field={field} />
        <div className="nhsuk-radios" data-module="nhsuk-radios" key={field.key}>
          {choices.map((choice) => {
            const id = choiceId(field, choice.value);
            return (
              <div className="nhsuk-radios__item" key={choice.value}>
                <input
                  className="nhsuk-radios__input"
                  id={id}
                  name={field.name}
                  type="radio"
                  value={choice.value}
                  defaultChecked={chosen.includes(choice.value)}
                  aria-describedby={choice.hint ? `${id}-hint` : undefined}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                  {choice.label}
                </label>
                {choice.hint ? (
                  <div className="nhsuk-hint nhsuk-radios__hint" id={`${id}-hint`}>
                    {choice.hint}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/**
 * NHS.UK checkboxes bound to a Conform field holding a list, optionally in groups with a legend
 * each (footprints by region); the ticks the person made are kept after a refused post. Each
 * input's id is `choiceId(field, value)`.
 */
export function Checkboxes({
  field,
  legend,
  hint,
  groups,
}: {
  field: FieldMetadata<string[] | undefined>;
  legend: ReactNode;
  hint?: ReactNode;
  groups: readonly { legend?: string; choices: readonly Choice[] }[];
}) {
  const chosen = new Set(texts(field.initialValue));
  const hintId = hint ? `${field.id}-hint` : null;
  const boxes = (choices: readonly Choice[]) => (
    <div className="nhsuk-checkboxes" data-module="nhsuk-checkboxes" key={field.key}>
      {choices.map((choice) => {
        const id = choiceId(field, choice.value);
        return (
          <div className="nhsuk-checkboxes__item" key={choice.value}>
            <input
              className="nhsuk-checkboxes__input"
              id={id}
              name={field.name}
              type="checkbox"
              value={choice.value}
              defaultChecked={chosen.has(choice.value)}
            />
            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
              {choice.label}
            </label>
          </div>
        );
      })}
    </div>
  );
  return (
    <div className={cx("nhsuk-form-group", field.errors && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={cx(hintId, field.errors && field.errorId) || undefined}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {hint ? (
          <div className="nhsuk-hint" id={hintId ?? undefined}>
            {hint}
          </div>
        ) : null}
        <ErrorMessage field={field} />
        {groups.map((group) =>
          group.legend ? (
            <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-4" key={group.legend}>
              <legend className="nhsuk-fieldset__legend">{group.legend}</legend>
              {boxes(group.choices)}
            </fieldset>
          ) : (
            boxes(group.choices)
          ),
        )}
      </fieldset>
    </div>
  );
}

/** An NHS.UK select bound to a Conform field, with an empty first option ("Select a footprint"). */
export function Select({
  field,
  label,
  labelClassName = "nhsuk-label nhsuk-label--s",
  emptyLabel,
  options,
}: {
  field: FieldMetadata<string | undefined>;
  label: ReactNode;
  labelClassName?: string;
  emptyLabel: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <div className={cx("nhsuk-form-group", field.errors && "nhsuk-form-group--error")}>
      <label className={labelClassName} htmlFor={field.id}>
        {label}
      </label>
      <ErrorMessage field={field} />
      <select
        key={field.key}
        className={cx("nhsuk-select", field.errors && "nhsuk-select--error")}
        id={field.id}
        name={field.name}
        defaultValue={texts(field.initialValue)[0] ?? ""}
        aria-invalid={field.errors ? true : undefined}
        aria-describedby={field.errors ? field.errorId : undefined}
      >
        <option value="">{emptyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
