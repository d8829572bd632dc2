import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routes from "../../app/routes.ts";
import { appRequest, context, sessionCookieFor, settle } from "../support/app.ts";
import {
  ACTOR_NAMES,
  ACTORS,
  type ActorName,
  cookiesFor,
  GREATER_MANCHESTER,
  type Outcome,
  outcomeOf,
  prepareDemoDatabase,
  submissionsIn,
  userId,
} from "./support.ts";

/**
 * The authorisation matrix: every loader and action in the route table, called as each kind of
 * person, against a Greater Manchester submission that has been through two checkpoints (returned
 * for changes at checkpoint 2: it has versions, decisions, reviewers and evidence).
 *
 * Refused people post a well-formed form that would do something if the guards let it through; the
 * allowed post a harmless one where the well-formed one would change the record under test (a
 * withdrawal, a resubmission). Workflow rules beyond "may this person reach this action at all"
 * are in forged-workflow-posts.test.ts.
 */

process.env.UPLOADS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-security-uploads-"));

type Expectation = Record<ActorName, Outcome>;
type Handler = "loader" | "action";

const everyone = (): Expectation => row("allowed", "allowed", "allowed", "allowed", "allowed", "allowed", "allowed");
const signedIn = (): Expectation => row("sign-in", "allowed", "allowed", "allowed", "allowed", "allowed", "allowed");
/**
 * Pages of one submission: another footprint's lead is told it does not exist; a reviewer with a
 * conflict of interest with the footprint is refused, with the reason (CONFLICT_REFUSAL below).
 */
const viewers = (): Expectation => row("sign-in", "404", "allowed", "allowed", "403", "allowed", "allowed");
/** Changing the draft: only its own lead; everyone else who can see it is refused. */
const draftEditors = (): Expectation => row("sign-in", "404", "allowed", "403", "403", "403", "403");
/** Leads and administrators may withdraw; reviewers may not. */
const withdrawers = (): Expectation => row("sign-in", "404", "allowed", "403", "403", "403", "allowed");
const leadsOnly = (): Expectation => row("sign-in", "allowed", "allowed", "403", "403", "403", "403");
const nationalTeam = (): Expectation => row("sign-in", "403", "403", "allowed", "allowed", "allowed", "allowed");
/** The review workspace's forms: only the assigned reviewers and administrators act; others are refused. */
const reviewActors = (): Expectation => row("sign-in", "403", "403", "403", "403", "allowed", "allowed");
const adminsOnly = (): Expectation => row("sign-in", "403", "403", "403", "403", "403", "allowed");
const notFound = (): Expectation => row("sign-in", "404", "404", "404", "404", "404", "404");

function row(...outcomes: Outcome[]): Expectation {
  return Object.fromEntries(ACTOR_NAMES.map((name, i) => [name, outcomes[i]!])) as Expectation;
}

interface Fixture {
  id: string;
  version: number;
  documentId: string;
  userId: string;
  leadReviewerId: string;
  secondReviewerId: string;
}

interface ActionProbe {
  /** A post that would change something if this person were let through. */
  form: (f: Fixture) => Record<string, string> | FormData;
  /** What the allowed post instead, where `form` would alter the record the matrix is about. */
  harmless?: (f: Fixture) => Record<string, string> | FormData;
  /** Whether each request needs a session of its own (signing out ends it). */
  freshSession?: boolean;
}

interface RouteExpectation {
  loader?: Expectation;
  action?: Expectation & { probe?: ActionProbe };
  /** The address to call, where the route's own path has a wildcard. */
  url?: string;
  actionUrl?: string;
}

const reason = { reason: "<b>Probe</b> from the authorisation matrix" };

/**
 * Every route file, with what each person gets from its loader and its action. A route missing
 * here fails the suite: a new page must be classified before it ships.
 */
