import {
  type CellContext,
  type Column,
  type ColumnDef,
  createColumnHelper,
  type RowData,
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { createContext, useContext } from "react";
import { RouteLink, useRouteLinks } from "./RouteLink.tsx";

/**
 * The one table of the service: an NHS.UK responsive table rendered by TanStack Table. Rows come
 * already filtered, sorted and paged from the server; when the page is sortable or paged, the
 * table runs in manual mode with that state, only to render sortable headers (links with
 * `aria-sort`, so sorting works with JavaScript off) and the NHS pagination below.
 */
export const dataTable = tableFeatures({ rowSortingFeature, rowPaginationFeature });
export type TableFeatures = typeof dataTable;

/** Columns are created at module scope: TanStack recomputes the row model when their identity changes. */
export function tableColumns<T extends RowData>() {
  return createColumnHelper<TableFeatures, T>();
}

export type SortDirection = "asc" | "desc";

interface Props<T extends RowData> {
  caption: React.ReactNode;
  // TanStack's helper gives each column its own value type, so the list holds columns of any value.
  // biome-ignore lint/suspicious/noExplicitAny: as TanStack Table's own ColumnDef arrays are typed
  columns: ColumnDef<TableFeatures, T, any>[];
  data: T[];
  /** Shown in place of the table when there are no rows. */
  empty: React.ReactNode;
  /** The column whose cells name their row (rendered as row headers). */
  rowHeader?: string;
  /** Show the caption as the table's heading rather than only to screen readers. */
  captionVisible?: boolean;
  getRowId?: (row: T) => string;
  className?: string;
  /** Sorting in the address: the current sort and the address that sorts by a column. */
  sort?: { id: string; dir: SortDirection; href: (columnId: string, dir: SortDirection) => string };
  /** Paging in the address: the page shown (from 1), its size, how many rows there are in all, and a page's address. */
  pagination?: { page: number; size: number; total: number; href: (page: number) => string };
  /** Data attributes for a row's `<tr>`, for what finds a row by its identity (a changed field's path). */
  rowData?: (row: T) => Record<`data-${string}`, string>;
  /** A wide table scrolls sideways inside a focusable region with this name, rather than the page. */
  scrollLabel?: string;
  /**
   * Render each row once on the server and keep its HTML while the row is unchanged (KeptRows).
   * Only for columns whose cells are pure functions of the row: no hooks, no `Link` (RouteLink).
   */
  keepRows?: boolean;
}

/**
 * Rows rendered before, by their key: given on the server by entry.server.tsx (app/.server/kept-rows.ts),
 * absent in the browser, which renders and hydrates every row itself. A row's key is the whole of
 * what it is rendered from, so a kept row cannot be stale.
 */
export type KeepRows = (rows: { key: string; render: () => React.ReactElement }[]) => string;
export const KeptRows = createContext<KeepRows | null>(null);

const tableIds = new WeakMap<object, number>();
let tablesSeen = 0;
/** One number per table (its columns, made once at module scope), so the same fields under other columns are another row. */
function tableId(columns: object): number {
  let id = tableIds.get(columns);
  if (id === undefined) {
    id = tablesSeen++;
    tableIds.set(columns, id);
  }
  return id;
}

export function DataTable<T extends RowData>(props: Props<T>) {
  const {
    caption,
    columns,
    data,
    empty,
    rowHeader,
    captionVisible,
    getRowId,
    className,
    sort,
    pagination,
    scrollLabel,
    rowData,
    keepRows,
  } = props;
  const keep = useContext(KeptRows);
  const table = useTable({
    features: dataTable,
    columns,
    data,
    getRowId,
    enableSorting: sort !== undefined,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    rowCount: pagination?.total ?? data.length,
    state: {
      sorting: sort ? [{ id: sort.id, desc: sort.dir === "desc" }] : [],
      pagination: pagination
        ? { pageIndex: pagination.page - 1, pageSize: pagination.size }
        : { pageIndex: 0, pageSize: Math.max(1, data.length) },
    },
  });
  const links = useRouteLinks<HTMLDivElement>(data.length > 0);
  if (data.length === 0) return <>{empty}</>;
  const leafColumns = table.getAllLeafColumns();

  const rendered = (
    <table className={`nhsuk-table-responsive${className ? ` ${className}` : ""}`}>
      <caption className={captionVisible ? "nhsuk-table__caption" : "nhsuk-table__caption nhsuk-u-visually-hidden"}>{caption}</caption>
      <thead className="nhsuk-table__head">
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} className="nhsuk-table__row">
            {group.headers.map((header) => {
              const column = header.column;
              const label = typeof column.columnDef.header === "string" ? column.columnDef.header : column.id;
              const sorted = column.getIsSorted();
              const next: SortDirection = sorted ? (sorted === "asc" ? "desc" : "asc") : column.getFirstSortDir();
              return (
                <th
                  key={header.id}
                  className="nhsuk-table__header"
                  scope="col"
                  aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                >
                  {header.isPlaceholder ? null : sort && column.getCanSort() ? (
                    <RouteLink to={sort.href(column.id, next)} preventScrollReset>
                      {label}
                      <span className="nhsuk-u-visually-hidden">
                        {sorted ? `, sorted ${sorted === "asc" ? "ascending" : "descending"}.` : ""} Sort{" "}
                        {next === "asc" ? "ascending" : "descending"}
                      </span>
                      {sorted ? <span aria-hidden="true">{sorted === "asc" ? " ▲" : " ▼"}</span> : null}
                    </RouteLink>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      {keepRows && keep ? (
        // The same markup as below, rendered once per row and kept; the browser hydrates it as rows.
        <tbody
          className="nhsuk-table__body"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: React's own output for these rows (renderToString), kept on the server
          dangerouslySetInnerHTML={{
            __html: keep(
              data.map((original, index) => ({
                key: `${tableId(columns)}\u0000${index}\u0000${rowHeader ?? ""}\u0000${JSON.stringify(rowData?.(original) ?? null)}\u0000${JSON.stringify(original)}`,
                render: () => (
                  <BodyRow leafColumns={leafColumns} original={original} index={index} rowHeader={rowHeader} rowData={rowData} />
                ),
              })),
            ),
          }}
        />
      ) : (
        <tbody className="nhsuk-table__body">
          {data.map((original, index) => (
            <BodyRow
              key={getRowId ? getRowId(original) : index}
              leafColumns={leafColumns}
              original={original}
              index={index}
              rowHeader={rowHeader}
              rowData={rowData}
            />
          ))}
        </tbody>
      )}
    </table>
  );

  return (
    <div ref={links}>
      {scrollLabel ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard (WCAG 2.1.1, axe scrollable-region-focusable)
        <section aria-label={scrollLabel} tabIndex={0} className="app-table-scroll">
          {rendered}
        </section>
      ) : (
        rendered
      )}
      {pagination && table.getPageCount() > 1 ? (
        <Pagination page={pagination.page} pages={table.getPageCount()} href={pagination.href} />
      ) : null}
    </div>
  );
}

type RowProps<T extends RowData> = Pick<Props<T>, "rowHeader" | "rowData"> & {
  leafColumns: Column<TableFeatures, T>[];
  original: T;
  index: number;
};

function BodyRow<T extends RowData>({ leafColumns, original, index, rowHeader, rowData }: RowProps<T>) {
  return (
    <tr className="nhsuk-table__row" {...rowData?.(original)}>
      {leafColumns.map((column) => {
        const Cell = column.id === rowHeader ? "th" : "td";
        return (
          <Cell
            key={column.id}
            className={Cell === "th" ? "nhsuk-table__header" : "nhsuk-table__cell"}
            {...(Cell === "th" ? { scope: "row" } : {})}
          >
            <span className="nhsuk-table-responsive__heading" aria-hidden="true">
              {typeof column.columnDef.header === "string" ? `${column.columnDef.header} ` : null}
            </span>
            {renderCell(column, original, index)}
          </Cell>
        );
      })}
    </tr>
  );
}

/**
 * One body cell from its column's accessor and cell renderer. The rows arrive filtered, sorted and
 * paged, so TanStack's row model (a memoised Row and Cell object per value, rebuilt on every server
 * render) does no work here but cost 12% of the pipeline page's CPU under load (docs/performance.md).
 * Every cell renderer in the service reads only `getValue()` and `row.original`, and uses no hooks,
 * so it is called as a function rather than mounted as a component per cell.
 */
function renderCell<T extends RowData>(column: Column<TableFeatures, T>, original: T, index: number): React.ReactNode {
  const value = column.accessorFn?.(original, index);
  const cell = column.columnDef.cell;
  if (typeof cell !== "function") return cell ?? (value == null ? null : String(value));
  const context = { getValue: () => value, renderValue: () => value ?? null, row: { original, index }, column };
  return cell(context as unknown as CellContext<TableFeatures, T, unknown>);
}

/** Page numbers to offer: the first, the last, and the current one with its neighbours. */
export function pageNumbers(current: number, last: number): (number | "gap")[] {
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

/** The NHS.UK numbered pagination, each page a link. */
export function Pagination({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  return (
    <nav className="nhsuk-pagination nhsuk-pagination--numbered" aria-label="Pagination">
      {page > 1 ? (
        <RouteLink to={href(page - 1)} className="nhsuk-pagination__previous" rel="prev">
          <Arrow direction="left" />
          <span className="nhsuk-pagination__title">
            Previous<span className="nhsuk-u-visually-hidden"> page</span>
          </span>
        </RouteLink>
      ) : null}
      <ul className="nhsuk-pagination__list">
        {pageNumbers(page, pages).map((n, i) =>
          n === "gap" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: gaps have no identity of their own; the list is rebuilt on every render
            <li key={`gap-${i}`} className="nhsuk-pagination__item nhsuk-pagination__item--ellipsis">
              {"\u22EF"}
            </li>
          ) : (
            <li key={n} className={`nhsuk-pagination__item${n === page ? " nhsuk-pagination__item--current" : ""}`}>
              <RouteLink
                className="nhsuk-pagination__link"
                to={href(n)}
                aria-label={`Page ${n}`}
                aria-current={n === page ? "page" : undefined}
              >
                {n}
              </RouteLink>
            </li>
          ),
        )}
      </ul>
      {page < pages ? (
        <RouteLink to={href(page + 1)} className="nhsuk-pagination__next" rel="next">
          <span className="nhsuk-pagination__title">
            Next<span className="nhsuk-u-visually-hidden"> page</span>
          </span>
          <Arrow direction="right" />
        </RouteLink>
      ) : null}
    </nav>
  );
}

const ARROWS = {
  left: "M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z",
  right: "m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z",
};

function Arrow({ direction }: { direction: "left" | "right" }) {
  return (
    <svg
      className={`nhsuk-icon nhsuk-icon--arrow-${direction}`}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      focusable="false"
      aria-hidden="true"
    >
      <path d={ARROWS[direction]} />
    </svg>
  );
}
