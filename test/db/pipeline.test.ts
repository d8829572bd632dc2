import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  csvField,
  csvLine,
  loadPipeline,
  parsePipelineParams,
  PIPELINE_STATES,
  type PipelineItem,
  pipelineQuery,
  pipelineSearch,
  slaCondition,
} from "../../app/.server/pipeline.ts";
import type { Db } from "../../db/client.ts";
import { migrations } from "../../db/migrate.ts";
import {
  escapeLike,
  PIPELINE_SORT_KEYS,
  type PipelineQuery,
  type PipelineRow,
  type PipelineSortKey,
  pipelineBatches,
  pipelineCountQuery,
  pipelinePageQuery,
} from "../../db/pipeline.ts";
import type { SubmissionRow } from "../../db/schema.ts";
import { withPipelineKeys } from "../../db/submissions.ts";
import { insertCredentialUser } from "../../db/users.ts";
import { checkpointOf, whoseTurn } from "../../workflows/assurance.machine.ts";
import { liveClock, workingDaysBetween } from "../../workflows/clock.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";

// A Friday after Easter 2026, so the national clocks below run over Good Friday and Easter Monday.
const NOW = new Date("2026-04-10T10:30:00.000Z");
const DAY = 86_400_000;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHECKPOINT_OF_LOCAL: Record<string, number> = { draft: 0, procurement: 1, mobilisation: 2, final_conditions: 3 };

interface Reference {
  footprints: { code: string; name: string; regionCode: string; regionName: string }[];
  vanguards: Map<number, string>;
  users: { creator: string; reviewers: { id: string; name: string }[] };
}

async function reference(db: Db): Promise<Reference> {
  const footprints = await db
    .selectFrom("footprint")
    .innerJoin("region", "region.code", "footprint.region_code")
    .select(["footprint.code", "footprint.name", "footprint.region_code as regionCode", "region.name as regionName"])
    .orderBy("footprint.code")
    .execute();
  const vanguards = new Map((await db.selectFrom("vanguard").select(["number", "name"]).execute()).map((v) => [v.number, v.name]));
  const hash = "not-a-real-hash";
  const creator = await insertCredentialUser(db, {
    email: "creator@example.nhs.uk",
    name: "Casey Creator",
    role: "lead",
    passwordHash: hash,
  });
  const reviewers = [];
  for (const name of ["Rowan Reviewer", "Robin Reviewer", "Riley Reviewer", "Reese Reviewer"]) {
    const email = `${name.split(" ")[0]!.toLowerCase()}@example.nhs.uk`;
    reviewers.push({ id: await insertCredentialUser(db, { email, name, role: "reviewer", passwordHash: hash }), name });
  }
  return { footprints, vanguards, users: { creator, reviewers } };
}

/** What the test knows about each row it inserted: the truth the query is checked against. */
interface Known {
  id: string;
  title: string;
  footprintCode: string;
  footprintName: string;
  regionCode: string;
  regionName: string;
  vanguardName: string | null;
  modelType: "MCP" | "PACS";
  checkpoint: number;
  state: string;
  whoseTurn: SubmissionRow["whose_turn"];
  stateEnteredAt: string;
  nationalDaysUsed: number;
  failingWarnings: number;
  updatedAt: string;
  reviewers: string[];
}