const EXPECTATIONS: Record<string, RouteExpectation> = {
  "root.tsx": { loader: everyone() },
  "routes/home.tsx": { loader: signedIn() },
  "routes/sign-in.tsx": {
    loader: everyone(),
    action: { ...everyone(), probe: { form: () => ({ email: "nobody@example.nhs.uk", password: "not-the-password" }) } },
  },
  // Public: starts single sign-on. It is off in this suite, so its action answers 404 to everyone
  // (test/e2e/sso.test.ts has it on); its loader sends everyone to the sign-in page.
  "routes/sign-in-oidc.ts": {
    loader: everyone(),
    action: { ...row("404", "404", "404", "404", "404", "404", "404"), probe: { form: () => ({ redirectTo: "/" }) } },
  },
  "routes/sign-out.tsx": { loader: signedIn(), action: { ...signedIn(), probe: { form: () => ({}), freshSession: true } } },
  "routes/healthz.ts": { loader: everyone() },
  // Public: better-auth's own API; it answers sessions, origins and sign-in attempts itself.
  "routes/api.auth.ts": {
    url: "/api/auth/get-session",
    actionUrl: "/api/auth/sign-in/email",
    loader: everyone(),
    action: { ...everyone(), probe: { form: () => ({ email: "nobody@example.nhs.uk", password: "not-the-password" }) } },
  },
  "routes/set-password.tsx": {
    loader: everyone(),
    action: {
      ...everyone(),
      probe: { form: () => ({ token: "forged", password: "a-new-password-123", confirmPassword: "a-new-password-123" }) },
    },
  },

  "routes/submissions.tsx": { loader: leadsOnly() },
  "routes/submissions.new.tsx": {
    loader: leadsOnly(),
    // Starting one for Greater Manchester: the Kent lead may use the page but not for another footprint.
    action: {
      ...leadsOnly(),
      "lead of another footprint": "403",
      probe: { form: () => ({ footprintCode: GREATER_MANCHESTER, title: "Probe MCP", modelType: "MCP" }) },
    },
  },
  "routes/submission.tsx": { loader: viewers() },
  "routes/submission-evidence.tsx": {
    loader: viewers(),
    action: {
      ...draftEditors(),
      probe: { form: (f) => ({ intent: "delete", documentId: f.documentId }), harmless: () => ({ intent: "delete" }) },
    },
  },
  "routes/submission-section.tsx": {
    loader: viewers(),
    action: {
      ...draftEditors(),
      probe: { form: () => ({ conflictsOfInterestProtocol: "yes" }), harmless: () => ({ openedAt: "2000-01-01T00:00:00.000Z" }) },
    },
  },
  "routes/submission-evidence-download.ts": { loader: viewers() },
  "routes/submission-check.tsx": {
    loader: viewers(),
    action: {
      ...draftEditors(),
      probe: { form: (f) => ({ declaration: "yes", version: String(f.version) }), harmless: (f) => ({ version: String(f.version) }) },
    },
  },
  "routes/submission-submitted.tsx": { loader: viewers() },
  "routes/submission-conditions.tsx": {
    loader: viewers(),
    action: {
      ...draftEditors(),
      probe: { form: (f) => ({ conditionId: "c1", evidence: "Signed by both boards", version: String(f.version) }), harmless: () => ({}) },
    },
  },
  "routes/submission-versions.tsx": { loader: viewers() },
  // The proposal as a paper, of the draft (as here) or of a version (?version=N): whoever may see the submission.
  "routes/submission-proposal.tsx": { loader: viewers() },
  "routes/submission-proposal.docx.ts": { loader: viewers() },
  "routes/submission-withdraw.tsx": {
    loader: withdrawers(),
    action: {
      ...withdrawers(),
      probe: { form: (f) => ({ ...reason, version: String(f.version) }), harmless: (f) => ({ version: String(f.version) }) },
    },
  },
  "routes/submission-decision.tsx": { loader: viewers() },
  "routes/submission-assign.tsx": {
    loader: adminsOnly(),
    // "check" only reports on a pair, so even the admin may post the real thing.
    action: {
      ...adminsOnly(),
      probe: {
        form: (f) => ({
          intent: "check",
          leadReviewerId: f.leadReviewerId,
          secondReviewerId: f.secondReviewerId,
          version: String(f.version),
        }),
      },
    },
  },
  "routes/submission-pause.tsx": {
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: (f) => ({ intent: "pause", ...reason, version: String(f.version) }), harmless: () => ({}) } },
  },

  "routes/reviews.tsx": { loader: nationalTeam() },
  // A reviewer's own load only; an administrator is sent on to everyone's (/admin/workload).
  "routes/reviews-workload.tsx": { loader: nationalTeam() },
  // Reading: every reviewer sees the whole pipeline (a declared conflict stops them acting, not reading).
  "routes/review.tsx": {
    // A reviewer conflicted with the footprint does not see the review at all.
    loader: { ...nationalTeam(), "conflicted reviewer": "403" },
    action: {
      ...reviewActors(),
      probe: { form: () => ({ intent: "comment", body: "Probe from the authorisation matrix", visibility: "internal" }) },
    },
  },
  "routes/account-conflicts.tsx": {
    loader: nationalTeam(),
    action: {
      ...nationalTeam(),
      probe: {
        form: () => ({ intent: "declare", footprintCode: "E54000032", ...reason }),
        harmless: () => ({ intent: "withdraw", footprintCode: "E54000099" }),
      },
    },
  },
  "routes/notifications.tsx": { loader: signedIn(), action: { ...signedIn(), probe: { form: () => ({ intent: "mark-all-read" }) } } },

  "routes/pipeline.tsx": { loader: nationalTeam() },
  "routes/pipeline.csv.ts": { loader: nationalTeam() },
  // Being added on main: regional charts for the national team, refused to leads as /pipeline is.
  "routes/pipeline-regions.tsx": { loader: nationalTeam() },

  "routes/admin-assignments.tsx": { loader: adminsOnly() },
  // No reviews posted: the admin's post changes nothing, anyone else's is refused before reading it.
  "routes/admin-reassignments.tsx": {
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: () => ({ reason: "Probe from the authorisation matrix" }), harmless: () => ({}) } },
  },
  "routes/admin-outbox.tsx": { loader: adminsOnly() },
  "routes/admin-workload.tsx": { loader: adminsOnly() },
  "routes/admin-users.tsx": { loader: adminsOnly() },
  "routes/admin-users.invite.tsx": {
    loader: adminsOnly(),
    action: {
      ...adminsOnly(),
      probe: { form: () => ({ name: "Probe Person", email: "probe@example.nhs.uk", role: "admin" }), harmless: () => ({}) },
    },
  },
  "routes/admin-user.tsx": {
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: () => ({ intent: "deactivate" }), harmless: () => ({}) } },
  },
  "routes/admin-audit.tsx": { loader: adminsOnly(), action: { ...adminsOnly(), probe: { form: () => ({}) } } },
  "routes/admin-criteria.tsx": {
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: () => ({ target: "2016-17" }), harmless: () => ({}) } },
  },
  "routes/admin-criteria-history.tsx": { loader: adminsOnly() },
  "routes/admin-criteria-set-new.tsx": {
    loader: adminsOnly(),
    action: {
      ...adminsOnly(),
      probe: { form: () => ({ basedOn: "2017-19", id: "2099-00", title: "Probe", publishedOn: "2099-01-01" }), harmless: () => ({}) },
    },
  },
  // A published set: its page reads, and a change to it is refused whoever asks.
  "routes/admin-criteria-set.tsx": {
    url: "/admin/criteria/sets/2017-19",
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: () => ({ intent: "retire", criterionId: "NCM-05", version: "1" }) } },
  },
  "routes/admin-criteria-criterion.tsx": {
    url: "/admin/criteria/sets/2017-19/criteria/NCM-05",
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: () => ({}) } },
  },
  // A finished simulation whose id is the fixture's (see beforeAll); a move that would change every live submission.
  "routes/admin-criteria-simulation.tsx": {
    loader: adminsOnly(),
    action: { ...adminsOnly(), probe: { form: () => ({ scope: "all", reason: "Probe" }), harmless: () => ({}) } },
  },

  "routes/not-found.tsx": { url: "/nowhere", loader: notFound(), action: { ...notFound(), probe: { form: () => ({}) } } },
};

