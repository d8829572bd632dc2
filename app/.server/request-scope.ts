import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What one HTTP request has already worked out, shared by every loader that runs for it. React
 * Router hands each loader its own copy of the Request, so the Request cannot carry it; the host
 * (server/app.ts) runs each request inside `requestScope.run(new Map(), …)`. Outside a request
 * (tests calling a loader directly, background work) there is no scope and nothing is remembered.
 */
export const requestScope = new AsyncLocalStorage<Map<string, unknown>>();

/** `work()` once per request and key; later callers in the same request get the same promise. */
export function oncePerRequest<T>(key: string, work: () => Promise<T>): Promise<T> {
  const scope = requestScope.getStore();
  if (!scope) return work();
  let promise = scope.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = work();
    scope.set(key, promise);
  }
  return promise;
}
