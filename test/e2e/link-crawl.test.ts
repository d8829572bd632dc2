import { describe, expect, it } from "vitest";
import { chromiumPath, isolatedServer, signedInAs } from "./browser.ts";
import { ACCOUNT } from "./demo.ts";
import { codeShapedText, readableText } from "../support/code-shaped.ts";

/**
 * Every link a person is offered goes somewhere they may go: signed in as each role with the demo
 * data, follow every same-site link from the home page, breadth first, and expect 200 from each
 * (an evidence download included). A page offered a link it then refuses (403), or one that does
 * not exist (404), fails here by name. Addresses that differ only by an id are crawled a few
 * times each, not for every submission, so the crawl stays short.
 *
 * Each page's readable text is checked as it goes: nothing on it may look like a stored code
 * (snake_case or camelCase keys, field paths, raw ids, "?" or "undefined" placeholders) outside a
 * field that is a code by nature, which the page marks up as `<code>`.
 */
describe.skipIf(!chromiumPath)("every link answers for the person it is shown to", () => {
  const env = isolatedServer();

  /** `/submissions/<uuid>/sections/about?field=x` → `/submissions/:id/sections/about`: one shape of page. */
  const shapeOf = (path: string) =>
    path
      .split("?")[0]!
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ":id")
      .replace(/\/\d+(?=\/|$)/g, "/:n");

  /** Links that act rather than show, or leave for another page of the same shape forever. */
  const SKIP = [/^\/sign-out/, /^\/api\//];
  const PER_SHAPE = 3;
  const MAX_PAGES = 250;

  it.each([
    ["a system lead", ACCOUNT.lead],
    ["a system lead with a condition", ACCOUNT.leadWithCondition],
    ["a reviewer", ACCOUNT.reviewer],
    ["an administrator", ACCOUNT.admin],
  ])("as %s", async (_who, email) => {
    const { context } = await signedInAs(env.browser, env.server, email, false);
    const seen = new Set<string>();
    const perShape = new Map<string, number>();
    const queue: { path: string; from: string }[] = [{ path: "/", from: "(start)" }];
    const failures: string[] = [];
    let fetched = 0;
    while (queue.length > 0 && fetched < MAX_PAGES) {
      const { path, from } = queue.shift()!;
      fetched += 1;
      const response = await context.request.get(path, { maxRedirects: 5 });
      if (response.status() !== 200) {
        failures.push(`${path} answered ${response.status()} (linked from ${from})`);
        continue;
      }
      if (!(response.headers()["content-type"] ?? "").startsWith("text/html")) continue;
      const html = await response.text();
      // One title, named for the page: a route's meta and a form page's own title never both.
      const head = /<head>[\s\S]*<\/head>/.exec(html)?.[0] ?? "";
      const titles = [...head.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
      if (titles.length !== 1 || !/\S – NCM Assure$/.test(titles[0] ?? "")) failures.push(`${path} has titles ${JSON.stringify(titles)}`);
      for (const shape of codeShapedText(titles.join(" "))) failures.push(`${path}'s title shows ${shape}`);
      const main = /<main\b[\s\S]*<\/main>/.exec(html)?.[0] ?? html;
      for (const shape of codeShapedText(readableText(main))) failures.push(`${path} shows ${shape}`);
      for (const [, href] of html.matchAll(/<a\b[^>]*\shref="([^"]+)"/g)) {
        const decoded = href!.replace(/&amp;/g, "&");
        if (!decoded.startsWith("/") || decoded.startsWith("//")) continue;
        const target = decoded.split("#")[0]!;
        if (target === "" || seen.has(target) || SKIP.some((s) => s.test(target))) continue;
        const shape = shapeOf(target);
        const count = perShape.get(shape) ?? 0;
        if (count >= PER_SHAPE) continue;
        perShape.set(shape, count + 1);
        seen.add(target);
        queue.push({ path: target, from: path });
      }
    }
    expect(failures).toEqual([]);
    // The crawl reached the person's working pages, not only the home page.
    expect(fetched).toBeGreaterThan(20);
    await context.close();
  });
});
