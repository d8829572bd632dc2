import { Form, Link, redirect, useLocation } from "react-router";
import type { Route } from "./+types/pipeline";
import { DataTable, tableColumns } from "../components/DataTable.tsx";
import { RouteLink } from "../components/RouteLink.tsx";
import { FilterSelect } from "../components/form/FilterSelect.tsx";
import { formatDate, stateTagClass } from "../status.ts";
import { db } from "../.server/db.ts";
import { loadPipelineFor, parsePipelineParams, pipelineFilterOptions, pipelineSearch } from "../.server/pipeline.ts";
import { requireRole } from "../.server/session.ts";

export const handle = { fullWidth: true };

export async function loader({ request }: Route.LoaderArgs) {
  const user = await requireRole(request, "reviewer", "admin");
  const url = new URL(request.url);
  // A filter form sends every field, set or not; the address keeps only what is set.
  const empty = [...url.searchParams].filter(([, value]) => value.trim() === "");
  if (empty.length > 0) {
    for (const [key] of empty) url.searchParams.delete(key);
    throw redirect(`${url.pathname}${url.search}`);
  }
  const view = await loadPipelineFor(db(), user, parsePipelineParams(url.searchParams));
  const { params } = view;
  const search = pipelineSearch(params);
  const exportSearch = new URLSearchParams(search);
  exportSearch.delete("size");
  return {
    items: view.items,
    total: view.total,
    page: view.page,
    pageCount: view.pageCount,
    size: params.size,
    sort: params.sort,
    dir: params.dir,
    /** The view's address without its page: filters, then sort and size when not the default. */
    search: search.toString(),
    exportHref: `/pipeline.csv${exportSearch.size > 0 ? `?${exportSearch}` : ""}`,
    filters: {
      q: params.q ?? "",
      region: params.region ?? "",
      state: params.state ?? "",
      checkpoint: params.checkpoint === undefined ? "" : String(params.checkpoint),
      model: params.model ?? "",
      turn: params.turn ?? "",
      sla: params.sla ?? "",
      size: String(params.size),
    },
    options: pipelineFilterOptions(view.regions),
  };
}

type Data = Route.ComponentProps["loaderData"];
type Item = Data["items"][number];

const count = new Intl.NumberFormat("en-GB");
const days = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

const column = tableColumns<Item>();
const columns = column.columns([
  column.accessor("title", {
    id: "title",
    header: "Submission",
    cell: (info) => (
      <>
        <RouteLink to={`/reviews/${info.row.original.id}`}>{info.getValue()}</RouteLink>
        <RowActions item={info.row.original} />
        {info.row.original.vanguardName ? (
          <>
            <br />
            <span className="nhsuk-body-s">Vanguard: {info.row.original.vanguardName}</span>
          </>
        ) : null}
      </>
    ),
  }),
  column.accessor("footprintName", { id: "footprint", header: "Footprint" }),
  column.accessor("regionName", { id: "region", header: "Region" }),
  column.accessor("modelType", { id: "model", header: "Model" }),
  column.accessor("checkpoint", {
    id: "checkpoint",
    header: "Checkpoint",
    cell: (info) => (info.getValue() === 0 ? "None yet" : info.getValue()),
  }),
  column.accessor("stateText", {
    id: "state",
    header: "State",
    cell: (info) => <strong className={stateTagClass(info.row.original.state)}>{info.getValue()}</strong>,
  }),
  column.accessor("turnText", { id: "turn", header: "Whose turn" }),
  column.accessor("daysInState", { id: "days-in-state", header: "Days in state", sortDescFirst: true }),
  column.accessor("nationalDaysUsed", {
    id: "national-days",
    header: "National working days",
    sortDescFirst: true,
    cell: (info) => {
      const r = info.row.original;
      if (!r.clockStarted) return <span className="nhsuk-body-s">{r.slaText}</span>;
      return (
        <>
          {days.format(r.nationalDaysUsed)} of {r.targetDays}
          <br />
          {r.sla === "within" ? (
            <span className="nhsuk-body-s">{r.slaText}</span>
          ) : (
            <strong className={`nhsuk-tag ${r.sla === "breached" ? "nhsuk-tag--red" : "nhsuk-tag--orange"}`}>{r.slaText}</strong>
          )}
        </>
      );
    },
  }),
  column.accessor("reviewers", {
    id: "reviewers",
    header: "Reviewers",
    enableSorting: false,
    cell: (info) =>
      info.getValue().length === 0 ? (
        "Not assigned"
      ) : (
        <>
          {info.row.original.leadReviewer} (lead)
          {info.row.original.secondReviewer ? (
            <>
              <br />
              {info.row.original.secondReviewer}
            </>
          ) : null}
        </>
      ),
  }),
  column.accessor("failingWarnings", {
    id: "warnings",
    header: "Failing warnings",
    sortDescFirst: true,
    cell: (info) => (info.getValue() === 0 ? "None" : info.getValue()),
  }),
  column.accessor("updatedAt", {
    id: "updated",
    header: "Last activity",
    sortDescFirst: true,
    cell: (info) => formatDate(info.getValue()),
  }),
]);