function generate(ref: Reference, count: number, seed: number, idPrefix: string): Known[] {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const words = ["integrated", "community", "care", "neighbourhood", "primary", "acute", "whole", "population", "health", "partnership"];
  const rows: Known[] = [];
  for (let i = 0; i < count; i++) {
    const fp = pick(ref.footprints);
    const state = pick(PIPELINE_STATES);
    const cp = checkpointOf(state) ?? CHECKPOINT_OF_LOCAL[state] ?? Math.floor(rand() * 4);
    const modelType = rand() < 0.5 ? "MCP" : "PACS";
    const entered = NOW.getTime() - Math.floor(rand() * 70 * DAY);
    // Now and then one that entered its state this very millisecond or a little in the future (a skewed clock).
    const enteredAt = new Date(i % 997 === 0 ? NOW.getTime() + (i % 2) * 5000 : entered).toISOString();
    const vanguard = rand() < 0.2 ? 1 + Math.floor(rand() * 50) : null;
    const assigned = checkpointOf(state) !== null && !state.endsWith("awaiting_assignment") && rand() < 0.7;
    const lead = pick(ref.users.reviewers);
    const second = ref.users.reviewers.find((r) => r !== lead)!;
    rows.push({
      id: `${idPrefix}${i.toString(16).padStart(8, "0")}`,
      title: `${fp.name.split(" ")[0]} ${pick(words)} ${pick(words)} ${modelType} ${i % 100}`,
      footprintCode: fp.code,
      footprintName: fp.name,
      regionCode: fp.regionCode,
      regionName: fp.regionName,
      vanguardName: vanguard === null ? null : ref.vanguards.get(vanguard)!,
      modelType,
      checkpoint: cp,
      state,
      whoseTurn: whoseTurn(state),
      stateEnteredAt: enteredAt,
      // Tenths, as the runtime stores them; some past the target already.
      nationalDaysUsed: checkpointOf(state) ? Math.round(rand() * 250) / 10 : 0,
      failingWarnings: Math.floor(rand() * 7),
      updatedAt: new Date(Math.max(Date.parse(enteredAt), NOW.getTime() - Math.floor(rand() * 40 * DAY))).toISOString(),
      reviewers: assigned ? [lead.name, second.name] : [],
    });
  }
  return rows;
}

