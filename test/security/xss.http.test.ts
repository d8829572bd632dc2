import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.ts";
import type { AssuranceContext } from "../../workflows/assurance.machine.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";

/**
 * Script put into every free-text field people can write, through the real forms of the production
 * build, then every page that shows it read back: the text is there, escaped, never as markup. Each
 * field gets its own marker, so a page that shows it proves it was rendered rather than dropped.
 * The CSV export is checked for formula injection instead (=, +, - and @ shown as text).
 */

const SCRIPT = "<script>alert(1)</script>";
const IMG = `"><img src=x onerror=alert(1)>`;
const JS_URL = "javascript:alert(1)";
const payload = (field: string) => `XSS-${field} ${SCRIPT}${IMG} ${JS_URL}`;
/** The payload as React writes it into text: markup characters escaped, so the browser shows it as text. */
const escaped = (field: string) =>
  `XSS-${field} &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt; ${JS_URL}`;

const PASSWORD = "assure-demo-password";
let server: RunningServer;
let db: Db;
const cookies: Record<string, string> = {};

async function signIn(email: string): Promise<string> {
  cookies[email] ??= await (async () => {
    const response = await fetch(`${server.baseUrl}/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password: PASSWORD }),
    });
    expect(response.status, `sign in ${email}`).toBe(302);
    return response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  })();
  return cookies[email]!;
}

async function emailOf(userId: string) {
  return (await db.selectFrom("user").select("email").where("id", "=", userId).executeTakeFirstOrThrow()).email;
}

/** A section form as its page gives it: with the `openedAt` that guards against overwriting a newer save. */
async function sectionForm(email: string, path: string, fields: Record<string, string>) {
  const html = await page(email, path);
  const openedAt = /<input[^>]*name="openedAt"[^>]*>/.exec(html)?.[0].match(/value="([^"]*)"/)?.[1] ?? "";
  return { ...fields, openedAt };
}

/** Posts a form as someone and expects the post/redirect/get answer of a saved form. */
async function post(email: string, path: string, fields: Record<string, string> | FormData, expected = 302): Promise<Response> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: await signIn(email), origin: server.baseUrl },
    body: fields instanceof FormData ? fields : new URLSearchParams(fields),
  });
  expect(
    response.status,
    `POST ${path} as ${email}: ${response.status === expected ? "" : (await response.clone().text()).slice(0, 500)}`,
  ).toBe(expected);
  return response;
}

async function page(email: string, path: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}${path}`, { headers: { cookie: await signIn(email) } });
  expect(response.status, `GET ${path} as ${email}`).toBe(200);
  return response.text();
}

async function row(id: string) {
  const r = await db
    .selectFrom("submission")
    .select(["version", "state", "workflow_snapshot", "footprint_code"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return { ...r, context: (JSON.parse(r.workflow_snapshot) as { context: AssuranceContext }).context };
}

async function leadOf(footprintCode: string) {
  return (
    await db
      .selectFrom("footprint_member")
      .innerJoin("user", "user.id", "footprint_member.user_id")
      .select("user.email")
      .where("footprint_member.footprint_code", "=", footprintCode)
      .executeTakeFirstOrThrow()
  ).email;
}

const ADMIN = "admin@example.nhs.uk";
const KENT = "lead.kent@example.nhs.uk";
let kentSubmission: string;
let reviewed: string;
let reviewedLead: string;
let reviewerTwo: string;

beforeAll(async () => {
  server = await startServer();
  db = createDb(`file:${server.databaseFile}`);

  // A lead's own words: the title, a commissioner, the protocol and engagement summary, an evidence document.
  const started = await post(KENT, "/submissions/new", { footprintCode: "E54000032", title: payload("title"), modelType: "MCP" });
  kentSubmission = started.headers.get("location")!.match(/\/submissions\/([^/?]+)/)![1]!;
  const about = `/submissions/${kentSubmission}/sections/about`;
  await post(
    KENT,
    about,
    await sectionForm(KENT, about, {
      title: payload("title"),
      modelType: "MCP",
      footprintCode: "E54000032",
      "commissioners[0].id": "c1",
      "commissioners[0].name": payload("commissioner"),
      "commissioners[0].kind": "ccg",
    }),
  );
  const governance = `/submissions/${kentSubmission}/sections/governance`;
  await post(
    KENT,
    governance,
    await sectionForm(KENT, governance, {
      "conflictsOfInterestProtocol.inPlace": "yes",
      "conflictsOfInterestProtocol.description": payload("protocol"),
      patientAndPublicEngagementSummary: payload("engagement"),
    }),
  );
  const upload = new FormData();
  upload.set("intent", "upload");
  upload.set("section", "governance");
  upload.set("description", payload("evidence"));
  upload.set("file", new File([new TextEncoder().encode("%PDF-1.4\n%%EOF\n")], `${IMG}.pdf`, { type: "application/pdf" }));
  await post(KENT, `/submissions/${kentSubmission}/sections/evidence`, upload);

  // Formula injection: titles a spreadsheet would run.
  for (const first of ["=", "+", "-", "@"]) {
    await post(KENT, "/submissions/new", {
      footprintCode: "E54000032",
      title: `${first}HYPERLINK("https://evil.example","csv-${first}")`,
      modelType: "PACS",
    });
  }

  // The national team's words, on a submission being reviewed: a comment, ratings' notes, a
  // disagreement, a decision's rationale and condition, and the lead's evidence for it, rejected.
  reviewed = (
    await db
      .selectFrom("submission")
      .select("id")
      .where("state", "=", "checkpoint1.in_review")
      .orderBy("created_at")
      .executeTakeFirstOrThrow()
  ).id;
  const { context, footprint_code } = await row(reviewed);
  const leadReviewer = await emailOf(context.reviewers!.lead);
  const secondReviewer = await emailOf(context.reviewers!.second);
  reviewedLead = await leadOf(footprint_code);
  const version = async () => String((await row(reviewed)).version);

  await post(leadReviewer, `/reviews/${reviewed}`, { intent: "comment", body: payload("comment"), visibility: "shared" });
  const workspace = await page(leadReviewer, `/reviews/${reviewed}`);
  const criterionId = /<input[^>]*name="ratings\[0\]\.criterionId"[^>]*>/.exec(workspace)?.[0].match(/value="([^"]+)"/)?.[1];
  expect(criterionId, "the rating form's first key line of enquiry").toBeTruthy();
  await post(leadReviewer, `/reviews/${reviewed}`, {
    intent: "rate",
    "ratings[0].criterionId": criterionId!,
    "ratings[0].rating": "met",
    "ratings[0].note": payload("rating"),
  });
  const propose = async () =>
    post(leadReviewer, `/reviews/${reviewed}`, {
      intent: "propose",
      version: await version(),
      decision: "proceed_with_conditions",
      confidence: "amber",
      rationale: payload("rationale"),
      "conditions[0].text": payload("condition"),
    });
  await propose();
  await post(secondReviewer, `/reviews/${reviewed}`, {
    intent: "countersign",
    version: await version(),
    agree: "no",
    reason: payload("disagreement"),
  });
  await propose();
  await post(secondReviewer, `/reviews/${reviewed}`, { intent: "countersign", version: await version(), agree: "yes" });
  const conditionId = (await row(reviewed)).context.conditions[0]!.id;
  await post(reviewedLead, `/submissions/${reviewed}/conditions`, {
    conditionId,
    evidence: payload("condition-evidence"),
    version: await version(),
  });
  await post(leadReviewer, `/reviews/${reviewed}`, {
    intent: "reject-condition",
    conditionId,
    reason: payload("rejection"),
    version: await version(),
  });

  // Reasons for withdrawing and pausing.
  const draft = (
    await db
      .selectFrom("submission")
      .select("id")
      .where("state", "=", "draft")
      .where("footprint_code", "!=", "E54000032")
      .orderBy("created_at")
      .executeTakeFirstOrThrow()
  ).id;
  await post(await leadOf((await row(draft)).footprint_code), `/submissions/${draft}/withdraw`, {
    reason: payload("withdrawal"),
    version: String((await row(draft)).version),
  });
  await post(ADMIN, `/submissions/${reviewed}/pause`, { intent: "pause", reason: payload("pause"), version: await version() });

  // People's names and conflicts.
  await post(ADMIN, "/admin/users/invite", { name: payload("name"), email: "new.person@example.nhs.uk", role: "reviewer" }, 200);
  await post("reviewer.two@example.nhs.uk", "/account/conflicts", {
    intent: "declare",
    footprintCode: "E54000040",
    reason: payload("conflict"),
  });
  reviewerTwo = (await db.selectFrom("user").select("id").where("email", "=", "reviewer.two@example.nhs.uk").executeTakeFirstOrThrow()).id;
  await post(
    ADMIN,
    `/admin/users/${reviewerTwo}`,
    { intent: "record-conflict", conflictFootprint: "E54000037", conflictReason: payload("recorded-conflict") },
    302,
  );
}, 180_000);

afterAll(async () => {
  await db?.destroy();
  await server?.stop();
});

function expectInert(html: string, where: string) {
  expect(html, `${where}: a live <script>`).not.toContain(SCRIPT);
  expect(html, `${where}: a live <img onerror>`).not.toContain("<img src=x onerror");
  expect(html, `${where}: a javascript: link`).not.toMatch(/\b(href|src|action|formaction)\s*=\s*["']?\s*javascript:/i);
}

interface Shown {
  who: string;
  path: () => string;
  fields: string[];
}

const PAGES: Record<string, Shown> = {
  "the lead's list of submissions": { who: KENT, path: () => "/submissions", fields: ["title"] },
  "the submission's task list": { who: KENT, path: () => `/submissions/${kentSubmission}`, fields: ["title"] },
  "the about section": { who: KENT, path: () => `/submissions/${kentSubmission}/sections/about`, fields: ["title", "commissioner"] },
  "the governance section": {
    who: KENT,
    path: () => `/submissions/${kentSubmission}/sections/governance`,
    fields: ["protocol", "engagement"],
  },
  "the evidence page": { who: KENT, path: () => `/submissions/${kentSubmission}/sections/evidence`, fields: ["evidence"] },
  "check your answers": {
    who: KENT,
    path: () => `/submissions/${kentSubmission}/check`,
    fields: ["commissioner", "protocol", "engagement"],
  },
  "the pipeline": { who: ADMIN, path: () => `/pipeline?q=XSS-title`, fields: ["title"] },
  "the review workspace": {
    who: ADMIN,
    path: () => `/reviews/${reviewed}`,
    fields: ["comment", "rating", "rationale", "condition", "condition-evidence", "rejection", "disagreement"],
  },
  "the lead's view of the reviewed submission": {
    who: "reviewedLead",
    path: () => `/submissions/${reviewed}`,
    fields: ["condition", "pause"],
  },
  "the conditions page": {
    who: "reviewedLead",
    path: () => `/submissions/${reviewed}/conditions`,
    fields: ["condition", "condition-evidence", "rejection"],
  },
  "the printable decision record": {
    who: ADMIN,
    path: () => `/submissions/${reviewed}/decisions/1`,
    fields: ["rationale", "condition", "rating"],
  },
  "the pause page": { who: ADMIN, path: () => `/submissions/${reviewed}/pause`, fields: ["pause"] },
  "the audit log": { who: ADMIN, path: () => "/admin/audit", fields: ["name"] },
  "the list of users": { who: ADMIN, path: () => "/admin/users", fields: ["name"] },
  "the outbox": { who: ADMIN, path: () => "/admin/outbox", fields: [] },
  "a reviewer's own conflicts": {
    who: "reviewer.two@example.nhs.uk",
    path: () => "/account/conflicts",
    fields: ["conflict", "recorded-conflict"],
  },
  "the admin's page for a reviewer": { who: ADMIN, path: () => `/admin/users/${reviewerTwo}`, fields: ["conflict", "recorded-conflict"] },
  notifications: { who: "reviewedLead", path: () => "/notifications", fields: [] },
  "the reviewer's list": { who: ADMIN, path: () => "/reviews", fields: [] },
  assignments: { who: ADMIN, path: () => "/admin/assignments", fields: [] },
};

describe("script written into free text is shown as text on every page", () => {
  it.each(Object.entries(PAGES))("%s", async (where, shown) => {
    const html = await page(shown.who === "reviewedLead" ? reviewedLead : shown.who, shown.path());
    expectInert(html, where);
    for (const field of shown.fields) expect(html.includes(escaped(field)), `${where} shows ${field}, escaped`).toBe(true);
  });

  it("the review history shows the withdrawal reason escaped on the withdrawn submission", async () => {
    const withdrawn = await db
      .selectFrom("audit_event")
      .select("submission_id")
      .where("action", "=", "WITHDRAW")
      .where("payload", "like", "%XSS-withdrawal%")
      .executeTakeFirstOrThrow();
    const html = await page(ADMIN, `/reviews/${withdrawn.submission_id}`);
    expectInert(html, "withdrawn submission");
    expect(html).toContain(escaped("withdrawal"));
  });
});

describe("the pipeline CSV", () => {
  it("writes every title that starts like a formula (=, +, -, @) as text, with a leading apostrophe", async () => {
    const response = await fetch(`${server.baseUrl}/pipeline.csv`, { headers: { cookie: await signIn(ADMIN) } });
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const csv = await response.text();
    for (const first of ["=", "+", "-", "@"]) {
      expect(csv).toContain(`"'${first}HYPERLINK(""https://evil.example"",""csv-${first}"")"`);
      expect(csv).not.toMatch(new RegExp(`(^|,)"?\\${first}HYPERLINK`, "m"));
    }
    // Script in a title is just characters in a CSV: it is there, quoted, and nothing else.
    expect(csv).toContain(`XSS-title ${SCRIPT}`);
  });
});
