import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFrom, applyEvent, startSubmission } from "../../app/.server/assurance.ts";
import { createDb, type Db } from "../../db/client.ts";
import { saveSection, withPipelineKeys } from "../../db/submissions.ts";
import { findUserProfile } from "../../db/users.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let url = "";
let database: Db;
const cookies: Record<string, string> = {};
let inReviewId = "";

const args = (request: Request) => ({ request, params: {}, context }) as never;

async function actorOf(email: string) {
  const row = await database.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return actorFrom((await findUserProfile(database, row.id))!);
}

/** A row as the runtime leaves it; the pipeline reads only these columns, not the snapshot. */
async function insertRow(row: {
  id: string;
  title: string;
  footprint: string;
  state: string;
  turn: "local" | "national" | "paused" | "closed";
  checkpoint: number;
  at: string;
}) {
  const creator = await database.selectFrom("user").select("id").where("email", "=", "lead.kent@example.nhs.uk").executeTakeFirstOrThrow();
  const footprint = await database
    .selectFrom("footprint")
    .select("region_code")
    .where("code", "=", row.footprint)
    .executeTakeFirstOrThrow();
  await database
    .insertInto("submission")
    .values(
      withPipelineKeys(
        {
          id: row.id,
          footprint_code: row.footprint,
          title: row.title,
          model_type: "PACS",
          vanguard_number: null,
          criteria_set: "2017-19",
          state: row.state,
          checkpoint: row.checkpoint,
          whose_turn: row.turn,
          version: 1,
          workflow_snapshot: "{}",
          state_entered_at: row.at,
          national_days_used: 0,
          failing_blocking: 0,
          failing_warnings: 2,
          created_by: creator.id,
          created_at: row.at,
          updated_at: row.at,
        },
        footprint.region_code,
      ),
    )
    .execute();
}

beforeAll(async () => {
  ({ cleanup, url } = await prepareAppDatabase());
  database = createDb(url);
  for (const who of ["lead.kent", "reviewer.one", "reviewer.two", "admin"]) cookies[who] = await sessionCookieFor(`${who}@example.nhs.uk`);

  // One submission taken through the real runtime to review, with its reviewers assigned.
  const lead = await actorOf("lead.kent@example.nhs.uk");
  const started = await startSubmission(database, lead, { footprintCode: "E54000032", title: "Kent and Medway MCP", modelType: "MCP" });
  if (!started.ok) throw new Error(started.reason);
  inReviewId = started.id;
  const content = exampleSubmission({
    modelType: "MCP",
    footprintName: "Kent and Medway",
    footprintCode: "E54000032",
    checkpoint: 1,
    seed: 7,
  }) as Record<string, unknown>;
  for (const section of SECTION_SLUGS) {
    if (content[section] !== undefined)
      await saveSection(database, {
        submissionId: inReviewId,
        section,
        data: content[section],
        updatedBy: lead.id,
        at: new Date().toISOString(),
      });
  }
  expect(await applyEvent(database, inReviewId, lead, { type: "SUBMIT", declaration: true })).toMatchObject({ ok: true });
  const [one, two, admin] = await Promise.all(["reviewer.one", "reviewer.two", "admin"].map((w) => actorOf(`${w}@example.nhs.uk`)));
  expect(
    await applyEvent(database, inReviewId, admin!, { type: "ASSIGN", leadReviewerId: one!.id, secondReviewerId: two!.id }),
  ).toMatchObject({ ok: true });

  // And a few more, one with a title a spreadsheet would run as a formula.
  const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await insertRow({
    id: "p-formula",
    title: '=HYPERLINK("http://evil.example","Click")',
    footprint: "E54000007",
    state: "draft",
    turn: "local",
    checkpoint: 0,
    at,
  });
  await insertRow({
    id: "p-comma",
    title: "Devon, Cornwall and friends",
    footprint: "E54000037",
    state: "checkpoint1.returned",
    turn: "local",
    checkpoint: 1,
    at,
  });
  await insertRow({ id: "p-paused", title: "Paused PACS", footprint: "E54000016", state: "paused", turn: "paused", checkpoint: 1, at });
});
afterAll(async () => {
  await database?.destroy();
  cleanup();
});

