import { createHash, timingSafeEqual } from "node:crypto";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { poolOf } from "../../db/client.ts";
import { db } from "./db.ts";
import { logError } from "./log.ts";

/**
 * The service's Prometheus figures, on a registry of its own (nothing a library registers on
 * prom-client's global one is served by accident). Served at GET /metrics (server/app.ts) to
 * whoever holds METRICS_TOKEN.
 */

export interface JobQueueStats {
  queue: string;
  queued: number;
  active: number;
  failed: number;
}

function build() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from a request's arrival to its last byte sent, by route (the React Router route id, not the address)",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const requestsInFlight = new Gauge({
    name: "http_requests_in_flight",
    help: "Requests received and not yet answered (a drain on SIGTERM waits for these)",
    registers: [registry],
  });

  const workflowEvents = new Counter({
    name: "ncm_workflow_events_total",
    help: "Workflow events applied to submissions (committed), by event type",
    labelNames: ["event"] as const,
    registers: [registry],
  });

  const state = { jobStats: async (): Promise<JobQueueStats[]> => [] };

  new Gauge({
    name: "ncm_job_queue_jobs",
    help: "Background jobs by queue and state (queued, active, failed)",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      let rows: JobQueueStats[];
      try {
        rows = await state.jobStats();
      } catch (error) {
        // A scrape must not fail because the queue's store is away; the figures are simply absent.
        logError("metrics: job queue figures unavailable", { error });
        return;
      }
      for (const row of rows) {
        this.set({ queue: row.queue, state: "queued" }, row.queued);
        this.set({ queue: row.queue, state: "active" }, row.active);
        this.set({ queue: row.queue, state: "failed" }, row.failed);
      }
    },
  });

  // PostgreSQL only: SQLite has one connection per process and nothing that waits for another.
  new Gauge({
    name: "ncm_db_pool_connections",
    help: "PostgreSQL pool connections: total open, idle, and requests waiting for one",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const pool = poolOf(db());
      if (!pool) return;
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });

  return { registry, requestDuration, requestsInFlight, workflowEvents, state };
}

// One set per process, kept on globalThis so the dev server's module reloads do not start counting afresh.
const holder = globalThis as typeof globalThis & { __ncmMetrics?: ReturnType<typeof build> };
holder.__ncmMetrics ??= build();
const metrics = holder.__ncmMetrics;

/** Called as a request arrives (server/app.ts); observeRequest is called when it ends. */
export function requestStarted(): void {
  metrics.requestsInFlight.inc();
}

/** Called once per response (server/app.ts) with the route's label and the time taken. */
export function observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void {
  metrics.requestsInFlight.dec();
  metrics.requestDuration.observe({ method: labels.method, route: labels.route, status_code: String(labels.status) }, seconds);
}

/** Called after a workflow event's transaction has committed. */
export function countWorkflowEvent(type: string): void {
  metrics.workflowEvents.inc({ event: type });
}

/**
 * Where the job queue's figures come from: the queue registers a reader at start-up, and every
 * scrape calls it. Until then there are none.
 */
export function reportJobStatsWith(read: () => Promise<JobQueueStats[]>): void {
  metrics.state.jobStats = read;
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}

/**
 * Whether an Authorization header carries the metrics token. Both sides are hashed first, so the
 * comparison takes the same time whatever was sent, and its length tells nothing either.
 */
export function holdsMetricsToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(authorization ?? "");
  if (!match) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}
