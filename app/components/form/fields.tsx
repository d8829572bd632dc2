import { createContext, Fragment, type ReactNode, useContext } from "react";
import { datePartId, errorId, fieldId, hintId, optionId } from "../../forms/field-id.ts";
import { anchorFor, type FieldSpec, isValueSpec, NONE, type Option, type SelectOptions, type ValueSpec } from "../../forms/spec.ts";
import type { ErrorSummaryItem } from "../ErrorSummary.tsx";
import { ErrorMessage, FieldGroup } from "./FieldGroup.tsx";

/**
 * NHS design system inputs driven by a section's field descriptions (app/forms/spec.ts) and
 * Conform's field metadata. Inputs are uncontrolled (`defaultValue`), so the page works the same
 * with JavaScript off, and carry ids derived from their field paths (app/forms/field-id.ts).
 */

/** The part of Conform's field metadata these components read. */
export interface FieldMeta {
  name: string;
  key?: string | undefined;
  initialValue?: unknown;
  errors?: string[] | undefined;
  getFieldset(): Record<string, FieldMeta>;
  getFieldList(): FieldMeta[];
}

interface ButtonProps {
  name: string;
  value: string;
  form?: string | undefined;
  formNoValidate?: boolean | undefined;
}

export interface FormUi {
  /** The section slug: the first part of every field path on the page. */
  section: string;
  /** The id of the input to focus when the page opens (`?field=`), if any. */
  focusId: string | null;
  selectOptions: SelectOptions;
  /** The "Add another" button of a list: a submit button with Conform's insert intent. */
  insertButton(listName: string): ButtonProps & { onClick?: () => void };
  removeButton(listName: string, index: number): ButtonProps;
}

const FormUiContext = createContext<FormUi | null>(null);

export function FormUiProvider({ value, children }: { value: FormUi; children: ReactNode }) {
  return <FormUiContext.Provider value={value}>{children}</FormUiContext.Provider>;
}

function useFormUi(): FormUi {
  const ui = useContext(FormUiContext);
  if (!ui) throw new Error("Section fields must be inside FormUiProvider");
  return ui;
}

const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");
const describedBy = (...ids: (string | false | null | undefined)[]) => cx(...ids) || undefined;
const text = (value: unknown) => (typeof value === "string" ? value : "");
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];

/** This field's ids as the shared form group names them: `<id>--hint` and `<id>--error` (field-id.ts). */
const shellOf = (id: string, meta: { errors?: string[] | undefined }) => ({
  id,
  hintId: hintId(id),
  errorId: errorId(id),
  errors: meta.errors?.length ? meta.errors : undefined,
});

function Hint({ id, hint, className }: { id: string; hint: string | undefined; className?: string }) {
  return hint ? (
    <div className={cx("nhsuk-hint", className)} id={id}>
      {hint}
    </div>
  ) : null;
}

/** The fields of a section, a group or a row, in order. `depth` is how deeply nested they are. */
export function Fields({
  specs,
  meta,
  path,
  depth = 0,
}: {
  specs: readonly FieldSpec[];
  meta: Record<string, FieldMeta>;
  path: string;
  depth?: number;
}) {
  return (
    <>
      {specs.map((spec) => {
        if (!isValueSpec(spec)) {
          return (
            <h2 className="nhsuk-heading-m" key={`heading:${spec.text}`}>
              {spec.text}
            </h2>
          );
        }
        const field = meta[spec.name];
        return field ? <Field key={spec.name} spec={spec} meta={field} path={`${path}.${spec.name}`} depth={depth} /> : null;
      })}
    </>
  );
}

function Field({ spec, meta, path, depth }: { spec: ValueSpec; meta: FieldMeta; path: string; depth: number }) {
  switch (spec.kind) {
    case "text":
    case "wholeNumber":
    case "money":
    case "percent":
    case "decimal":
    case "financialYear":
      return <TextInput spec={spec} meta={meta} path={path} />;
    case "textarea":
      return <Textarea spec={spec} meta={meta} path={path} />;
    case "date":
      return <DateInput spec={spec} meta={meta} path={path} />;
    case "yesNo":
      return (
        <Choices
          type="radio"
          spec={spec}
          meta={meta}
          path={path}
          inline
          options={[
            { value: "yes", label: "Yes" },
            { value: "no", label: "No" },
          ]}
        />
      );
    case "radios":
      return <Choices type="radio" spec={spec} meta={meta} path={path} options={spec.options} inline={spec.inline} />;
    case "checkboxes":
      return <Choices type="checkbox" spec={spec} meta={meta} path={path} options={spec.options} />;
    case "checklist":
      return <Checklist spec={spec} meta={meta} path={path} />;
    case "select":
      return <Select spec={spec} meta={meta} path={path} />;
    case "group":
      return <Group spec={spec} meta={meta} path={path} depth={depth} />;
    case "list":
      return <List spec={spec} meta={meta} path={path} depth={depth} />;
  }
}

