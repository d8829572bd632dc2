import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

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
  submission: SubmissionTable;
  submission_section: SubmissionSectionTable;
  submission_version: SubmissionVersionTable;
  audit_event: AuditEventTable;
  review_assignment: ReviewAssignmentTable;
  assessment: AssessmentTable;
  comment: CommentTable;
  notification: NotificationTable;
  outbox: OutboxTable;
  user_status: UserStatusTable;
  set_password_token: SetPasswordTokenTable;
  failing_criterion: FailingCriterionTable;
  criteria_simulation: CriteriaSimulationTable;
  /** The SQLite job runner's queue (app/.server/jobs.ts); on PostgreSQL pg-boss keeps its own. */
  job: JobTable;
  criteria_set: CriteriaSetTable;
  evidence_blob: EvidenceBlobTable;
  evidence_blob_chunk: EvidenceBlobChunkTable;
}

// Rows as read, written and changed. Ids are UUIDs the service makes, so only the columns with a
// database default (counters and figures that start at 0) are Generated; better-auth's creation
// times have a default on PostgreSQL only, so they stay required.
export type SubmissionRow = Selectable<SubmissionTable>;
export type NewSubmission = Insertable<SubmissionTable>;
export type SubmissionVersionRow = Selectable<SubmissionVersionTable>;
export type NewSubmissionVersion = Insertable<SubmissionVersionTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type ReviewAssignmentRow = Selectable<ReviewAssignmentTable>;
export type CriteriaSimulationRow = Selectable<CriteriaSimulationTable>;
export type NewCriteriaSimulation = Insertable<CriteriaSimulationTable>;
export type CriteriaSimulationUpdate = Updateable<CriteriaSimulationTable>;

// Declared once, with the policy that gives roles their meaning.
export { ROLES, type Role } from "../workflows/policy.ts";
import type { Role } from "../workflows/policy.ts";

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
  /** Who recorded it: the reviewer themselves or an administrator; null if that account is gone. */
  declared_by: string | null;
}

export interface SubmissionTable {
  id: string;
  footprint_code: string;
  title: string;
  model_type: "MCP" | "PACS";
  vanguard_number: number | null;
  /** The criteria set the submission is pinned to (e.g. "2017-19"); moved only by an audited admin action. */
  criteria_set: string;
  /** The machine's state as a queryable string (`checkpoint1.in_review`); the snapshot is the truth. */
  state: string;
  checkpoint: number;
  whose_turn: "local" | "national" | "paused" | "closed";
  /** Optimistic lock: every workflow change is `UPDATE … WHERE version = expected`. */
  version: number;
  workflow_snapshot: string;
  state_entered_at: string;
  /** National working days used in the current checkpoint when the state was entered. */
  national_days_used: Generated<number>;
  failing_blocking: Generated<number>;
  failing_warnings: Generated<number>;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** The footprint's region, stored for the pipeline's region views (migration 2026-12-02T0200). */
  region_code: string;
  /** While the national clock runs, its live figure less one offset for all rows (workflows/clock.ts); else null. */
  national_clock_key: number | null;
  /** JSON (DraftChecks, db/stored.ts): the draft's checks as last saved, stamped with the set and checkpoint judged for. */
  draft_checks: string | null;
}

export interface SubmissionSectionTable {
  submission_id: string;
  section: string;
  /** The section's answers as JSON, exactly as the lead last saved them. */
  data: string;
  updated_by: string;
  updated_at: string;
}

export interface SubmissionVersionTable {
  id: string;
  submission_id: string;
  number: number;
  checkpoint: number;
  criteria_set: string;
  /** The whole submission as submitted, frozen. */
  content: string;
  /** The criteria results it was judged on when submitted. */
  evaluation: string;
  submitted_by: string;
  submitted_at: string;
}

export interface AuditEventTable {
  id: string;
  chain: string;
  seq: number;
  submission_id: string | null;
  actor_id: string | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  payload: string;
  at: string;
  prev_hash: string;
  hash: string;
}

export interface ReviewAssignmentTable {
  id: string;
  submission_id: string;
  checkpoint: number;
  lead_reviewer_id: string;
  second_reviewer_id: string;
  assigned_by: string;
  assigned_at: string;
}

export type Rating = "met" | "partly_met" | "not_met";

