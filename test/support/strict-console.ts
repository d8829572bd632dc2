import { afterEach, beforeEach, vi } from "vitest";

// A console.error nobody expected fails the test: React warnings and swallowed errors are bugs.
// A test that expects one spies on console.error itself and restores it.
let unexpected: unknown[][] = [];
beforeEach(() => {
  unexpected = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    unexpected.push(args);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (unexpected.length > 0) {
    throw new Error(`Unexpected console.error:\n${unexpected.map((a) => a.map(String).join(" ")).join("\n")}`);
  }
});
