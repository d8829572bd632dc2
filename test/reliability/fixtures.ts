import { actorFrom, applyEvent, startSubmission, type WorkflowCommand, type NamedActor } from "../../app/.server/assurance.ts";
import type { Db } from "../../db/client.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { type AssuranceSnapshot, stateKey } from "../../workflows/assurance.machine.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";

/**
 * Submissions put into a given state by driving the real runtime (applyEvent) directly against the
 * database the servers under test will share, so their snapshots, versions and audit chains are
 * exactly what the app itself would have written.
 */

/** Kent and Medway: its demo lead is lead.kent, and no demo reviewer is conflicted with it. */
export const FOOTPRINT = { code: "E54000032", name: "Kent and Medway" };

export const EMAILS = {
  lead: "lead.kent@example.nhs.uk",
  admin: "admin@example.nhs.uk",
  leadReviewer: "reviewer.one@example.nhs.uk",
  secondReviewer: "reviewer.two@example.nhs.uk",
} as const;
type Who = keyof typeof EMAILS;

export async function demoActors(db: Db): Promise<Record<Who, NamedActor>> {
  const entries = await Promise.all(
    Object.entries(EMAILS).map(async ([who, email]) => {
      const row = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
      return [who, actorFrom((await findUserProfile(db, row.id))!)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Who, NamedActor>;
}

export type Stage = "draft" | "ready_to_submit" | "awaiting_assignment" | "awaiting_countersign";

export interface Prepared {
  id: string;
  version: number;
}

/** `count` submissions at `stage`, `parallel` at a time (each one's own events stay in order). */
export async function prepareSubmissions(
  db: Db,
  actors: Record<Who, NamedActor>,
  stage: Stage,
  count: number,
  parallel = 8,
): Promise<Prepared[]> {
  const made: Prepared[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      made[i] = await prepareOne(db, actors, stage, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return made;
}

async function prepareOne(db: Db, actors: Record<Who, NamedActor>, stage: Stage, i: number): Promise<Prepared> {
  const started = await startSubmission(db, actors.lead, {
    footprintCode: FOOTPRINT.code,
    title: `Reliability ${stage} ${i + 1}`,
    modelType: i % 2 ? "PACS" : "MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  const id = started.id;
  if (stage === "draft") return { id, version: 1 };

  const content = exampleSubmission({
    modelType: i % 2 ? "PACS" : "MCP",
    footprintName: FOOTPRINT.name,
    footprintCode: FOOTPRINT.code,
    checkpoint: 1,
    seed: i + 1,
  }) as Record<string, unknown>;
  const at = new Date().toISOString();
  for (const section of SECTION_SLUGS) {
    if (content[section] !== undefined)
      await saveSection(db, { submissionId: id, section, data: content[section], updatedBy: actors.lead.id, at });
  }
  if (stage === "ready_to_submit") return { id, version: 1 };

  const steps: [NamedActor, WorkflowCommand][] = [
    [actors.lead, { type: "SUBMIT", declaration: true }],
    [actors.admin, { type: "ASSIGN", leadReviewerId: actors.leadReviewer.id, secondReviewerId: actors.secondReviewer.id }],
    [
      actors.leadReviewer,
      { type: "PROPOSE_DECISION", decision: "proceed", confidence: "green", rationale: "A credible case, well evidenced." },
    ],
  ];
  const needed = stage === "awaiting_assignment" ? 1 : 3;
  let version = 1;
  for (const [actor, command] of steps.slice(0, needed)) {
    const result = await applyEvent(db, id, actor, command);
    if (!result.ok) throw new Error(`preparing ${stage}: ${command.type} refused: ${result.reason}`);
    version = result.version;
  }
  return { id, version };
}

/**
 * What must hold for every submission however a run ended: its plain columns agree with its
 * snapshot and its audit trail (one entry per version, the last state entry is its state, one
 * frozen version per submit). Returns the problems found, by submission.
 */
export async function inconsistencies(db: Db, ids: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const batch = ids.slice(i, i + 200);
    const [rows, trail, versions] = await Promise.all([
      db.selectFrom("submission").select(["id", "state", "version", "workflow_snapshot"]).where("id", "in", batch).execute(),
      db
        .selectFrom("audit_event")
        .select(["chain", "seq", "to_state"])
        .where("chain", "in", batch)
        .orderBy("chain")
        .orderBy("seq")
        .execute(),
      db.selectFrom("submission_version").select(["submission_id", "number"]).where("submission_id", "in", batch).execute(),
    ]);
    for (const row of rows) {
      const snapshot = JSON.parse(row.workflow_snapshot) as AssuranceSnapshot;
      const entries = trail.filter((e) => e.chain === row.id);
      const lastState = entries.filter((e) => e.to_state !== null).at(-1)?.to_state;
      const frozen = versions.filter((v) => v.submission_id === row.id).length;
      if (stateKey(snapshot.value) !== row.state) problems.push(`${row.id}: state ${row.state} but snapshot ${stateKey(snapshot.value)}`);
      if (entries.length !== row.version) problems.push(`${row.id}: version ${row.version} but ${entries.length} audit entries`);
      if (lastState !== row.state) problems.push(`${row.id}: state ${row.state} but the audit trail's last state is ${lastState}`);
      if (frozen !== snapshot.context.versionsSubmitted) {
        problems.push(`${row.id}: ${frozen} frozen versions but the snapshot counts ${snapshot.context.versionsSubmitted} submits`);
      }
    }
    if (rows.length !== batch.length) problems.push(`${batch.length - rows.length} submissions are missing`);
  }
  return problems;
}
