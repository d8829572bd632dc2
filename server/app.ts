import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { createRequestHandler } from "@react-router/express";
import express from "express";
import "react-router";
import * as build from "virtual:react-router/server-build";

/** The React Router build this host serves, for the benchmark's bare-framework floor (bench/bare-server.js). */
export { build };
import { countReferenceData } from "../db/reference.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts } from "../db/seed/demo.ts";
import { CLIENT_IP_HEADER } from "../app/.server/auth.ts";
import { hasSessionCookie } from "../app/.server/session.ts";
import { requestScope } from "../app/.server/request-scope.ts";
import { db } from "../app/.server/db.ts";
import { seedDemoSubmissions } from "../app/.server/demo-submissions.ts";
import { startBackgroundWork } from "../app/.server/notifications.ts";
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
 * demo accounts seeded into an empty database when demo seeding is on.
 */
export async function prepare() {
  const config = env();
  applyBankHolidayChanges(config.bankHolidayChanges);
  const database = db();
  const applied = await migrateToLatest(database);
  const seeded = config.demoSeed ? await seedDemoAccounts(database) : false;
  // Demo submissions go with the demo accounts: only into the database the accounts were just seeded into.
  const demoSubmissions = seeded ? await seedDemoSubmissions(database) : 0;
  return {
    config,
    applied,
    seeded,
    demoSubmissions,
    reference: await countReferenceData(database),
    demoAccounts: config.demoSeed ? DEMO_ACCOUNTS.map((a) => ({ email: a.email, role: a.role })) : [],
    demoPassword: DEMO_PASSWORD,
  };
}

/** Retries unsent email and raises national-clock warnings, once a minute, in every instance. */
export function startBackground(): () => void {
  return startBackgroundWork(db());
}

export function contentSecurityPolicy(nonce: string, options: { production: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    // `npm run dev`: Vite's hot reload talks over its own websocket port.
    options.production ? "connect-src 'self'" : "connect-src 'self' ws:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
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

  const requestId = randomUUID();
  res.locals.requestId = requestId;
  res.setHeader("X-Request-Id", requestId);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "DENY");
  // React Router's server render writes inline scripts (hydration data, module loader), so scripts
  // are allowed from this server and by a fresh per-response nonce, never 'unsafe-inline': an
  // injected <script> or onerror= cannot run. Styles stay 'unsafe-inline' for a few style="" attributes.
  const cspNonce = randomBytes(16).toString("base64");
  res.locals.cspNonce = cspNonce;
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(cspNonce, { production: config.production }));
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
app.use((req, res, next) => {
  const replayBody = res.locals.replayBody as Buffer | undefined;
  const request = replayBody ? replaying(req, replayBody) : req;
  requestScope.run(new Map(), () => handleWithReactRouter(request, res, next));
});
