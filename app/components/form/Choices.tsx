import type { FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";

import { cx, FieldGroup } from "./FieldGroup.tsx";
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];

export interface Choice {
  value: string;
  label: ReactNode;
  hint?: ReactNode;
}

/** The id of one choice's input: the error summary links to the first. */
export const choiceId = (field: { id: string }, value: string) => `${field.id}-${value.replace(/[^A-Za-z0-9_-]+/g, "-")}`;

/** One radio or checkbox with its label and optional hint, in the design system's markup for its kind. */
function ChoiceItem({
  kind,
  name,
  id,
  choice,
  checked,
}: {
  kind: "radios" | "checkboxes";
  name: string;
  id: string;
  choice: Choice;
  checked: boolean;
}) {
  return (
    <div className={`nhsuk-${kind}__item`}>
      <input
        className={`nhsuk-${kind}__input`}
        id={id}
        name={name}
        type={kind === "radios" ? "radio" : "checkbox"}
        value={choice.value}
        defaultChecked={checked}
        aria-describedby={choice.hint ? `${id}-hint` : undefined}
      />
      <label className={`nhsuk-label nhsuk-${kind}__label`} htmlFor={id}>
        {choice.label}
      </label>
      {choice.hint ? (
        <div className={`nhsuk-hint nhsuk-${kind}__hint`} id={`${id}-hint`}>
          {choice.hint}
        </div>
      ) : null}
    </div>
  );
}

/** A set of radios or checkboxes, each input's id `choiceId(field, value)`. */
function ChoiceList({
  kind,
  field,
  choices,
  isChosen,
}: {
  kind: "radios" | "checkboxes";
  field: { id: string; name: string };
  choices: readonly Choice[];
  isChosen: (value: string) => boolean;
}) {
  return (
    <div className={`nhsuk-${kind}`} data-module={`nhsuk-${kind}`}>
      {choices.map((choice) => (
        <ChoiceItem
          key={choice.value}
          kind={kind}
          name={field.name}
          id={choiceId(field, choice.value)}
          choice={choice}
          checked={isChosen(choice.value)}
        />
      ))}
    </div>
  );
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
  return (
    <FieldGroup field={field} legend={legend} legendClassName={legendClassName} hint={hint}>
      <ChoiceList key={field.key} kind="radios" field={field} choices={choices} isChosen={(value) => chosen.includes(value)} />
    </FieldGroup>
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
  const boxes = (choices: readonly Choice[]) => (
    <ChoiceList key={field.key} kind="checkboxes" field={field} choices={choices} isChosen={(value) => chosen.has(value)} />
  );
  return (
    <FieldGroup field={field} legend={legend} hint={hint}>
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
    </FieldGroup>
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
    <FieldGroup field={field} label={label} labelClassName={labelClassName}>
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
    </FieldGroup>
  );
}
