import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission, type NamedActor } from "../../app/.server/assurance.ts";
import { readDraft } from "../../app/.server/submissions.ts";
import { datePartId, fieldId, optionId } from "../../app/forms/field-id.ts";
import {
  formatPenceAsPounds,
  isoToDateParts,
  MESSAGES,
  parseDateParts,
  parseDecimal,
  parseFinancialYear,
  parsePercent,
  parsePoundsToPence,
  parseWholeNumber,
} from "../../app/forms/parse.ts";
import { sectionFormSchemas } from "../../app/forms/section-schemas.ts";
import { EDITABLE_SECTIONS, SECTION_FIELDS } from "../../app/forms/sections.ts";
import { anchorFor, toFormValues } from "../../app/forms/spec.ts";
import { createDb, type Db } from "../../db/client.ts";
import { saveSection } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS, sectionSchemas } from "../../workflows/submission.ts";
import { appRequest, context, flashOf, formPost, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

// ---------------------------------------------------------------------------------------------
// Pure parts: the parsers and the id scheme

describe("parsing what people type", () => {
  it.each([
    ["12000", 12000],
    ["12,000", 12000],
    [" 12000 ", 12000],
    ["12 000", 12000],
    ["1,234,567", 1234567],
    ["12.0", 12],
    ["0", 0],
  ])("reads the whole number %j as %d", (typed, value) => {
    expect(parseWholeNumber(typed)).toEqual({ ok: true, value });
  });

  it.each([
    ["12.5", MESSAGES.wholeNumber()],
    ["about 40k", MESSAGES.wholeNumberFormat()],
    ["1,2,3", MESSAGES.wholeNumberFormat()],
    ["-5", MESSAGES.notNegative()],
  ])("refuses the whole number %j", (typed, message) => {
    expect(parseWholeNumber(typed)).toEqual({ ok: false, message });
  });

  it("says 'Enter a whole number' for a decimal", () => {
    expect(parseWholeNumber("12.5")).toEqual({ ok: false, message: "Enter a whole number" });
  });

  it.each([
    ["1,500,000.00", 150_000_000],
    ["£1,500,000", 150_000_000],
    ["1500000", 150_000_000],
    ["£ 1,500,000.5", 150_000_050],
    ["12.34", 1234],
    ["0", 0],
  ])("reads the pounds %j as %d pence", (typed, pence) => {
    expect(parsePoundsToPence(typed)).toEqual({ ok: true, value: pence });
  });

  it.each([
    ["£1.5m", "Enter the amount in pounds, like 1,500,000"],
    ["1.5 million", "Enter the amount in pounds, like 1,500,000"],
    ["12.345", "Enter pounds and pence with no more than 2 decimal places"],
    ["-£5", MESSAGES.moneyNegative()],
    ["£-5", MESSAGES.moneyNegative()],
  ])("refuses the amount %j with a message that says what to type", (typed, message) => {
    expect(parsePoundsToPence(typed)).toEqual({ ok: false, message });
  });

  it("keeps money exact: pence are worked out from the digits, not by floating point", () => {
    expect(parsePoundsToPence("0.29")).toEqual({ ok: true, value: 29 });
    expect(parsePoundsToPence("1,234,567.89")).toEqual({ ok: true, value: 123_456_789 });
    expect(formatPenceAsPounds(123_456_789)).toBe("1,234,567.89");
    expect(formatPenceAsPounds(150_000_000)).toBe("1,500,000");
    expect(formatPenceAsPounds(150_000_050)).toBe("1,500,000.50");
  });

  it.each([
    ["3.5", 3.5],
    ["3.5%", 3.5],
    [" 3.5 % ", 3.5],
    ["100", 100],
    ["0", 0],
  ])("reads the percentage %j as %d", (typed, value) => {
    expect(parsePercent(typed)).toEqual({ ok: true, value });
  });

  it.each([
    ["101", MESSAGES.percentRange()],
    ["-1", MESSAGES.percentRange()],
    ["three", MESSAGES.percent()],
  ])("refuses the percentage %j", (typed, message) => {
    expect(parsePercent(typed)).toEqual({ ok: false, message });
  });

  it("reads rates with decimals and thousands separators", () => {
    expect(parseDecimal("716.9")).toEqual({ ok: true, value: 716.9 });
    expect(parseDecimal("1,234.5")).toEqual({ ok: true, value: 1234.5 });
    expect(parseDecimal("lots")).toEqual({ ok: false, message: MESSAGES.number() });
  });

  it.each(["2017-18", "2017/18", "2017 to 2018", "2017-2018", " 2017 - 18 "])("reads the financial year %j as 2017-18", (typed) => {
    expect(parseFinancialYear(typed)).toEqual({ ok: true, value: "2017-18" });
  });

  it("reads 1999/00 across the century and refuses years that do not follow", () => {
    expect(parseFinancialYear("1999/00")).toEqual({ ok: true, value: "1999-00" });
    expect(parseFinancialYear("2017-19")).toEqual({ ok: false, message: MESSAGES.financialYearOrder() });
    expect(parseFinancialYear("17-18")).toEqual({ ok: false, message: MESSAGES.financialYear() });
  });

  it("turns day, month and year into an ISO date, with NHS-style messages", () => {
    const label = "Date of early engagement";
    expect(parseDateParts({ day: "5", month: "3", year: "2017" }, label)).toEqual({ ok: true, value: "2017-03-05" });
    expect(parseDateParts({ day: " 05 ", month: "Mar", year: "2017" }, label)).toEqual({ ok: true, value: "2017-03-05" });
    expect(parseDateParts({ day: "29", month: "2", year: "2016" }, label)).toEqual({ ok: true, value: "2016-02-29" });
    expect(parseDateParts({ day: "5", month: "", year: "2017" }, label)).toEqual({
      ok: false,
      message: "Date of early engagement must include a month",
    });
    expect(parseDateParts({ day: "", month: "", year: "2017" }, label)).toEqual({
      ok: false,
      message: "Date of early engagement must include a day and month",
    });
    expect(parseDateParts({ day: "29", month: "2", year: "2017" }, label)).toEqual({
      ok: false,
      message: "Date of early engagement must be a real date",
    });
    expect(parseDateParts({ day: "1", month: "13", year: "2017" }, label)).toMatchObject({
      message: "Date of early engagement must be a real date",
    });
    expect(parseDateParts({ day: "1", month: "1", year: "17" }, label)).toMatchObject({
      message: "Date of early engagement must include a year with 4 numbers, like 2017",
    });
  });

  it("treats blank as not answered, never as an error", () => {
    for (const parse of [parseWholeNumber, parsePoundsToPence, parsePercent, parseDecimal, parseFinancialYear]) {
      expect(parse("")).toEqual({ ok: true, value: undefined });
      expect(parse("   ")).toEqual({ ok: true, value: undefined });
    }
    expect(parseDateParts({ day: "", month: " ", year: "" }, "Date")).toEqual({ ok: true, value: undefined });
  });

  it("shows saved values back in the form's own terms", () => {
    expect(isoToDateParts("2017-03-05")).toEqual({ day: "5", month: "3", year: "2017" });
    expect(toFormValues(SECTION_FIELDS.population, { registeredPopulation: 120000, practices: [{ id: "p1", listSize: 12000 }] })).toEqual({
      registeredPopulation: "120,000",
      practices: [{ id: "p1", listSize: "12,000" }],
      hubs: [{}],
    });
  });
});

describe("field ids come from field paths", () => {
  it("turns a path into an id that any page can link to", () => {
    expect(fieldId("population.practices[2].listSize")).toBe("f-population-practices-2-listSize");
    expect(fieldId("population.registeredPopulation")).toBe("f-population-registeredPopulation");
    expect(fieldId("governance.keyDates.checkpoint1")).toBe("f-governance-keyDates-checkpoint1");
  });

  it("gives different paths different ids, and makes ids for parts that no path can collide with", () => {
    expect(fieldId("population.practices[1]")).not.toBe(fieldId("population.practices1"));
    expect(datePartId("governance.keyDates.checkpoint1", "day")).toBe("f-governance-keyDates-checkpoint1");
    expect(datePartId("governance.keyDates.checkpoint1", "month")).toBe("f-governance-keyDates-checkpoint1--month");
    expect(optionId("about.modelType", "MCP", 0)).toBe("f-about-modelType");
    expect(optionId("about.modelType", "PACS", 1)).toBe("f-about-modelType--PACS");
  });

  it("lands a link on the right box for paths that name a choice rather than an input", () => {
    const specs = SECTION_FIELDS.population;
    expect(anchorFor("population", specs, "population.servicesInScope[1]", { servicesInScope: ["general_practice", "core_acute"] })).toBe(
      "f-population-servicesInScope--core_acute",
    );
    expect(anchorFor("enablers", SECTION_FIELDS.enablers, "enablers.highImpactChanges")).toBe(
      "f-enablers-highImpactChanges-earlyDischargePlanning",
    );
    expect(anchorFor("population", specs, "population.practices[2].listSize")).toBe("f-population-practices-2-listSize");
    // A whole row (a "Change" link on check your answers) and a whole group land on their first input.
    expect(anchorFor("population", specs, "population.practices[2]")).toBe("f-population-practices-2-name");
    expect(anchorFor("governance", SECTION_FIELDS.governance, "governance.keyDates")).toBe("f-governance-keyDates-earlyEngagement");
    expect(anchorFor("outcomes", SECTION_FIELDS.outcomes, "outcomes.metricYears[0]")).toBe("f-outcomes-metricYears-0-financialYear");
  });
});

describe("each section's form schema", () => {
  it.each(EDITABLE_SECTIONS)("round-trips the example %s section: saved value → form → the same value", (section) => {
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: "Kent and Medway",
      footprintCode: "E54000032",
      checkpoint: 3,
      seed: 3,
    });
    const saved = sectionSchemas[section].parse(content[section] ?? {});
    const parsed = sectionFormSchemas[section].safeParse(toFormValues(SECTION_FIELDS[section], saved));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(sectionSchemas[section].safeParse(parsed.data).success).toBe(true);
    expect(parsed.data).toEqual(JSON.parse(JSON.stringify(saved)));
  });
});

