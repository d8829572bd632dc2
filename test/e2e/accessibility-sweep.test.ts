import type { RouteConfigEntry } from "@react-router/dev/routes";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routes from "../../app/routes.ts";
import { simulateCriteriaImpact } from "../../app/.server/criteria-impact.ts";
import { createDraftSet } from "../../app/.server/criteria-authoring.ts";
import type { CurrentUser } from "../../app/.server/session.ts";
import { inviteUser } from "../../app/.server/users.ts";
import { EDITABLE_SECTIONS } from "../../app/forms/sections.ts";
import { axeViolations, chromiumPath, isolatedServer, settled, signIn } from "./browser.ts";
import { ACCOUNT, type DemoIds, findDemoIds } from "./demo.ts";

type Who = "anonymous" | "lead" | "reviewer" | "admin";

interface Visit {
  who: Who;
  path: string;
  /** Another account of the same role, when the usual one cannot show this page at its fullest. */
  as?: string;
  /** The page's own status: 200 unless it is an error page. */
  status?: number;
  /** An error state reached from the page (a form sent empty), checked by axe in its turn. */
  then?: { state: string; act: (page: Page) => Promise<void> };
}

interface Context {
  ids: DemoIds;
  /** A live invitation link's path, for the set-password page. */
  setPasswordPath: string;
  /** A finished impact simulation of the demo submissions. */
  simulationId?: string;
}

/** Sends a form as it stands and waits for the error summary it must bring, which takes focus. */
const sendEmpty =
  (button: string | RegExp) =>
  async (page: Page): Promise<void> => {
    await page.getByRole("button", { name: button, exact: typeof button === "string" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.className), { message: `focus after ${button}` })
      .toBe("nhsuk-error-summary");
    // The title says so too, first thing a screen reader announces (GOV.UK error pattern).
    await expect.poll(() => page.title(), { message: `title after ${button}` }).toMatch(/^Error: .+ – NCM Assure$/);
  };

/**
 * Every page route in app/routes.ts, keyed by its path, with the concrete addresses each role
 * visits. A route added to the table without an entry here (or in EXEMPT) fails the sweep.
 */
