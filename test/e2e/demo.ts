import Database from "better-sqlite3";

/** The demo accounts each role is seen through. */
export const ACCOUNT = {
  lead: "lead.manchester@example.nhs.uk",
  /** Kent's lead: the demo gives Kent a submission with an open condition. */
  leadWithCondition: "lead.kent@example.nhs.uk",
  reviewer: "reviewer.one@example.nhs.uk",
  admin: "admin@example.nhs.uk",
} as const;

/**
 * Submissions and people in the demo seed that show each page at its fullest, found by what they
 * are (state, reviewers, conditions) rather than by id, which is random on every seed.
 */
export interface DemoIds {
  /** The lead's draft: every section editable, check answers with blocking failures. */
  draft: string;
  /** The lead's submission returned with changes requested, with two versions and decisions. */
  returned: string;
  /** The lead's paused submission. */
  paused: string;
  /** A submission of another footprint, which the lead may not see. */
  otherFootprint: string;
  /** Kent's submission with an open condition. */
  withCondition: string;
  /** In review with the reviewer as lead reviewer: the rating and propose forms. */
  toPropose: string;
  /** Awaiting countersignature with the reviewer as second reviewer: the countersign form. */
  toCountersign: string;
  /** Waiting for reviewers to be assigned. */
  awaitingAssignment: string;
  /** Assured after three checkpoints: three decision records. */
  assured: string;
  /** Users an administrator opens: a lead and a reviewer. */
  leadUserId: string;
  reviewerUserId: string;
}

export function findDemoIds(databaseFile: string): DemoIds {
  const sqlite = new Database(databaseFile, { readonly: true });
  try {
    const one = (label: string, sql: string, ...params: unknown[]): string => {
      const row = sqlite.prepare(sql).get(...params) as { id: string } | undefined;
      if (!row) throw new Error(`the demo seed has no ${label}`);
      return row.id;
    };
    const footprintOf = (email: string) =>
      one(
        `footprint for ${email}`,
        "select m.footprint_code as id from footprint_member m join user u on u.id = m.user_id where u.email = ?",
        email,
      );
    const leadFootprint = footprintOf(ACCOUNT.lead);
    const kent = footprintOf(ACCOUNT.leadWithCondition);
    const reviewer = one("reviewer", "select id from user where email = ?", ACCOUNT.reviewer);
    const assigned = (step: string, column: "lead_reviewer_id" | "second_reviewer_id") =>
      one(
        `${step} submission for ${column}`,
        `select s.id from submission s join review_assignment a on a.submission_id = s.id and a.checkpoint = s.checkpoint
         where s.state like ? and a.${column} = ? order by s.checkpoint, s.id limit 1`,
        `checkpoint_.${step}`,
        reviewer,
      );
    return {
      draft: one(
        "draft of the lead's",
        "select id from submission where footprint_code = ? and state = 'draft' order by id limit 1",
        leadFootprint,
      ),
      returned: one(
        "returned submission of the lead's",
        "select id from submission where footprint_code = ? and state like '%.returned' order by id limit 1",
        leadFootprint,
      ),
      paused: one(
        "paused submission of the lead's",
        "select id from submission where footprint_code = ? and state = 'paused' order by id limit 1",
        leadFootprint,
      ),
      otherFootprint: one(
        "submission of another footprint",
        "select id from submission where footprint_code <> ? order by id limit 1",
        leadFootprint,
      ),
      withCondition: one(
        "submission of Kent's with an open condition",
        `select s.id from submission s, json_each(s.workflow_snapshot, '$.context.conditions') c
         where s.footprint_code = ? and json_extract(c.value, '$.status') = 'open' order by s.id limit 1`,
        kent,
      ),
      toPropose: assigned("in_review", "lead_reviewer_id"),
      toCountersign: assigned("awaiting_countersign", "second_reviewer_id"),
      awaitingAssignment: one(
        "submission awaiting assignment",
        "select id from submission where state = 'checkpoint1.awaiting_assignment' order by id limit 1",
      ),
      assured: one("assured submission", "select id from submission where state = 'assured' order by id limit 1"),
      leadUserId: one("lead", "select id from user where email = ?", ACCOUNT.lead),
      reviewerUserId: reviewer,
    };
  } finally {
    sqlite.close();
  }
}
