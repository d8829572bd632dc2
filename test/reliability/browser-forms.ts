import { DEMO_PASSWORD } from "../../db/seed/demo.ts";

/**
 * Form posts as a browser without JavaScript sends them: urlencoded, same-origin Origin and Fetch
 * Metadata, the session cookie, redirects not followed (a redirect is how an action says "done").
 */

export type Outcome =
  | { kind: "applied"; status: number; location: string }
  | { kind: "conflict" | "refused"; status: number; message: string }
  | { kind: "other"; status: number; body: string }
  /** The connection failed or was cut before an answer came (the server was killed). */
  | { kind: "no-answer"; error: string };

export async function signIn(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/sign-in`, {
    method: "POST",
    headers: browserHeaders(baseUrl),
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: "/" }),
    redirect: "manual",
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (response.status !== 302 || cookies.length === 0) throw new Error(`sign-in as ${email} answered ${response.status}`);
  return cookies.join("; ");
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
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${pathname}`, {
      method: "POST",
      headers: browserHeaders(baseUrl, cookie),
      body: new URLSearchParams(fields),
      redirect: "manual",
    });
  } catch (error) {
    return { kind: "no-answer", error: String((error as Error).cause ?? error) };
  }
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    return { kind: "no-answer", error: String((error as Error).cause ?? error) };
  }
  const location = response.headers.get("location");
  if ((response.status === 302 || response.status === 303) && location && !location.startsWith("/sign-in")) {
    return { kind: "applied", status: response.status, location };
  }
  const text = visibleText(body);
  if (response.status === 409 && text.includes(CHANGED)) return { kind: "conflict", status: 409, message: CHANGED };
  if (response.status === 403) {
    // The refusal's reason is shown in the error summary, the page's first list of links.
    const reason = body.match(/nhsuk-error-summary__list[\s\S]*?<a [^>]*>([\s\S]*?)<\/a>/)?.[1];
    if (reason) return { kind: "refused", status: 403, message: visibleText(reason).trim() };
  }
  return { kind: "other", status: response.status, body: text.slice(0, 600) };
}
