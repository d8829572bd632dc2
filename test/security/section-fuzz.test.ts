import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDITABLE_SECTIONS, type EditableSection, SECTION_FIELDS } from "../../app/forms/sections.ts";
import type { FieldSpec } from "../../app/forms/spec.ts";
import { sectionSchemas } from "../../workflows/submission.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";
import { appDb, outcomeOf } from "./support.ts";

/**
 * Generated posts to the section pages' action: every section, the real field names and made-up
 * ones, missing and repeated fields, wrong types, unicode, huge strings, files where text belongs,
 * tampered list intents. Whatever arrives, the answer is a page (never a 500 or a thrown error),
 * and every section row in the database still fits its schema, so no later page can trip on it.
 */

const RUNS = 10_000;
const BATCH = 1_000;

let cleanup = () => {};
let cookie: string;
let submissionId: string;

beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
  const { startSubmissionForLead } = await import("../../app/.server/submissions.ts");
  const { findUserProfile } = await import("../../db/users.ts");
  const db = await appDb();
  const lead = await db.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
  const started = await startSubmissionForLead(db, (await findUserProfile(db, lead.id))!, {
    footprintCode: "E54000032",
    modelType: "MCP",
    title: "Fuzzed MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  submissionId = started.id;
  cookie = await sessionCookieFor("lead.kent@example.nhs.uk");
});
afterAll(() => cleanup());

/** A field of a section's form: its name as posted (`budget.capitatedSumPence`, `practices[2].listSize`) and what a browser would send. */
interface Field {
  name: string;
  plausible: fc.Arbitrary<string>;
}

const money = fc.nat({ max: 2_000_000_000 }).map((n) => (n / 100).toLocaleString("en-GB"));
const isoDate = fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2026, 0, 1) }).map((t) => new Date(t).toISOString().slice(0, 10));
const financialYear = fc.integer({ min: 2014, max: 2025 }).map((y) => `${y}-${String((y + 1) % 100).padStart(2, "0")}`);

function plausibleFor(spec: Exclude<FieldSpec, { kind: "heading" | "group" | "list" }>): fc.Arbitrary<string> {
  switch (spec.kind) {
    case "wholeNumber":
      return fc.nat({ max: 500_000 }).map((n) => n.toLocaleString("en-GB"));
    case "money":
      return money;
    case "percent":
    case "decimal":
      return fc.integer({ min: 0, max: 1000 }).map((n) => String(n / 10));
    case "date":
      return isoDate;
    case "financialYear":
      return financialYear;
    case "yesNo":
      return fc.constantFrom("yes", "no");
    case "radios":
    case "checkboxes":
    case "checklist":
      return fc.constantFrom(...spec.options.map((o) => o.value));
    case "select":
      return fc.constantFrom("E54000032", "E54000007", "");
    default:
      return fc.string({ maxLength: 60 });
  }
}

function fields(specs: readonly FieldSpec[], prefix = ""): Field[] {
  return specs.flatMap((spec): Field[] => {
    if (spec.kind === "heading") return [];
    const name = `${prefix}${spec.name}`;
    if (spec.kind === "group") return fields(spec.fields, `${name}.`);
    if (spec.kind === "list") {
      return [0, 1, 7].flatMap((i) => [{ name: `${name}[${i}].id`, plausible: fc.uuid() }, ...fields(spec.fields, `${name}[${i}].`)]);
    }
    if (spec.kind === "checkboxes" || spec.kind === "checklist") {
      return [name, `${name}[0]`, `${name}[1]`].map((n) => ({ name: n, plausible: plausibleFor(spec) }));
    }
    return [{ name, plausible: plausibleFor(spec) }];
  });
}

const FIELDS = Object.fromEntries(EDITABLE_SECTIONS.map((s) => [s, fields(SECTION_FIELDS[s])])) as Record<EditableSection, Field[]>;

const awkwardText = fc.constantFrom(
  "",
  " ",
  "0",
  "-0",
  "-1",
  "1e309",
  "NaN",
  "Infinity",
  "12,000",
  "£1,250,000.50",
  "1.005",
  "99999999999999999999",
  "2017-18",
  "2017-19",
  "2017-02-30",
  "2024-13-01",
  "yes",
  "no",
  "true",
  "null",
  "undefined",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "<script>alert(1)</script>",
  '=HYPERLINK("x")',
  "\u0000",
  "\uD800",
  "👩🏽‍⚕️",
  "ﷺ",
  "\u202Eevil",
  "Ω≈ç√∫",
);
const value = fc.oneof(
  { weight: 8, arbitrary: awkwardText },
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 4, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: fc.double().map(String) },
  // Past every maxLength (10,000 characters is the longest any field allows).
  { weight: 1, arbitrary: fc.constantFrom(2_001, 10_001, 200_000).map((n) => "x".repeat(n)) },
  { weight: 1, arbitrary: fc.constant(new File(["%PDF-1.4"], "a.pdf")) },
);
const intent = fc.oneof(
  fc.constant('{"type":"insert","payload":{"name":"practices"}}'),
  fc.constant('{"type":"remove","payload":{"name":"practices","index":99}}'),
  fc.constant('{"type":"reorder","payload":{"name":"hubs","from":0,"to":5}}'),
  fc.constant('{"type":"insert","payload":{"name":"practices","index":99999999}}'),
  fc.json(),
  fc.string(),
);

