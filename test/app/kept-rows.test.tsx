import fc from "fast-check";
import { renderToString } from "react-dom/server";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { keepRows, keptRowCount } from "../../app/.server/kept-rows.ts";
import type { ColumnDef } from "@tanstack/react-table";
import { DataTable, KeptRows, type TableFeatures, tableColumns } from "../../app/components/DataTable.tsx";
import { RouteLink } from "../../app/components/RouteLink.tsx";

interface Row {
  id: string;
  title: string;
  days: number;
  tags: string[];
  note: string | null;
}

const column = tableColumns<Row>();
const columns = column.columns([
  column.accessor("title", {
    id: "title",
    header: "Submission",
    cell: (info) => <RouteLink to={`/reviews/${info.row.original.id}`}>{info.getValue()}</RouteLink>,
  }),
  // Adjacent text, which React's hydration needs marked in the server's markup.
  column.accessor("days", {
    id: "days",
    header: "Days",
    cell: (info) =>
      info.getValue() === 0 ? (
        "None"
      ) : (
        <>
          {info.getValue().toFixed(1)} of {20}
        </>
      ),
  }),
  column.accessor("note", { id: "note", header: "Note" }),
  column.display({ id: "tags", header: "Tags", cell: ({ row }) => row.original.tags.map((t) => <strong key={t}>{t}</strong>) }),
]);

/**
 * The table as the server renders it, hydration markers and all: with its rows kept (as
 * entry.server.tsx provides), or rendered in place (as the browser renders them to hydrate).
 */
function page(rows: Row[], kept: boolean, columnsShown: ColumnDef<TableFeatures, Row, any>[] = columns): string {
  const table = (
    <MemoryRouter>
      <DataTable
        caption="Rows"
        columns={columnsShown}
        data={rows}
        rowHeader="title"
        rowData={(r) => ({ "data-id": r.id })}
        empty={<p>None</p>}
        keepRows
      />
    </MemoryRouter>
  );
  return renderToString(kept ? <KeptRows value={keepRows}>{table}</KeptRows> : table);
}

const rowArbitrary = fc.record({
  id: fc.uuid(),
  title: fc.string({ maxLength: 30 }),
  days: fc.double({ min: 0, max: 400, noNaN: true }),
  tags: fc.uniqueArray(fc.constantFrom("red", "orange", "<b>", "&amp;"), { maxLength: 3 }),
  note: fc.option(fc.string({ maxLength: 20 })),
});

describe("table rows rendered once and kept on the server (keepRows)", () => {
  it("are the markup the browser hydrates, for any rows (escaping and text markers included)", () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 8 }), (rows) => {
        expect(page(rows, true)).toBe(page(rows, false));
      }),
      { numRuns: 150 },
    );
  });

  it("renders an unchanged row once, and a row again when anything it shows changes", () => {
    const row: Row = { id: "kept-1", title: "Kent and Medway MCP", days: 3.25, tags: ["red"], note: null };
    const first = page([row], true);
    const before = keptRowCount();
    expect(page([row], true)).toBe(first);
    expect(keptRowCount()).toBe(before);

    const later = page([{ ...row, days: 4.5 }], true);
    expect(keptRowCount()).toBe(before + 1);
    expect(later).toContain("4.5");
    // The same fields under other columns are another table's row.
    const otherColumns = column.columns([column.accessor("title", { id: "title", header: "Title" })]);
    expect(page([row], true, otherColumns)).toBe(page([row], false, otherColumns));
    expect(keptRowCount()).toBe(before + 2);
  });

  it("leave a table without rows to its empty state", () => {
    expect(page([], true)).toBe("<p>None</p>");
  });
});
