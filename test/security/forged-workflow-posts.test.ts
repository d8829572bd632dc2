import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANGED_BY_SOMEONE_ELSE } from "../../app/.server/assurance.ts";
import { appRequest, context, sessionCookieFor, settle } from "../support/app.ts";
import { ACTORS, appDb, prepareDemoDatabase, statusOf, submissionsIn, workflowRecord } from "./support.ts";

/**
 * Hand-made posts that a browser showing the real pages would never send: the wrong person, the
 * wrong moment, the proposer countersigning their own decision, a form from an older version.
 * Each is refused with a reason in words, and the submission's state, version, frozen versions and
 * audit chain are exactly as they were.
 */

let cleanup = () => {};
beforeAll(async () => {
  ({ cleanup } = await prepareDemoDatabase());
}, 120_000);
afterAll(() => cleanup());

async function cookieOf(userId: string) {
  const db = await appDb();
  const { email } = await db.selectFrom("user").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
  return sessionCookieFor(email);
}

async function leadOf(footprintCode: string) {
  const db = await appDb();
  const row = await db
    .selectFrom("footprint_member")
    .innerJoin("user", "user.id", "footprint_member.user_id")
    .select("user.email")
    .where("footprint_member.footprint_code", "=", footprintCode)
    .executeTakeFirstOrThrow();
  return sessionCookieFor(row.email);
}

async function post(route: string, url: string, id: string, fields: Record<string, string>, cookie: string) {
  const module = await import(/* @vite-ignore */ `../../app/routes/${route}`);
  const request = appRequest(url, { method: "POST", body: new URLSearchParams(fields), cookie });
  return settle(() => module.action({ request, params: { id }, context }));
}

/** The words the person is shown: an error page's text or the form's error messages. */
async function reasonIn(result: unknown): Promise<string> {
  if (result instanceof Response) return result.text();
  return JSON.stringify((result as { data: unknown }).data);
}

/** Runs a forged post and checks it changed nothing; gives back the status and the reason shown. */
async function forge(submissionId: string, send: () => Promise<unknown>) {
  const before = await workflowRecord(submissionId);
  const result = await send();
  const after = await workflowRecord(submissionId);
  expect(after, "state, version, snapshot, frozen versions and audit chain unchanged").toEqual(before);
  return { status: statusOf(result), reason: await reasonIn(result) };
}

const review = (id: string, fields: Record<string, string>, cookie: string) => post("review.tsx", `/reviews/${id}`, id, fields, cookie);

describe("wrong role", () => {
  it("a lead cannot propose a decision on their own submission (the workspace refuses leads)", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.in_review");
    const lead = await leadOf(target!.footprint_code);
    const { status, reason } = await forge(target!.id, () =>
      review(
        target!.id,
        { intent: "propose", version: String(target!.version), decision: "proceed", confidence: "green", rationale: "Looks fine to me" },
        lead,
      ),
    );
    expect(status).toBe(403);
    expect(reason).toBe("This page is for national reviewers and programme administrators. Your account is a system lead's.");
  });

  it("the second reviewer cannot propose: only the lead reviewer can", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.in_review");
    const second = await cookieOf(target!.context.reviewers!.second);
    const { status, reason } = await forge(target!.id, () =>
      review(
        target!.id,
        { intent: "propose", version: String(target!.version), decision: "proceed", confidence: "green", rationale: "Forged" },
        second,
      ),
    );
    expect(status).toBe(403);
    expect(reason).toContain("Only the lead reviewer assigned to this checkpoint can propose its decision.");
  });

  it("an administrator cannot countersign a decision in a reviewer's place", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.awaiting_countersign");
    const admin = await sessionCookieFor(ACTORS.admin);
    const { status, reason } = await forge(target!.id, () =>
      review(target!.id, { intent: "countersign", version: String(target!.version), agree: "yes" }, admin),
    );
    expect(status).toBe(403);
    expect(reason).toContain("Only the second reviewer assigned to this checkpoint can countersign its decision.");
  });

  it("a reviewer cannot submit a lead's draft for assurance", async () => {
    const [target] = await submissionsIn(null, "draft");
    const reviewer = await sessionCookieFor(ACTORS["assigned reviewer"]);
    const { status, reason } = await forge(target!.id, () =>
      post(
        "submission-check.tsx",
        `/submissions/${target!.id}/check`,
        target!.id,
        { declaration: "yes", version: String(target!.version) },
        reviewer,
      ),
    );
    expect(status).toBe(403);
    expect(reason).toMatch(/lead/i);
  });

  it("a reviewer cannot withdraw a submission", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.in_review");
    const reviewer = await cookieOf(target!.context.reviewers!.lead);
    const { status, reason } = await forge(target!.id, () =>
      post(
        "submission-withdraw.tsx",
        `/submissions/${target!.id}/withdraw`,
        target!.id,
        { reason: "Forged", version: String(target!.version) },
        reviewer,
      ),
    );
    expect(status).toBe(403);
    expect(reason).toMatch(/lead|administrator/i);
  });

  it("a reviewer not assigned to the checkpoint cannot countersign it", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.awaiting_countersign");
    const outsider = await sessionCookieFor(ACTORS["reviewer not assigned"]);
    const { status, reason } = await forge(target!.id, () =>
      review(target!.id, { intent: "countersign", version: String(target!.version), agree: "yes" }, outsider),
    );
    expect(status).toBe(403);
    expect(reason).toContain("Only the second reviewer assigned to this checkpoint can countersign its decision.");
  });
});