const post = fc.constantFrom(...EDITABLE_SECTIONS).chain((section) =>
  fc.record({
    section: fc.oneof(
      { weight: 20, arbitrary: fc.constant(section as string) },
      fc.constantFrom("evidence", "nope", "__proto__", "about "),
    ),
    fields: fc.array(
      fc.oneof(
        // The form's own fields, mostly with what a browser would send, sometimes with anything at all.
        {
          weight: 8,
          arbitrary: fc
            .constantFrom(...FIELDS[section])
            .chain((f) => fc.tuple(fc.constant(f.name), fc.oneof({ weight: 3, arbitrary: f.plausible }, value))),
        },
        { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 30 }), value) },
        {
          weight: 1,
          arbitrary: fc.tuple(
            fc.constantFrom(
              "then",
              "id",
              "footprintCode",
              "a[0][1].b",
              "x[-1]",
              "practices[99999999].name",
              "hubs[1000].name",
              "constructor.prototype",
            ),
            value,
          ),
        },
      ),
      { maxLength: 16 },
    ),
    intent: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: intent }),
    /** Mostly the right `openedAt`, so saves go through; sometimes stale, missing or nonsense. */
    openedAt: fc.oneof({ weight: 6, arbitrary: fc.constant("current" as const) }, fc.constant(undefined), value),
  }),
);

async function currentOpenedAt(section: string): Promise<string> {
  const db = await appDb();
  const row = await db
    .selectFrom("submission_section")
    .select("updated_at")
    .where("submission_id", "=", submissionId)
    .where("section", "=", section)
    .executeTakeFirst();
  return row?.updated_at ?? "";
}

/** Every stored section parses with its schema exactly as stored. */
async function expectStoredRowsValid() {
  const db = await appDb();
  const rows = await db.selectFrom("submission_section").select(["section", "data"]).where("submission_id", "=", submissionId).execute();
  for (const row of rows) {
    const schema = sectionSchemas[row.section as keyof typeof sectionSchemas];
    const parsed = schema.safeParse(JSON.parse(row.data));
    expect(parsed.success, `${row.section}: ${row.data.slice(0, 300)} ${parsed.error?.message ?? ""}`).toBe(true);
  }
  return rows.length;
}

describe("a list position far past any real form's rows", () => {
  // Found by this suite: Conform builds the array a field name points into, so this one post made
  // the server allocate gigabytes and die. Now it is refused before parsing.
  it.each(["practices[99999999].name", "hubs[1000].population", "commissioners[00000000001].name"])(
    "%s is refused with 400 before parsing",
    async (name) => {
      const { action } = await import("../../app/routes/submission-section.tsx");
      const form = new FormData();
      form.set(name, "1");
      form.set("openedAt", await currentOpenedAt("population"));
      const request = appRequest(`/submissions/${submissionId}/sections/population`, { method: "POST", body: form, cookie });
      const result = await settle(() => action({ request, params: { id: submissionId, section: "population" }, context } as never));
      expect(outcomeOf(result).status).toBe(400);
    },
  );

  it("and so is an add-a-row intent at such a position", async () => {
    const { action } = await import("../../app/routes/submission-section.tsx");
    const form = new FormData();
    form.set("__intent__", JSON.stringify({ type: "insert", payload: { name: "practices", index: 99999999 } }));
    const request = appRequest(`/submissions/${submissionId}/sections/population`, { method: "POST", body: form, cookie });
    const result = await settle(() => action({ request, params: { id: submissionId, section: "population" }, context } as never));
    expect(outcomeOf(result).status).toBe(400);
  });
});

describe(`${RUNS.toLocaleString("en-GB")} generated posts to the section pages`, () => {
  const statuses = new Map<number, number>();
  let saved = 0;

  for (let batch = 0; batch < RUNS / BATCH; batch++) {
    it(`batch ${batch + 1}: never a 500 or a thrown error, and every stored row fits its schema`, async () => {
      const { action } = await import("../../app/routes/submission-section.tsx");
      await fc.assert(
        fc.asyncProperty(post, async ({ section, fields, intent, openedAt }) => {
          const form = new FormData();
          for (const [name, v] of fields) form.append(name, v);
          if (intent !== null) form.append("__intent__", intent);
          if (openedAt === "current") form.set("openedAt", await currentOpenedAt(section));
          else if (openedAt !== undefined) form.append("openedAt", openedAt);
          const request = appRequest(`/submissions/${submissionId}/sections/${section}`, { method: "POST", body: form, cookie });
          const result = await settle(() => action({ request, params: { id: submissionId, section }, context } as never));
          const { outcome, status, detail } = outcomeOf(result);
          expect(outcome, `${status} ${detail.slice(0, 500)}`).not.toBe("error");
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 302) saved += 1;
        }),
        { numRuns: BATCH, seed: 20161 + batch, endOnFailure: true },
      );
      await expectStoredRowsValid();
    }, 120_000);
  }

  it("exercised saving as well as refusing (a fuzz that only ever gets 400 proves little)", () => {
    expect(saved, JSON.stringify(Object.fromEntries(statuses))).toBeGreaterThan(RUNS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 20);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});