const DEFAULT_SIZE = 50;

/** The filters in force, each a tag whose link shows the view without it (the GOV.UK "filter a list" pattern). */
function SelectedFilters({ data: d }: { data: Data }) {
  const labelOf = (options: { value: string; label: string }[], value: string) => options.find((o) => o.value === value)?.label ?? value;
  const chosen = [
    { key: "q", name: "Search", text: d.filters.q ? `“${d.filters.q}”` : "" },
    { key: "region", name: "Region", text: d.filters.region && labelOf(d.options.regions, d.filters.region) },
    { key: "model", name: "Model", text: d.filters.model && labelOf(d.options.models, d.filters.model) },
    { key: "state", name: "State", text: d.filters.state && labelOf(d.options.states, d.filters.state) },
    { key: "turn", name: "Whose turn", text: d.filters.turn && labelOf(d.options.turns, d.filters.turn) },
    { key: "checkpoint", name: "Checkpoint", text: d.filters.checkpoint && labelOf(d.options.checkpoints, d.filters.checkpoint) },
    { key: "sla", name: "National clock", text: d.filters.sla && labelOf(d.options.slas, d.filters.sla) },
  ].filter((f) => f.text);
  if (chosen.length === 0) return null;
  return (
    <nav aria-labelledby="selected-filters-heading" className="nhsuk-u-margin-bottom-4">
      <h2 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2" id="selected-filters-heading">
        Selected filters
      </h2>
      <ul className="app-selected-filters">
        {chosen.map((f) => (
          <li key={f.key}>
            <Link className="app-filter-tag" to={hrefWith(d.search, { [f.key]: null, page: null })}>
              <span className="nhsuk-u-visually-hidden">Remove filter </span>
              {f.name}: {f.text} <span aria-hidden="true">✕</span>
            </Link>
          </li>
        ))}
        <li>
          <Link to="/pipeline">Clear filters</Link>
        </li>
      </ul>
    </nav>
  );
}

/** An administrator's pause, resume and withdraw for one row, each named with its submission. */
function RowActions({ item }: { item: Item }) {
  const m = item.manage;
  if (!m || !(m.pause || m.resume || m.withdraw)) return null;
  const links = [
    m.pause ? { to: `/submissions/${item.id}/pause`, verb: "Pause" } : null,
    m.resume ? { to: `/submissions/${item.id}/pause`, verb: "Resume" } : null,
    m.withdraw ? { to: `/submissions/${item.id}/withdraw`, verb: "Withdraw" } : null,
  ].filter((l) => l !== null);
  return (
    <span className="nhsuk-body-s nhsuk-u-display-block nhsuk-u-margin-top-1">
      {links.map((l, i) => (
        <span key={l.verb}>
          {i > 0 ? " · " : null}
          <RouteLink to={l.to}>
            {l.verb}
            <span className="nhsuk-u-visually-hidden"> {item.title}</span>
          </RouteLink>
        </span>
      ))}
    </span>
  );
}

/** `?…` for the view with some parameters changed (a changed sort or size starts at page 1). */
function hrefWith(search: string, changes: Record<string, string | null>): string {
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "?";
}