type TextLike = Extract<ValueSpec, { kind: "text" | "wholeNumber" | "money" | "percent" | "decimal" | "financialYear" }>;

const INPUT_LOOK: Record<TextLike["kind"], { width?: number; inputMode?: "numeric" | "decimal"; prefix?: string; suffix?: string }> = {
  text: {},
  wholeNumber: { width: 10, inputMode: "numeric" },
  money: { width: 10, inputMode: "decimal", prefix: "£" },
  percent: { width: 4, inputMode: "decimal", suffix: "%" },
  decimal: { width: 5, inputMode: "decimal" },
  financialYear: { width: 5 },
};

function TextInput({ spec, meta, path }: { spec: TextLike; meta: FieldMeta; path: string }) {
  const ui = useFormUi();
  const id = fieldId(path);
  const look = INPUT_LOOK[spec.kind];
  const width = ("width" in spec ? spec.width : undefined) ?? look.width;
  const suffix = (spec.kind === "wholeNumber" ? spec.suffix : undefined) ?? look.suffix;
  const invalid = Boolean(meta.errors?.length);
  const input = (
    <input
      key={meta.key}
      className={cx("nhsuk-input", width ? `nhsuk-input--width-${width}` : null, invalid && "nhsuk-input--error")}
      id={id}
      name={meta.name}
      type="text"
      defaultValue={text(meta.initialValue)}
      inputMode={look.inputMode}
      spellCheck={spec.kind === "text" ? undefined : false}
      autoComplete={spec.kind === "text" ? (spec.autoComplete ?? "off") : "off"}
      aria-describedby={describedBy(spec.hint && hintId(id), invalid && errorId(id))}
      aria-invalid={invalid || undefined}
      // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
      autoFocus={ui.focusId === id}
    />
  );
  return (
    <div className={cx("nhsuk-form-group", invalid && "nhsuk-form-group--error")}>
      <label className="nhsuk-label" htmlFor={id}>
        {spec.label}
      </label>
      <Hint id={hintId(id)} hint={spec.hint} />
      <ErrorMessage id={errorId(id)} errors={meta.errors} />
      {look.prefix || suffix ? (
        <div className="nhsuk-input-wrapper">
          {look.prefix ? (
            <div className="nhsuk-input-wrapper__prefix" aria-hidden="true">
              {look.prefix}
            </div>
          ) : null}
          {input}
          {suffix ? (
            <div className="nhsuk-input-wrapper__suffix" aria-hidden="true">
              {suffix}
            </div>
          ) : null}
        </div>
      ) : (
        input
      )}
    </div>
  );
}

function Textarea({ spec, meta, path }: { spec: Extract<ValueSpec, { kind: "textarea" }>; meta: FieldMeta; path: string }) {
  const ui = useFormUi();
  const id = fieldId(path);
  const invalid = Boolean(meta.errors?.length);
  return (
    <FieldGroup field={shellOf(id, meta)} label={spec.label} labelClassName="nhsuk-label" hint={spec.hint}>
      <textarea
        key={meta.key}
        className={cx("nhsuk-textarea", invalid && "nhsuk-textarea--error")}
        id={id}
        name={meta.name}
        rows={5}
        defaultValue={text(meta.initialValue)}
        aria-describedby={describedBy(spec.hint && hintId(id), invalid && errorId(id))}
        aria-invalid={invalid || undefined}
        // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
        autoFocus={ui.focusId === id}
      />
    </FieldGroup>
  );
}

