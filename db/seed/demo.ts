import { hashPassword } from "better-auth/crypto";
import type { Db } from "../client.ts";
import type { Role } from "../schema.ts";
import { addFootprintMember, countUsers, declareReviewerConflict, insertCredentialUser } from "../users.ts";

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
    conflicts: [
      { footprintCode: "E54000007", reason: "Seconded from a Greater Manchester commissioner until March 2017" },
    ],
  },
  { email: "lead.manchester@example.nhs.uk", name: "Morgan Lead", role: "lead", footprints: ["E54000007"] },
  { email: "lead.blackcountry@example.nhs.uk", name: "Bailey Lead", role: "lead", footprints: ["E54000016"] },
  { email: "lead.kent@example.nhs.uk", name: "Kendall Lead", role: "lead", footprints: ["E54000032"] },
];

/**
 * Seeds the demo accounts, but only into a database that has no users yet, so it can run at every
 * start and never touches real data. Returns whether it seeded.
 */
export async function seedDemoAccounts(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  // One hash for all: the demo accounts share a password, and scrypt is deliberately slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of DEMO_ACCOUNTS) {
    const userId = await insertCredentialUser(db, { ...account, passwordHash });
    for (const code of account.footprints ?? []) await addFootprintMember(db, userId, code);
    for (const conflict of account.conflicts ?? []) await declareReviewerConflict(db, { userId, ...conflict });
  }
  return true;
}
