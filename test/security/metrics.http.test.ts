import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import { postForm, signIn } from "../reliability/browser-forms.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";

/**
 * GET /metrics over real HTTP against the production build: only with the bearer token, in
 * Prometheus' text format, with the request histogram labelled by route and the workflow event
 * counter once an event has been applied. The same server's log is checked for what it must never hold.
 */

const TOKEN = "metrics-test-token-".padEnd(40, "m");

function workflowEvents(text: string, type: string): number {
  return Number(new RegExp(`^ncm_workflow_events_total\\{event="${type}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
}

describe("/metrics without METRICS_TOKEN set", () => {
  it("is an unknown address like any other, whatever is sent: sign in first, then 404", async () => {
    // The suites' shared server (test/e2e/global-setup.ts) has no token.
    const baseUrl = inject("baseUrl");
    for (const authorization of [undefined, "Bearer ", `Bearer ${TOKEN}`]) {
      const response = await fetch(`${baseUrl}/metrics`, { redirect: "manual", headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/sign-in?redirectTo=%2Fmetrics");
      expect(await response.text()).not.toContain("process_cpu");
    }
    const cookie = await signIn(baseUrl, "admin@example.nhs.uk");
    const signedIn = await fetch(`${baseUrl}/metrics`, { headers: { cookie, authorization: `Bearer ${TOKEN}` } });
    expect(signedIn.status).toBe(404);
    expect(await signedIn.text()).not.toContain("process_cpu");
  });
});

describe("/metrics", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => server?.stop());

  const scrape = (authorization?: string) => fetch(`${server.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });

  it("refuses a request without the token, or with a wrong one, and tells nothing", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, "Bearer ", TOKEN, `Basic ${TOKEN}`]) {
      const response = await scrape(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.text()).not.toContain("http_request_duration_seconds");
    }
  });

  it("answers the token with Prometheus text: request durations by route, workflow events by type, process figures", async () => {
    // The demo data was built through the runtime at start-up, so its events are counted already.
    const createdBefore = workflowEvents(await (await scrape(`Bearer ${TOKEN}`)).text(), "CREATE");
    const cookie = await signIn(server.baseUrl, "lead.manchester@example.nhs.uk");
    const started = await postForm(server.baseUrl, "/submissions/new", cookie, {
      footprintCode: "E54000007",
      modelType: "MCP",
      title: "Metrics test proposal",
    });
    expect(started.kind).toBe("applied");
    const submissionPage = await fetch(`${server.baseUrl}${(started as { location: string }).location}`, { headers: { cookie } });
    expect(submissionPage.status).toBe(200);
    await submissionPage.text();

    // A response is counted once its last byte has gone, which may be just after the client has it.
    const submissionPageCounted = /^http_request_duration_seconds_count\{method="GET",route="routes\/submission",status_code="200"\} 1$/m;
    await expect.poll(async () => (await (await scrape(`Bearer ${TOKEN}`)).text()).match(submissionPageCounted)).not.toBeNull();

    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(workflowEvents(text, "CREATE")).toBe(createdBefore + 1);
    // By the route that answered, never the address with the submission's id in it.
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="routes\/submissions\.new",status_code="302"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="routes\/sign-in",status_code="302"\} 1$/m);
    expect(text).not.toMatch(/route="\/submissions\//);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // SQLite has no pool to report; the job runner reports each queue's depth and failures.
    expect(text).not.toMatch(/^ncm_db_pool_connections\{/m);
    for (const queue of ["clock-sweep", "email-outbox", "evidence-sweep", "criteria-simulation"])
      for (const state of ["queued", "active", "failed"])
        expect(text).toMatch(new RegExp(`^ncm_job_queue_jobs\\{(?=[^}]*queue="${queue}")(?=[^}]*state="${state}")[^}]*\\} \\d+$`, "m"));
  });

  it("logs one access line per request, with the signed-in user's id but never their email, password, cookie or query", async () => {
    const cookie = await signIn(server.baseUrl, "reviewer.four@example.nhs.uk");
    const sessionToken = cookie.split("=")[1]!.split(";")[0]!;
    const page = await fetch(`${server.baseUrl}/reviews?q=Jane+Patient`, { headers: { cookie, authorization: `Bearer ${TOKEN}` } });
    expect(page.status).toBe(200);
    const requestId = page.headers.get("x-request-id");

    const lines = () =>
      server
        .output()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    await expect.poll(() => lines().find((line) => line.requestId === requestId)).toBeDefined();
    const access = lines().find((line) => line.requestId === requestId)!;
    expect(access).toMatchObject({
      level: "info",
      message: "request",
      method: "GET",
      path: "/reviews",
      route: "routes/reviews",
      status: 200,
    });
    expect(access.durationMs).toEqual(expect.any(Number));
    expect(access.userId).toMatch(/\S/);

    const output = server.output();
    for (const secret of [DEMO_PASSWORD, sessionToken, TOKEN]) expect(output).not.toContain(secret);
    // (The start-up line lists the demo accounts; requests never name anyone.)
    const requests = JSON.stringify(lines().filter((line) => line.message === "request"));
    for (const personal of ["reviewer.four@example.nhs.uk", "Jane"]) expect(requests).not.toContain(personal);
  });
});