const SWEEP: Record<string, (c: Context) => Visit[]> = {
  "": () => (["lead", "reviewer", "admin"] as const).map((who) => ({ who, path: "/" })),
  "sign-in": () => [{ who: "anonymous", path: "/sign-in", then: { state: "sent empty", act: sendEmpty("Sign in") } }],
  "sign-out": () => (["lead", "reviewer", "admin"] as const).map((who) => ({ who, path: "/sign-out" })),
  "set-password": (c) => [
    { who: "anonymous", path: c.setPasswordPath, then: { state: "sent empty", act: sendEmpty("Set password") } },
    { who: "anonymous", path: "/set-password?token=not-a-real-token", status: 400 },
  ],

  submissions: () => [{ who: "lead", path: "/submissions" }],
  "submissions/new": () => [{ who: "lead", path: "/submissions/new", then: { state: "sent empty", act: sendEmpty("Start submission") } }],
  "submissions/:id": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.draft}` },
    { who: "lead", path: `/submissions/${ids.returned}` },
    { who: "lead", path: `/submissions/${ids.otherFootprint}`, status: 404 },
    { who: "reviewer", path: `/submissions/${ids.toPropose}` },
    { who: "admin", path: `/submissions/${ids.assured}` },
  ],
  "submissions/:id/sections/evidence": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.draft}/sections/evidence`, then: { state: "sent empty", act: sendEmpty("Upload file") } },
    { who: "reviewer", path: `/submissions/${ids.toPropose}/sections/evidence` },
    { who: "admin", path: `/submissions/${ids.returned}/sections/evidence` },
  ],
  "submissions/:id/sections/:section": ({ ids }) => [
    ...EDITABLE_SECTIONS.map(
      (section): Visit => ({
        who: "lead",
        path: `/submissions/${ids.draft}/sections/${section}`,
        then:
          section === "population"
            ? {
                state: "with errors",
                act: async (page) => {
                  await page.getByLabel("Registered population").fill("lots");
                  await sendEmpty("Save and continue")(page);
                },
              }
            : undefined,
      }),
    ),
    { who: "reviewer", path: `/submissions/${ids.toPropose}/sections/finance` },
    { who: "admin", path: `/submissions/${ids.assured}/sections/outcomes` },
  ],
  "submissions/:id/check": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.returned}/check`, then: { state: "without the declaration", act: sendEmpty("Resubmit") } },
    { who: "reviewer", path: `/submissions/${ids.toCountersign}/check` },
    { who: "admin", path: `/submissions/${ids.draft}/check` },
  ],
  "submissions/:id/submitted": ({ ids }) => [{ who: "lead", path: `/submissions/${ids.returned}/submitted?version=2` }],
  "submissions/:id/conditions": ({ ids }) => [
    {
      who: "lead",
      as: ACCOUNT.leadWithCondition,
      path: `/submissions/${ids.withCondition}/conditions`,
      then: { state: "sent empty", act: sendEmpty("Send evidence for review") },
    },
    { who: "reviewer", path: `/submissions/${ids.withCondition}/conditions` },
    { who: "admin", path: `/submissions/${ids.assured}/conditions` },
  ],
  "submissions/:id/versions": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.returned}/versions` },
    { who: "reviewer", path: `/submissions/${ids.assured}/versions?from=1&to=3` },
    { who: "admin", path: `/submissions/${ids.assured}/versions` },
  ],
  // The proposal's print view: the draft, and a frozen version.
  "submissions/:id/proposal": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.returned}/proposal` },
    { who: "lead", path: `/submissions/${ids.returned}/proposal?version=1` },
    { who: "reviewer", path: `/submissions/${ids.assured}/proposal?version=3` },
    { who: "admin", path: `/submissions/${ids.draft}/proposal` },
  ],
  "submissions/:id/withdraw": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.draft}/withdraw`, then: { state: "sent empty", act: sendEmpty("Withdraw submission") } },
    { who: "admin", path: `/submissions/${ids.toPropose}/withdraw` },
    { who: "reviewer", path: `/submissions/${ids.toPropose}/withdraw`, status: 403 },
  ],
  "submissions/:id/decisions/:number": ({ ids }) => [
    { who: "lead", path: `/submissions/${ids.returned}/decisions/1` },
    { who: "reviewer", path: `/submissions/${ids.assured}/decisions/3` },
    { who: "admin", path: `/submissions/${ids.assured}/decisions/2` },
  ],
  "submissions/:id/assign": ({ ids }) => [
    {
      who: "admin",
      path: `/submissions/${ids.awaitingAssignment}/assign`,
      then: { state: "sent empty", act: sendEmpty("Assign reviewers") },
    },
    // In review, the same page changes the reviewers: sent without a reason.
    {
      who: "admin",
      path: `/submissions/${ids.toPropose}/assign`,
      then: { state: "change sent without a reason", act: sendEmpty("Change reviewers") },
    },
  ],

  reviews: () => [
    { who: "reviewer", path: "/reviews" },
    { who: "admin", path: "/reviews" },
  ],
  "reviews/workload": () => [
    { who: "reviewer", path: "/reviews/workload" },
    { who: "lead", path: "/reviews/workload", status: 403 },
  ],
  "reviews/:id": ({ ids }) => [
    { who: "reviewer", path: `/reviews/${ids.toPropose}`, then: { state: "proposal sent empty", act: sendEmpty("Propose the decision") } },
    { who: "reviewer", path: `/reviews/${ids.toCountersign}`, then: { state: "countersignature sent empty", act: sendEmpty("Confirm") } },
    { who: "admin", path: `/reviews/${ids.assured}` },
  ],
  "account/conflicts": () => [
    { who: "reviewer", path: "/account/conflicts", then: { state: "sent empty", act: sendEmpty("Declare conflict") } },
    { who: "admin", path: "/account/conflicts" },
  ],
  notifications: () => (["lead", "reviewer", "admin"] as const).map((who) => ({ who, path: "/notifications" })),

  pipeline: () => [
    { who: "reviewer", path: "/pipeline?size=25" },
    { who: "admin", path: "/pipeline?region=SE&sort=title&dir=asc" },
    { who: "lead", path: "/pipeline", status: 403 },
  ],
  "pipeline/regions": () => [
    { who: "reviewer", path: "/pipeline/regions" },
    { who: "admin", path: "/pipeline/regions?failing=MID" },
    { who: "lead", path: "/pipeline/regions", status: 403 },
  ],

  "admin/assignments": () => [{ who: "admin", path: "/admin/assignments" }],
  "admin/outbox": () => [{ who: "admin", path: "/admin/outbox" }],
  // With reviews to move, the page is swept by the reassignment e2e test (test/e2e/reassignment.test.ts).
  "admin/reassignments": () => [
    { who: "admin", path: "/admin/reassignments" },
    { who: "reviewer", path: "/admin/reassignments", status: 403 },
  ],
  "admin/workload": () => [
    { who: "admin", path: "/admin/workload" },
    { who: "admin", path: "/admin/workload?sort=open&dir=desc" },
    { who: "reviewer", path: "/admin/workload", status: 403 },
  ],
  "admin/users": () => [{ who: "admin", path: "/admin/users" }],
  "admin/users/invite": () => [
    { who: "admin", path: "/admin/users/invite", then: { state: "sent empty", act: sendEmpty("Send invitation") } },
  ],
  "admin/users/:userId": ({ ids }) => [
    {
      who: "admin",
      path: `/admin/users/${ids.leadUserId}`,
      then: { state: "deactivation without a reason", act: sendEmpty("Deactivate account") },
    },
    { who: "admin", path: `/admin/users/${ids.reviewerUserId}`, then: { state: "conflict sent empty", act: sendEmpty("Record conflict") } },
  ],
  "admin/audit": () => [
    {
      who: "admin",
      path: "/admin/audit",
      then: {
        state: "after Verify chain",
        act: async (page) => {
          await page.getByRole("button", { name: "Verify chain" }).click();
          await page
            .getByText(/intact|broken/i)
            .first()
            .waitFor();
        },
      },
    },
  ],
  "admin/criteria": () => [
    { who: "admin", path: "/admin/criteria", then: { state: "sent empty", act: sendEmpty("Run impact simulation") } },
  ],
  "admin/criteria/history": () => [
    { who: "admin", path: "/admin/criteria/history" },
    { who: "admin", path: "/admin/criteria/history?compare=2017-19&with=no-such-version", status: 400 },
  ],
  "admin/criteria/sets/new": () => [
    { who: "admin", path: "/admin/criteria/sets/new", then: { state: "sent empty", act: sendEmpty("Start the draft") } },
  ],
  "admin/criteria/sets/:setId": () => [
    { who: "admin", path: "/admin/criteria/sets/2018-19" },
    { who: "admin", path: "/admin/criteria/sets/2017-19" },
  ],
  "admin/criteria/sets/:setId/criteria/:criterionId": () => [
    {
      who: "admin",
      path: "/admin/criteria/sets/2018-19/criteria/NCM-05",
      then: {
        state: "sent without a title",
        act: async (page) => {
          await page.getByLabel("Title", { exact: true }).fill("");
          await sendEmpty("Save criterion")(page);
        },
      },
    },
    { who: "admin", path: "/admin/criteria/sets/2018-19/criteria/new" },
    // A published criterion with list rules, read only.
    { who: "admin", path: "/admin/criteria/sets/2017-19/criteria/NCM-04" },
  ],
  "admin/criteria/simulations/:id": (c) => [
    {
      who: "admin",
      path: `/admin/criteria/simulations/${c.simulationId}`,
      then: { state: "move sent empty", act: sendEmpty("Move submissions to 2016-17") },
    },
  ],
  "submissions/:id/pause": ({ ids }) => [
    { who: "admin", path: `/submissions/${ids.toPropose}/pause`, then: { state: "sent empty", act: sendEmpty("Pause submission") } },
    { who: "admin", path: `/submissions/${ids.paused}/pause` },
  ],

  "*": () => (["lead", "reviewer", "admin"] as const).map((who) => ({ who, path: "/no-such-page", status: 404 })),
};

