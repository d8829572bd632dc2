import { describe, expect, it } from "vitest";
import { oncePerRequest, requestScope } from "../../app/.server/request-scope.ts";

describe("what one request has worked out", () => {
  it("is worked out once per request and key, and again for the next request", async () => {
    let runs = 0;
    const lookUp = () => oncePerRequest("session", async () => ++runs);
    const first = await requestScope.run(new Map(), async () => [await lookUp(), await lookUp(), await Promise.all([lookUp(), lookUp()])]);
    expect(first).toEqual([1, 1, [1, 1]]);
    expect(await requestScope.run(new Map(), lookUp)).toBe(2);
    // Another key in the same request is its own work.
    expect(await requestScope.run(new Map(), async () => [await lookUp(), await oncePerRequest("other", async () => "other")])).toEqual([
      3,
      "other",
    ]);
  });

  it("is worked out every time outside a request (tests, background work), so nothing leaks between callers", async () => {
    let runs = 0;
    const lookUp = () => oncePerRequest("session", async () => ++runs);
    expect([await lookUp(), await lookUp()]).toEqual([1, 2]);
  });
});
