import { hashPassword } from "better-auth/crypto";
import type { Db } from "../../db/client.ts";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import { findSubmission, saveSection } from "../../db/submissions.ts";
import { addFootprintMember, findUserProfile, insertCredentialUser } from "../../db/users.ts";
import type { Checkpoint, ModelType } from "../../workflows/assurance.machine.ts";
import { exampleSubmission } from "../../workflows/fixtures.ts";
import { withDemoFiles } from "./demo-evidence.ts";
import { recheckDraft } from "./submissions.ts";
import { SECTION_SLUGS } from "../../workflows/submission.ts";
import { actorFrom, applyEvent, startSubmission, type WorkflowCommand, type NamedActor } from "./assurance.ts";

/**
 * Demo submissions, built by driving the real machine through the runtime (so every audit chain
 * verifies and every state is one the process can actually reach), spread over the seven regions,
 * both model types and every state. Runs only when there are no submissions yet.
 */

/** Footprints across all seven regions, two each; the three with named demo leads come first. */
const DEMO_FOOTPRINT_CODES = [
  "E54000007",
  "E54000016",
  "E54000032",
  "E54000005",
  "E54000008",
  "E54000010",
  "E54000022",
  "E54000027",
  "E54000037",
  "E54000006",
  "E54000026",
  "E54000029",
  "E54000034",
  "E54000040",
];

type Step =
  | "submit"
  | "assign"
  | "propose_proceed"
  | "propose_conditions"
  | "propose_changes"
  | "propose_stop"
  | "countersign"
  | "disagree"
  | "resubmit"
  | "discharge"
  | "pause"
  | "withdraw";

const THROUGH = (decision: Step): Step[] => ["submit", "assign", decision, "countersign"];

/** The paths to every resting state of the machine, some reached twice by different routes. */
const SCRIPTS: Step[][] = [
  [],
  [],
  ["submit"],
  ["submit", "assign"],
  ["submit", "assign", "propose_proceed"],
  ["submit", "assign", "propose_proceed", "disagree"],
  THROUGH("propose_changes"),
  [...THROUGH("propose_changes"), "resubmit"],
  THROUGH("propose_proceed"),
  THROUGH("propose_conditions"),
  [...THROUGH("propose_conditions"), "discharge"],
  [...THROUGH("propose_proceed"), "submit"],
  [...THROUGH("propose_proceed"), "submit", "assign"],
  [...THROUGH("propose_conditions"), "discharge", "submit", "assign", "propose_proceed"],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_changes")],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed")],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_conditions")],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed"), "submit"],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed"), "submit", "assign"],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed"), "submit", "assign", "propose_proceed"],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed"), ...THROUGH("propose_changes")],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed"), ...THROUGH("propose_conditions")],
  [...THROUGH("propose_proceed"), ...THROUGH("propose_proceed"), ...THROUGH("propose_proceed")],
  [...THROUGH("propose_conditions"), "discharge", ...THROUGH("propose_proceed"), ...THROUGH("propose_proceed")],
  THROUGH("propose_stop"),
  [...THROUGH("propose_proceed"), ...THROUGH("propose_stop")],
  ["withdraw"],
  [...THROUGH("propose_proceed"), "withdraw"],
  ["submit", "assign", "pause"],
  [...THROUGH("propose_proceed"), "pause"],
  ["submit", "pause"],
];

const DEMO_TITLES: Record<ModelType, string[]> = {
  MCP: ["Multispecialty community provider", "Neighbourhood care MCP", "Integrated community care MCP"],
  PACS: ["Primary and acute care system", "Integrated care partnership PACS", "Whole-population PACS"],
};

function emailFor(footprintName: string) {
  return `lead.${footprintName.toLowerCase().replace(/[^a-z]+/g, "")}@example.nhs.uk`;
}