/** Routes that are not pages, and why the sweep leaves them out. */
const EXEMPT: Record<string, string> = {
  healthz: "a JSON probe for the load balancer, not a page",
  "api/auth/*": "better-auth's JSON API; its sign-in is reached through the sign-in page",
  "sign-in/oidc": "starts single sign-on: a redirect to the identity provider, not a page (its button is on the sign-in page)",
  "pipeline.csv": "a CSV download of the pipeline's current view",
  "submissions/:id/evidence/:documentId": "an evidence file's download (PDF, Word or Excel), not a page",
  "submissions/:id/proposal.docx": "the proposal as a Word document, a download; its print view (submissions/:id/proposal) is swept",
};

/** Routes being added in parallel: their entries are used only once they are in the table. */
const NOT_YET_EVERYWHERE = new Set<string>();

function flatten(entries: RouteConfigEntry[]): RouteConfigEntry[] {
  return entries.flatMap((e) => [e, ...flatten(e.children ?? [])]);
}

const tablePaths = flatten(routes).map((r) => r.path ?? "");

describe("the accessibility sweep's list of pages", () => {
  it("has an entry or a reason for every route in the route table, and nothing the table does not have", () => {
    expect(tablePaths.filter((p) => !(p in SWEEP) && !(p in EXEMPT))).toEqual([]);
    const stale = [...Object.keys(SWEEP), ...Object.keys(EXEMPT)].filter((p) => !tablePaths.includes(p) && !NOT_YET_EVERYWHERE.has(p));
    expect(stale).toEqual([]);
    // A route is a page or exempt, not both.
    expect(Object.keys(EXEMPT).filter((p) => SWEEP[p]?.({ ids: {} as DemoIds, setPasswordPath: "" }).length)).toEqual([]);
  });
});

