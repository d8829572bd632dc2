// What moving a submission to another criteria set would change: pure comparisons of two
// evaluations of the same content, and the tally an impact simulation builds from them. Used by
// app/.server/criteria-impact.ts; testable without a database.
import { z } from "zod";
import type { CriterionResult, Evaluation } from "./evaluate.ts";

export interface CriterionFlips {
  /** Criteria that pass (or do not apply, or are not in the current set) now and would fail. */
  passToFail: CriterionResult[];
  /** Criteria that fail now and would pass (or not apply, or are not in the target set). */
  failToPass: CriterionResult[];
}

export function criterionFlips(current: Evaluation, target: Evaluation): CriterionFlips {
  const failingNow = new Set(current.results.filter((r) => r.outcome === "fail").map((r) => r.id));
  const failingThen = new Set(target.results.filter((r) => r.outcome === "fail").map((r) => r.id));
  return {
    passToFail: target.results.filter((r) => r.outcome === "fail" && !failingNow.has(r.id)),
    failToPass: current.results.filter((r) => r.outcome === "fail" && !failingThen.has(r.id)),
  };
}

export interface ImpactSubmission {
  id: string;
  title: string;
  footprintName: string;
  regionCode: string;
  regionName: string;
  state: string;
  criteriaSet: string;
}

interface Count {
  passToFail: number;
  failToPass: number;
  /** Submissions with at least one flip here. */
  submissions: number;
}

export interface ImpactResult {
  targetSet: string;
  /** Live submissions looked at (not assured, not assured or withdrawn). */
  live: number;
  /** Of those, already pinned to the target set: nothing to compare. */
  alreadyOnTarget: number;
  /** Submissions that would gain at least one failure, or lose one. */
  affected: number;
  /** Submissions that could be submitted under their set but not under the target (a new blocking failure). */
  newlyBlocked: number;
  byCriterion: { criterionId: string; title: string; severity: string; passToFail: number; failToPass: number }[];
  byRegion: ({ regionCode: string; regionName: string } & Count)[];
  byState: ({ state: string } & Count)[];
  /** The affected submissions, most new blocking failures first, up to AFFECTED_LISTED. */
  listed: (ImpactSubmission & { newFailures: string[]; fixed: string[]; newlyBlocked: boolean })[];
}

const countShape = { passToFail: z.number(), failToPass: z.number(), submissions: z.number() };

/** A finished simulation's result as stored, read back for the page that shows it. */
export const ImpactResultSchema: z.ZodType<ImpactResult> = z.object({
  targetSet: z.string(),
  live: z.number(),
  alreadyOnTarget: z.number(),
  affected: z.number(),
  newlyBlocked: z.number(),
  byCriterion: z.array(
    z.object({ criterionId: z.string(), title: z.string(), severity: z.string(), passToFail: z.number(), failToPass: z.number() }),
  ),
  byRegion: z.array(z.object({ regionCode: z.string(), regionName: z.string(), ...countShape })),
  byState: z.array(z.object({ state: z.string(), ...countShape })),
  listed: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      footprintName: z.string(),
      regionCode: z.string(),
      regionName: z.string(),
      state: z.string(),
      criteriaSet: z.string(),
      newFailures: z.array(z.string()),
      fixed: z.array(z.string()),
      newlyBlocked: z.boolean(),
    }),
  ),
});

export const AFFECTED_LISTED = 200;

/**
 * The tally of a simulation, empty or carried on from `from`, a tally's result() so far: a
 * simulation cut off by a restart resumes from its last completed batch. The list of affected
 * submissions loses nothing by being trimmed part way: the most telling AFFECTED_LISTED of all are
 * among the most telling of those so far and the rest.
 */
export function createImpactTally(targetSet: string, from?: ImpactResult) {
  let live = from?.live ?? 0;
  let alreadyOnTarget = from?.alreadyOnTarget ?? 0;
  let affected = from?.affected ?? 0;
  let newlyBlocked = from?.newlyBlocked ?? 0;
  const criteria = new Map<string, ImpactResult["byCriterion"][number]>((from?.byCriterion ?? []).map((c) => [c.criterionId, { ...c }]));
  const regions = new Map<string, ImpactResult["byRegion"][number]>((from?.byRegion ?? []).map((r) => [r.regionCode, { ...r }]));
  const states = new Map<string, ImpactResult["byState"][number]>((from?.byState ?? []).map((s) => [s.state, { ...s }]));
  const listed: ImpactResult["listed"] = [...(from?.listed ?? [])];

  const bump = (count: Count, flips: CriterionFlips) => {
    count.passToFail += flips.passToFail.length;
    count.failToPass += flips.failToPass.length;
    count.submissions += 1;
  };

  return {
    /** One live submission; `flips` is null when it is already on the target set. */
    add(submission: ImpactSubmission, flips: CriterionFlips | null, current: Evaluation | null, target: Evaluation | null) {
      live += 1;
      if (!flips) {
        alreadyOnTarget += 1;
        return;
      }
      if (flips.passToFail.length === 0 && flips.failToPass.length === 0) return;
      affected += 1;
      const blocked = Boolean(current?.passed && target && !target.passed);
      if (blocked) newlyBlocked += 1;
      for (const [results, key] of [
        [flips.passToFail, "passToFail"],
        [flips.failToPass, "failToPass"],
      ] as const) {
        for (const r of results) {
          const c = criteria.get(r.id) ?? { criterionId: r.id, title: r.title, severity: r.severity, passToFail: 0, failToPass: 0 };
          c[key] += 1;
          criteria.set(r.id, c);
        }
      }
      const region = regions.get(submission.regionCode) ?? {
        regionCode: submission.regionCode,
        regionName: submission.regionName,
        passToFail: 0,
        failToPass: 0,
        submissions: 0,
      };
      bump(region, flips);
      regions.set(submission.regionCode, region);
      const state = states.get(submission.state) ?? { state: submission.state, passToFail: 0, failToPass: 0, submissions: 0 };
      bump(state, flips);
      states.set(submission.state, state);
      listed.push({
        ...submission,
        newFailures: flips.passToFail.map((r) => r.id),
        fixed: flips.failToPass.map((r) => r.id),
        newlyBlocked: blocked,
      });
      // Keep the most telling ones: newly blocked, then most new failures.
      if (listed.length > AFFECTED_LISTED * 2) trim();
    },
    result(): ImpactResult {
      trim();
      return {
        targetSet,
        live,
        alreadyOnTarget,
        affected,
        newlyBlocked,
        byCriterion: [...criteria.values()].sort(
          (a, b) => b.passToFail + b.failToPass - (a.passToFail + a.failToPass) || a.criterionId.localeCompare(b.criterionId),
        ),
        byRegion: [...regions.values()].sort((a, b) => a.regionName.localeCompare(b.regionName)),
        byState: [...states.values()].sort((a, b) => b.submissions - a.submissions || a.state.localeCompare(b.state)),
        listed: [...listed],
      };
    },
  };

  function trim() {
    listed.sort(
      (a, b) => Number(b.newlyBlocked) - Number(a.newlyBlocked) || b.newFailures.length - a.newFailures.length || a.id.localeCompare(b.id),
    );
    listed.length = Math.min(listed.length, AFFECTED_LISTED);
  }
}
