import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { createRequestHandler } from "@react-router/express";
import express from "express";
import { matchRoutes, type RouteObject } from "react-router";
import * as build from "virtual:react-router/server-build";

/** The React Router build this host serves, for the benchmark's bare-framework floor (bench/bare-server.js). */
export { build };
/** The service's logger, for server.js (its start-up line, its shutdown). */
export { logger } from "../app/.server/log.ts";
import { countReferenceData } from "../db/reference.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { loadCriteriaSets } from "../db/criteria-sets.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts } from "../db/seed/demo.ts";
import { CLIENT_IP_HEADER } from "../app/.server/auth.ts";
import { hasSessionCookie } from "../app/.server/session.ts";
import { requestScope, signedInUserOf } from "../app/.server/request-scope.ts";
import { db } from "../app/.server/db.ts";
import { logError, logger } from "../app/.server/log.ts";
import { holdsMetricsToken, metricsText, observeRequest, requestStarted } from "../app/.server/metrics.ts";
import { dialectOf, pingDatabase } from "../db/client.ts";
import { seedDemoSubmissions } from "../app/.server/demo-submissions.ts";
import { startJobs } from "../app/.server/background.ts";
import { env } from "../app/.server/env.ts";
import { applyBankHolidayChanges } from "../workflows/clock.ts";
import { bodyLimitFor } from "../app/.server/forms.ts";

declare module "react-router" {
  interface AppLoadContext {
    requestId: string;
    /** This response's Content-Security-Policy nonce: the only inline scripts the browser will run carry it. */
    cspNonce: string;
  }
}

/**
 * Everything that must be true before the first request: configuration valid, schema migrated,
 * criteria sets loaded,
 * demo accounts seeded into an empty database when demo seeding is on.
 */
export async function prepare() {
  const config = env();
  logger.level = config.logLevel;
  applyBankHolidayChanges(config.bankHolidayChanges);
  const database = db();
  const applied = await migrateToLatest(database);
  // Every published criteria set is checked and compiled now: a malformed one stops the start with
  // a message naming the set and the criterion, rather than failing a lead's save later.
  const criteriaSets = await loadCriteriaSets(database);
  const seeded = config.demoSeed ? await seedDemoAccounts(database) : false;
  // Demo submissions go with the demo accounts: only into the database the accounts were just seeded into.
  const demoSubmissions = seeded ? await seedDemoSubmissions(database) : 0;
  return {
    config,
    applied,
    seeded,
    demoSubmissions,
    reference: await countReferenceData(database),
    criteriaSets: criteriaSets.list.map((set) => set.id),
    demoAccounts: config.demoSeed ? DEMO_ACCOUNTS.map((a) => ({ email: a.email, role: a.role })) : [],
    demoPassword: DEMO_PASSWORD,
  };
}

/**
 * Starts this instance's job runner (decision 009): the clock sweep and the outbox once a minute
 * across all instances, email soon after it is written, impact simulations a batch at a time. The
 * function returned stops it, resolving when the jobs in hand have finished.
 */
export function startBackground(): () => Promise<void> {
  const started = startJobs();
  started.catch((error) => logError("background jobs did not start", { error }));
  return async () => {
    const stop = await started.catch(() => null);
    await stop?.();
  };
}

// Kept on globalThis: `npm run dev` loads this module afresh after an edit, and the drain must
// still be seen by the copy that answers readiness.
const lifecycle = globalThis as typeof globalThis & { __ncmDraining?: boolean };

/** From SIGTERM on (server.js): readiness answers 503 and every response closes its connection. */
export function beginDraining(): void {
  lifecycle.__ncmDraining = true;
}

/** Closes the database last, once no request or background work can use it (server.js). */
export async function closeDatabase(): Promise<void> {
  await db().destroy();
}

/**
 * The label a request is counted and logged under: the React Router route that answers the
 * address (its id, such as "routes/submission-section"), never the address itself, whose ids would
 * make a new time series per submission. Data requests (/x.data) count as their page.
 */
function routeTree(parentId?: string): RouteObject[] {
  return Object.values(build.routes)
    .filter((r) => r!.parentId === parentId)
    .map((r) =>
      r!.index
        ? { id: r!.id, index: true, path: r!.path, caseSensitive: r!.caseSensitive }
        : { id: r!.id, path: r!.path, caseSensitive: r!.caseSensitive, children: routeTree(r!.id) },
    );
}
const routes = routeTree();

export function routeLabel(pathname: string): string {
  const page = pathname === "/_root.data" ? "/" : pathname.replace(/\.data$/, "");
  return matchRoutes(routes, page)?.at(-1)?.route.id ?? "unmatched";
}

/**
 * Mounted first (server.js), so that every request, static files included, gets an id, one
 * access log line and a place in the request-duration histogram. The line has the path without
 * its query (search terms and return addresses may name people) and the signed-in user's id when
 * a loader looked the session up; headers and bodies are never logged.
 */
