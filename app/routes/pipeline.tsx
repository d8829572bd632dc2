import { rowPaginationFeature, rowSortingFeature, createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { Form, Link, useLocation } from "react-router";
import type { Route } from "./+types/pipeline";
import { formatDate, stateTagClass } from "../status.ts";
import { db } from "../.server/db.ts";
import { pipelineFilterOptions, loadPipeline, parsePipelineParams, pipelineSearch } from "../.server/pipeline.ts";
import { requireRole } from "../.server/session.ts";

export async function loader({ request }: Route.LoaderArgs) {
  await requireRole(request, "reviewer", "admin");
  const view = await loadPipeline(db(), parsePipelineParams(new URL(request.url).searchParams));
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

// Manual mode: the rows are already filtered, sorted and paged on the server, and the table is
// told the sort and the page only to render the headers (aria-sort, links) and the pagination.
const features = tableFeatures({ rowSortingFeature, rowPaginationFeature });
const column = createColumnHelper<typeof features, Item>();
const columns = column.columns([
  column.accessor("title", {
    id: "title",
    header: "Submission",
    cell: (info) => (
      <>
        <Link to={`/reviews/${info.row.original.id}`}>{info.getValue()}</Link>
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

/** Page numbers to offer: the first, the last, and the current one with its neighbours. */
function pageNumbers(current: number, last: number): (number | "gap")[] {
  const wanted = new Set([1, last, current - 1, current, current + 1].filter((n) => n >= 1 && n <= last));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | "gap")[] = [];
  for (const n of sorted) {
    const previous = out.at(-1);
    if (typeof previous === "number" && n - previous > 1) out.push(n - previous === 2 ? n - 1 : "gap");
    out.push(n);
  }
  return out;
}

function ArrowLeft() {
  return (
    <svg
      className="nhsuk-icon nhsuk-icon--arrow-left"
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      focusable="false"
      aria-hidden="true"
    >
      <path d="M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z" />
    </svg>
  );
}

function ArrowRight() {
  return (
    <svg
      className="nhsuk-icon nhsuk-icon--arrow-right"
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      focusable="false"
      aria-hidden="true"
    >
      <path d="m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z" />
    </svg>
  );
}

function Select({
  id,
  label,
  value,
  options,
  any,
}: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  any?: string;
}) {
  return (
    <div className="nhsuk-form-group">
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <select className="nhsuk-select" id={id} name={id} defaultValue={value}>
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

export default function Pipeline({ loaderData: d }: Route.ComponentProps) {
  const location = useLocation();
  const table = useTable({
    features,
    columns,
    data: d.items,
    getRowId: (row) => row.id,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    rowCount: d.total,
    state: {
      sorting: [{ id: d.sort, desc: d.dir === "desc" }],
      pagination: { pageIndex: d.page - 1, pageSize: d.size },
    },
  });
  const first = (d.page - 1) * d.size + 1;
  const last = Math.min(d.page * d.size, d.total);
  const pageHref = (n: number) => hrefWith(d.search, { page: n === 1 ? null : String(n) });
  const sortHidden = new URLSearchParams(d.search);

  return (
    <>
      <h1>Pipeline</h1>
      <p>
        Every submission for assurance and where it stands. The national target is 20 working days per checkpoint; the clock stops while a
        submission is with the local system or paused.
      </p>
      <p>
        <Link to="/pipeline/regions">See the pipeline by region</Link>, with charts of stages, national working days and the criteria failing
        most.
      </p>

      {/* Keyed by the address, so the fields show the view's filters after every navigation. */}
      <Form method="get" key={location.search} className="nhsuk-u-margin-bottom-5" aria-labelledby="filters-heading">
        <h2 className="nhsuk-heading-s" id="filters-heading">
          Filter the pipeline
        </h2>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="q">
            Search by title, footprint or vanguard
          </label>
          <input
            className="nhsuk-input nhsuk-u-width-two-thirds"
            id="q"
            name="q"
            type="search"
            defaultValue={d.filters.q}
            maxLength={200}
          />
        </div>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <Select id="region" label="Region" value={d.filters.region} options={d.options.regions} any="All regions" />
            <Select id="model" label="Model" value={d.filters.model} options={d.options.models} any="Both models" />
            <Select id="size" label="Results per page" value={d.filters.size} options={d.options.sizes} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select id="state" label="State" value={d.filters.state} options={d.options.states} any="Any state" />
            <Select id="turn" label="Whose turn" value={d.filters.turn} options={d.options.turns} any="Anyone's" />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select id="checkpoint" label="Checkpoint" value={d.filters.checkpoint} options={d.options.checkpoints} any="Any checkpoint" />
            <Select id="sla" label="National clock" value={d.filters.sla} options={d.options.slas} any="Any" />
          </div>
        </div>
        {sortHidden.has("sort") ? (
          <>
            <input type="hidden" name="sort" value={sortHidden.get("sort") ?? ""} />
            <input type="hidden" name="dir" value={sortHidden.get("dir") ?? ""} />
          </>
        ) : null}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" data-module="nhsuk-button">
            Apply filters
          </button>
          <Link to="/pipeline" className="nhsuk-link">
            Clear filters
          </Link>
        </div>
      </Form>

      <div role="status">
        {d.total === 0 ? (
          <p>No submissions match these filters.</p>
        ) : (
          <p>
            Showing {count.format(first)} to {count.format(last)} of {count.format(d.total)} {d.total === 1 ? "submission" : "submissions"}
          </p>
        )}
      </div>
      {d.total > 0 ? (
        <p>
          <a href={d.exportHref} download>
            Export {d.total === 1 ? "this submission" : `these ${count.format(d.total)} submissions`} as CSV
          </a>
        </p>
      ) : null}

      {d.items.length > 0 ? (
        // Twelve columns are wider than the page on a desktop: the table scrolls sideways inside
        // a focusable region (so keyboard users can scroll it too) rather than the whole page.
        <div role="region" aria-label="Submissions (scrolls sideways)" tabIndex={0} style={{ overflowX: "auto", position: "relative" }}>
          <table className="nhsuk-table-responsive nhsuk-u-font-size-16">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
              Submissions, page {d.page} of {d.pageCount}
            </caption>
            <thead className="nhsuk-table__head">
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id} className="nhsuk-table__row">
                  {group.headers.map((header) => {
                    const col = header.column;
                    const label = typeof col.columnDef.header === "string" ? col.columnDef.header : col.id;
                    const sorted = col.getIsSorted();
                    const next = sorted ? (sorted === "asc" ? "desc" : "asc") : col.getFirstSortDir();
                    return (
                      <th
                        key={header.id}
                        className="nhsuk-table__header"
                        scope="col"
                        aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      >
                        {col.getCanSort() ? (
                          <Link to={hrefWith(d.search, { sort: col.id, dir: next, page: null })} preventScrollReset>
                            {label}
                            <span className="nhsuk-u-visually-hidden">
                              {sorted ? `, sorted ${sorted === "asc" ? "ascending" : "descending"}.` : ""} Sort{" "}
                              {next === "asc" ? "ascending" : "descending"}
                            </span>
                            {sorted ? <span aria-hidden="true">{sorted === "asc" ? " ▲" : " ▼"}</span> : null}
                          </Link>
                        ) : (
                          label
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody className="nhsuk-table__body">
              {table.getRowModel().rows.map((row) => (
                <tr key={row.id} className="nhsuk-table__row">
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} className="nhsuk-table__cell">
                      <span className="nhsuk-table-responsive__heading" aria-hidden="true">
                        {typeof cell.column.columnDef.header === "string" ? `${cell.column.columnDef.header} ` : null}
                      </span>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {table.getPageCount() > 1 ? (
        <nav className="nhsuk-pagination nhsuk-pagination--numbered" role="navigation" aria-label="Pagination">
          {table.getCanPreviousPage() ? (
            <Link to={pageHref(d.page - 1)} className="nhsuk-pagination__previous" rel="prev">
              <ArrowLeft />
              <span className="nhsuk-pagination__title">
                Previous<span className="nhsuk-u-visually-hidden"> page</span>
              </span>
            </Link>
          ) : null}
          <ul className="nhsuk-pagination__list">
            {pageNumbers(d.page, table.getPageCount()).map((n, i) =>
              n === "gap" ? (
                <li key={`gap-${i}`} className="nhsuk-pagination__item nhsuk-pagination__item--ellipsis">
                  {"\u22EF"}
                </li>
              ) : (
                <li key={n} className={`nhsuk-pagination__item${n === d.page ? " nhsuk-pagination__item--current" : ""}`}>
                  <Link
                    className="nhsuk-pagination__link"
                    to={pageHref(n)}
                    aria-label={`Page ${n}`}
                    aria-current={n === d.page ? "page" : undefined}
                  >
                    {n}
                  </Link>
                </li>
              ),
            )}
          </ul>
          {table.getCanNextPage() ? (
            <Link to={pageHref(d.page + 1)} className="nhsuk-pagination__next" rel="next">
              <span className="nhsuk-pagination__title">
                Next<span className="nhsuk-u-visually-hidden"> page</span>
              </span>
              <ArrowRight />
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Pipeline – NCM Assure" }];