const SUBMISSION_PAGE = /^(submissions|reviews)\/:id\b/;
const ADMIN_PAGES = new Set(["routes/submission-assign.tsx", "routes/submission-pause.tsx"]);
const CONFLICT_REFUSAL = "You have declared a conflict of interest with Greater Manchester, so you cannot see its submissions.";

function flatten(entries: RouteConfigEntry[]): RouteConfigEntry[] {
  return entries.flatMap((e) => [e, ...flatten(e.children ?? [])]);
}

const table = [{ file: "root.tsx", path: "" }, ...flatten(routes).map((r) => ({ file: r.file, path: r.path ?? "" }))];

function urlFor(route: { file: string; path: string }, handler: Handler, f: Fixture): string {
  const explicit = (handler === "action" && EXPECTATIONS[route.file]?.actionUrl) || EXPECTATIONS[route.file]?.url;
  if (explicit) return explicit;
  const params: Record<string, string> = { id: f.id, section: "governance", documentId: f.documentId, number: "1", userId: f.userId };
  return `/${route.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? name)}`;
}

function paramsFor(url: string, routePath: string): Record<string, string> {
  const names = routePath.split("/");
  const values = url.slice(1).split("/");
  return Object.fromEntries(names.flatMap((n, i) => (n.startsWith(":") ? [[n.slice(1), values[i]!]] : [])));
}

