// Benchmark only (registered when NCM_BENCH_ROUTES=1 at build time, see app/routes.ts): the floor
// for a list page. A loader reads 50 submissions from the database in one query and the page
// renders them in a plain NHS table: the least any real list page can cost.
import { useLoaderData } from "react-router";
import { db } from "../../app/.server/db.ts";

export async function loader() {
  const rows = await db()
    .selectFrom("submission")
    .select(["id", "title", "footprint_code", "model_type", "state", "updated_at"])
    // Both keys descending, so the (updated_at, id) index gives the order: the least a list can cost.
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(50)
    .execute();
  return { rows };
}

export default function Rows() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <title>50 rows – NCM Assure</title>
      <h1>50 rows</h1>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption">The 50 most recently changed submissions</caption>
        <thead className="nhsuk-table__head">
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Footprint</th>
            <th scope="col">Model</th>
            <th scope="col">State</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {rows.map((r) => (
            <tr key={r.id} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">{r.title}</td>
              <td className="nhsuk-table__cell">{r.footprint_code}</td>
              <td className="nhsuk-table__cell">{r.model_type}</td>
              <td className="nhsuk-table__cell">{r.state}</td>
              <td className="nhsuk-table__cell">{r.updated_at}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