async function demoActors(db: Db) {
  const load = async (email: string) => {
    const user = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    return actorFrom((await findUserProfile(db, user.id))!);
  };
  return {
    admin: await load("admin@example.nhs.uk"),
    reviewers: [
      await load("reviewer.one@example.nhs.uk"),
      await load("reviewer.two@example.nhs.uk"),
      await load("reviewer.three@example.nhs.uk"),
    ],
    leadFor: async (footprint: { code: string; name: string }, passwordHash: string): Promise<NamedActor> => {
      const existing = (
        await db
          .selectFrom("footprint_member")
          .innerJoin("user", "user.id", "footprint_member.user_id")
          .select("user.email")
          .where("footprint_member.footprint_code", "=", footprint.code)
          .where("user.role", "=", "lead")
          .executeTakeFirst()
      )?.email;
      if (existing) return load(existing);
      const email = emailFor(footprint.name);
      const id = await insertCredentialUser(db, { email, name: `${footprint.name} lead`, role: "lead", passwordHash });
      await addFootprintMember(db, id, footprint.code);
      return load(email);
    },
  };
}

export async function seedDemoSubmissions(db: Db, now = new Date()): Promise<number> {
  const existing = await db
    .selectFrom("submission")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) return 0;

  const actors = await demoActors(db);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const vanguards = await db.selectFrom("vanguard").select(["number", "type", "likely_footprint_code"]).execute();
  const footprintRows = await db.selectFrom("footprint").select(["code", "name"]).where("code", "in", DEMO_FOOTPRINT_CODES).execute();
  const footprints = DEMO_FOOTPRINT_CODES.map((code) => footprintRows.find((f) => f.code === code)!);
  let created = 0;

  for (let i = 0; i < SCRIPTS.length + 9; i++) {
    const script = SCRIPTS[i % SCRIPTS.length]!;
    const footprint = footprints[i % footprints.length]!;
    const modelType: ModelType = i % 3 === 1 ? "PACS" : "MCP";
    const lead = await actors.leadFor(footprint, passwordHash);
    const vanguard = vanguards.find((v) => v.likely_footprint_code === footprint.code && v.type === modelType);
    // Reviewer pairs rotate; Riley (reviewer.three) never reviews Greater Manchester, where they are conflicted.
    const pool = actors.reviewers.filter((r) => !r.conflicts.includes(footprint.code));
    const leadReviewer = pool[i % pool.length]!;
    const secondReviewer = pool[(i + 1) % pool.length]!;

    // Spread the histories over the last ~16 weeks, so clocks and SLA statuses vary.
    let at = new Date(now.getTime() - (30 + ((i * 37) % 90)) * 86_400_000);
    const step = () => {
      at = new Date(Math.min(at.getTime() + (1 + ((i + created) % 6)) * 86_400_000 + 3_600_000 * (i % 7), now.getTime() - 3_600_000));
      return at;
    };

    const started = await startSubmission(db, lead, {
      footprintCode: footprint.code,
      title: `${footprint.name} ${DEMO_TITLES[modelType][i % 3]}`,
      modelType,
      vanguardNumber: vanguard?.number ?? null,
      at,
    });
    if (!started.ok) throw new Error(`demo seed: ${started.reason}`);
    const id = started.id;
    let checkpoint: Checkpoint = 1;
    let lastProposal: string | null = null;

    const saveContent = async (cp: Checkpoint) => {
      const content = exampleSubmission({
        modelType,
        footprintName: footprint.name,
        footprintCode: footprint.code,
        vanguardNumber: vanguard?.number,
        checkpoint: cp,
        seed: i + 1,
      });
      if (content.evidence?.documents) {
        content.evidence = {
          ...content.evidence,
          documents: await withDemoFiles(content.evidence.documents, content.about?.title ?? footprint.name),
        };
      }
      for (const section of SECTION_SLUGS) {
        if (content[section] === undefined) continue;
        await saveSection(db, { submissionId: id, section, data: content[section], updatedBy: lead.id, at: at.toISOString() });
      }
      await recheck();
    };
    // As a lead's own saves do: the pipeline's counts and the task list's checks follow the draft.
    const recheck = async () => {
      const submission = (await findSubmission(db, id))!;
      await recheckDraft(db, { submission, snapshot: submission.workflow_snapshot }, at.toISOString());
    };
    // Drafts are left part-written, as real ones are; everything else has full content.
    if (script.length > 0) await saveContent(1);
    else if (i % 2 === 0) {
      const partial = exampleSubmission({ modelType, footprintName: footprint.name, footprintCode: footprint.code, seed: i + 1 }) as Record<
        string,
        unknown
      >;
      for (const section of ["about", "population"]) {
        await saveSection(db, { submissionId: id, section, data: partial[section], updatedBy: lead.id, at: at.toISOString() });
      }
      await recheck();
    } else await recheck(); // a draft never saved: its checks recorded all the same, so every demo submission has them

    const send = async (actor: NamedActor, command: WorkflowCommand) => {
      const result = await applyEvent(db, id, actor, command, { at: step() });
      if (!result.ok) throw new Error(`demo seed: ${command.type} refused for ${footprint.name}: ${result.reason}`);
    };
    const propose = (decision: "proceed" | "proceed_with_conditions" | "changes_requested" | "do_not_proceed") => {
      lastProposal = decision;
      return send(leadReviewer, {
        type: "PROPOSE_DECISION",
        decision,
        confidence: decision === "proceed" ? "green" : decision === "do_not_proceed" ? "red" : "amber",
        rationale:
          decision === "do_not_proceed"
            ? "The financial case does not show how the acute trust survives the risk share."
            : "The governing body has scrutinised the case and the GP engagement is real.",
        conditions:
          decision === "proceed_with_conditions"
            ? [
                {
                  id: `c${checkpoint}`,
                  text: "Agree the risk and gain share with the local acute trust",
                  fieldPath: "finance.riskGainShare.description",
                },
              ]
            : [],
        changeRequests:
          decision === "changes_requested"
            ? [{ id: `r${checkpoint}`, text: "Explain how hub populations were estimated", fieldPath: "population.hubs" }]
            : [],
      });
    };

    for (const s of script) {
      switch (s) {
        case "submit":
          if (checkpoint > 1) await saveContent(checkpoint);
          await send(lead, { type: "SUBMIT", declaration: true });
          break;
        case "resubmit":
          await send(lead, { type: "RESUBMIT", declaration: true });
          break;
        case "assign":
          await send(actors.admin, { type: "ASSIGN", leadReviewerId: leadReviewer.id, secondReviewerId: secondReviewer.id });
          break;
        case "propose_proceed":
          await propose("proceed");
          break;
        case "propose_conditions":
          await propose("proceed_with_conditions");
          break;
        case "propose_changes":
          await propose("changes_requested");
          break;
        case "propose_stop":
          await propose("do_not_proceed");
          break;
        case "countersign":
          await send(secondReviewer, { type: "COUNTERSIGN", agree: true });
          // Only a decision to go on moves to the next checkpoint; changes requested stays at this one.
          if (lastProposal === "proceed" || lastProposal === "proceed_with_conditions") {
            checkpoint = Math.min(checkpoint + 1, 3) as Checkpoint;
          }
          break;
        case "disagree":
          await send(secondReviewer, { type: "COUNTERSIGN", agree: false, reason: "The hub populations do not add up yet." });
          break;
        case "discharge": {
          const conditionId = `c${checkpoint - 1}`;
          await send(lead, {
            type: "SUBMIT_CONDITION_EVIDENCE",
            conditionId,
            evidence: "Risk share signed by both boards; minutes attached.",
          });
          await send(leadReviewer, { type: "ACCEPT_CONDITION", conditionId });
          break;
        }
        case "pause":
          await send(actors.admin, { type: "PAUSE", reason: "National intervention: revisit the clinical model before going further." });
          break;
        case "withdraw":
          await send(lead, { type: "WITHDRAW", reason: "The CCGs decided to commission through an alliance instead." });
          break;
      }
    }
    created += 1;
  }
  return created;
}