function body(form: Record<string, string> | FormData): FormData | URLSearchParams {
  return form instanceof FormData ? form : new URLSearchParams(form);
}

let cleanup = () => {};
let cookies: Record<ActorName, string | undefined>;
let fixture: Fixture;
const unexpectedSuccesses: string[] = [];
let casesRun = 0;

beforeAll(async () => {
  ({ cleanup } = await prepareDemoDatabase());
  cookies = await cookiesFor();
  const [target] = await submissionsIn(GREATER_MANCHESTER, "checkpoint2.returned");
  if (!target?.context.reviewers) throw new Error("the demo seed has no Greater Manchester submission returned at checkpoint 2");
  expect(target.context.reviewers.lead).toBe(await userId(ACTORS["assigned reviewer"]));

  // One evidence document on the draft, uploaded the way a lead does.
  const evidence = await import("../../app/routes/submission-evidence.tsx");
  const upload = new FormData();
  upload.set("intent", "upload");
  upload.set("section", "governance");
  upload.set("file", new File([new TextEncoder().encode("%PDF-1.4\n%%EOF\n")], "minutes.pdf", { type: "application/pdf" }));
  const uploaded = await settle(() =>
    evidence.action({
      request: appRequest(`/submissions/${target.id}/sections/evidence`, {
        method: "POST",
        body: upload,
        cookie: cookies["lead of the footprint"],
      }),
      params: { id: target.id },
      context,
    } as never),
  );
  expect((uploaded as Response).status).toBe(302);
  const { draftDocuments } = await import("../../app/.server/evidence.ts");
  const documentId = (await draftDocuments(await (await import("./support.ts")).appDb(), target.id)).at(-1)!.id;

  const { findSubmission } = await import("../../db/submissions.ts");
  const { appDb } = await import("./support.ts");
  // A finished impact simulation to read and act on, under the fixture's id (the route's `:id`).
  const admin = await userId(ACTORS.admin);
  await (await appDb())
    .insertInto("criteria_simulation")
    .values({
      id: target.id,
      target_set: "2016-17",
      status: "done",
      processed: 1,
      total: 1,
      result: JSON.stringify({
        targetSet: "2016-17",
        live: 1,
        alreadyOnTarget: 0,
        affected: 0,
        newlyBlocked: 0,
        byCriterion: [],
        byRegion: [],
        byState: [],
        listed: [],
      }),
      error: null,
      started_by: admin,
      started_at: new Date().toISOString(),
      finished_at: new Date().toISOString(),
    })
    .execute();
  fixture = {
    id: target.id,
    version: (await findSubmission(await appDb(), target.id))!.version,
    documentId,
    userId: await userId(ACTORS["lead of the footprint"]),
    leadReviewerId: target.context.reviewers.lead,
    secondReviewerId: target.context.reviewers.second,
  };
}, 120_000);
afterAll(() => {
  cleanup();
  fs.rmSync(process.env.UPLOADS_DIR!, { recursive: true, force: true });
});