async function page(who: string | null, search = "") {
  const { loader } = await import("../../app/routes/pipeline.tsx");
  return settle(() => loader(args(appRequest(`/pipeline${search}`, who ? { cookie: cookies[who] } : {}))));
}

async function csv(who: string | null, search = "") {
  const { loader } = await import("../../app/routes/pipeline.csv.ts");
  return settle(() => loader(args(appRequest(`/pipeline.csv${search}`, who ? { cookie: cookies[who] } : {}))));
}

type PageData = Awaited<ReturnType<typeof import("../../app/routes/pipeline.tsx").loader>>;

describe("who may see the pipeline", () => {
  it("sends an anonymous visitor to sign in and back, from the page and the export", async () => {
    for (const [result, path] of [
      [await page(null, "?region=SE"), "/pipeline?region=SE"],
      [await csv(null, "?sla=breached"), "/pipeline.csv?sla=breached"],
    ] as const) {
      expect(result).toBeInstanceOf(Response);
      expect((result as Response).status).toBe(302);
      expect((result as Response).headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent(path)}`);
    }
  });

  it("never shows it to a system lead", async () => {
    for (const result of [await page("lead.kent"), await csv("lead.kent")]) {
      expect(result).toBeInstanceOf(Response);
      expect((result as Response).status).toBe(403);
    }
  });

  it("shows reviewers and admins every submission, with reviewers and the live clock", async () => {
    for (const who of ["reviewer.one", "reviewer.two", "admin"]) {
      const data = (await page(who)) as PageData;
      expect(data.total).toBe(4);
      expect(data.items.map((i) => i.id).sort()).toEqual([inReviewId, "p-comma", "p-formula", "p-paused"].sort());
    }
    const data = (await page("admin")) as PageData;
    expect(data.items.find((i) => i.id === inReviewId)).toMatchObject({
      title: "Kent and Medway MCP",
      footprintName: "Kent and Medway",
      regionName: "South East",
      modelType: "MCP",
      checkpoint: 1,
      state: "checkpoint1.in_review",
      stateText: "At checkpoint 1, in review",
      whoseTurn: "national",
      turnText: "National team",
      daysInState: 0,
      targetDays: 20,
      sla: "within",
      leadReviewer: "Rowan Reviewer",
      secondReviewer: "Robin Reviewer",
    });
    expect(data.items.find((i) => i.id === "p-comma")).toMatchObject({ reviewers: [], daysInState: 3, failingWarnings: 2 });
    // A draft's national clock has not started: it says so rather than "0.0 of 20, within target".
    expect(data.items.find((i) => i.id === "p-formula")).toMatchObject({ clockStarted: false, slaText: "Not started" });
    expect(data.items.find((i) => i.id === inReviewId)).toMatchObject({ clockStarted: true, slaText: "Within target" });
    // An administrator may pause, resume and withdraw from the row, as the policy allows each now.
    expect(data.items.find((i) => i.id === inReviewId)?.manage).toEqual({ pause: true, resume: false, withdraw: true });
    expect(data.items.find((i) => i.id === "p-paused")?.manage).toEqual({ pause: false, resume: true, withdraw: true });
    expect(((await page("reviewer.one")) as PageData).items.every((i) => i.manage === null)).toBe(true);
    // Latest activity first by default.
    expect(data.items[0]!.id).toBe(inReviewId);
    expect(data.options.regions).toHaveLength(7);
    expect(data.options.states.find((s) => s.value === "checkpoint2.awaiting_countersign")?.label).toBe(
      "At checkpoint 2, waiting for a countersignature",
    );
  });
});

describe("the view in the address", () => {
  it("filters, sorts and pages from the query string and carries it to the export link", async () => {
    const data = (await page("reviewer.one", "?region=SE&turn=national&sort=title&page=1&size=25")) as PageData;
    expect(data.items.map((i) => i.id)).toEqual([inReviewId]);
    expect(data).toMatchObject({ sort: "title", dir: "asc", size: 25, page: 1, pageCount: 1, total: 1 });
    expect(data.filters).toMatchObject({ region: "SE", turn: "national", size: "25" });
    expect(data.search).toBe("region=SE&turn=national&sort=title&dir=asc&size=25");
    expect(data.exportHref).toBe("/pipeline.csv?region=SE&turn=national&sort=title&dir=asc");

    const text = (await page("reviewer.one", "?q=devon")) as PageData;
    expect(text.items.map((i) => i.id)).toEqual(["p-comma"]);
    expect(((await page("admin")) as PageData).exportHref).toBe("/pipeline.csv");
  });

  it("ignores malformed and hostile values instead of failing", async () => {
    const data = (await page(
      "admin",
      `?region=${encodeURIComponent("<script>")}&state=x&checkpoint=9&model=x&turn=x&sla=x&sort=${encodeURIComponent("title; drop table submission; --")}&dir=up&page=abc&size=7`,
    )) as PageData;
    expect(data).toMatchObject({ total: 4, sort: "updated", dir: "desc", page: 1, size: 50, search: "" });
    const quoted = (await page("admin", `?q=${encodeURIComponent("'; drop table submission; --")}`)) as PageData;
    expect(quoted.total).toBe(0);
    expect(((await page("admin")) as PageData).total).toBe(4);
  });

  it("shows the last page for a page past the end", async () => {
    const data = (await page("admin", "?size=25&page=40")) as PageData;
    expect(data).toMatchObject({ page: 1, pageCount: 1 });
    expect(data.items).toHaveLength(4);
  });
});

describe("the CSV export", () => {
  async function download(who: string, search = "") {
    const response = (await csv(who, search)) as Response;
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { response, bytes, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
  }

  it("downloads the filtered pipeline as UTF-8 CSV with a header row and a dated file name", async () => {
    const { response, bytes, text } = await download("reviewer.two");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const date = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="ncm-pipeline-${date}.csv"`);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = text.slice(1).split("\r\n");
    expect(lines[0]).toBe(
      "Submission ID,Title,Footprint code,Footprint,Region,Model,Vanguard,Checkpoint,State,Whose turn,State entered,Days in state,National working days used,National target (working days),SLA status,Lead reviewer,Second reviewer,Failing warnings,Last activity",
    );
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(6);
    const review = lines.find((l) => l.startsWith(inReviewId))!;
    expect(review).toMatch(
      /^[^,]+,Kent and Medway MCP,E54000032,Kent and Medway,South East,MCP,,1,"At checkpoint 1, in review",National team,[^,]+,0,0\.0,20,Within target,Rowan Reviewer,Robin Reviewer,\d+,[^,]+$/,
    );
  });

  it("quotes fields with commas and defuses formulas", async () => {
    const { text } = await download("admin");
    expect(text).toContain('p-formula,"\'=HYPERLINK(""http://evil.example"",""Click"")",E54000007,Greater Manchester,');
    expect(text).toContain('p-comma,"Devon, Cornwall and friends",E54000037,Devon,South West,PACS,,1,');
  });

  it("exports only what the filter keeps, in the view's order", async () => {
    const { text } = await download("admin", "?sort=title&dir=desc&turn=local&page=3&size=25");
    const ids = text
      .slice(1)
      .trim()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(",")[0]);
    // "devon, …" sorts after "=hyperlink…" ("d" after "="), so first when descending.
    expect(ids).toEqual(["p-comma", "p-formula"]);
  });
});
