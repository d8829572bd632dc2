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

  it("takes versioned secrets for rotation, newest first, in place of BETTER_AUTH_SECRET", () => {
    const [newer, older] = ["n".repeat(40), "o".repeat(40)];
    const config = loadEnv({ NODE_ENV: "production", BETTER_AUTH_SECRETS: `2:${newer}, 1:${older}` });
    expect(config.authSecrets).toEqual([
      { version: 2, value: newer },
      { version: 1, value: older },
    ]);
    expect(config.authSecret).toBe(newer);
    expect(() => loadEnv({ BETTER_AUTH_SECRETS: `2:${newer},1:short` })).toThrow(/version 1 must be at least 32 characters/);
    expect(() => loadEnv({ BETTER_AUTH_SECRETS: newer })).toThrow(/entry 1 must be "<version>:<secret>"/);
    expect(() => loadEnv({ BETTER_AUTH_SECRETS: `1:${newer},1:${older}` })).toThrow(/has a version twice/);
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

  describe("single sign-on", () => {
    const sso = {
      OIDC_ISSUER: "https://login.microsoftonline.com/tenant-id/v2.0/",
      OIDC_CLIENT_ID: "ncm-assure",
      OIDC_CLIENT_SECRET: "client-secret",
      OIDC_ALLOWED_DOMAINS: " nhs.net, @NHS.UK ,",
    };

    it("is off when none of its settings is given", () => {
      expect(loadEnv({ DATABASE_URL: tmp() }).sso).toBeUndefined();
      expect(loadEnv({ DATABASE_URL: tmp(), OIDC_ISSUER: "", OIDC_CLIENT_ID: "" }).sso).toBeUndefined();
    });

    it("reads a complete configuration, with NHSmail as the provider's name unless another is given", () => {
      expect(loadEnv({ DATABASE_URL: tmp(), ...sso }).sso).toEqual({
        issuer: "https://login.microsoftonline.com/tenant-id/v2.0",
        clientId: "ncm-assure",
        clientSecret: "client-secret",
        allowedDomains: ["nhs.net", "nhs.uk"],
        providerName: "NHSmail",
      });
      expect(loadEnv({ DATABASE_URL: tmp(), ...sso, OIDC_PROVIDER_NAME: "NHS login" }).sso?.providerName).toBe("NHS login");
    });

    it.each(["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ALLOWED_DOMAINS"] as const)(
      "refuses to start with %s missing from an otherwise complete configuration, and names it",
      (missing) => {
        const partial = { DATABASE_URL: tmp(), ...sso, [missing]: undefined };
        expect(() => loadEnv(partial)).toThrow(EnvError);
        expect(() => loadEnv(partial)).toThrow(new RegExp(`${missing} is required for single sign-on`));
      },
    );

    it("refuses the provider's name alone, which would leave single sign-on silently off", () => {
      expect(() => loadEnv({ DATABASE_URL: tmp(), OIDC_PROVIDER_NAME: "NHSmail" })).toThrow(/OIDC_ISSUER is required for single sign-on/);
    });

    it("refuses an issuer over plain http unless it is on this machine", () => {
      expect(() => loadEnv({ DATABASE_URL: tmp(), ...sso, OIDC_ISSUER: "http://login.example.nhs.uk" })).toThrow(
        /OIDC_ISSUER must be an https/,
      );
      expect(loadEnv({ DATABASE_URL: tmp(), ...sso, OIDC_ISSUER: "http://127.0.0.1:4000" }).sso?.issuer).toBe("http://127.0.0.1:4000");
      expect(() => loadEnv({ DATABASE_URL: tmp(), ...sso, OIDC_ISSUER: "not a url" })).toThrow(/OIDC_ISSUER/);
    });

    it("refuses allowed domains that are not domains", () => {
      expect(() => loadEnv({ DATABASE_URL: tmp(), ...sso, OIDC_ALLOWED_DOMAINS: "nhs.net, everyone" })).toThrow(
        /OIDC_ALLOWED_DOMAINS.* must be email domains separated by commas/,
      );
      expect(() => loadEnv({ DATABASE_URL: tmp(), ...sso, OIDC_ALLOWED_DOMAINS: " , " })).toThrow(
        /OIDC_ALLOWED_DOMAINS must name at least one/,
      );
    });
  });
});
