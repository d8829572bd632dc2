import { type ColumnDef, createColumnHelper, type RowData, rowSortingFeature, tableFeatures, useTable } from "@tanstack/react-table";
import { Link } from "react-router";

/**
 * An NHS.UK responsive table whose columns sort on the server. The sort lives in the address
 * (`?sort=&dir=`): each sortable header is a link the loader reads, so sorting works with
 * JavaScript off, and TanStack Table runs in manual sorting mode with that state, only to know
 * which header is sorted and which way.
 */
export const sortableTable = tableFeatures({ rowSortingFeature });
export type SortableFeatures = typeof sortableTable;

export function sortableColumns<T extends RowData>() {
  return createColumnHelper<SortableFeatures, T>();
}

interface Props<T extends RowData> {
  caption: string;
  /** Created at module scope: TanStack recomputes the row model when their identity changes. */
  columns: ColumnDef<SortableFeatures, T, any>[];
  data: T[];
  sort: { id: string; dir: "asc" | "desc" };
  /** The address that sorts by a column in a direction. */
  sortHref: (columnId: string, dir: "asc" | "desc") => string;
  empty: React.ReactNode;
}

export function SortableTable<T extends RowData>({ caption, columns, data, sort, sortHref, empty }: Props<T>) {
  const table = useTable({
    features: sortableTable,
    columns,
    data,
    manualSorting: true,
    enableSortingRemoval: false,
    state: { sorting: [{ id: sort.id, desc: sort.dir === "desc" }] },
  });
  if (data.length === 0) return <>{empty}</>;
  return (
    <table className="nhsuk-table-responsive">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{caption}</caption>
      <thead className="nhsuk-table__head">
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} className="nhsuk-table__row">
            {group.headers.map((header) => {
              const column = header.column;
              const label = typeof column.columnDef.header === "string" ? column.columnDef.header : column.id;
              const sorted = column.getIsSorted();
              const next = sorted ? (sorted === "asc" ? "desc" : "asc") : column.getFirstSortDir();
              return (
                <th
                  key={header.id}
                  className="nhsuk-table__header"
                  scope="col"
                  aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                >
                  {header.isPlaceholder ? null : column.getCanSort() ? (
                    <Link to={sortHref(column.id, next)} preventScrollReset>
                      {label}
                      <span className="nhsuk-u-visually-hidden">
                        {sorted ? `, sorted ${sorted === "asc" ? "ascending" : "descending"}.` : ""} Sort {next === "asc" ? "ascending" : "descending"}
                      </span>
                      {sorted ? <span aria-hidden="true">{sorted === "asc" ? " ▲" : " ▼"}</span> : null}
                    </Link>
                  ) : (
                    <table.FlexRender header={header} />
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
  );
}
