import fs from "node:fs";
import http from "node:http";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemoAccounts } from "../../db/seed/demo.ts";
import { type RunningServer, startServer } from "../e2e/server.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { signIn } from "./browser-forms.ts";

/**
 * SIGTERM to a real server.js: readiness turns 503 while liveness stays 200, the listener closes,
 * a request already in flight (its body still arriving) is answered and its change kept, the
 * database is closed cleanly (on SQLite no -wal file is left) and the process exits 0. A request
 * that outlasts SHUTDOWN_GRACE_MS is cut, and the process still exits 0.
 */

const TOKEN = "shutdown-test-token-".padEnd(40, "s");

/**
 * A same-origin form post whose body is sent in two parts: the first now, the rest on finish().
 * Until then the server holds the request, waiting for the body: in flight, without any sleep.
 */
function heldPost(baseUrl: string, pathname: string, cookie: string, fields: Record<string, string>) {
  const body = Buffer.from(new URLSearchParams(fields).toString());
  const half = Math.floor(body.length / 2);
  let held: http.ClientRequest;
  const answer = new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    held = http.request(
      `${baseUrl}${pathname}`,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": body.length,
          origin: baseUrl,
          "sec-fetch-site": "same-origin",
          cookie,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode!, location: response.headers.location }));
      },
    );
    held.on("error", reject);
    held.write(body.subarray(0, half));
  });
  // A cut request is awaited by the test that expects it; never an unhandled rejection meanwhile.
  answer.catch(() => {});
  return {
    answer,
    finish() {
      held.end(body.subarray(half));
      return answer;
    },
  };
}

async function requestsInFlight(server: RunningServer): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return Number(/^http_requests_in_flight (\d+)$/m.exec(text)?.[1]);
}

/** The status a new connection gets, or "refused" once nothing listens. */
async function statusOf(url: string): Promise<number | "refused"> {
  try {
    return (await fetch(url)).status;
  } catch {
    return "refused";
  }
}

function logLines(server: RunningServer) {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("SIGTERM on SQLite", () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  it("answers readiness 503 while draining, finishes the request in flight, closes the database cleanly and exits 0", async () => {
    // A readiness delay, as behind a load balancer: long enough to see 503 and liveness 200 before the listener closes.
    server = await startServer({ env: { METRICS_TOKEN: TOKEN, SHUTDOWN_DELAY_MS: "3000", SHUTDOWN_GRACE_MS: "30000" } });
    const s = server;
    expect(await statusOf(`${s.baseUrl}/health/ready`)).toBe(200);

    const cookie = await signIn(s.baseUrl, "lead.manchester@example.nhs.uk");
    const title = "Proposal sent while the service was stopping";
    const post = heldPost(s.baseUrl, "/submissions/new", cookie, { footprintCode: "E54000007", modelType: "MCP", title });
    // The held post and this scrape itself.
    await expect.poll(() => requestsInFlight(s)).toBe(2);

    s.signal("SIGTERM");
    await expect.poll(() => statusOf(`${s.baseUrl}/health/ready`)).toBe(503);
    expect(await statusOf(`${s.baseUrl}/healthz`)).toBe(200);
    // Then the listener closes; the held request is still waiting for the rest of its body.
    await expect.poll(() => statusOf(`${s.baseUrl}/healthz`)).toBe("refused");

    const answered = await post.finish();
    expect(answered.status).toBe(302);
    expect(answered.location).toMatch(/^\/submissions\/[0-9a-f-]{36}$/);

    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(logLines(s).map((line) => line.message)).toEqual(expect.arrayContaining(["shut down cleanly"]));
    expect(fs.existsSync(`${s.databaseFile}-wal`)).toBe(false);
    const sqlite = new Database(s.databaseFile, { readonly: true });
    try {
      const saved = sqlite.prepare("select id, state from submission where title = ?").get(title) as { id: string; state: string };
      expect(`/submissions/${saved.id}`).toBe(answered.location);
      expect(sqlite.prepare("select count(*) as n from audit_event where chain = ?").get(saved.id)).toEqual({ n: 1 });
      expect((sqlite.prepare("pragma integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
    } finally {
      sqlite.close();
    }
  });
});

describe.each(databaseKinds)("SIGTERM with a request that outlasts the grace period on $engine", (kind) => {
  let t: TestDatabase | undefined;
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
    await t?.destroy();
  });

  it("cuts it at SHUTDOWN_GRACE_MS, closes the database and exits 0", async () => {
    // The accounts alone: the demo's submissions would only slow the start.
    t = await kind.create();
    await seedDemoAccounts(t.db);
    server = await startServer({ databaseUrl: t.url, env: { DEMO_SEED: "0", METRICS_TOKEN: TOKEN, SHUTDOWN_GRACE_MS: "500" } });
    const s = server;
    const cookie = await signIn(s.baseUrl, "lead.manchester@example.nhs.uk");
    const post = heldPost(s.baseUrl, "/submissions/new", cookie, { footprintCode: "E54000007", modelType: "MCP", title: "Never finished" });
    await expect.poll(() => requestsInFlight(s)).toBe(2);

    s.signal("SIGTERM");
    await expect(post.answer).rejects.toThrow();
    expect(await s.exited).toEqual({ code: 0, signal: null });
    const messages = logLines(s).map((line) => line.message);
    expect(messages).toEqual(
      expect.arrayContaining(["requests still in flight at the end of the grace period: connections closed", "shut down cleanly"]),
    );
    // (This test's own connection keeps the SQLite file open, so a -wal file stays: the test above checks that.)
    expect(await t.db.selectFrom("submission").select("id").where("title", "=", "Never finished").execute()).toEqual([]);
  });
});
