import { describe, expect, it } from "vitest";
import { z } from "zod";
import { clipToSchema } from "../../app/.server/forms.ts";
import { sectionFormSchemas } from "../../app/forms/section-schemas.ts";

describe("what a form sends back with its errors", () => {
  it("keeps a long answer up to its own maximum (section answers are parsed from text by transforms)", () => {
    const schema = sectionFormSchemas.governance;
    const long = "x".repeat(6000);
    expect(
      (clipToSchema({ patientAndPublicEngagementSummary: long }, schema) as Record<string, string>).patientAndPublicEngagementSummary,
    ).toBe(long);
    const tooLong = "y".repeat(12_000);
    expect(
      (clipToSchema({ patientAndPublicEngagementSummary: tooLong }, schema) as Record<string, string>).patientAndPublicEngagementSummary,
    ).toHaveLength(10_000);
  });

  it("cuts a string to its schema's max, drops fields the form does not have, and caps the rest", () => {
    const schema = z.object({ email: z.email().max(254), note: z.string().optional() });
    expect(clipToSchema({ email: "a".repeat(1000), note: "n".repeat(5000), forged: "z" }, schema)).toEqual({
      email: "a".repeat(254),
      note: "n".repeat(1000),
    });
  });

  it("finds a field's maximum under its wrappers, and clips a form of several intents by the one it posted", () => {
    const wrapped = z.object({ note: z.string().max(5).optional().default(""), list: z.array(z.string().max(2)).default([]) });
    expect(clipToSchema({ note: "abcdefgh", list: ["xyz", "ab"] }, wrapped)).toEqual({ note: "abcde", list: ["xy", "ab"] });
    const intents = z.discriminatedUnion("intent", [
      z.object({ intent: z.literal("short"), text: z.string().max(3) }),
      z.object({ intent: z.literal("long"), text: z.string().max(8), more: z.string().max(2) }),
    ]);
    expect(clipToSchema({ intent: "short", text: "abcdefghij", more: "zzz" }, intents)).toEqual({ intent: "short", text: "abc" });
    expect(clipToSchema({ intent: "long", text: "abcdefghij", more: "zzz" }, intents)).toEqual({
      intent: "long",
      text: "abcdefgh",
      more: "zz",
    });
  });
});