export function observeRequests(req: express.Request, res: express.Response, next: express.NextFunction) {
  const started = process.hrtime.bigint();
  requestStarted();
  const requestId = randomUUID();
  res.locals.requestId = requestId;
  res.locals.scope = new Map<string, unknown>();
  res.setHeader("X-Request-Id", requestId);
  // Keep-alive clients must reconnect (to another instance) rather than reuse a connection that is closing.
  if (lifecycle.__ncmDraining) res.setHeader("Connection", "close");
  const path = req.path;
  res.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = (res.locals.route as string | undefined) ?? routeLabel(path);
    const status = res.statusCode;
    observeRequest({ method: req.method, route, status }, seconds);
    logger.info(
      {
        requestId,
        method: req.method,
        path,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        userId: signedInUserOf(res.locals.scope as Map<string, unknown>),
        ...(status >= 500 ? { errorId: requestId } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      "request",
    );
  });
  next();
}

export function contentSecurityPolicy(nonce: string, options: { production: boolean; formTargets?: string[] }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    // `npm run dev`: Vite's hot reload talks over its own websocket port.
    options.production ? "connect-src 'self'" : "connect-src 'self' ws:",
    "object-src 'none'",
    "base-uri 'self'",
    // Chromium applies form-action to where a form's answer redirects too: "Sign in with NHSmail"
    // posts here and is redirected to the identity provider.
    ["form-action 'self'", ...(options.formTargets ?? [])].join(" "),
    "frame-ancestors 'none'",
  ].join("; ");
}

export const app = express();
app.disable("x-powered-by");
// Behind a load balancer (TRUST_PROXY=1), the client is the address the balancer appended to
// X-Forwarded-For: trust exactly that one hop. Without this, req.ip stayed the balancer's own
// address, so one person guessing passwords throttled sign-in for everyone (and earlier entries,
// which the client wrote itself, are never believed).
app.set("trust proxy", (_address: string, hop: number) => env().trustProxy && hop === 0);

app.use((req, res, next) => {
  const config = env();
  // The client's address, for per-client sign-in throttling. Whatever the client sent in this
  // header is discarded; behind a proxy (TRUST_PROXY=1) express reads X-Forwarded-For instead.
  const ip = (config.trustProxy ? req.ip : req.socket.remoteAddress) ?? "unknown";
  req.headers[CLIENT_IP_HEADER] = ip;

  // server.js gives every request its id first (observeRequests); the bench mounts this app alone.
  if (res.locals.requestId === undefined) {
    res.locals.requestId = randomUUID();
    res.setHeader("X-Request-Id", res.locals.requestId);
  }
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "DENY");
  // React Router's server render writes inline scripts (hydration data, module loader), so scripts
  // are allowed from this server and by a fresh per-response nonce, never 'unsafe-inline': an
  // injected <script> or onerror= cannot run. Styles stay 'unsafe-inline' for a few style="" attributes.
  const cspNonce = randomBytes(16).toString("base64");
  res.locals.cspNonce = cspNonce;
  res.setHeader(
    "Content-Security-Policy",
    contentSecurityPolicy(cspNonce, { production: config.production, formTargets: config.sso ? [new URL(config.sso.issuer).origin] : [] }),
  );
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");

  // Pages show people's submissions, reviews and accounts: no browser or proxy keeps a copy. Routes
  // that set their own Cache-Control (evidence, CSV) add to it; the header stays no-store.
  res.setHeader("Cache-Control", "no-store");

  if (!SAFE_METHODS.has(req.method)) {
    // Refuse state-changing requests from other sites (CSRF): the Origin a browser sends must be
    // this server's own. A request carrying a session cookie must also say where it came from:
    // every browser sends Origin or Sec-Fetch-Site on a POST, so one with neither is a script or a
    // scanner replaying a stolen or borrowed cookie (decision 005).
    const origin = req.get("origin");
    const sameOrigin = origin === undefined || origin === `${req.protocol}://${req.get("host")}` || origin === config.baseUrl;
    const site = req.get("sec-fetch-site");
    if (!sameOrigin || site === "cross-site" || site === "same-site") {
      refuse(res, 403, "This request came from another site", "This request came from another site and was refused.");
      return;
    }
    if (origin === undefined && site === undefined && hasSessionCookie(req.get("cookie"))) {
      refuse(
        res,
        403,
        "This request did not say where it came from",
        "Signed-in changes must come from the service's own pages. Go back to the page and try again.",
      );
      return;
    }

    // Form bodies are limited before anything reads them, so a huge post cannot fill the server's
    // memory; the evidence upload streams its body under its own limit.
    const limit = bodyLimitFor(req.path);
    const declared = req.get("content-length");
    if (limit === null) {
      next();
      return;
    }
    const tooLarge = () =>
      refuse(
        res,
        413,
        "The form you sent was too large",
        `Forms on this service can be at most ${Math.round(limit / 1024)} KB. Nothing you saved before has changed: go back, shorten the text, and send it again.`,
      );
    if (declared === undefined && req.get("transfer-encoding") !== undefined) {
      // Sent in chunks with no length: counted as it arrives and refused once past the limit, so
      // it is held only up to the limit; within it, React Router reads the bytes already taken.
      readWithin(req, limit).then(
        (body) => {
          if (body === null) tooLarge();
          else {
            res.locals.replayBody = body;
            next();
          }
        },
        () => res.destroy(),
      );
      return;
    }
    if (declared !== undefined && Number(declared) > limit) {
      tooLarge();
      return;
    }
  }
  next();
});

