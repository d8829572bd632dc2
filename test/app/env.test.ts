import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../../app/.server/env.ts";

const tmp = () => `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ncm-env-")), "app.db")}`;

describe("configuration checked at start-up", () => {
  it("refuses to start in production without BETTER_AUTH_SECRET, and says how to make one", () => {
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(EnvError);
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/BETTER_AUTH_SECRET is required when NODE_ENV=production/);
  });

  it("reads bank holidays announced after the release, and refuses them malformed", () => {
    expect(loadEnv({ BANK_HOLIDAY_CHANGES: '{"added":["2031-06-09"]}' }).bankHolidayChanges).toEqual({ added: ["2031-06-09"], moved: [] });
    expect(loadEnv({}).bankHolidayChanges).toBeUndefined();
    expect(() => loadEnv({ BANK_HOLIDAY_CHANGES: "next Tuesday" })).toThrow(/BANK_HOLIDAY_CHANGES must be JSON/);
    expect(() => loadEnv({ BANK_HOLIDAY_CHANGES: '{"added":["2031-02-30"]}' })).toThrow(/BANK_HOLIDAY_CHANGES/);
  });

  it("refuses a short secret", () => {
    expect(() => loadEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: "short" })).toThrow(/at least 32 characters/);
  });

  it("runs production without the demo seed unless asked", () => {
    const secret = "s".repeat(40);
    expect(loadEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: secret }).demoSeed).toBe(false);
    expect(loadEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: secret, DEMO_SEED: "1" }).demoSeed).toBe(true);
  });

  it("in development, seeds demo data and keeps one generated secret beside the database", () => {
    const url = tmp();
    const first = loadEnv({ DATABASE_URL: url });
    expect(first.demoSeed).toBe(true);
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadEnv({ DATABASE_URL: url }).authSecret).toBe(first.authSecret);
    expect(first.baseUrl).toBe("http://localhost:3000");
    expect(first.port).toBe(3000);
  });

  it("treats an empty variable as not set", () => {
    expect(loadEnv({ DATABASE_URL: tmp(), BASE_URL: "", PORT: "" })).toMatchObject({ baseUrl: "http://localhost:3000", port: 3000 });
  });

  it("names the problem with a DATABASE_URL it cannot use", () => {
    expect(() => loadEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must start with file:/);
  });
});