function DateInput({ spec, meta, path }: { spec: Extract<ValueSpec, { kind: "date" }>; meta: FieldMeta; path: string }) {
  const ui = useFormUi();
  const id = fieldId(path);
  const invalid = Boolean(meta.errors?.length);
  const parts = (meta.initialValue ?? {}) as Record<string, unknown>;
  return (
    <div className={cx("nhsuk-form-group", invalid && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(spec.hint && hintId(id), invalid && errorId(id))}>
        <legend className="nhsuk-fieldset__legend">{spec.label}</legend>
        <Hint id={hintId(id)} hint={spec.hint} />
        <ErrorMessage id={errorId(id)} errors={meta.errors} />
        <div className="nhsuk-date-input" key={meta.key}>
          {(["day", "month", "year"] as const).map((part) => {
            const partId = datePartId(path, part);
            return (
              <div className="nhsuk-date-input__item" key={part}>
                <div className="nhsuk-form-group">
                  <label className="nhsuk-label nhsuk-date-input__label" htmlFor={partId}>
                    {part === "day" ? "Day" : part === "month" ? "Month" : "Year"}
                  </label>
                  <input
                    className={cx(
                      "nhsuk-input nhsuk-date-input__input",
                      part === "year" ? "nhsuk-input--width-4" : "nhsuk-input--width-2",
                      invalid && "nhsuk-input--error",
                    )}
                    id={partId}
                    name={`${meta.name}.${part}`}
                    type="text"
                    inputMode="numeric"
                    autoComplete="off"
                    defaultValue={text(parts[part])}
                    aria-invalid={invalid || undefined}
                    // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
                    autoFocus={ui.focusId === partId}
                  />
                </div>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

function Choices({
  type,
  spec,
  meta,
  path,
  options,
  inline,
}: {
  type: "radio" | "checkbox";
  spec: ValueSpec;
  meta: FieldMeta;
  path: string;
  options: readonly Option[];
  inline?: boolean | undefined;
}) {
  const ui = useFormUi();
  const id = fieldId(path);
  const invalid = Boolean(meta.errors?.length);
  const chosen = texts(meta.initialValue);
  const kind = type === "radio" ? "radios" : "checkboxes";
  return (
    <div className={cx("nhsuk-form-group", invalid && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(spec.hint && hintId(id), invalid && errorId(id))}>
        <legend className="nhsuk-fieldset__legend">{spec.label}</legend>
        <Hint id={hintId(id)} hint={spec.hint} />
        <ErrorMessage id={errorId(id)} errors={meta.errors} />
        <div className={cx(`nhsuk-${kind}`, inline && `nhsuk-${kind}--inline`)} key={meta.key}>
          {options.map((option, index) => {
            const itemId = optionId(path, option.value, index);
            return (
              <div className={`nhsuk-${kind}__item`} key={option.value}>
                <input
                  className={`nhsuk-${kind}__input`}
                  id={itemId}
                  name={meta.name}
                  type={type}
                  value={option.value}
                  defaultChecked={chosen.includes(option.value)}
                  aria-describedby={option.hint ? hintId(itemId) : undefined}
                  // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
                  autoFocus={ui.focusId === itemId}
                />
                <label className={`nhsuk-label nhsuk-${kind}__label`} htmlFor={itemId}>
                  {option.label}
                </label>
                <Hint id={hintId(itemId)} hint={option.hint} className={`nhsuk-${kind}__hint`} />
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

function Checklist({ spec, meta, path }: { spec: Extract<ValueSpec, { kind: "checklist" }>; meta: FieldMeta; path: string }) {
  const ui = useFormUi();
  // Each box is its own field (`enablers.highImpactChanges.trustedAssessors`), so it carries that id.
  const groupId = fieldId(path);
  const invalid = Boolean(meta.errors?.length);
  const chosen = texts(meta.initialValue);
  const boxes = [
    ...spec.options.map((o) => ({ ...o, id: fieldId(`${path}.${o.value}`) })),
    { value: NONE, label: spec.noneLabel, id: `${groupId}--${NONE}` },
  ];
  return (
    <div className={cx("nhsuk-form-group", invalid && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(spec.hint && hintId(groupId), invalid && errorId(groupId))}>
        <legend className="nhsuk-fieldset__legend">{spec.label}</legend>
        <Hint id={hintId(groupId)} hint={spec.hint} />
        <ErrorMessage id={errorId(groupId)} errors={meta.errors} />
        <div className="nhsuk-checkboxes" key={meta.key}>
          {boxes.map((box) => (
            <Fragment key={box.value}>
              {box.value === NONE ? <div className="nhsuk-checkboxes__divider">or</div> : null}
              <div className="nhsuk-checkboxes__item">
                <input
                  className="nhsuk-checkboxes__input"
                  id={box.id}
                  name={meta.name}
                  type="checkbox"
                  value={box.value}
                  defaultChecked={chosen.includes(box.value)}
                  // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
                  autoFocus={ui.focusId === box.id}
                />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={box.id}>
                  {box.label}
                </label>
              </div>
            </Fragment>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

function Select({ spec, meta, path }: { spec: Extract<ValueSpec, { kind: "select" }>; meta: FieldMeta; path: string }) {
  const ui = useFormUi();
  const id = fieldId(path);
  const invalid = Boolean(meta.errors?.length);
  const value = text(meta.initialValue);
  const options = ui.selectOptions[spec.source] ?? [];
  // A saved value that is no longer on the list (a document since deleted) stays selectable, so
  // saving the page does not quietly drop it; the checks say what is wrong with it.
  const missing = value !== "" && !options.some((o) => o.value === value);
  return (
    <FieldGroup field={shellOf(id, meta)} label={spec.label} labelClassName="nhsuk-label" hint={spec.hint}>
      <select
        key={meta.key}
        className={cx("nhsuk-select", invalid && "nhsuk-select--error")}
        id={id}
        name={meta.name}
        defaultValue={value}
        aria-describedby={describedBy(spec.hint && hintId(id), invalid && errorId(id))}
        aria-invalid={invalid || undefined}
        // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
        autoFocus={ui.focusId === id}
      >
        <option value="">{spec.emptyLabel}</option>
        {missing ? <option value={value}>{`${value} (no longer available)`}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldGroup>
  );
}

function Group({ spec, meta, path, depth }: { spec: Extract<ValueSpec, { kind: "group" }>; meta: FieldMeta; path: string; depth: number }) {
  const id = fieldId(path);
  // A group of the page is a heading of its own; one inside a row (a metric of a year) is a plain legend.
  const top = depth === 0;
  return (
    <div className={cx("nhsuk-form-group", Boolean(meta.errors?.length) && "nhsuk-form-group--error")}>
      <fieldset
        className="nhsuk-fieldset"
        id={id}
        aria-describedby={describedBy(spec.hint && hintId(id), Boolean(meta.errors?.length) && errorId(id))}
      >
        {top ? (
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
            <h2 className="nhsuk-fieldset__heading">{spec.label}</h2>
          </legend>
        ) : (
          <legend className="nhsuk-fieldset__legend">{spec.label}</legend>
        )}
        <Hint id={hintId(id)} hint={spec.hint} />
        <ErrorMessage id={errorId(id)} errors={meta.errors} />
        <Fields specs={spec.fields} meta={meta.getFieldset()} path={path} depth={depth + 1} />
      </fieldset>
    </div>
  );
}

function List({ spec, meta, path, depth }: { spec: Extract<ValueSpec, { kind: "list" }>; meta: FieldMeta; path: string; depth: number }) {
  const ui = useFormUi();
  const id = fieldId(path);
  const rows = meta.getFieldList();
  const noun = spec.noun.charAt(0).toUpperCase() + spec.noun.slice(1);
  const { onClick, ...insert } = ui.insertButton(meta.name);
  return (
    <div className={cx("nhsuk-form-group", Boolean(meta.errors?.length) && "nhsuk-form-group--error")}>
      <h2 className="nhsuk-heading-m">{spec.label}</h2>
      <Hint id={hintId(id)} hint={spec.hint} />
      <ErrorMessage id={errorId(id)} errors={meta.errors} />
      {rows.map((row, index) => {
        const rowPath = `${path}[${index}]`;
        const cells = row.getFieldset();
        return (
          <fieldset className="nhsuk-fieldset app-repeated-row" id={fieldId(rowPath)} key={row.key ?? index}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{`${noun} ${index + 1}`}</legend>
            <ErrorMessage id={errorId(fieldId(rowPath))} errors={row.errors} />
            <input type="hidden" name={`${row.name}.id`} defaultValue={text(cells.id?.initialValue)} />
            <Fields specs={spec.fields} meta={cells} path={rowPath} depth={depth + 1} />
            <div>
              <button
                type="submit"
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                {...ui.removeButton(meta.name, index)}
              >
                {`Remove ${spec.noun} ${index + 1}`}
              </button>
            </div>
            <hr className="nhsuk-section-break nhsuk-section-break--m nhsuk-section-break--visible" />
          </fieldset>
        );
      })}
      <button
        type="submit"
        className="nhsuk-button nhsuk-button--secondary"
        id={id}
        aria-describedby={describedBy(spec.hint && hintId(id), Boolean(meta.errors?.length) && errorId(id))}
        // biome-ignore lint/a11y/noAutofocus: only the field a person followed a link to (?field=) or that failed, as GOV.UK does
        autoFocus={ui.focusId === id}
        onClick={onClick}
        {...insert}
      >
        {`Add another ${spec.noun}`}
      </button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

/**
 * Every error on the form in page order, each linking to the input at fault, for the error
 * summary. Errors of a whole list link to its "Add another" button.
 */
export function errorsInOrder(
  section: string,
  sectionSpecs: readonly FieldSpec[],
  specs: readonly FieldSpec[],
  meta: Record<string, FieldMeta>,
  path: string,
  out: ErrorSummaryItem[] = [],
): ErrorSummaryItem[] {
  for (const spec of specs) {
    if (!isValueSpec(spec)) continue;
    const field = meta[spec.name];
    if (!field) continue;
    const here = `${path}.${spec.name}`;
    for (const message of field.errors ?? []) out.push({ fieldId: anchorFor(section, sectionSpecs, here), message });
    if (spec.kind === "group") errorsInOrder(section, sectionSpecs, spec.fields, field.getFieldset(), here, out);
    if (spec.kind === "list") {
      field.getFieldList().forEach((row, index) => {
        for (const message of row.errors ?? []) out.push({ fieldId: fieldId(`${here}[${index}]`), message });
        errorsInOrder(section, sectionSpecs, spec.fields, row.getFieldset(), `${here}[${index}]`, out);
      });
    }
  }
  return out;
}
