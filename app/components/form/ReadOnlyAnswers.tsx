import type { ReactNode } from "react";
import { formatDateLong, formatDecimal, formatMoney, formatWholeNumber } from "../../forms/parse.ts";
import { type FieldSpec, isValueSpec, type SelectOptions, type ValueSpec } from "../../forms/spec.ts";

/** A section's saved answers as NHS summary lists, for people who may read but not change them. */
export function ReadOnlyAnswers({
  specs,
  value,
  selectOptions,
}: {
  specs: readonly FieldSpec[];
  value: unknown;
  selectOptions: SelectOptions;
}) {
  return <>{blocks(specs, record(value), selectOptions, 2)}</>;
}

const NOT_ANSWERED = "Not answered";

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Plain answers gather into one summary list until a group or a list of rows starts a new block. */
function blocks(specs: readonly FieldSpec[], value: Record<string, unknown>, selectOptions: SelectOptions, level: 2 | 3): ReactNode[] {
  const out: ReactNode[] = [];
  let rows: ReactNode[] = [];
  const flush = () => {
    if (rows.length > 0)
      out.push(
        <dl className="nhsuk-summary-list" key={`dl${out.length}`}>
          {rows}
        </dl>,
      );
    rows = [];
  };
  const Heading = level === 2 ? "h2" : "h3";
  for (const spec of specs) {
    if (!isValueSpec(spec)) {
      flush();
      out.push(
        <h2 className="nhsuk-heading-m" key={`h:${spec.text}`}>
          {spec.text}
        </h2>,
      );
    } else if (spec.kind === "group") {
      flush();
      out.push(
        <Heading className={level === 2 ? "nhsuk-heading-m" : "nhsuk-heading-s"} key={`g:${spec.name}`}>
          {spec.label}
        </Heading>,
      );
      out.push(...blocks(spec.fields, record(value[spec.name]), selectOptions, 3));
    } else if (spec.kind === "list") {
      flush();
      const items = Array.isArray(value[spec.name]) ? (value[spec.name] as unknown[]) : [];
      const noun = spec.noun.charAt(0).toUpperCase() + spec.noun.slice(1);
      out.push(
        <h2 className="nhsuk-heading-m" key={`l:${spec.name}`}>
          {spec.label}
        </h2>,
      );
      if (items.length === 0) out.push(<p key={`l:${spec.name}:none`}>None added.</p>);
      items.forEach((item, index) => {
        // Keys by position: a read-only view of stored rows, rebuilt whole on every render.
        const row = `l:${spec.name}:${String(index)}`;
        out.push(<h3 className="nhsuk-heading-s" key={row}>{`${noun} ${index + 1}`}</h3>);
        out.push(...blocks(spec.fields, record(item), selectOptions, 3).map((node, i) => <div key={`${row}:${String(i)}`}>{node}</div>));
      });
    } else {
      rows.push(
        <div className="nhsuk-summary-list__row" key={spec.name}>
          <dt className="nhsuk-summary-list__key">{spec.label}</dt>
          <dd className="nhsuk-summary-list__value">{display(spec, value[spec.name], selectOptions)}</dd>
        </div>,
      );
    }
  }
  flush();
  return out;
}

function display(spec: ValueSpec, value: unknown, selectOptions: SelectOptions): string {
  if (value === undefined || value === null || value === "") return NOT_ANSWERED;
  switch (spec.kind) {
    case "wholeNumber":
      return typeof value === "number" ? `${formatWholeNumber(value)}${spec.suffix ? ` ${spec.suffix}` : ""}` : NOT_ANSWERED;
    case "money":
      return typeof value === "number" ? formatMoney(value) : NOT_ANSWERED;
    case "percent":
      return typeof value === "number" ? `${value}%` : NOT_ANSWERED;
    case "decimal":
      return typeof value === "number" ? formatDecimal(value) : NOT_ANSWERED;
    case "date":
      return typeof value === "string" ? formatDateLong(value) : NOT_ANSWERED;
    case "yesNo":
      return value === true ? "Yes" : value === false ? "No" : NOT_ANSWERED;
    case "radios":
      return spec.options.find((o) => o.value === String(value))?.label ?? String(value);
    case "checkboxes":
      return Array.isArray(value) && value.length > 0
        ? value.map((v) => spec.options.find((o) => o.value === v)?.label ?? String(v)).join(", ")
        : NOT_ANSWERED;
    case "checklist": {
      const answers = record(value);
      const chosen = spec.options.filter((o) => answers[o.value] === true).map((o) => o.label);
      if (chosen.length > 0) return chosen.join(", ");
      return spec.options.every((o) => answers[o.value] === false) ? spec.noneLabel : NOT_ANSWERED;
    }
    case "select":
      return (selectOptions[spec.source] ?? []).find((o) => o.value === value)?.label ?? String(value);
    default:
      return typeof value === "string" ? value : NOT_ANSWERED;
  }
}
