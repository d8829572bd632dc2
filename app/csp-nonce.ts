import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of the response being rendered (server/app.ts makes a fresh one
 * per response). Inline scripts carry it so the browser runs them, and nothing injected does. In the
 * browser it is empty: browsers hide nonces from the page, and hydration leaves existing scripts alone.
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