/** Past the limit, a chunked body is still read (not kept) up to this, so the client gets the 413 page rather than a reset connection. */
const MAX_DISCARDED_BYTES = 8 * 1024 * 1024;

/** The whole body if it is at most `limit` bytes, else null; nothing past the limit is kept. */
function readWithin(req: express.Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limit) chunks.push(chunk);
      else if (seen > MAX_DISCARDED_BYTES) {
        req.off("data", onData);
        req.pause();
        resolve(null);
      }
    };
    req.on("data", onData);
    req.once("end", () => resolve(seen <= limit ? Buffer.concat(chunks) : null));
    req.once("error", reject);
  });
}

/**
 * The request as React Router's adapter reads it, with the body it already gave up replayed: the
 * adapter reads a request's body only through these stream methods.
 */
function replaying(req: express.Request, body: Buffer): express.Request {
  const replay = Readable.from([body], { objectMode: false });
  const stand = Object.create(req) as express.Request;
  for (const method of ["on", "once", "off", "pause", "resume", "destroy"] as const) {
    Object.defineProperty(stand, method, { value: (replay[method] as (...args: unknown[]) => unknown).bind(replay) });
  }
  Object.defineProperty(stand, "readable", { get: () => replay.readable });
  Object.defineProperty(stand, "readableHighWaterMark", { get: () => replay.readableHighWaterMark });
  return stand;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A small HTML page for refusals the host makes before React Router (and so before its error
 * pages). The connection is closed, so an unread body is discarded rather than drained.
 */
function refuse(res: express.Response, status: number, title: string, message: string) {
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res
    .status(status)
    .set("Connection", "close")
    .type("html")
    .send(
      `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – NCM Assure</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Go to your home page</a></p></main></body></html>`,
    );
}

const handleWithReactRouter = createRequestHandler({
  // The build itself, not a function returning it: given a function, React Router rebuilds its
  // route table and handlers on every request (for hot reload, which `npm run dev` gets by
  // loading this module afresh per request instead).
  build,
  getLoadContext: (_req, res) => ({ requestId: res.locals.requestId as string, cspNonce: res.locals.cspNonce as string }),
});

/**
 * A load balancer's readiness probe: 503 from SIGTERM on, so it sends no new work while this
 * instance drains, and whenever the database does not answer. /healthz is the liveness probe.
 */
app.get("/health/ready", async (_req, res) => {
  res.locals.route = "health/ready";
  if (lifecycle.__ncmDraining) {
    res.status(503).json({ status: "draining" });
    return;
  }
  const database = db();
  try {
    await pingDatabase(database);
    res.json({ status: "ready", database: { engine: dialectOf(database), reachable: true } });
  } catch (error) {
    logError("readiness check: database unreachable", { error });
    res.status(503).json({ status: "unavailable", database: { engine: dialectOf(database), reachable: false } });
  }
});

/**
 * Prometheus figures, for whoever holds METRICS_TOKEN as a bearer token. Without the setting the
 * address does not exist (404 from the not-found page below).
 */
app.get("/metrics", async (req, res, next) => {
  const token = env().metricsToken;
  if (token === undefined) {
    next();
    return;
  }
  res.locals.route = "metrics";
  if (!holdsMetricsToken(req.get("authorization"), token)) {
    res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text").send("A valid metrics token is required.\n");
    return;
  }
  const { contentType, body } = await metricsText();
  res.type(contentType).send(body);
});

app.use((req, res, next) => {
  // A chunked form body was read while it was counted (the body limit above): React Router reads it again from here.
  const replayBody = res.locals.replayBody as Buffer | undefined;
  const request = replayBody ? replaying(req, replayBody) : req;
  requestScope.run((res.locals.scope as Map<string, unknown> | undefined) ?? new Map(), () => handleWithReactRouter(request, res, next));
});

/**
 * A failure outside React Router's own error handling (which logs and renders the friendly page
 * itself): logged under the request's id, which the page shows for the service desk.
 */
app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
  const errorId = res.locals.requestId as string;
  logError("unexpected error", { errorId, method: req.method, path: req.path, error });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  refuse(
    res,
    500,
    "Sorry, there is a problem with the service",
    `Try again later. If you contact the service desk, quote error ID ${errorId}.`,
  );
});