const routeFiles = table.map((r) => r.file);

describe("the authorisation matrix covers the whole route table", () => {
  it.each(table)("$file has an expectation for every loader and action it exports", async ({ file }) => {
    const expectation = EXPECTATIONS[file];
    expect(expectation, `${file} is in app/routes.ts but not classified in the authorisation matrix`).toBeDefined();
    const module = await import(/* @vite-ignore */ `../../app/${file}`);
    for (const handler of ["loader", "action"] as const) {
      expect(Boolean(expectation![handler]), `${file} ${handler}: exported ${typeof module[handler] === "function"}`).toBe(
        typeof module[handler] === "function",
      );
    }
  });

  it("classifies only route files that exist or are being added on main", () => {
    const pending: string[] = [];
    for (const file of Object.keys(EXPECTATIONS)) expect([...routeFiles, ...pending]).toContain(file);
  });
});

const cases = table.flatMap((route) =>
  (["loader", "action"] as Handler[]).flatMap((handler) => {
    const expectation = EXPECTATIONS[route.file]?.[handler];
    if (!expectation) return [];
    return ACTOR_NAMES.map((actor) => ({ route, handler, actor, expected: expectation[actor] }));
  }),
);

describe(`every loader and action, as every kind of person (${cases.length} route×actor cases)`, () => {
  it.each(cases)("$handler $route.file as $actor: $expected", async ({ route, handler, actor, expected }) => {
    const module = await import(/* @vite-ignore */ `../../app/${route.file}`);
    const url = urlFor(route, handler, fixture);
    const probe = (EXPECTATIONS[route.file]!.action as { probe?: ActionProbe } | undefined)?.probe;
    let cookie = cookies[actor];
    if (handler === "action" && probe?.freshSession && ACTORS[actor]) cookie = await sessionCookieFor(ACTORS[actor]);
    const form =
      handler === "action" ? (expected === "allowed" && probe?.harmless ? probe.harmless : (probe?.form ?? (() => ({}))))(fixture) : null;
    const request = appRequest(url, form ? { method: "POST", body: body(form), cookie } : { cookie });

    const result = await settle(() => module[handler]({ request, params: paramsFor(url, route.path), context }));
    const { outcome, status, detail } = outcomeOf(result);
    casesRun += 1;
    if (outcome === "allowed" && expected !== "allowed") unexpectedSuccesses.push(`${handler} ${route.file} as ${actor}: ${status}`);
    expect(outcome, `${handler} ${url} as ${actor} answered ${status} ${detail}`).toBe(expected);
    // Every page and form of a submission refuses a conflicted reviewer with the reason, before any
    // other check (the administrators' own pages refuse them by role first).
    if (actor === "conflicted reviewer" && SUBMISSION_PAGE.test(route.path) && !ADMIN_PAGES.has(route.file)) {
      // A download is a resource route: its refusal is the friendly 403 page, read from its body.
      const said = result instanceof Response ? await result.clone().text() : detail;
      expect(said, `${handler} ${url} as ${actor}`).toContain(CONFLICT_REFUSAL);
    }
  });

  it(`0 unexpected successes in ${cases.length} cases: nobody reached a loader or action the matrix refuses them`, () => {
    expect(casesRun, "cases run before this check").toBeGreaterThan(0);
    expect(unexpectedSuccesses).toEqual([]);
  });
});

describe("another footprint's records", () => {
  it("answer a lead exactly as an id that does not exist does", async () => {
    const { loader } = await import("../../app/routes/submission.tsx");
    const ask = (id: string) =>
      settle(() =>
        loader({
          request: appRequest(`/submissions/${id}`, { cookie: cookies["lead of another footprint"] }),
          params: { id },
          context,
        } as never),
      );
    const [theirs, nobodys] = await Promise.all([ask(fixture.id), ask(crypto.randomUUID())]);
    expect(theirs).toEqual(nobodys);
    expect(outcomeOf(theirs).status).toBe(404);
  });
});
