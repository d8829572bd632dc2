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

const SIGNED_IN_USER = "signed-in user id";

/** Remembers who the request's session belongs to, for its access log line (server/app.ts). */
export function noteSignedInUser(userId: string): void {
  requestScope.getStore()?.set(SIGNED_IN_USER, userId);
}

/** The signed-in user's id, once a loader or action has looked the session up; never their email. */
export function signedInUserOf(scope: Map<string, unknown> | undefined): string | undefined {
  return scope?.get(SIGNED_IN_USER) as string | undefined;
}
