import { hashPassword } from "better-auth/crypto";
import { sql } from "kysely";
import { type Db, dialectOf } from "../client.ts";
import type { Role } from "../schema.ts";
import { addFootprintMember, countUsers, declareReviewerConflict, writeCredentialUser } from "../users.ts";

export const DEMO_PASSWORD = "assure-demo-password";

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  footprints?: string[];
  conflicts?: { footprintCode: string; reason: string }[];
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: "admin@example.nhs.uk", name: "Alex Admin", role: "admin" },
  { email: "reviewer.one@example.nhs.uk", name: "Rowan Reviewer", role: "reviewer" },
  { email: "reviewer.two@example.nhs.uk", name: "Robin Reviewer", role: "reviewer" },
  {
    email: "reviewer.three@example.nhs.uk",
    name: "Riley Reviewer",
    role: "reviewer",
    conflicts: [{ footprintCode: "E54000007", reason: "Seconded from a Greater Manchester commissioner until March 2017" }],
  },
  // New to the programme, with no reviews yet: the light load suggested assignments turn to.
  { email: "reviewer.four@example.nhs.uk", name: "Quinn Reviewer", role: "reviewer" },
  { email: "lead.manchester@example.nhs.uk", name: "Morgan Lead", role: "lead", footprints: ["E54000007"] },
  { email: "lead.blackcountry@example.nhs.uk", name: "Bailey Lead", role: "lead", footprints: ["E54000016"] },
  { email: "lead.kent@example.nhs.uk", name: "Kendall Lead", role: "lead", footprints: ["E54000032"] },
];

/** The advisory lock key of the demo seed on PostgreSQL (any constant no other code uses). */
const DEMO_SEED_LOCK = 0x4e434d01;

/**
 * Seeds the demo accounts, but only into a database that has no users yet, so it can run at every
 * start and never touches real data. Returns whether it seeded.
 */
export async function seedDemoAccounts(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  // One hash for all: the demo accounts share a password, and scrypt is deliberately slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  // Instances started at once on an empty database all get here. All the accounts go in one
  // transaction that first takes a lock (SQLite's BEGIN IMMEDIATE; an advisory lock on PostgreSQL)
  // and counts again, so exactly one instance seeds and the others wait and find its accounts,
  // instead of crashing on a duplicate email, possibly after seeding some of the accounts.
  return db.transaction().execute(async (trx) => {
    if (dialectOf(trx) === "postgres") await sql`select pg_advisory_xact_lock(${sql.lit(DEMO_SEED_LOCK)})`.execute(trx);
    if ((await countUsers(trx)) > 0) return false;
    const at = new Date().toISOString();
    for (const account of DEMO_ACCOUNTS) {
      const userId = await writeCredentialUser(trx, { ...account, passwordHash, at });
      for (const code of account.footprints ?? []) await addFootprintMember(trx, userId, code);
      for (const conflict of account.conflicts ?? []) await declareReviewerConflict(trx, { userId, ...conflict });
    }
    return true;
  });
}
