import { describe, expect, it } from "vitest";
import { SSO_REFUSED, type SsoIdentity, ssoMessage, ssoRefusal } from "../../app/.server/single-sign-on.ts";

const sso = { allowedDomains: ["nhs.net"], providerName: "NHSmail" };
const invited: SsoIdentity = { action: "link-account", email: "sam.reviewer@nhs.net", emailVerified: true, deactivated: false };

describe("who single sign-on lets in", () => {
  it.each<[string, Partial<SsoIdentity>, string | undefined]>([
    ["an invited account, first time", {}, undefined],
    ["a linked account, again", { action: "sign-in" }, undefined],
    ["an address in capitals", { email: "Sam.Reviewer@NHS.NET" }, undefined],
    ["email_verified sent as text", { emailVerified: "true" }, undefined],
    ["nobody invited", { action: "create-user" }, SSO_REFUSED.notInvited],
    ["email_verified false", { emailVerified: false }, SSO_REFUSED.unverified],
    ["no email_verified claim", { emailVerified: undefined }, SSO_REFUSED.unverified],
    ["email_verified as anything else", { emailVerified: 1 }, SSO_REFUSED.unverified],
    ["unverified and not invited: verification first", { emailVerified: false, action: "create-user" }, SSO_REFUSED.unverified],
    ["another domain", { email: "sam@gmail.com" }, SSO_REFUSED.domain],
    ["a subdomain of an allowed one", { email: "sam@evil.nhs.net" }, SSO_REFUSED.domain],
    ["an allowed domain inside another", { email: "sam@nhs.net.example.com" }, SSO_REFUSED.domain],
    ["no email", { email: undefined }, SSO_REFUSED.domain],
    ["another domain, not invited: the domain first", { email: "sam@gmail.com", action: "create-user" }, SSO_REFUSED.domain],
    ["a deactivated account", { deactivated: true }, SSO_REFUSED.deactivated],
    ["a deactivated, linked account", { deactivated: true, action: "sign-in" }, SSO_REFUSED.deactivated],
  ])("%s", (_, change, refusal) => {
    expect(ssoRefusal(sso, { ...invited, ...change })).toBe(refusal);
  });
});

describe("what the sign-in page says when single sign-on comes back refused", () => {
  it("names what to do for each of our refusals, in the provider's name", () => {
    expect(ssoMessage(SSO_REFUSED.notInvited, sso)).toBe(
      "Your NHSmail account is not registered with NCM Assure. Ask your programme administrator to invite you, using your NHSmail email address.",
    );
    expect(ssoMessage(SSO_REFUSED.domain, { allowedDomains: ["nhs.net", "nhs.uk"], providerName: "NHSmail" })).toContain(
      "an email address ending @nhs.net or @nhs.uk",
    );
    expect(ssoMessage(SSO_REFUSED.unverified, { ...sso, providerName: "NHS login" })).toMatch(
      /^NHS login has not confirmed your email address/,
    );
    expect(ssoMessage(SSO_REFUSED.deactivated, sso)).toContain("has been deactivated");
  });

  it("gives better-auth's own refusals the same words as ours", () => {
    expect(ssoMessage("signup_disabled", sso)).toBe(ssoMessage(SSO_REFUSED.notInvited, sso));
    expect(ssoMessage("account_not_linked", sso)).toBe(ssoMessage(SSO_REFUSED.unverified, sso));
    for (const code of ["state_mismatch", "state_not_found", "state_invalid", "please_restart_the_process"]) {
      expect(ssoMessage(code, sso)).toMatch(/had expired or was started in another window/);
    }
  });

  it("says something useful for anything else, never the code", () => {
    for (const code of ["unable_to_get_user_info", "invalid_code", "issuer_mismatch", "<script>"]) {
      expect(ssoMessage(code, sso)).toBe(
        "NCM Assure could not confirm who you are with NHSmail. Try again. If it happens again, sign in with your email address and password.",
      );
    }
  });
});