export default function Pipeline({ loaderData: d }: Route.ComponentProps) {
  const location = useLocation();
  const first = (d.page - 1) * d.size + 1;
  const last = Math.min(d.page * d.size, d.total);
  const pageHref = (n: number) => hrefWith(d.search, { page: n === 1 ? null : String(n) });
  const sortHidden = new URLSearchParams(d.search);

  return (
    <>
      <h1 className="nhsuk-heading-l nhsuk-u-margin-bottom-3">Pipeline</h1>
      <p className="nhsuk-body-s">
        National target: 20 working days per checkpoint, counted only while the national team holds a submission.{" "}
        <Link to="/pipeline/regions">See the pipeline by region</Link>.
      </p>

      {/* Keyed by the address, so the fields show the view's filters after every navigation. */}
      <Form method="get" key={location.search} className="app-filters" aria-labelledby="filters-heading">
        <h2 className="nhsuk-u-visually-hidden" id="filters-heading">
          Filter the pipeline
        </h2>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-quarter">
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="q">
                Search submissions
              </label>
              <input
                className="nhsuk-input"
                id="q"
                name="q"
                type="search"
                defaultValue={d.filters.q}
                maxLength={200}
                aria-describedby="q-hint"
              />
              <span className="nhsuk-u-visually-hidden" id="q-hint">
                By title, footprint or vanguard.
              </span>
            </div>
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="region" label="Region" value={d.filters.region} options={d.options.regions} any="All regions" />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="model" label="Model" value={d.filters.model} options={d.options.models} any="Both models" />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="state" label="State" value={d.filters.state} options={d.options.states} any="Any state" />
          </div>
        </div>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="turn" label="Whose turn" value={d.filters.turn} options={d.options.turns} any="Anyone's" />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect
              id="checkpoint"
              label="Checkpoint"
              value={d.filters.checkpoint}
              options={d.options.checkpoints}
              any="Any checkpoint"
            />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="sla" label="National clock" value={d.filters.sla} options={d.options.slas} any="Any" />
          </div>
          <div className="nhsuk-grid-column-one-quarter app-filters__apply">
            <button className="nhsuk-button nhsuk-button--secondary" type="submit" data-module="nhsuk-button">
              Apply filters
            </button>
          </div>
        </div>
        {sortHidden.has("sort") ? (
          <>
            <input type="hidden" name="sort" value={sortHidden.get("sort") ?? ""} />
            <input type="hidden" name="dir" value={sortHidden.get("dir") ?? ""} />
          </>
        ) : null}
        {d.filters.size !== String(DEFAULT_SIZE) ? <input type="hidden" name="size" value={d.filters.size} /> : null}
      </Form>
      <SelectedFilters data={d} />

      <div role="status">
        {d.total === 0 ? (
          <p className="nhsuk-u-margin-bottom-2">No submissions match these filters.</p>
        ) : (
          <p className="nhsuk-u-margin-bottom-2">
            Showing {count.format(first)} to {count.format(last)} of {count.format(d.total)} {d.total === 1 ? "submission" : "submissions"}
          </p>
        )}
      </div>
      {d.total > 0 ? (
        <p className="nhsuk-u-margin-bottom-3">
          <a href={d.exportHref} download>
            Export {d.total === 1 ? "this submission" : `these ${count.format(d.total)} submissions`} as CSV
          </a>
          {" · "}
          Results per page:{" "}
          {d.options.sizes.map((o, i) => (
            <span key={o.value}>
              {i > 0 ? ", " : null}
              {o.value === d.filters.size ? (
                <strong>{o.label}</strong>
              ) : (
                <Link to={hrefWith(d.search, { size: o.value === String(DEFAULT_SIZE) ? null : o.value, page: null })}>
                  <span className="nhsuk-u-visually-hidden">Show </span>
                  {o.label}
                  <span className="nhsuk-u-visually-hidden"> per page</span>
                </Link>
              )}
            </span>
          ))}
        </p>
      ) : null}

      {/* Twelve columns are wider than the page on a desktop: the table scrolls sideways inside a focusable region. */}
      <DataTable
        caption={`Submissions, page ${d.page} of ${d.pageCount}`}
        className="nhsuk-table--compact nhsuk-u-font-size-16"
        columns={columns}
        data={d.items}
        getRowId={(row) => row.id}
        keepRows
        empty={null}
        scrollLabel="Submissions (scrolls sideways)"
        sort={{ id: d.sort, dir: d.dir, href: (sort, dir) => hrefWith(d.search, { sort, dir, page: null }) }}
        pagination={{ page: d.page, size: d.size, total: d.total, href: pageHref }}
      />
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Pipeline – NCM Assure" }];