export interface AssessmentTable {
  submission_id: string;
  checkpoint: number;
  /** A key line of enquiry (judgement criterion), e.g. "J-01". */
  criterion_id: string;
  reviewer_id: string;
  rating: Rating;
  note: string;
  updated_at: string;
}

export interface CommentTable {
  id: string;
  submission_id: string;
  checkpoint: number;
  /** The submitted version the comment was made on. */
  version_number: number | null;
  author_id: string;
  /** "shared" comments are seen by the lead; "internal" ones only by reviewers and admins. */
  visibility: "shared" | "internal";
  field_path: string | null;
  body: string;
  created_at: string;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  submission_id: string | null;
  kind: string;
  dedupe_key: string | null;
  title: string;
  body: string;
  link: string;
  created_at: string;
  read_at: string | null;
}

export interface OutboxTable {
  id: string;
  notification_id: string | null;
  to_address: string;
  subject: string;
  body: string;
  created_at: string;
  sent_at: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  /** After a failed attempt, when the next may be made (backing off attempt by attempt). */
  next_attempt_at: string | null;
}

/** Administration state of an account; no row means active and never signed in. */
export interface UserStatusTable {
  user_id: string;
  /** Set while the account is deactivated: it cannot sign in. */
  deactivated_at: string | null;
  deactivated_by: string | null;
  deactivation_reason: string | null;
  last_sign_in_at: string | null;
}

/** A one-time link to set a password, from an invitation. Only the token's SHA-256 is kept. */
export interface SetPasswordTokenTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

/** An automatic criterion a submission fails as of its last save or submit (one row per criterion). */
export interface FailingCriterionTable {
  submission_id: string;
  criterion_id: string;
  severity: "blocking" | "warning";
  /** The submission's region (as submission.region_code), for the regional view's grouped read. */
  region_code: string | null;
}

export interface CriteriaSimulationTable {
  id: string;
  target_set: string;
  status: "running" | "done" | "failed";
  processed: Generated<number>;
  total: Generated<number>;
  result: string | null;
  error: string | null;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  /** The last submission id of the last completed batch; null before the first. */
  cursor: string | null;
  /** The tally so far (an ImpactResult as JSON), written with the cursor. */
  partial: string | null;
  /** The content hash of the set simulated (a draft's changes as it is edited); null before 2026-12-03. */
  target_hash: string | null;
}

export interface JobTable {
  id: string;
  name: string;
  data: string;
  state: "created" | "active" | "completed" | "failed";
  singleton_key: string | null;
  singleton_on: string | null;
  retry_count: Generated<number>;
  retry_limit: Generated<number>;
  retry_delay: Generated<number>;
  retry_backoff: Generated<number>;
  start_after: string;
  owner: string | null;
  output: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

/**
 * One version of a national criteria set (issue 14): its criteria as JSON rows with FEEL decision
 * tables. Published versions are immutable; drafts are never used to judge a submission.
 */
export interface CriteriaSetTable {
  /** e.g. "2017-19"; what submission.criteria_set refers to. */
  id: string;
  title: string;
  /** ISO date of the guidance behind the set; the newest published one is the latest set. */
  published_on: string;
  status: "published" | "draft";
  /** The criteria as a JSON array of rows (workflows/criteria-data/types.ts CriterionRow). */
  content: string;
  /** SHA-256 (hex) of the content in canonical JSON (db/criteria-sets.ts canonicalJson). */
  content_hash: string;
  /** The set this version was copied from. */
  based_on: string | null;
  created_at: string;
  created_by: string | null;
  published_at: string | null;
  published_by: string | null;
  publish_reason: string | null;
  /** A draft's edit count, checked and moved on by every save (optimistic locking). */
  version: Generated<number>;
  /**
   * Criterion examples kept beside the content, as JSON: criterion id → CriterionExample[]. Only the
   * shipped sets have them, published before examples were required (so their content and content
   * hash stay as published); a later set holds its examples in its rows, and this is null.
   */
  examples: string | null;
}

/** A stored evidence content, complete, by its sha256 (EVIDENCE_STORAGE=database). */
export interface EvidenceBlobTable {
  sha256: string;
  size_bytes: number;
  stored_at: string;
}

/** 256 KB of a blob's bytes; `blob_key` is the sha256, or `partial:…` while the upload is arriving. */
export interface EvidenceBlobChunkTable {
  blob_key: string;
  seq: number;
  bytes: Uint8Array;
}
