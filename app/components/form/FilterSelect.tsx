import { cx, ErrorMessage } from "./FieldGroup.tsx";

/**
 * A select in a GET form that chooses a view (a filter, a version to compare): named by its id, its
 * value the view's, and an optional first choice for "any". Not a Conform field: nothing is posted.
 * `error` is shown beside it (an address naming something that does not exist).
 */
export function FilterSelect({
  id,
  name = id,
  label,
  value,
  options,
  any,
  error,
}: {
  id: string;
  name?: string;
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  any?: string;
  error?: string | undefined;
}) {
  const errorId = `${id}-error`;
  return (
    <div className={cx("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <ErrorMessage id={errorId} errors={error ? [error] : undefined} />
      {/* Keyed by the value, so the choice shown follows the address after a client-side navigation. */}
      <select
        className={cx("nhsuk-select", error && "nhsuk-select--error")}
        id={id}
        name={name}
        defaultValue={value}
        key={value}
        aria-describedby={error ? errorId : undefined}
      >
        {any ? <option value="">{any}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