describe("wrong state", () => {
  it("the lead reviewer cannot propose again while the first proposal awaits countersigning", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.awaiting_countersign");
    const lead = await cookieOf(target!.context.reviewers!.lead);
    const { status, reason } = await forge(target!.id, () =>
      review(
        target!.id,
        {
          intent: "propose",
          version: String(target!.version),
          decision: "do_not_proceed",
          confidence: "red",
          rationale: "Changed my mind",
        },
        lead,
      ),
    );
    expect(status).toBe(403);
    expect(reason).toContain("There is no decision to propose at this step.");
  });

  it("a lead cannot submit again while the national team is reviewing", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.in_review");
    const lead = await leadOf(target!.footprint_code);
    const { status, reason } = await forge(target!.id, () =>
      post(
        "submission-check.tsx",
        `/submissions/${target!.id}/check`,
        target!.id,
        { declaration: "yes", version: String(target!.version) },
        lead,
      ),
    );
    expect(status).toBe(403);
    expect(reason).toContain(
      "The submission is with the national team, so there is nothing to submit until they return it or it passes the checkpoint.",
    );
  });

  it("nobody countersigns a submission that has no proposal", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.in_review");
    const second = await cookieOf(target!.context.reviewers!.second);
    const { status, reason } = await forge(target!.id, () =>
      review(target!.id, { intent: "countersign", version: String(target!.version), agree: "yes" }, second),
    );
    expect(status).toBe(403);
    expect(reason).toContain("There is no proposed decision waiting for a countersignature.");
  });

  it("a withdrawn submission cannot be withdrawn or paused again", async () => {
    const [target] = await submissionsIn(null, "withdrawn");
    const admin = await sessionCookieFor(ACTORS.admin);
    const withdrawn = await forge(target!.id, () =>
      post(
        "submission-withdraw.tsx",
        `/submissions/${target!.id}/withdraw`,
        target!.id,
        { reason: "Again", version: String(target!.version) },
        admin,
      ),
    );
    expect(withdrawn.status).toBe(403);
    expect(withdrawn.reason).toContain("The submission is closed, so nothing more can be done to it.");
    const paused = await forge(target!.id, () =>
      post(
        "submission-pause.tsx",
        `/submissions/${target!.id}/pause`,
        target!.id,
        { intent: "pause", reason: "Again", version: String(target!.version) },
        admin,
      ),
    );
    expect(paused.status).toBe(403);
    expect(paused.reason).toContain("The submission is closed, so nothing more can be done to it.");
  });
});

describe("the proposer countersigning", () => {
  it("is refused, with the reason", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.awaiting_countersign");
    const proposer = await cookieOf(target!.context.proposal!.proposedBy);
    const { status, reason } = await forge(target!.id, () =>
      review(target!.id, { intent: "countersign", version: String(target!.version), agree: "yes" }, proposer),
    );
    expect(status).toBe(403);
    expect(reason).toContain("You proposed this decision, so another reviewer must countersign it.");
  });
});

describe("a stale version", () => {
  it("the right reviewer countersigning from an older page is told someone else changed it", async () => {
    const [target] = await submissionsIn(null, "checkpoint1.awaiting_countersign");
    const second = await cookieOf(target!.context.reviewers!.second);
    const { status, reason } = await forge(target!.id, () =>
      review(target!.id, { intent: "countersign", version: String(target!.version - 1), agree: "yes" }, second),
    );
    expect(status).toBe(409);
    expect(reason).toContain(CHANGED_BY_SOMEONE_ELSE);
  });

  it("a lead withdrawing from an older page is told the same", async () => {
    const [target] = await submissionsIn(null, "draft");
    const lead = await leadOf(target!.footprint_code);
    const { status, reason } = await forge(target!.id, () =>
      post(
        "submission-withdraw.tsx",
        `/submissions/${target!.id}/withdraw`,
        target!.id,
        { reason: "Stale", version: String(target!.version + 1) },
        lead,
      ),
    );
    expect(status).toBe(409);
    expect(reason).toContain(CHANGED_BY_SOMEONE_ELSE);
  });
});