async function insertKnown(db: Db, ref: Reference, rows: Known[], chunkSize = 500): Promise<void> {
  const vanguardNumber = new Map([...ref.vanguards].map(([n, name]) => [name, n]));
  const reviewerId = new Map(ref.users.reviewers.map((r) => [r.name, r.id]));
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += chunkSize) {
      const chunk = rows.slice(i, i + chunkSize);
      await trx
        .insertInto("submission")
        .values(
          chunk.map((r) =>
            withPipelineKeys(
              {
                id: r.id,
                footprint_code: r.footprintCode,
                title: r.title,
                model_type: r.modelType,
                vanguard_number: r.vanguardName === null ? null : vanguardNumber.get(r.vanguardName)!,
                criteria_set: "2017-19",
                state: r.state,
                checkpoint: r.checkpoint,
                whose_turn: r.whoseTurn,
                version: 1,
                // Not read by the pipeline; real snapshots are the runtime's business.
                workflow_snapshot: "{}",
                state_entered_at: r.stateEnteredAt,
                national_days_used: r.nationalDaysUsed,
                failing_blocking: 0,
                failing_warnings: r.failingWarnings,
                created_by: ref.users.creator,
                created_at: r.stateEnteredAt,
                updated_at: r.updatedAt,
              },
              r.regionCode,
            ),
          ),
        )
        .execute();
      const assignments = chunk.filter((r) => r.reviewers.length === 2);
      if (assignments.length > 0) {
        await trx
          .insertInto("review_assignment")
          .values(
            assignments.map((r) => ({
              id: `ra-${r.id}`,
              submission_id: r.id,
              checkpoint: r.checkpoint,
              lead_reviewer_id: reviewerId.get(r.reviewers[0]!)!,
              second_reviewer_id: reviewerId.get(r.reviewers[1]!)!,
              assigned_by: ref.users.creator,
              assigned_at: r.stateEnteredAt,
            })),
          )
          .execute();
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The truth: the one national clock (workflows/clock.ts), which the SQL must agree with

const bands = new WeakMap<Known, string>();
/** The SLA band the pure clock gives a row, as every page shows it. */
function bandOf(r: Known): string {
  let band = bands.get(r);
  if (band === undefined) {
    band = liveClock(r, NOW).sla;
    bands.set(r, band);
  }
  return band;
}

const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

const SORT_VALUE: Record<Exclude<PipelineSortKey, "national-days">, (r: Known) => string | number> = {
  title: (r) => lowerAscii(r.title),
  footprint: (r) => r.footprintName,
  region: (r) => r.regionName,
  model: (r) => r.modelType,
  checkpoint: (r) => r.checkpoint,
  state: (r) => r.state,
  turn: (r) => r.whoseTurn,
  // Ascending days in state is the latest entry first; handled by flipping below.
  "days-in-state": (r) => r.stateEnteredAt,
  warnings: (r) => r.failingWarnings,
  updated: (r) => r.updatedAt,
};

function expectedOrder(rows: Known[], key: Exclude<PipelineSortKey, "national-days">, dir: "asc" | "desc"): string[] {
  const sign = (key === "days-in-state" ? dir === "desc" : dir === "asc") ? 1 : -1;
  return [...rows].sort((a, b) => sign * (compare(SORT_VALUE[key](a), SORT_VALUE[key](b)) || compare(a.id, b.id))).map((r) => r.id);
}

const exact = new WeakMap<Known, number>();
/** The unrounded live figure, for checking an order without rounding ties. */
function exactLive(r: Known): number {
  let value = exact.get(r);
  if (value === undefined) {
    value = r.nationalDaysUsed + (r.whoseTurn === "national" ? workingDaysBetween(new Date(r.stateEnteredAt), NOW) : 0);
    exact.set(r, value);
  }
  return value;
}

type Filters = {
  q?: string;
  region?: string;
  state?: string;
  checkpoint?: string;
  model?: string;
  turn?: string;
  sla?: string;
};

function matches(r: Known, f: Filters): boolean {
  if (f.region && r.regionCode !== f.region) return false;
  if (f.state && r.state !== f.state) return false;
  if (f.checkpoint && r.checkpoint !== Number(f.checkpoint)) return false;
  if (f.model && r.modelType !== f.model) return false;
  if (f.turn && r.whoseTurn !== f.turn) return false;
  if (f.sla && bandOf(r) !== f.sla) return false;
  if (f.q) {
    const q = lowerAscii(f.q);
    if (![r.title, r.footprintName, r.vanguardName ?? ""].some((t) => lowerAscii(t).includes(q))) return false;
  }
  return true;
}

function params(search: Record<string, string>) {
  return parsePipelineParams(new URLSearchParams(search));
}

async function everyRow(db: Db, q: PipelineQuery, batch = 1000): Promise<PipelineRow[]> {
  const out: PipelineRow[] = [];
  for await (const rows of pipelineBatches(db, q, batch)) out.push(...rows);
  return out;
}

async function page(
  db: Db,
  search: Record<string, string>,
): Promise<{ ids: string[]; items: PipelineItem[]; total: number; page: number }> {
  const result = await loadPipeline(db, params(search), NOW);
  return { ids: result.items.map((i) => i.id), items: result.items, total: result.total, page: result.page };
}

// ---------------------------------------------------------------------------------------------

describe("the address of a pipeline view", () => {
  it("parses filters, sort and paging, and ignores anything malformed or unknown", () => {
    expect(
      params({
        q: "  salford ",
        region: "NW",
        state: "checkpoint1.in_review",
        checkpoint: "1",
        model: "PACS",
        turn: "national",
        sla: "breached",
        sort: "title",
        page: "3",
        size: "25",
      }),
    ).toEqual({
      q: "salford",
      region: "NW",
      state: "checkpoint1.in_review",
      checkpoint: 1,
      model: "PACS",
      turn: "national",
      sla: "breached",
      sort: "title",
      dir: "asc",
      page: 3,
      size: 25,
    });
    const junk = params({
      region: "nw'; --",
      state: "checkpoint9.nowhere",
      checkpoint: "7",
      model: "ACO",
      turn: "everyone",
      sla: "late",
      sort: "title; drop table submission; --",
      dir: "sideways",
      page: "-2",
      size: "1000000",
    });
    expect(junk).toEqual({ sort: "updated", dir: "desc", page: 1, size: 50 });
    expect(params({ sort: "lower(title)" })).toMatchObject({ sort: "updated", dir: "desc" });
    expect(params({ sort: "submission.id" })).toMatchObject({ sort: "updated", dir: "desc" });
    expect(params({ sort: "national-days" })).toMatchObject({ sort: "national-days", dir: "desc" });
    expect(params({ page: "2.5" }).page).toBe(1);
    expect(params({ q: "x".repeat(500) }).q).toBeUndefined();
    expect(params({ q: "   " }).q).toBeUndefined();
  });

  it("writes a view back as an address without its defaults or its page", () => {
    expect(pipelineSearch(params({ page: "4" })).toString()).toBe("");
    expect(pipelineSearch(params({ region: "LON", sla: "at_risk", sort: "title", size: "100", page: "2" })).toString()).toBe(
      "region=LON&sla=at_risk&sort=title&dir=asc&size=100",
    );
  });
});

describe("CSV fields", () => {
  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hello"')).toBe('"say ""hello"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("")).toBe("");
    expect(csvField(null)).toBe("");
    expect(csvField(12)).toBe("12");
    expect(csvField("Café – São Paulo")).toBe("Café – São Paulo");
    expect(csvLine(["a", "b,c", null])).toBe('a,"b,c",\r\n');
  });

  it("defuses cells a spreadsheet would run as a formula", () => {
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField("+44 20 7946 0000")).toBe("'+44 20 7946 0000");
    expect(csvField("-2")).toBe("'-2");
    expect(csvField("@SUM(A1:A2)")).toBe("'@SUM(A1:A2)");
    expect(csvField("\tleading tab")).toBe("'\tleading tab");
    expect(csvField("\rcarriage")).toBe('"\'\rcarriage"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField("a=b")).toBe("a=b");
    // Full-width forms some spreadsheets also run.
    expect(csvField("＝1+2")).toBe("'＝1+2");
  });

  it("defuses a formula after leading whitespace, and every look-alike of = + - @", () => {
    // What the outside security run found: a space before =, and the small plus sign.
    expect(csvField(" =1+1")).toBe("' =1+1");
    expect(csvField("\uFE62cmd")).toBe("'\uFE62cmd");
    const lookAlikes = [
      "=",
      "\uFF1D",
      "\uFE66",
      "\u207C",
      "\u208C", // equals: full-width, small, superscript, subscript
      "+",
      "\uFF0B",
      "\uFE62",
      "\u207A",
      "\u208A",
      "\u2795", // plus
      "-",
      "\uFF0D",
      "\uFE63",
      "\u207B",
      "\u208B",
      "\u2212",
      "\u2010",
      "\u2011",
      "\u2012",
      "\u2013",
      "\u2014",
      "\u2015",
      "\uFE58",
      "\u2796", // minus, hyphens, dashes
      "@",
      "\uFF20",
      "\uFE6B", // commercial at
      "\t",
      "\r",
    ];
    const leading = ["", " ", "  ", "\u00A0", "\u3000", "\u2003", "\u200B", "\uFEFF", "\n", " \t"];
    for (const sign of lookAlikes) {
      for (const space of leading) {
        const value = `${space}${sign}SUM(A1)`;
        expect(csvLine([value]).startsWith("'") || csvLine([value]).startsWith(`"'`), JSON.stringify(value)).toBe(true);
      }
    }
    // Text that merely contains them is left alone.
    for (const plain of ["Kent and Medway", "a = b", "x+y", "co-operative", "email@example.nhs.uk", " leading space"]) {
      expect(csvField(plain)).toBe(plain);
    }
  });
});

