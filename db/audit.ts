import { createHash, randomUUID } from "node:crypto";
import type { Transaction } from "kysely";
import type { Db } from "./client.ts";
import type { AuditEventRow, Database } from "./schema.ts";
import { type AuditPayload, showAuditPayload } from "./stored.ts";

/** The chain for actions that concern no single submission (users, criteria sets). */
export const ADMIN_CHAIN = "admin";
export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntryInput {
  chain: string;
  submissionId: string | null;
  actorId: string | null;
  /**
   * The actor's name as it is now, which the caller has in hand (the signed-in user); only when it
   * does not is it read from the user table, an extra query on every event.
   */
  actorName?: string | undefined;
  action: string;
  fromState: string | null;
  toState: string | null;
  payload: unknown;
  at: string;
}

type StoredEntry = Omit<AuditEventRow, "id"> & { id?: string };

/**
 * The hash of an entry: SHA-256 over its fields and the previous entry's hash, in a fixed order,
 * so changing any stored field, or removing or reordering an entry, breaks every hash after it.
 */
export function hashAuditEntry(e: Omit<StoredEntry, "hash" | "id">): string {
  const canonical = JSON.stringify([
    e.chain,
    e.seq,
    e.submission_id,
    e.actor_id,
    e.action,
    e.from_state,
    e.to_state,
    e.payload,
    e.at,
    e.prev_hash,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** The last entry of a chain, which the next one points at (none for a chain not yet started). */
export interface ChainLink {
  seq: number;
  hash: string;
}

/**
 * The next entry of a chain, hashed: from the entry itself and the chain's last link only, so
 * appending never reads the trail. `actorName` is the actor's name as it is now (kept under the
 * hash: the entry, and any decision record built from it, keeps saying who acted even if the
 * account is renamed later); undefined for an entry with no actor or whose name is unknown.
 */
export function nextAuditEntry(input: AuditEntryInput, last: ChainLink | null | undefined): AuditEventRow {
  const { actorId, actorName } = input;
  const payload = actorId && actorName !== undefined ? { ...(input.payload as Record<string, unknown>), actorName } : (input.payload ?? {});
  const entry = {
    chain: input.chain,
    seq: (last?.seq ?? 0) + 1,
    submission_id: input.submissionId,
    actor_id: input.actorId,
    action: input.action,
    from_state: input.fromState,
    to_state: input.toState,
    payload: JSON.stringify(payload),
    at: input.at,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  return { id: randomUUID(), ...entry, hash: hashAuditEntry(entry) };
}

/** A chain's last link, on its (chain, seq) index. */
function lastLink(db: Transaction<Database>, chain: string): Promise<ChainLink | undefined> {
  return db.selectFrom("audit_event").select(["seq", "hash"]).where("chain", "=", chain).orderBy("seq", "desc").limit(1).executeTakeFirst();
}

/**
 * Appends to a chain inside the caller's transaction. For a submission's chain the caller has
 * already won the optimistic version check, so no one else appends to that chain concurrently;
 * a clash on (chain, seq) aborts the transaction rather than forking the chain.
 */
export async function appendAuditEvent(trx: Transaction<Database>, input: AuditEntryInput): Promise<AuditEventRow> {
  const { actorId } = input;
  const [last, actorName] = await Promise.all([
    lastLink(trx, input.chain),
    actorId && input.actorName === undefined ? actorNameNow(trx, actorId) : input.actorName,
  ]);
  const row = nextAuditEntry({ ...input, actorName }, last);
  await trx.insertInto("audit_event").values(row).execute();
  return row;
}

/**
 * An administrator's action on the shared `admin` chain: it belongs to no submission and moves no
 * state, so only who, what, the details and when vary.
 */
export function appendAdminEvent(
  trx: Transaction<Database>,
  actor: { id: string; name: string },
  action: string,
  payload: Record<string, unknown>,
  at: string,
): Promise<AuditEventRow> {
  return appendAuditEvent(trx, {
    chain: ADMIN_CHAIN,
    submissionId: null,
    actorId: actor.id,
    actorName: actor.name,
    action,
    fromState: null,
    toState: null,
    payload,
    at,
  });
}

/**
 * Whether an error is the database refusing a second entry with the same (chain, seq): someone
 * appended to the chain after its last link was read. Nothing was written; the chain is whole.
 */
export function isAuditChainClash(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return (
    (e?.code === "23505" && e.constraint === "audit_event_chain_seq_uq") ||
    /UNIQUE constraint failed: audit_event\.chain, audit_event\.seq/.test(e?.message ?? "")
  );
}

async function actorNameNow(trx: Transaction<Database>, userId: string): Promise<string | undefined> {
  return (await trx.selectFrom("user").select("name").where("id", "=", userId).executeTakeFirst())?.name;
}

/** The actor's name as the entry recorded it, if it did (entries written before names were kept do not). */
export function actorNameIn(payload: AuditPayload): string | undefined {
  const value = payload.actorName;
  return typeof value === "string" ? value : undefined;
}

/** An entry as read back for people: its payload parsed (the hash is over the stored text, see verifyAuditChains). */
export type AuditEntry = Omit<AuditEventRow, "payload"> & { payload: AuditPayload };

/** A submission's trail, oldest first. */
export async function auditTrail(db: Db, submissionId: string): Promise<AuditEntry[]> {
  const rows = await db.selectFrom("audit_event").selectAll().where("chain", "=", submissionId).orderBy("seq").execute();
  return rows.map((r) => ({ ...r, payload: showAuditPayload(r.id, r.payload) }));
}

export type ChainVerdict =
  | { intact: true; chains: number; entries: number }
  | {
      intact: false;
      chains: number;
      entries: number;
      firstBroken: { chain: string; seq: number; id: string; problem: string };
    };

/**
 * Recomputes every chain (or one) from its first entry and reports the first broken link: an
 * entry whose content no longer matches its hash, that does not point at its predecessor's hash,
 * or that follows a gap in the sequence.
 */
export async function verifyAuditChains(db: Db, options: { chain?: string; pageSize?: number } = {}): Promise<ChainVerdict> {
  const pageSize = options.pageSize ?? 5000;
  let chains = 0;
  let entries = 0;
  let previous: { chain: string; seq: number; hash: string } | null = null;
  let after: { chain: string; seq: number } | null = null;
  for (;;) {
    let query = db.selectFrom("audit_event").selectAll().orderBy("chain").orderBy("seq").limit(pageSize);
    if (options.chain) query = query.where("chain", "=", options.chain);
    if (after) {
      const { chain, seq } = after;
      query = query.where((eb) => eb.or([eb("chain", ">", chain), eb.and([eb("chain", "=", chain), eb("seq", ">", seq)])]));
    }
    const page = await query.execute();
    for (const row of page) {
      entries += 1;
      const startsChain: boolean = previous?.chain !== row.chain;
      if (startsChain) chains += 1;
      const broken = (problem: string): ChainVerdict => ({
        intact: false,
        chains,
        entries,
        firstBroken: { chain: row.chain, seq: row.seq, id: row.id, problem },
      });
      const expectedSeq: number = startsChain ? 1 : previous!.seq + 1;
      if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing (found ${row.seq} next)`);
      const expectedPrev: string = startsChain ? GENESIS_HASH : previous!.hash;
      if (row.prev_hash !== expectedPrev) return broken("it does not point at the previous entry's hash");
      const { id: _id, hash, ...content } = row;
      if (hashAuditEntry(content) !== hash) return broken("its content does not match its hash (it was changed)");
      previous = { chain: row.chain, seq: row.seq, hash: row.hash };
    }
    if (page.length < pageSize) break;
    const last = page.at(-1)!;
    after = { chain: last.chain, seq: last.seq };
  }
  return { intact: true, chains, entries };
}

export interface AuditFilters {
  submissionId?: string;
  actorId?: string;
  action?: string;
  /** ISO dates (YYYY-MM-DD), inclusive. */
  from?: string;
  to?: string;
}

/** A page of the audit log, newest first, with the names of actors and submissions. */
export async function listAuditEvents(db: Db, filters: AuditFilters, page: { offset: number; limit: number }) {
  let query = db
    .selectFrom("audit_event")
    .leftJoin("user", "user.id", "audit_event.actor_id")
    .leftJoin("submission", "submission.id", "audit_event.submission_id");
  if (filters.submissionId) query = query.where("audit_event.submission_id", "=", filters.submissionId);
  if (filters.actorId) query = query.where("audit_event.actor_id", "=", filters.actorId);
  if (filters.action) query = query.where("audit_event.action", "=", filters.action);
  // Timestamps are ISO text (decision 002), so date bounds compare as text.
  if (filters.from) query = query.where("audit_event.at", ">=", filters.from);
  if (filters.to) query = query.where("audit_event.at", "<", `${filters.to}T99`);
  const [rows, total] = await Promise.all([
    query
      .select([
        "audit_event.id",
        "audit_event.chain",
        "audit_event.seq",
        "audit_event.submission_id as submissionId",
        "submission.title as submissionTitle",
        "audit_event.actor_id as actorId",
        "user.name as actorName",
        "audit_event.action",
        "audit_event.from_state as fromState",
        "audit_event.to_state as toState",
        "audit_event.payload",
        "audit_event.at",
        "audit_event.hash",
      ])
      .orderBy("audit_event.at", "desc")
      .orderBy("audit_event.seq", "desc")
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => {
      const payload = showAuditPayload(r.id, r.payload);
      return { ...r, payload, actorName: actorNameIn(payload) ?? r.actorName };
    }),
    total: Number(total.n),
  };
}

export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("audit_event").select("action").distinct().orderBy("action").execute();
  return rows.map((r) => r.action);
}
