import { createHash } from "node:crypto";
import { canonicalJson } from "../workflows/criteria-data/canonical.ts";
import { CriteriaDataError, compileCriteriaSet } from "../workflows/criteria-data/engine.ts";
import { CriterionExamplesSchema } from "../workflows/criteria-data/examples.ts";
import { type CriteriaSets, criteriaSetsOf } from "../workflows/criteria-data/sets.ts";
import type { CriteriaSet, CriterionExample, CriterionRow } from "../workflows/criteria-data/types.ts";
import type { Transaction } from "kysely";
import type { Db } from "./client.ts";
import type { Database } from "./schema.ts";

/**
 * The national criteria sets, read from the criteria_set table and compiled (docs/decisions/007).
 *
 * A published set never changes, so a compiled set is kept for the life of the process, keyed by its
 * id and content hash: each call reads only the published sets' ids and hashes (a few short rows)
 * and fetches and compiles a set's content the first time it sees that key. Every instance does
 * this on its own first use, and a set published by another instance is picked up at the next call.
 * The service loads them once at start-up (server/app.ts prepare), so a malformed set stops it there
 * with a CriteriaSetLoadError naming the set and the criterion, rather than failing at judging time.
 */

export class CriteriaSetLoadError extends Error {
  readonly setId: string | undefined;
  readonly criterionId: string | undefined;
  constructor(message: string, setId?: string, criterionId?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CriteriaSetLoadError";
    this.setId = setId;
    this.criterionId = criterionId;
  }
}

export { canonicalJson };

/** The content hash of a set's rows: SHA-256 (hex) of their canonical JSON. */
export function contentHash(rows: unknown): string {
  return createHash("sha256").update(canonicalJson(rows)).digest("hex");
}

interface StoredSet {
  id: string;
  title: string;
  published_on: string;
  content_hash: string;
}

// Compiled sets by id and content hash. Module-wide rather than per database: the key says exactly
// which content was compiled, whichever database it came from.
const compiled = new Map<string, CriteriaSet>();
let lastLoaded: { key: string; sets: CriteriaSets } | undefined;