describe.skipIf(!chromiumPath)("every page of every role in Chromium, with axe (WCAG 2.2 AA)", () => {
  const env = isolatedServer();
  let visits: Visit[] = [];

  beforeAll(async () => {
    const ids = findDemoIds(env.server.databaseFile);
    const admin = await env.database
      .selectFrom("user")
      .select(["id", "name", "role"])
      .where("email", "=", ACCOUNT.admin)
      .executeTakeFirstOrThrow();
    const invited = await inviteUser(
      env.database,
      { id: admin.id, name: admin.name, role: "admin" },
      { name: "Avery Accessible", email: "avery.accessible@example.nhs.uk", role: "reviewer", footprintCodes: [] },
      { baseUrl: env.server.baseUrl },
    );
    if (!invited.ok) throw new Error(invited.reason);
    const link = new URL(invited.link);
    // A draft criteria set to write in.
    const drafted = await createDraftSet(env.database, admin as CurrentUser, {
      basedOn: "2017-19",
      id: "2018-19",
      title: "New care models assurance criteria 2018-19",
      publishedOn: "2018-04-01",
    });
    if (!drafted.ok) throw new Error(drafted.error);
    // A finished impact simulation, computed from the server's own database.
    const simulationId = "sweep-simulation";
    const result = await simulateCriteriaImpact(env.database, "2016-17");
    await env.database
      .insertInto("criteria_simulation")
      .values({
        id: simulationId,
        target_set: "2016-17",
        status: "done",
        processed: result.live,
        total: result.live,
        result: JSON.stringify(result),
        error: null,
        started_by: admin.id,
        started_at: new Date().toISOString(),
        finished_at: new Date().toISOString(),
      })
      .execute();
    const context: Context = { ids, setPasswordPath: `${link.pathname}${link.search}`, simulationId };
    visits = Object.entries(SWEEP)
      .filter(([path]) => tablePaths.includes(path))
      .flatMap(([, entry]) => entry(context));
  });

  const contexts = new Map<string, BrowserContext>();
  const pages = new Map<string, Page>();
  const checked: string[] = [];
  afterAll(async () => {
    for (const context of contexts.values()) await context.close();
  });

  /** One tab per account, signed in once: each visit loads its page afresh in it (a tab each cost 0.3 s). */
  async function pageFor(visit: Visit): Promise<Page> {
    const email = visit.who === "anonymous" ? "" : (visit.as ?? ACCOUNT[visit.who]);
    let page = pages.get(email);
    if (!page) {
      const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
      contexts.set(email, context);
      page = await context.newPage();
      pages.set(email, page);
      if (email) {
        await page.goto("/sign-in");
        await signIn(page, email);
        await page.waitForURL((url) => url.pathname === "/");
      }
    }
    return page;
  }

  it.each(["anonymous", "lead", "reviewer", "admin"] as const)(
    "%s: every page and error state has no violations",
    // The admin's sweep took 146 s in a clean CI run, and more on a busy machine: room, not a race.
    { timeout: 300_000 },
    async (who) => {
      const mine = visits.filter((v) => v.who === who);
      expect(mine.length).toBeGreaterThan(0);
      const found: { page: string; violations: string[] }[] = [];
      for (const visit of mine) {
        const started = Date.now();
        const page = await pageFor(visit);
        const response = await page.goto(visit.path);
        expect(response?.status(), visit.path).toBe(visit.status ?? 200);
        expect(new URL(page.url()).pathname, `${visit.path} was not redirected`).toBe(new URL(visit.path, "http://x").pathname);
        // Hydrated and the header laid out (networkidle's half second a page adds up over a sweep).
        await page.locator("header[data-nhsuk-header-init]").waitFor({ state: "attached" });
        expect(await page.getByRole("heading", { level: 1 }).count(), `${visit.path} has one h1`).toBe(1);
        // One title, its own (an error page's too, never the root's beside it).
        expect(await page.locator("head > title").count(), `${visit.path} has one title`).toBe(1);
        expect(await page.title(), `${visit.path}'s title`).toMatch(/\S – NCM Assure$/);
        found.push({ page: visit.path, violations: await axeViolations(page) });
        if (visit.then) {
          await visit.then.act(page);
          await settled(page);
          found.push({ page: `${visit.path} (${visit.then.state})`, violations: await axeViolations(page) });
        }
        if (process.env.SWEEP_TIMING) process.stdout.write(`${Date.now() - started} ms ${who} ${visit.path}\n`);
      }
      expect(found.filter((f) => f.violations.length > 0)).toEqual([]);
      checked.push(...found.map((f) => `${who} ${f.page}`));
    },
  );

  afterAll(() => {
    // Shown in the test output, for the README's figures.
    if (checked.length) process.stdout.write(`accessibility sweep: ${checked.length} pages and states checked by axe\n`);
  });
});
