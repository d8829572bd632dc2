import type { ColumnType } from "kysely";

/**
 * Kysely's view of the database. Our own tables use snake_case and keep timestamps as ISO-8601 UTC
 * text on both engines (see docs/decisions/002-timestamps-as-text.md); better-auth's tables keep its
 * camelCase names and native types (SQLite: ISO text and 0/1; PostgreSQL: timestamptz and boolean).
 */
export interface Database {
  region: RegionTable;
  footprint: FootprintTable;
  vanguard: VanguardTable;
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
  verification: VerificationTable;
  rateLimit: RateLimitTable;
  footprint_member: FootprintMemberTable;
  reviewer_conflict: ReviewerConflictTable;
}

export type Role = "lead" | "reviewer" | "admin";
export const ROLES: readonly Role[] = ["lead", "reviewer", "admin"];

export interface RegionTable {
  code: string;
  name: string;
}

export interface FootprintTable {
  code: string;
  name: string;
  region_code: string;
  /** The 2016 four-region model the STP guidance used. */
  region_2016: string;
  /** 1 when the region was inferred from geography rather than a published list. */
  region_inferred: number;
  /** JSON array of other names the footprint went by. */
  aliases: string;
}

export interface VanguardTable {
  number: number;
  name: string;
  type: "MCP" | "PACS" | "EHCH" | "UEC" | "ACC";
  aliases: string;
  likely_footprint_code: string | null;
}

type AuthDate = ColumnType<Date | string, Date | string, Date | string>;
type AuthBool = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: AuthBool;
  image: string | null;
  createdAt: AuthDate;
  updatedAt: AuthDate;
  role: Role;
}

export interface SessionTable {
  id: string;
  expiresAt: AuthDate;
  token: string;
  createdAt: AuthDate;
  updatedAt: AuthDate;
  ipAddress: string | null;
  userAgent: string | null;
  userId: string;
}

export interface AccountTable {
  id: string;
  accountId: string;
  providerId: string;
  userId: string;
  accessToken: string | null;
  refreshToken: string | null;
  idToken: string | null;
  accessTokenExpiresAt: AuthDate | null;
  refreshTokenExpiresAt: AuthDate | null;
  scope: string | null;
  password: string | null;
  createdAt: AuthDate;
  updatedAt: AuthDate;
}

export interface VerificationTable {
  id: string;
  identifier: string;
  value: string;
  expiresAt: AuthDate;
  createdAt: AuthDate;
  updatedAt: AuthDate;
}

export interface RateLimitTable {
  id: string;
  key: string;
  count: number;
  lastRequest: number;
}

export interface FootprintMemberTable {
  user_id: string;
  footprint_code: string;
  added_at: string;
}

export interface ReviewerConflictTable {
  user_id: string;
  footprint_code: string;
  reason: string;
  declared_at: string;
}