describe("LIKE patterns", () => {
  it("escapes the wildcards and the escape character", () => {
    expect(escapeLike("100%_done\\")).toBe("100\\%\\_done\\\\");
  });
});

describe.each(databaseKinds)("the pipeline query on $engine", (kind) => {
  let t: TestDatabase;
  let ref: Reference;
  let rows: Known[];
  const special: Partial<Known>[] = [
    { title: 'O\'Brien "quoted" MCP' },
    { title: "100% integrated care" },
    { title: "snake_case_title" },
    { title: "Back\\slash PACS" },
    { title: "Café neighbourhood care" },
    { title: '=HYPERLINK("http://example.com","x")' },
    { title: "Ordinary plan", vanguardName: "Salford Together" },
  ];

  beforeAll(async () => {
    t = await kind.create();
    ref = await reference(t.db);
    rows = generate(ref, 120, 11, "s-");
    special.forEach((s, i) => {
      Object.assign(rows[i]!, s);
    });
    await insertKnown(t.db, ref, rows);
  });
  afterAll(async () => t?.destroy());

  it("lists every submission with what the pipeline shows, latest activity first by default", async () => {
    const { ids, items, total } = await page(t.db, { size: "100" });
    expect(total).toBe(rows.length);
    expect(ids).toEqual(expectedOrder(rows, "updated", "desc").slice(0, 100));
    const known = new Map(rows.map((r) => [r.id, r]));
    for (const item of items) {
      const r = known.get(item.id)!;
      expect(item).toMatchObject({
        title: r.title,
        footprintName: r.footprintName,
        regionName: r.regionName,
        modelType: r.modelType,
        vanguardName: r.vanguardName,
        checkpoint: r.checkpoint,
        state: r.state,
        whoseTurn: r.whoseTurn,
        failingWarnings: r.failingWarnings,
        updatedAt: r.updatedAt,
        reviewers: r.reviewers,
        nationalDaysUsed: liveClock(r, NOW).nationalDaysUsed,
        sla: bandOf(r),
        targetDays: 20,
        daysInState: Math.max(0, Math.floor((NOW.getTime() - Date.parse(r.stateEnteredAt)) / DAY)),
      });
    }
  });

  it.each<Filters>([
    { region: "LON" },
    { region: "NW" },
    { state: "checkpoint2.in_review" },
    { state: "draft" },
    { checkpoint: "0" },
    { checkpoint: "3" },
    { model: "PACS" },
    { turn: "national" },
    { turn: "paused" },
    { sla: "breached" },
    { sla: "at_risk" },
    { sla: "within" },
    { q: "manchester" },
    { q: "SALFORD" },
    { q: "integrated" },
    { region: "MID", model: "MCP", turn: "local" },
    { turn: "national", sla: "breached", model: "PACS" },
  ])("filters by %o", async (filters) => {
    const expected = rows.filter((r) => matches(r, filters));
    const { ids, total } = await page(t.db, { ...filters, size: "100" } as Record<string, string>);
    expect(total).toBe(expected.length);
    expect(ids).toEqual(expectedOrder(expected, "updated", "desc").slice(0, 100));
  });

  it("matches free text literally: quotes, wildcards, backslashes and SQL are just characters", async () => {
    const titles = async (q: string) => (await page(t.db, { q, size: "100" })).items.map((i) => i.title);
    expect(await titles("o'brien")).toEqual(['O\'Brien "quoted" MCP']);
    expect(await titles('"quoted"')).toEqual(['O\'Brien "quoted" MCP']);
    expect(await titles("100%")).toEqual(["100% integrated care"]);
    expect(await titles("%")).toEqual(["100% integrated care"]);
    expect(await titles("_")).toEqual(["snake_case_title"]);
    expect(await titles("e_c")).toEqual(["snake_case_title"]);
    expect(await titles("k\\s")).toEqual(["Back\\slash PACS"]);
    expect(await titles("café")).toEqual(["Café neighbourhood care"]);
    expect(await titles("'; drop table submission; --")).toEqual([]);
    expect(await titles("' or '1'='1")).toEqual([]);
    const salford = (await page(t.db, { q: "salford together", size: "100" })).items;
    expect(salford.map((i) => i.title)).toContain("Ordinary plan");
    for (const item of salford) expect(item.vanguardName).toBe("Salford Together");
    const count = await t.db
      .selectFrom("submission")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(rows.length);
  });

  it.each(
    PIPELINE_SORT_KEYS.filter((k) => k !== "national-days").flatMap(
      (key) =>
        [
          [key, "asc"],
          [key, "desc"],
        ] as const,
    ),
  )("sorts by %s %s, then by id", async (key, dir) => {
    const { ids } = await page(t.db, { sort: key, dir, size: "100" });
    expect(ids).toEqual(expectedOrder(rows, key, dir).slice(0, 100));
  });

  it.each(["asc", "desc"] as const)("sorts by the live national working days used, %s", async (dir) => {
    const known = new Map(rows.map((r) => [r.id, r]));
    const all = [
      ...(await page(t.db, { sort: "national-days", dir, size: "100" })).ids,
      ...(await page(t.db, { sort: "national-days", dir, size: "100", page: "2" })).ids,
    ];
    expect(new Set(all)).toEqual(new Set(rows.map((r) => r.id)));
    const values = all.map((id) => exactLive(known.get(id)!));
    for (let i = 1; i < values.length; i++) {
      if (dir === "asc") expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]! - 1e-6);
      else expect(values[i]!).toBeLessThanOrEqual(values[i - 1]! + 1e-6);
    }
  });

  it.each(["asc", "desc"] as const)("orders the national queue by its stored clock key as the live figure, %s", async (dir) => {
    const known = new Map(rows.map((r) => [r.id, r]));
    const national = rows.filter((r) => r.whoseTurn === "national");
    const { ids } = await page(t.db, { turn: "national", sort: "national-days", dir, size: "100" });
    expect(ids.length).toBe(Math.min(100, national.length));
    const values = ids.map((id) => exactLive(known.get(id)!));
    for (let i = 1; i < values.length; i++) {
      if (dir === "asc") expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]! - 1e-6);
      else expect(values[i]!).toBeLessThanOrEqual(values[i - 1]! + 1e-6);
    }
  });

  it("keeps each row's stored region and clock key in step with what they derive from", async () => {
    const stored = await t.db.selectFrom("submission").select(["id", "region_code", "national_clock_key"]).execute();
    const known = new Map(rows.map((r) => [r.id, r]));
    for (const row of stored) {
      const r = known.get(row.id)!;
      expect(row.region_code).toBe(r.regionCode);
      expect(row.national_clock_key === null).toBe(r.whoseTurn !== "national");
    }
  });

  it("falls back to the default order for an unknown or hostile sort key", async () => {
    const expected = expectedOrder(rows, "updated", "desc").slice(0, 50);
    for (const sort of ["nope", "title desc", "lower(title)", "1; drop table submission", "updated_at", "__proto__"]) {
      expect((await page(t.db, { sort })).ids).toEqual(expected);
    }
  });

  it("pages through a sorted view without gaps or repeats, and shows the last page for one past the end", async () => {
    const expected = expectedOrder(rows, "title", "asc");
    const seen: string[] = [];
    for (let p = 1; p <= 5; p++) {
      const result = await page(t.db, { sort: "title", size: "25", page: String(p) });
      expect(result.page).toBe(p);
      seen.push(...result.ids);
    }
    expect(seen).toEqual(expected);
    const beyond = await page(t.db, { sort: "title", size: "25", page: "99" });
    expect(beyond.page).toBe(5);
    expect(beyond.ids).toEqual(expected.slice(100));
  });

  it("ignores a region code that names no region", async () => {
    const result = await loadPipeline(t.db, params({ region: "ZZ" }), NOW);
    expect(result.params.region).toBeUndefined();
    expect(result.total).toBe(rows.length);
  });

  it("decides the SLA band to the millisecond the clock crosses it", async () => {
    // National rows on the edge: one entered at the last instant that breaches by now, one a millisecond later.
    const edges: Known[] = [];
    for (const days of [0, 3.4, 15.9, 16, 19.9, 20, 20.1, 24.5]) {
      const condition = slaCondition([{ whoseTurn: "national", days }], "breached", NOW);
      const atOrBefore = condition[0]?.enteredUpTo;
      const entries = atOrBefore ? [atOrBefore, new Date(Date.parse(atOrBefore) + 1).toISOString()] : [NOW.toISOString()];
      for (const [i, at] of entries.entries()) {
        edges.push({
          ...rows[0]!,
          id: `edge-${days}-${i}`,
          title: `Edge ${days} ${i}`,
          state: "checkpoint1.in_review",
          whoseTurn: "national",
          checkpoint: 1,
          nationalDaysUsed: days,
          stateEnteredAt: at,
          reviewers: [],
          vanguardName: null,
        });
      }
    }
    await insertKnown(t.db, ref, edges);
    try {
      for (const sla of ["breached", "at_risk", "within"]) {
        const found = new Set((await page(t.db, { sla, q: "Edge", size: "100" })).ids);
        const expected = edges.filter((e) => bandOf(e) === sla).map((e) => e.id);
        expect([...found].sort()).toEqual(expected.sort());
      }
      // Each pair straddles the boundary: the earlier entry is over the target, the later one not.
      for (const days of [0, 3.4, 15.9, 16, 19.9, 20]) {
        expect(bandOf(edges.find((e) => e.id === `edge-${days}-0`)!)).toBe("breached");
        expect(bandOf(edges.find((e) => e.id === `edge-${days}-1`)!)).not.toBe("breached");
      }
    } finally {
      await t.db.deleteFrom("submission").where("id", "like", "edge-%").execute();
    }
  });

  it("reads every matching row in keyset batches, in the same order as the pages", async () => {
    for (const [sort, dir] of [
      ["updated", "desc"],
      ["title", "asc"],
      ["footprint", "desc"],
      ["days-in-state", "asc"],
      ["national-days", "desc"],
      ["warnings", "asc"],
    ] as const) {
      const query = await pipelineQuery(t.db, params({ sort, dir }), NOW);
      const batched = (await everyRow(t.db, query, 7)).map((r) => r.id);
      const paged = [
        ...(await page(t.db, { sort, dir, size: "100" })).ids,
        ...(await page(t.db, { sort, dir, size: "100", page: "2" })).ids,
      ];
      expect(batched, `${sort} ${dir}`).toEqual(paged);
    }
    const filtered = await pipelineQuery(t.db, params({ turn: "national", sla: "breached" }), NOW);
    expect((await everyRow(t.db, filtered, 3)).map((r) => r.id).sort()).toEqual(
      rows
        .filter((r) => matches(r, { turn: "national", sla: "breached" }))
        .map((r) => r.id)
        .sort(),
    );
  });

  it("can roll the index migration back and apply it again", async () => {
    const migration = migrations["2026-11-24T0700-pipeline-indexes"]!;
    await migration.down!(t.db);
    await migration.up(t.db);
    expect((await page(t.db, { sla: "breached", sort: "title" })).total).toBe(rows.filter((r) => bandOf(r) === "breached").length);
  });
});