/** Checks and compiles one stored set; throws a CriteriaSetLoadError naming the set (and the criterion). */
export function compileStoredSet(stored: StoredSet, content: string): CriteriaSet {
  const named = `Criteria set ${stored.id} cannot be loaded`;
  let rows: unknown;
  try {
    rows = JSON.parse(content);
  } catch {
    throw new CriteriaSetLoadError(`${named}: its content is not JSON`, stored.id);
  }
  if (!Array.isArray(rows)) throw new CriteriaSetLoadError(`${named}: its content is not a list of criteria`, stored.id);
  if (contentHash(rows) !== stored.content_hash) {
    throw new CriteriaSetLoadError(`${named}: its content does not match its content hash (changed outside the service?)`, stored.id);
  }
  try {
    // Frozen: one compiled set serves every request of the process, so nothing may change it.
    return deepFreeze({
      id: stored.id,
      title: stored.title,
      publishedOn: stored.published_on,
      criteria: compileCriteriaSet(rows as CriterionRow[]).criteria,
    });
  } catch (error) {
    if (error instanceof CriteriaDataError) {
      throw new CriteriaSetLoadError(`${named}: ${error.message}`, stored.id, error.criterionId, { cause: error });
    }
    throw new CriteriaSetLoadError(`${named}: ${error instanceof Error ? error.message : String(error)}`, stored.id, undefined, {
      cause: error,
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every published criteria set, compiled; the latest is the one with the newest guidance date. */
export async function loadCriteriaSets(db: Db): Promise<CriteriaSets> {
  const stored = await db
    .selectFrom("criteria_set")
    .select(["id", "title", "published_on", "content_hash"])
    .where("status", "=", "published")
    .orderBy("published_on")
    .orderBy("id")
    .execute();
  if (stored.length === 0) throw new CriteriaSetLoadError("There is no published criteria set in the database: run the migrations");
  const key = stored.map((s) => `${s.id}\n${s.content_hash}\n${s.title}\n${s.published_on}`).join("\n");
  if (lastLoaded?.key === key) return lastLoaded.sets;
  const sets: CriteriaSet[] = [];
  for (const set of stored) {
    const setKey = `${set.id}\n${set.content_hash}`;
    let found = compiled.get(setKey);
    if (!found) {
      const { content } = await db.selectFrom("criteria_set").select("content").where("id", "=", set.id).executeTakeFirstOrThrow();
      found = compileStoredSet(set, content);
      compiled.set(setKey, found);
    }
    sets.push(found);
  }
  const loaded = criteriaSetsOf(sets);
  lastLoaded = { key, sets: loaded };
  return loaded;
}

/**
 * The published set a submission is pinned to. Submissions are only ever pinned to published sets
 * (and a published set is never removed), so an unknown id is a broken database, reported as such.
 */
export async function pinnedCriteriaSet(db: Db, id: string): Promise<CriteriaSet> {
  const set = (await loadCriteriaSets(db)).byId.get(id);
  if (!set) throw new CriteriaSetLoadError(`Criteria set ${id} is not a published criteria set`, id);
  return set;
}

/** One version of a set as stored, published or draft, with its rows parsed (not compiled). */
export interface StoredCriteriaSet {
  id: string;
  title: string;
  status: "published" | "draft";
  publishedOn: string;
  basedOn: string | null;
  contentHash: string;
  /** A draft's edit count (optimistic locking); a published set's stays where it was published. */
  version: number;
  rows: CriterionRow[];
}

/** Any version of a set, published or draft, by id; undefined when there is none. */
export async function readCriteriaSetRows(db: Db, id: string): Promise<StoredCriteriaSet | undefined> {
  const row = await db
    .selectFrom("criteria_set")
    .select(["id", "title", "status", "published_on", "based_on", "content_hash", "content", "version"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    title: row.title,
    status: row.status === "published" ? "published" : "draft",
    publishedOn: row.published_on,
    basedOn: row.based_on,
    contentHash: row.content_hash,
    version: row.version,
    rows: JSON.parse(row.content) as CriterionRow[],
  };
}

/** Every version of every set, newest guidance first: what the history page offers to compare. */
export async function listCriteriaSetVersions(db: Db) {
  return db
    .selectFrom("criteria_set")
    .select(["id", "title", "status", "published_on as publishedOn", "based_on as basedOn", "published_at as publishedAt"])
    .orderBy("published_on", "desc")
    .orderBy("id", "desc")
    .execute();
}

/**
 * Any version of a set compiled, published or draft, for what may use a draft: its own examples
 * and the impact simulation before publishing. Never for judging a submission (loadCriteriaSets
 * and pinnedCriteriaSet give only published sets). A draft's content always compiles, since a save
 * that would not is refused; a draft is cached like a published set, by id and content hash.
 */
export async function compiledCriteriaSetVersion(
  db: Db,
  id: string,
): Promise<{ set: CriteriaSet; status: "published" | "draft"; contentHash: string } | undefined> {
  const stored = await db
    .selectFrom("criteria_set")
    .select(["id", "title", "published_on", "content_hash", "status"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!stored) return undefined;
  const published = stored.status === "published";
  // A draft changes with every save: only its latest compile is kept, so edits never pile up.
  const key = `${stored.id}\n${stored.content_hash}`;
  const latestDraft = published ? undefined : drafts.get(stored.id);
  let set = published ? compiled.get(key) : latestDraft?.hash === stored.content_hash ? latestDraft.set : undefined;
  if (!set) {
    const { content } = await db.selectFrom("criteria_set").select("content").where("id", "=", id).executeTakeFirstOrThrow();
    set = compileStoredSet(stored, content);
    if (published) compiled.set(key, set);
    else drafts.set(stored.id, { hash: stored.content_hash, set });
  }
  return { set, status: published ? "published" : "draft", contentHash: stored.content_hash };
}

const drafts = new Map<string, { hash: string; set: CriteriaSet }>();

type Writer = Db | Transaction<Database>;

/** A new draft: `rows` copied from the set it is based on. False when the id is taken. */
export async function insertDraftSet(
  db: Writer,
  draft: { id: string; title: string; publishedOn: string; basedOn: string; rows: readonly CriterionRow[]; createdBy: string; at: string },
): Promise<boolean> {
  const taken = await db.selectFrom("criteria_set").select("id").where("id", "=", draft.id).executeTakeFirst();
  if (taken) return false;
  // Insert-or-nothing: two drafts started under one name at the same moment cannot both be made.
  const result = await db
    .insertInto("criteria_set")
    .values({
      id: draft.id,
      title: draft.title,
      published_on: draft.publishedOn,
      status: "draft",
      content: canonicalJson(draft.rows),
      content_hash: contentHash(draft.rows),
      based_on: draft.basedOn,
      created_at: draft.at,
      created_by: draft.createdBy,
      published_at: null,
      published_by: null,
      publish_reason: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Replaces a draft's rows, only if nobody saved it since `expectedVersion` was read and it is still
 * a draft (a published set never changes). False otherwise: the caller shows the draft as it now is.
 */
export async function saveDraftRows(db: Writer, id: string, expectedVersion: number, rows: readonly CriterionRow[]): Promise<boolean> {
  const result = await db
    .updateTable("criteria_set")
    .set({ content: canonicalJson(rows), content_hash: contentHash(rows), version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("status", "=", "draft")
    .where("version", "=", expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Publishes a draft exactly as it was checked: only while its content hash is still `contentHash`.
 * From then on the row never changes. False when it was changed or published meanwhile.
 */
export async function publishDraftSet(
  db: Writer,
  id: string,
  contentHash: string,
  publication: { by: string; at: string; reason: string },
): Promise<boolean> {
  const result = await db
    .updateTable("criteria_set")
    .set({ status: "published", published_at: publication.at, published_by: publication.by, publish_reason: publication.reason })
    .where("id", "=", id)
    .where("status", "=", "draft")
    .where("content_hash", "=", contentHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The examples kept beside a set rather than in its rows (criteria_set.examples), by criterion id:
 * the shipped sets', published before examples were required. Empty for a set that has none there
 * (or no such set); throws a CriteriaSetLoadError when what is stored is not a set of examples.
 */
export async function shippedExamples(db: Db, setId: string): Promise<Record<string, CriterionExample[]>> {
  const row = await db.selectFrom("criteria_set").select("examples").where("id", "=", setId).executeTakeFirst();
  if (!row?.examples) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.examples);
  } catch {
    throw new CriteriaSetLoadError(`The examples of criteria set ${setId} are not JSON`, setId);
  }
  const result = CriterionExamplesSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new CriteriaSetLoadError(
      `The examples of criteria set ${setId} are malformed${at}: ${issue?.message ?? "unknown problem"}`,
      setId,
    );
  }
  return result.data;
}
