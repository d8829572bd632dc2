import { createDb } from "../../db/client.ts";
import type { AssuranceContext } from "../../workflows/assurance.machine.ts";
import { prepareAppDatabase, sessionCookieFor } from "../support/app.ts";

/** Greater Manchester: lead.manchester's footprint, and the one reviewer.three has declared a conflict with. */
export const GREATER_MANCHESTER = "E54000007";

/**
 * The people the security suites act as. `reviewer.four` (Quinn, new to the programme) is the demo's
 * one reviewer with no reviews: the others are all assigned to Greater Manchester's submissions (or conflicted with it).
 */
export const ACTORS = {
  anonymous: null,
  "lead of another footprint": "lead.kent@example.nhs.uk",
  "lead of the footprint": "lead.manchester@example.nhs.uk",
  "reviewer not assigned": "reviewer.four@example.nhs.uk",
  "conflicted reviewer": "reviewer.three@example.nhs.uk",
  "assigned reviewer": "reviewer.one@example.nhs.uk",
  admin: "admin@example.nhs.uk",
} as const;
export type ActorName = keyof typeof ACTORS;
export const ACTOR_NAMES = Object.keys(ACTORS) as ActorName[];

/**
 * A fresh SQLite file for this test file with the demo accounts and the demo's ~40 submissions in
 * every state (built through the real runtime).
 */
export async function prepareDemoDatabase() {
  const prepared = await prepareAppDatabase();
  const seedDb = createDb(prepared.url);
  const { seedDemoSubmissions } = await import("../../app/.server/demo-submissions.ts");
  await seedDemoSubmissions(seedDb);
  await seedDb.destroy();
  return prepared;
}

/** A session cookie for each signed-in actor (anonymous has none). */
export async function cookiesFor(): Promise<Record<ActorName, string | undefined>> {
  const cookies = {} as Record<ActorName, string | undefined>;
  for (const name of ACTOR_NAMES) {
    const email = ACTORS[name];
    cookies[name] = email ? await sessionCookieFor(email) : undefined;
  }
  return cookies;
}

export async function appDb() {
  return (await import("../../app/.server/db.ts")).db();
}

export async function userId(email: string): Promise<string> {
  const db = await appDb();
  return (await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

/** The demo submissions of a footprint in a state, with the machine's context. */
export async function submissionsIn(footprintCode: string | null, state: string) {
  const db = await appDb();
  let query = db
    .selectFrom("submission")
    .select(["id", "footprint_code", "state", "version", "workflow_snapshot"])
    .where("state", "=", state);
  if (footprintCode) query = query.where("footprint_code", "=", footprintCode);
  const rows = await query.orderBy("created_at").execute();
  return rows.map((r) => ({ ...r, context: (JSON.parse(r.workflow_snapshot) as { context: AssuranceContext }).context }));
}

/** Everything a refused request must leave untouched: the row's state and version, its audit chain, its frozen versions. */
export async function workflowRecord(submissionId: string) {
  const db = await appDb();
  const [row, audit, versions] = await Promise.all([
    db.selectFrom("submission").select(["state", "version", "workflow_snapshot"]).where("id", "=", submissionId).executeTakeFirstOrThrow(),
    db.selectFrom("audit_event").select(["seq", "hash"]).where("chain", "=", submissionId).orderBy("seq").execute(),
    db.selectFrom("submission_version").select("number").where("submission_id", "=", submissionId).execute(),
  ]);
  return { state: row.state, version: row.version, snapshot: row.workflow_snapshot, audit, versions: versions.length };
}

export type Outcome = "allowed" | "sign-in" | "403" | "404" | "error";

/** How a loader or action answered, returned or thrown: a Response, React Router's data(), plain data, or an error. */
export function outcomeOf(result: unknown): { outcome: Outcome; status: number; detail: string } {
  if (result instanceof Response) {
    const location = result.headers.get("Location") ?? "";
    if (result.status >= 300 && result.status < 400 && location.startsWith("/sign-in?redirectTo=")) {
      return { outcome: "sign-in", status: result.status, detail: location };
    }
    return { outcome: classify(result.status), status: result.status, detail: location };
  }
  if (result instanceof Error) return { outcome: "error", status: 500, detail: result.stack ?? result.message };
  if (result && typeof result === "object" && (result as { type?: unknown }).type === "DataWithResponseInit") {
    const status = (result as { init?: { status?: number } | null }).init?.status ?? 200;
    return { outcome: classify(status), status, detail: JSON.stringify((result as { data: unknown }).data)?.slice(0, 300) ?? "" };
  }
  return { outcome: "allowed", status: 200, detail: "" };
}

function classify(status: number): Outcome {
  if (status === 403) return "403";
  if (status === 404) return "404";
  if (status >= 500) return "error";
  return "allowed";
}

export function statusOf(result: unknown): number {
  return outcomeOf(result).status;
}