// ---------------------------------------------------------------------------------------------

const BIG = 50_000;
let bigRows: Known[] | undefined;

describe.each(databaseKinds)("50,000 submissions on $engine", (kind) => {
  let t: TestDatabase;
  let rows: Known[];

  beforeAll(async () => {
    t = await kind.create();
    const ref = await reference(t.db);
    // The same rows on both engines (the reference figures are computed once).
    bigRows ??= generate(ref, BIG, 2026, "");
    rows = bigRows;
    await insertKnown(t.db, ref, rows, 1500);
    await sql`analyze`.execute(t.db);
  }, 60_000);
  afterAll(async () => t?.destroy());

  it("puts every submission in exactly one SLA band, as the live clock says", async () => {
    let sum = 0;
    for (const sla of ["within", "at_risk", "breached"]) {
      const expected = rows.filter((r) => bandOf(r) === sla);
      const { total, ids } = await page(t.db, { sla, size: "100", page: "3" });
      expect(total, sla).toBe(expected.length);
      expect(ids, sla).toEqual(expectedOrder(expected, "updated", "desc").slice(200, 300));
      sum += total;
    }
    expect(sum).toBe(BIG);
    const breachedNational = rows.filter((r) => r.whoseTurn === "national" && bandOf(r) === "breached");
    expect(breachedNational.length).toBeGreaterThan(1000);
    const query = await pipelineQuery(t.db, params({ turn: "national", sla: "breached" }), NOW);
    const all = await everyRow(t.db, query, 5000);
    expect(all.map((r) => r.id).sort()).toEqual(breachedNational.map((r) => r.id).sort());
  });

  it.each<
    [Filters & { sort?: string; dir?: string; size?: string; page?: string }, Exclude<PipelineSortKey, "national-days">, "asc" | "desc"]
  >([
    [{ page: "400", size: "100" }, "updated", "desc"],
    [{ region: "LON", sort: "title", size: "25", page: "7" }, "title", "asc"],
    [{ state: "checkpoint2.in_review", sort: "days-in-state", dir: "desc", page: "2" }, "days-in-state", "desc"],
    [{ q: "manchester", model: "PACS", sort: "footprint", dir: "desc", page: "2", size: "25" }, "footprint", "desc"],
    [{ turn: "national", sla: "at_risk", sort: "region", page: "4" }, "region", "asc"],
    [{ checkpoint: "0", sort: "warnings", dir: "desc", page: "10", size: "100" }, "warnings", "desc"],
    [{ q: "together", sort: "state" }, "state", "asc"],
  ])("filters, sorts and pages %o", async (search, key, dir) => {
    const { sort: _s, dir: _d, size, page: p, ...filters } = search;
    const expected = expectedOrder(
      rows.filter((r) => matches(r, filters)),
      key,
      dir,
    );
    const n = Number(size ?? 50);
    const result = await page(t.db, search as Record<string, string>);
    expect(result.total).toBe(expected.length);
    expect(result.total).toBeGreaterThan(0);
    const start = (result.page - 1) * n;
    expect(result.page).toBe(Math.min(Number(p ?? 1), Math.ceil(expected.length / n)));
    expect(result.ids).toEqual(expected.slice(start, start + n));
  });

  it("sorts all of them by the live national figure, and reads them all back in batches", async () => {
    const known = new Map(rows.map((r) => [r.id, r]));
    const query = await pipelineQuery(t.db, params({ sort: "national-days", dir: "desc" }), NOW);
    const all = await everyRow(t.db, query, 10_000);
    expect(all).toHaveLength(BIG);
    expect(new Set(all.map((r) => r.id)).size).toBe(BIG);
    const values = all.map((r) => exactLive(known.get(r.id)!));
    const outOfOrder = values.findIndex((v, i) => i > 0 && v > values[i - 1]! + 1e-6);
    expect(outOfOrder, `row ${outOfOrder} is out of order`).toBe(-1);
    const first = await page(t.db, { sort: "national-days", dir: "desc" });
    expect(first.ids).toEqual(all.slice(0, 50).map((r) => r.id));
  });

  it("answers the common views from the indexes", async () => {
    const plan = async (compiled: CompiledQuery) => {
      const prefix = kind.engine === "postgres" ? "explain " : "explain query plan ";
      const result = await t.db.executeQuery(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
      return result.rows.map((r) => Object.values(r as Record<string, unknown>).join(" ")).join("\n");
    };
    const pageSql = async (search: Record<string, string>) =>
      plan(pipelinePageQuery(t.db, await pipelineQuery(t.db, params(search), NOW), { offset: 0, limit: 50 }).compile());
    const countSql = async (search: Record<string, string>) =>
      plan(pipelineCountQuery(t.db, (await pipelineQuery(t.db, params(search), NOW)).filter).compile());

    const byUpdated = await pageSql({});
    expect(byUpdated).toMatch(/submission_updated_id_idx/);
    const byTitle = await pageSql({ sort: "title" });
    expect(byTitle).toMatch(/submission_title_lower_idx/);
    if (kind.engine === "sqlite") {
      expect(byUpdated).not.toMatch(/TEMP B-TREE/);
      expect(byTitle).not.toMatch(/TEMP B-TREE/);
      expect(await countSql({ turn: "national", sla: "breached" })).toMatch(/submission_turn_days_entered_idx/);
      expect(await countSql({ state: "checkpoint1.in_review" })).toMatch(/INDEX submission_state/);
    } else {
      expect(await countSql({ state: "checkpoint1.in_review" })).toMatch(/submission_state/);
    }
  });
});
