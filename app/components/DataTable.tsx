import { type ColumnDef, createColumnHelper, type RowData, tableFeatures, useTable } from "@tanstack/react-table";

/** The features every plain data table here uses: none beyond the core row model (sorting is done on the server). */
export const plainTable = tableFeatures({});
export type PlainFeatures = typeof plainTable;

export function plainColumns<T extends RowData>() {
  return createColumnHelper<PlainFeatures, T>();
}

interface Props<T extends RowData> {
  caption: string;
  columns: ColumnDef<PlainFeatures, T, any>[];
  data: T[];
  /** Shown in place of the table when there are no rows. */
  empty: React.ReactNode;
  /** The column whose cells name their row (rendered as row headers). */
  rowHeader?: string;
  /** Show the caption as the table's heading rather than only to screen readers. */
  captionVisible?: boolean;
}

/**
 * An NHS.UK responsive table rendered by TanStack Table. `columns` must be created at module scope
 * (TanStack recomputes the row model when their identity changes).
 */
export function DataTable<T extends RowData>({ caption, columns, data, empty, rowHeader, captionVisible }: Props<T>) {
  const table = useTable({ features: plainTable, columns, data });
  if (data.length === 0) return <>{empty}</>;
  return (
    <table className="nhsuk-table-responsive">
      <caption className={captionVisible ? "nhsuk-table__caption" : "nhsuk-table__caption nhsuk-u-visually-hidden"}>{caption}</caption>
      <thead className="nhsuk-table__head">
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} className="nhsuk-table__row">
            {group.headers.map((header) => (
              <th key={header.id} className="nhsuk-table__header" scope="col">
                {header.isPlaceholder ? null : <table.FlexRender header={header} />}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody className="nhsuk-table__body">
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id} className="nhsuk-table__row">
            {row.getAllCells().map((cell) => {
              const Cell = cell.column.id === rowHeader ? "th" : "td";
              return (
                <Cell
                  key={cell.id}
                  className={Cell === "th" ? "nhsuk-table__header" : "nhsuk-table__cell"}
                  {...(Cell === "th" ? { scope: "row" } : {})}
                >
                  <span className="nhsuk-table-responsive__heading" aria-hidden="true">
                    {typeof cell.column.columnDef.header === "string" ? `${cell.column.columnDef.header} ` : null}
                  </span>
                  <table.FlexRender cell={cell} />
                </Cell>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