// ---------------------------------------------------------------------------------------------
// The route: real requests against a real SQLite database

let cleanup = () => {};
let database: Db;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  let url: string;
  ({ cleanup, url } = await prepareAppDatabase());
  database = createDb(url);
  for (const who of ["lead.kent", "lead.manchester", "reviewer.one"]) cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

const args = (request: Request, params: Record<string, string>) => ({ request, params, context }) as never;

async function actorOf(email: string): Promise<NamedActor> {
  const row = await database.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(database, row.id))!);
}

async function newKentDraft(): Promise<string> {
  const started = await startSubmission(database, await actorOf("lead.kent@example.nhs.uk"), {
    footprintCode: "E54000032",
    title: "Kent and Medway MCP",
    modelType: "MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  return started.id;
}

type LoaderData = {
  values: Record<string, unknown>;
  savedAt: string | null;
  refusal: string | null;
  checks: { id: string; message: string; anchor: string | null }[];
  focusId: string | null;
  submission: { title: string };
};

async function load(who: string, id: string, section: string, search = "") {
  const { loader } = await import("../../app/routes/submission-section.tsx");
  return settle(() =>
    loader(args(appRequest(`/submissions/${id}/sections/${section}${search}`, { cookie: cookies[who] }), { id, section })),
  );
}

async function post(who: string, id: string, section: string, fields: Record<string, string>) {
  const { action } = await import("../../app/routes/submission-section.tsx");
  return settle(() => action(args(formPost(`/submissions/${id}/sections/${section}`, fields, { cookie: cookies[who] }), { id, section })));
}

/** What the action handed back to the page: Conform's reply and the HTTP status. */
function reply(result: unknown) {
  const r = result as {
    data: {
      result: { status?: string; error?: Record<string, string[] | null>; initialValue?: Record<string, unknown>; intent?: unknown };
    };
    init: { status: number };
  };
  return {
    status: r.init.status,
    error: r.data.result.error ?? {},
    values: r.data.result.initialValue ?? {},
    intent: r.data.result.intent,
  };
}

const intent = (value: unknown) => JSON.stringify(value);

describe("opening a section", () => {
  it("shows the footprint's lead the section with its saved values, ready to edit", async () => {
    const id = await newKentDraft();
    const lead = await actorOf("lead.kent@example.nhs.uk");
    await saveSection(database, {
      submissionId: id,
      section: "population",
      data: { registeredPopulation: 120000, practices: [{ id: "p1", name: "Church Street Surgery", odsCode: "G82001", listSize: 12000 }] },
      updatedBy: lead.id,
      at: "2026-01-05T10:00:00.000Z",
    });
    const data = (await load("lead.kent", id, "population")) as LoaderData;
    expect(data.refusal).toBeNull();
    expect(data.savedAt).toBe("2026-01-05T10:00:00.000Z");
    expect(data.submission.title).toBe("Kent and Medway MCP");
    expect(data.values).toMatchObject({
      registeredPopulation: "120,000",
      practices: [{ id: "p1", name: "Church Street Surgery", odsCode: "G82001", listSize: "12,000" }],
    });
    // The checks that fail in this section, each pointing at the field at fault.
    expect(data.checks).toContainEqual(
      expect.objectContaining({ id: "NCM-06", message: "Select the services in scope", anchor: "f-population-servicesInScope" }),
    );
  });

  it("starts About with what the lead gave when starting the submission, until it is saved", async () => {
    const id = await newKentDraft();
    const data = (await load("lead.kent", id, "about")) as LoaderData;
    expect(data.values).toMatchObject({ title: "Kent and Medway MCP", modelType: "MCP", footprintCode: "E54000032" });
  });

  it("focuses the field a ?field= link names", async () => {
    const id = await newKentDraft();
    const data = (await load(
      "lead.kent",
      id,
      "population",
      `?field=${encodeURIComponent("population.practices[0].listSize")}`,
    )) as LoaderData;
    expect(data.focusId).toBe("f-population-practices-0-listSize");
    const elsewhere = (await load("lead.kent", id, "population", "?field=finance.budget")) as LoaderData;
    expect(elsewhere.focusId).toBeNull();
  });

  it("answers 404 to a lead of another footprint, as for an unknown submission", async () => {
    const id = await newKentDraft();
    expect(await load("lead.manchester", id, "population")).toMatchObject({ init: { status: 404 } });
    expect(await load("lead.kent", "no-such-submission", "population")).toMatchObject({ init: { status: 404 } });
  });

  it("answers 404 for a section that does not exist, and for evidence, which has its own page", async () => {
    const id = await newKentDraft();
    expect(await load("lead.kent", id, "nonsense")).toMatchObject({ init: { status: 404 } });
    expect(await load("lead.kent", id, "evidence")).toMatchObject({ init: { status: 404 } });
  });

  it("shows a reviewer the answers read-only, with the reason", async () => {
    const id = await newKentDraft();
    const data = (await load("reviewer.one", id, "about")) as LoaderData;
    expect(data.refusal).toBe("Only a system lead of this footprint can change the submission.");
  });
});

describe("saving a section", () => {
  it("stores population figures typed with commas and spaces as whole numbers, with row ids", async () => {
    const id = await newKentDraft();
    const result = (await post("lead.kent", id, "population", {
      openedAt: "",
      registeredPopulation: " 24,000 ",
      "practices[0].id": "row-a",
      "practices[0].name": "Church Street Surgery",
      "practices[0].odsCode": "g82001",
      "practices[0].listSize": "12,000",
      "practices[1].name": "Park Road Medical Centre",
      "practices[1].listSize": "12000",
      "practices[2].name": "",
      "practices[2].listSize": "",
      servicesInScope: "general_practice",
      then: "continue",
    })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe(`/submissions/${id}`);
    expect(await flashOf(result)).toBe("Your answers have been saved. Nothing is sent to the national team until you submit.");

    const { content } = await readDraft(database, id);
    expect(content.population).toMatchObject({
      registeredPopulation: 24000,
      practices: [
        { id: "row-a", name: "Church Street Surgery", odsCode: "G82001", listSize: 12000 },
        { name: "Park Road Medical Centre", listSize: 12000 },
      ],
      servicesInScope: ["general_practice"],
    });
    // The blank third row is not a practice; the second got an id of its own.
    expect(content.population?.practices).toHaveLength(2);
    expect(content.population?.practices?.[1]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("stores money typed in pounds as pence, and goes to the list for 'come back later'", async () => {
    const id = await newKentDraft();
    const result = (await post("lead.kent", id, "finance", {
      openedAt: "",
      "budget.capitatedSumPence": "1,500,000.00",
      "budget.performancePaymentPercent": "3.5%",
      "riskGainShare.hasRiskShare": "yes",
      "riskGainShare.description": "  Savings on avoidable admissions shared 50:50 with the acute trust. ",
      pooledBudgetContributionPence: "£2,000,000",
      pooledBudgetMinimumPence: "1500000",
      then: "later",
    })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/submissions");
    expect(await flashOf(result)).toBe("Your answers have been saved. You can come back to them at any time.");
    const { content } = await readDraft(database, id);
    expect(content.finance).toEqual({
      budget: { capitatedSumPence: 150_000_000, performancePaymentPercent: 3.5 },
      riskGainShare: { hasRiskShare: true, description: "Savings on avoidable admissions shared 50:50 with the acute trust." },
      pooledBudgetContributionPence: 200_000_000,
      pooledBudgetMinimumPence: 150_000_000,
    });
  });

  it("stores dates, financial years and checklists from governance, outcomes and enablers", async () => {
    const id = await newKentDraft();
    const saved = async (section: string, fields: Record<string, string>) => {
      const result = (await post("lead.kent", id, section, { openedAt: "", ...fields })) as Response;
      expect(result.status, JSON.stringify((result as unknown as { data?: unknown }).data)).toBe(302);
    };
    await saved("governance", {
      "keyDates.earlyEngagement.day": "1",
      "keyDates.earlyEngagement.month": "April",
      "keyDates.earlyEngagement.year": "2016",
      "governingBodyApprovals[0].id": "gb1",
      "governingBodyApprovals[0].checkpoint": "1",
      "governingBodyApprovals[0].date.day": "15",
      "governingBodyApprovals[0].date.month": "3",
      "governingBodyApprovals[0].date.year": "2017",
      "governingBodyApprovals[0].minuteReference": "GB/17/031",
      gpPracticesSignedUpPercent: "85",
    });
    await saved("outcomes", {
      "metricYears[0].id": "y1",
      "metricYears[0].financialYear": "2017/18",
      "metricYears[0].nonElectiveAdmissionsPer100k.baseline": "1,234.5",
      "metricYears[0].stillAtHome91DaysPercent.planned": "82.5%",
    });
    await saved("enablers", { sevenDayServices: "no", highImpactChanges: "trustedAssessors" });

    const { content } = await readDraft(database, id);
    expect(content.governance).toEqual({
      keyDates: { earlyEngagement: "2016-04-01" },
      governingBodyApprovals: [{ id: "gb1", checkpoint: 1, date: "2017-03-15", minuteReference: "GB/17/031" }],
      gpPracticesSignedUpPercent: 85,
    });
    expect(content.outcomes?.metricYears).toEqual([
      {
        id: "y1",
        financialYear: "2017-18",
        nonElectiveAdmissionsPer100k: { baseline: 1234.5 },
        stillAtHome91DaysPercent: { planned: 82.5 },
      },
    ]);
    expect(content.enablers?.sevenDayServices).toBe(false);
    expect(content.enablers?.highImpactChanges).toMatchObject({ trustedAssessors: true, focusOnChoice: false });
  });

  it("shows '£1.5m' again with a helpful error, keeps everything typed, and saves nothing", async () => {
    const id = await newKentDraft();
    const result = reply(
      await post("lead.kent", id, "finance", {
        openedAt: "",
        "budget.capitatedSumPence": "£1.5m",
        "budget.performancePaymentPercent": "3.5",
        pooledBudgetMinimumPence: "12.345",
      }),
    );
    expect(result.status).toBe(400);
    expect(result.error["budget.capitatedSumPence"]).toEqual(["Enter the capitated sum each year in pounds, like 1,500,000"]);
    expect(result.error.pooledBudgetMinimumPence).toEqual([
      "Enter the minimum pooled budget required in pounds and pence, with no more than 2 decimal places",
    ]);
    expect(result.values).toMatchObject({
      budget: { capitatedSumPence: "£1.5m", performancePaymentPercent: "3.5" },
      pooledBudgetMinimumPence: "12.345",
    });
    expect((await readDraft(database, id)).content.finance).toBeUndefined();
  });

  it("refuses a decimal where a whole number belongs, and a date without a month", async () => {
    const id = await newKentDraft();
    const population = reply(
      await post("lead.kent", id, "population", {
        openedAt: "",
        "practices[0].listSize": "12.5",
        "practices[1].name": "Church Street",
        "practices[1].listSize": "lots",
      }),
    );
    // Each row's error names its row, so the summary tells them apart.
    expect(population.error["practices[0].listSize"]).toEqual(["Enter the list size of practice 1 as a whole number"]);
    expect(population.error["practices[1].listSize"]).toEqual(["Enter the list size of practice 2 as a whole number, like 12,000"]);
    const governance = reply(
      await post("lead.kent", id, "governance", {
        openedAt: "",
        "keyDates.checkpoint1.day": "31",
        "keyDates.checkpoint1.year": "2017",
      }),
    );
    expect(governance.error["keyDates.checkpoint1"]).toEqual(["Date of checkpoint 1 must include a month"]);
    expect((await readDraft(database, id)).content).toEqual({});
  });

  it("adds a row without saving: the page comes back with a new empty row and everything typed", async () => {
    const id = await newKentDraft();
    const result = reply(
      await post("lead.kent", id, "population", {
        openedAt: "",
        registeredPopulation: "12,000",
        "practices[0].id": "row-a",
        "practices[0].name": "Church Street Surgery",
        "practices[0].listSize": "not sure",
        __intent__: intent({ type: "insert", payload: { name: "practices", defaultValue: { id: "row-new" } } }),
      }),
    );
    expect(result.status).toBe(200);
    expect(result.intent).toMatchObject({ type: "insert" });
    expect(result.values).toMatchObject({
      registeredPopulation: "12,000",
      practices: [{ id: "row-a", name: "Church Street Surgery", listSize: "not sure" }, { id: "row-new" }],
    });
    expect((await readDraft(database, id)).content.population).toBeUndefined();
  });

  it("removes a row without saving", async () => {
    const id = await newKentDraft();
    const result = reply(
      await post("lead.kent", id, "population", {
        openedAt: "",
        "practices[0].id": "row-a",
        "practices[0].name": "Church Street Surgery",
        "practices[1].id": "row-b",
        "practices[1].name": "Park Road Medical Centre",
        __intent__: intent({ type: "remove", payload: { name: "practices", index: 0 } }),
      }),
    );
    expect(result.status).toBe(200);
    expect(result.values).toMatchObject({ practices: [{ id: "row-b", name: "Park Road Medical Centre" }] });
    expect((await readDraft(database, id)).content.population).toBeUndefined();
  });

  it("answers a tampered intent with 400, not 500", async () => {
    const id = await newKentDraft();
    expect(await post("lead.kent", id, "population", { openedAt: "", __intent__: "{not json" })).toMatchObject({ init: { status: 400 } });
  });

  it("refuses to overwrite a save made after the page was opened, keeping what was typed", async () => {
    const id = await newKentDraft();
    const first = (await post("lead.kent", id, "contract", { openedAt: "", contractTermYears: "10" })) as Response;
    expect(first.status).toBe(302);
    const { saved } = await readDraft(database, id);

    // Someone opened the page before that save (openedAt empty) and now saves over it.
    const stale = reply(await post("lead.kent", id, "contract", { openedAt: "", contractTermYears: "15" }));
    expect(stale.status).toBe(409);
    expect(stale.error[""]?.[0]).toMatch(/^Someone else saved this section after you opened it/);
    expect(stale.values).toMatchObject({ contractTermYears: "15" });
    expect((await readDraft(database, id)).content.contract).toEqual({ contractTermYears: 10 });

    // With the time of the latest save, it goes through.
    const again = (await post("lead.kent", id, "contract", { openedAt: saved.contract!.at, contractTermYears: "15" })) as Response;
    expect(again.status).toBe(302);
    expect((await readDraft(database, id)).content.contract).toEqual({ contractTermYears: 15 });
  });

  it("answers 404 to another footprint's lead and changes nothing", async () => {
    const id = await newKentDraft();
    expect(await post("lead.manchester", id, "contract", { openedAt: "", contractTermYears: "10" })).toMatchObject({
      init: { status: 404 },
    });
    expect((await readDraft(database, id)).content).toEqual({});
  });

  it("refuses a reviewer", async () => {
    const id = await newKentDraft();
    const result = reply(await post("reviewer.one", id, "contract", { openedAt: "", contractTermYears: "10" }));
    expect(result.status).toBe(403);
    expect(result.error[""]).toEqual(["Only a system lead of this footprint can change the submission."]);
    expect((await readDraft(database, id)).content).toEqual({});
  });

  it("refuses the lead while the submission is with the national team", async () => {
    const id = await newKentDraft();
    const lead = await actorOf("lead.kent@example.nhs.uk");
    const content = exampleSubmission({
      modelType: "MCP",
      footprintName: "Kent and Medway",
      footprintCode: "E54000032",
      seed: 5,
    }) as Record<string, unknown>;
    for (const section of SECTION_SLUGS) {
      if (content[section] !== undefined) {
        await saveSection(database, {
          submissionId: id,
          section,
          data: content[section],
          updatedBy: lead.id,
          at: "2026-01-05T10:00:00.000Z",
        });
      }
    }
    const submitted = await applyEvent(database, id, lead, { type: "SUBMIT", declaration: true });
    expect(submitted).toMatchObject({ ok: true });

    const before = await readDraft(database, id);
    const result = reply(await post("lead.kent", id, "contract", { openedAt: before.saved.contract!.at, contractTermYears: "12" }));
    expect(result.status).toBe(403);
    expect(result.error[""]?.[0]).toMatch(/with the national team/);
    expect((await readDraft(database, id)).content.contract).toEqual(before.content.contract);

    const page = (await load("lead.kent", id, "contract")) as LoaderData;
    expect(page.refusal).toMatch(/with the national team/);
  });
});
