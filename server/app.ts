import { randomBytes, randomUUID } from "node:crypto";
import { createRequestHandler } from "@react-router/express";
import express from "express";
import "react-router";
import { countReferenceData } from "../db/reference.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts } from "../db/seed/demo.ts";
import { CLIENT_IP_HEADER } from "../app/.server/auth.ts";
import { db } from "../app/.server/db.ts";
import { seedDemoSubmissions } from "../app/.server/demo-submissions.ts";
import { startBackgroundWork } from "../app/.server/notifications.ts";
import { env } from "../app/.server/env.ts";

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

  // Refuse state-changing requests from other sites (CSRF): the Origin a browser sends must be
  // this server's own. Requests without Origin or Fetch Metadata (curl, scripts) carry no ambient cookies risk.
  if (!["GET", "HEAD", "OPTIONS"].includes(req.method)) {
    const origin = req.get("origin");
    const sameOrigin = origin === undefined || origin === `${req.protocol}://${req.get("host")}` || origin === config.baseUrl;
    const site = req.get("sec-fetch-site");
    if (!sameOrigin || site === "cross-site") {
      res.status(403).type("text/plain").send("This request came from another site and was refused.");
      return;
    }
  }
  next();
});

app.use(
  createRequestHandler({
    build: () => import("virtual:react-router/server-build"),
    getLoadContext: (_req, res) => ({ requestId: res.locals.requestId as string, cspNonce: res.locals.cspNonce as string }),
  }),
);
