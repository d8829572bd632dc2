import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NamedActor } from "../../app/.server/assurance.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { type PopulationSection, SECTION_SLUGS } from "../../workflows/submission.ts";
import { appRequest, context, prepareAppDatabase, sessionCookieFor, settle } from "../support/app.ts";

let cleanup = () => {};
let submissionId: string;
let changedPractice: { index: number; before: number; after: number; name: string };

async function modules() {
  const [assurance, users, submissions, route, dbModule] = await Promise.all([
    import("../../app/.server/assurance.ts"),
    import("../../db/users.ts"),
    import("../../db/submissions.ts"),
    import("../../app/routes/submission-versions.tsx"),
    import("../../app/.server/db.ts"),
  ]);
  return { assurance, users, submissions, route, db: dbModule.db };
}

async function actorFor(email: string): Promise<NamedActor> {
  const { users, assurance, db } = await modules();
  const row = await db().selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return assurance.actorFrom((await users.findUserProfile(db(), row.id))!);
}

beforeAll(async () => {
  ({ cleanup } = await prepareAppDatabase());
  const { assurance, submissions, db } = await modules();
  const [lead, admin, one, two] = await Promise.all(
    ["lead.kent@example.nhs.uk", "admin@example.nhs.uk", "reviewer.one@example.nhs.uk", "reviewer.two@example.nhs.uk"].map(actorFor),
  );
  const started = await assurance.startSubmission(db(), lead!, {
    footprintCode: "E54000032",
    title: "Kent and Medway MCP",
    modelType: "MCP",
  });
  if (!started.ok) throw new Error(started.reason);
  submissionId = started.id;

  const content = exampleSubmission({ modelType: "MCP", footprintName: "Kent and Medway", footprintCode: "E54000032", seed: 3 });
  const save = (section: string, data: unknown) =>
    submissions.saveSection(db(), { submissionId, section, data, updatedBy: lead!.id, at: new Date().toISOString() });
  for (const section of SECTION_SLUGS) if (content[section] !== undefined) await save(section, content[section]);

  const send = async (actor: NamedActor, command: Parameters<typeof assurance.applyEvent>[3]) => {
    const result = await assurance.applyEvent(db(), submissionId, actor, command);
    if (!result.ok) throw new Error(`${command.type}: ${result.reason}`);
    return result;
  };
  await send(lead!, { type: "SUBMIT", declaration: true });
  await send(admin!, { type: "ASSIGN", leadReviewerId: one!.id, secondReviewerId: two!.id });
  await send(one!, {
    type: "PROPOSE_DECISION",
    decision: "changes_requested",
    confidence: "amber",
    rationale: "The list sizes need checking.",
    changeRequests: [{ id: "r1", text: "Check the second practice's list size", fieldPath: "population.practices[1].listSize" }],
  });
  const returned = await send(two!, { type: "COUNTERSIGN", agree: true });
  expect(returned.state).toBe("checkpoint1.returned");

  const population = structuredClone(content.population) as PopulationSection;
  const practice = population.practices![1]!;
  changedPractice = { index: 1, before: practice.listSize!, after: practice.listSize! + 250, name: practice.name! };
  practice.listSize = changedPractice.after;
  await save("population", population);
  await send(lead!, { type: "RESUBMIT", declaration: true });
});
afterAll(() => cleanup());

async function versionsPage(email: string, search = "") {
  const { route } = await modules();
  const cookie = await sessionCookieFor(email);
  const request = appRequest(`/submissions/${submissionId}/versions${search}`, { cookie });
  return settle(() => route.loader({ request, params: { id: submissionId }, context } as never));
}

type LoaderData = Awaited<ReturnType<Awaited<ReturnType<typeof modules>>["route"]["loader"]>>;

function statusOf(result: unknown): number {
  return result instanceof Response ? result.status : (result as { init: { status: number } }).init.status;
}

describe("the versions page", () => {
  it("lists every submitted version with who submitted it", async () => {
    const data = (await versionsPage("lead.kent@example.nhs.uk")) as LoaderData;
    expect(data.versions).toEqual([
      { submissionId, number: 1, checkpoint: 1, submittedBy: "Kendall Lead", submittedAt: expect.any(String) },
      { submissionId, number: 2, checkpoint: 1, submittedBy: "Kendall Lead", submittedAt: expect.any(String) },
    ]);
  });

  it("compares the last two versions by default, showing the changed practice at its exact path", async () => {
    const data = (await versionsPage("lead.kent@example.nhs.uk")) as LoaderData;
    const comparison = data.comparison!;
    expect(comparison).toMatchObject({ from: 1, to: 2, total: 1 });
    expect(comparison.sections).toEqual([
      {
        slug: "population",
        title: "Population and scope",
        changes: [
          {
            fieldPath: `population.practices[${changedPractice.index}].listSize`,
            kind: "changed",
            label: `Practice 2 (${changedPractice.name}): List size`,
            before: [changedPractice.before.toLocaleString("en-GB")],
            after: [changedPractice.after.toLocaleString("en-GB")],
          },
        ],
      },
    ]);
  });

  it("compares any two versions chosen in the query, either way round", async () => {
    const data = (await versionsPage("reviewer.two@example.nhs.uk", "?from=2&to=1")) as LoaderData;
    expect(data.comparison).toMatchObject({ from: 2, to: 1, total: 1 });
    expect(data.comparison!.sections[0]!.changes[0]).toMatchObject({
      before: [changedPractice.after.toLocaleString("en-GB")],
      after: [changedPractice.before.toLocaleString("en-GB")],
    });
    const same = (await versionsPage("admin@example.nhs.uk", "?from=1&to=1")) as LoaderData;
    expect(same.comparison).toMatchObject({ from: 1, to: 1, total: 0, sections: [] });
  });

  it("answers 404 to another footprint's lead, and for a version that does not exist", async () => {
    expect(statusOf(await versionsPage("lead.manchester@example.nhs.uk"))).toBe(404);
    expect(statusOf(await versionsPage("lead.kent@example.nhs.uk", "?from=1&to=9"))).toBe(404);
  });

  it("answers 400 to a query that is not a version number", async () => {
    expect(statusOf(await versionsPage("lead.kent@example.nhs.uk", "?from=first&to=2"))).toBe(400);
  });
});
