// A database of many submissions for the HTTP benchmarks, every one of them a state the process
// can reach with a snapshot the machine restores and an audit chain that verifies:
// 1. the demo accounts and the ~40 demo submissions, built by driving the real runtime (so their
//    content, frozen versions, assignments, decisions and chains are all genuine);
// 2. each demo submission cloned in bulk until there are `total`: a clone keeps its template's
//    footprint, model, state, snapshot, reviewer assignment and failing criteria, takes a new id (rewritten inside
//    the snapshot and the audit payloads too) and a new title, and gets its template's audit trail
//    re-chained and re-hashed under its own id.
// Clones carry no section content or frozen versions: the pages measured over all of them (the
// pipeline and its CSV) read the submission row, its assignment and reference data only, and the
// pages that read content are measured on a demo submission. Last, the national clock sweep runs
// once, as it does every minute in production, so the clock warnings a live database would have
// already exist (the first sweep over 50,000 queues one for each late submission). Run alone:
// npx tsx bench/seed.ts path/to/file.db [total]
import { pathToFileURL } from "node:url";
import { type Selectable, sql } from "kysely";
import { GENESIS_HASH, hashAuditEntry } from "../db/audit.ts";
import type { Db } from "../db/client.ts";
import { createDb } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemoAccounts } from "../db/seed/demo.ts";
import type { AuditEventRow, FailingCriterionTable, ReviewAssignmentRow, SubmissionRow } from "../db/schema.ts";
import { seedDemoSubmissions } from "../app/.server/demo-submissions.ts";
import { sweepClockWarnings } from "../app/.server/notifications.ts";

const BATCH = 500;

type FailingCriterionRow = Selectable<FailingCriterionTable>;

export function cloneId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export async function seedBenchDatabase(
  db: Db,
  total: number,
): Promise<{ submissions: number; auditEvents: number; clockWarnings: number; seconds: number }> {
  const started = performance.now();
  await migrateToLatest(db);
  await seedDemoAccounts(db);
  await seedDemoSubmissions(db);

  const templates = await db.selectFrom("submission").selectAll().orderBy("created_at").execute();
  const trails = new Map<string, AuditEventRow[]>();
  for (const e of await db.selectFrom("audit_event").selectAll().where("submission_id", "is not", null).orderBy("seq").execute()) {
    const list = trails.get(e.chain) ?? [];
    list.push(e);
    trails.set(e.chain, list);
  }
  const assignments = new Map<string, ReviewAssignmentRow[]>();
  for (const a of await db.selectFrom("review_assignment").selectAll().execute()) {
    assignments.set(a.submission_id, [...(assignments.get(a.submission_id) ?? []), a]);
  }
  const failures = new Map<string, FailingCriterionRow[]>();
  for (const f of await db.selectFrom("failing_criterion").selectAll().execute()) {
    failures.set(f.submission_id, [...(failures.get(f.submission_id) ?? []), f]);
  }

  let auditEvents = 0;
  const clones = total - templates.length;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < clones; start += BATCH) {
      const submissions: SubmissionRow[] = [];
      const events: AuditEventRow[] = [];
      const assigned: ReviewAssignmentRow[] = [];
      const failing: FailingCriterionRow[] = [];
      for (let n = start; n < Math.min(clones, start + BATCH); n++) {
        const t = templates[n % templates.length]!;
        const id = cloneId(n);
        const rewrite = (text: string) => text.replaceAll(t.id, id);
        submissions.push({ ...t, id, title: `${t.title} ${n + 1}`, workflow_snapshot: rewrite(t.workflow_snapshot) });
        let prev = GENESIS_HASH;
        for (const e of trails.get(t.id) ?? []) {
          const entry = { ...e, chain: id, submission_id: id, payload: rewrite(e.payload), prev_hash: prev };
          const { id: _template, hash: _old, ...fields } = entry;
          const hash = hashAuditEntry(fields);
          events.push({ ...entry, id: `${id}-${e.seq}`, hash });
          prev = hash;
        }
        for (const a of assignments.get(t.id) ?? []) assigned.push({ ...a, id: `${id}-cp${a.checkpoint}`, submission_id: id });
        for (const f of failures.get(t.id) ?? []) failing.push({ ...f, submission_id: id });
      }
      await trx.insertInto("submission").values(submissions).execute();
      // Audit rows are wide; keep each statement within SQLite's and PostgreSQL's parameter limits.
      for (let i = 0; i < events.length; i += 2_000)
        await trx
          .insertInto("audit_event")
          .values(events.slice(i, i + 2_000))
          .execute();
      if (assigned.length > 0) await trx.insertInto("review_assignment").values(assigned).execute();
      for (let i = 0; i < failing.length; i += 2_000)
        await trx
          .insertInto("failing_criterion")
          .values(failing.slice(i, i + 2_000))
          .execute();
      auditEvents += events.length;
    }
  });
  await sql`analyze`.execute(db);
  const clockWarnings = await sweepClockWarnings(db);
  await sql`analyze`.execute(db);
  return { clockWarnings, submissions: templates.length + Math.max(0, clones), auditEvents, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: npx tsx bench/seed.ts path/to/file.db [total]");
  const db = createDb(`file:${file}`);
  try {
    console.log(await seedBenchDatabase(db, Number(process.argv[3] ?? 50_000)));
  } finally {
    await db.destroy();
  }
}
