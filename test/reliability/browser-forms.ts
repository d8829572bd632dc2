import http from "node:http";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";

/**
 * Form posts as a browser without JavaScript sends them: urlencoded, same-origin Origin and Fetch
 * Metadata, the session cookie, redirects not followed (a redirect is how an action says "done").
 *
 * Each post has a connection of its own. fetch keeps idle connections for reuse, and while the test
 * process is busy (better-sqlite3 blocks its event loop while preparing data) it can reuse one the
 * server has just closed after its keep-alive timeout: the post then fails with "other side
 * closed" although the server is fine. With no reuse, a failed connection means the server.
 */

export type Outcome =
  | { kind: "applied"; status: number; location: string }
  | { kind: "conflict" | "refused"; status: number; message: string }
  | { kind: "other"; status: number; body: string }
  /** The connection failed or was cut before an answer came (the server was killed). */
  | { kind: "no-answer"; error: string };

export async function signIn(baseUrl: string, email: string): Promise<string> {
  const response = await post(baseUrl, "/sign-in", { email, password: DEMO_PASSWORD, redirectTo: "/" });
  const cookies = (response.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]);
  if (response.status !== 302 || cookies.length === 0) throw new Error(`sign-in as ${email} answered ${response.status}`);
  return cookies.join("; ");
}

function post(baseUrl: string, pathname: string, fields: Record<string, string>, cookie?: string) {
  const body = new URLSearchParams(fields).toString();
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request(
      `${baseUrl}${pathname}`,
      { method: "POST", agent: false, headers: { ...browserHeaders(baseUrl, cookie), "content-length": Buffer.byteLength(body) } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("close", () => {
          if (response.complete) resolve({ status: response.statusCode!, headers: response.headers, body: text });
          else reject(new Error("the connection closed before the whole answer came"));
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function browserHeaders(baseUrl: string, cookie?: string): Record<string, string> {
  return {
    "content-type": "application/x-www-form-urlencoded",
    origin: baseUrl,
    "sec-fetch-site": "same-origin",
    "sec-fetch-mode": "navigate",
    ...(cookie ? { cookie } : {}),
  };
}

/** The text of the page's error summary and messages, with the HTML entities React escapes decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const CHANGED = "Someone else changed this submission while you were working on it.";

export async function postForm(baseUrl: string, pathname: string, cookie: string, fields: Record<string, string>): Promise<Outcome> {
  let response: Awaited<ReturnType<typeof post>>;
  try {
    response = await post(baseUrl, pathname, fields, cookie);
  } catch (error) {
    return { kind: "no-answer", error: String(error) };
  }
  const { status, body } = response;
  const location = response.headers.location;
  if ((status === 302 || status === 303) && location && !location.startsWith("/sign-in")) {
    return { kind: "applied", status, location };
  }
  const text = visibleText(body);
  if (status === 409 && text.includes(CHANGED)) return { kind: "conflict", status: 409, message: CHANGED };
  if (status === 403) {
    // The refusal's reason is shown in the error summary, the page's first list of links.
    const reason = body.match(/nhsuk-error-summary__list[\s\S]*?<a [^>]*>([\s\S]*?)<\/a>/)?.[1];
    if (reason) return { kind: "refused", status: 403, message: visibleText(reason).trim() };
  }
  return { kind: "other", status, body: text.slice(0, 600) };
}
