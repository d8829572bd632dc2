// `npm run audit:verify`: recomputes every audit chain in DATABASE_URL (default data/app.db) and
// reports "intact" or the first broken link. Exits 1 when a chain is broken.
import { createDb } from "../db/client.ts";
import { verifyAuditChains } from "../db/audit.ts";

const db = createDb(process.env.DATABASE_URL);
try {
  const verdict = await verifyAuditChains(db, { chain: process.argv[2] });
  if (verdict.intact) {
    console.log(`Audit log intact: ${verdict.entries} entries in ${verdict.chains} chains.`);
  } else {
    const b = verdict.firstBroken;
    console.log(`Audit log BROKEN at chain ${b.chain}, entry ${b.seq} (id ${b.id}): ${b.problem}.`);
    console.log(`Checked ${verdict.entries} entries in ${verdict.chains} chains before stopping.`);
    process.exitCode = 1;
  }
} finally {
  await db.destroy();
}
