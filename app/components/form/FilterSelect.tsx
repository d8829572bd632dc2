/**
 * A select in a GET form that chooses a view (a filter, a version to compare): named by its id, its
 * value the view's, and an optional first choice for "any". Not a Conform field: nothing is posted.
 */
export function FilterSelect({
  id,
  name = id,
  label,
  value,
  options,
  any,
}: {
  id: string;
  name?: string;
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  any?: string;
}) {
  return (
    <div className="nhsuk-form-group">
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {/* Keyed by the value, so the choice shown follows the address after a client-side navigation. */}
      <select className="nhsuk-select" id={id} name={name} defaultValue={value} key={value}>
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
