import type { Db } from "../../db/client.ts";
import { listRegions } from "../../db/reference.ts";
import { countByRegionAndState, countFailingCriteriaByRegion, medianCheckpointClocks, type StageCountRow } from "../../db/regions.ts";
import { loadCriteriaSets } from "../../db/criteria-sets.ts";
import type { CriteriaSets } from "../../workflows/criteria-data/sets.ts";
import { DEFAULT_TARGET_WORKING_DAYS, nationalClockOffset } from "../../workflows/clock.ts";
import { CLOSED_TURNS, PART_WAY_TURNS } from "../../workflows/states.ts";
import { hasTag, onlyStateTagged } from "../../workflows/states.ts";
import { stateLabel } from "../status.ts";
import { type BarChartLayout, barChartLayout } from "./charts.ts";
import { type PipelineParams, pipelineSearch, DEFAULT_PAGE_SIZE, DEFAULT_SORT } from "./pipeline.ts";

/**
 * The pipeline by region (/pipeline/regions): where submissions are, how far they get, how long
 * the national team is taking at each checkpoint, and which criteria hold them back. Every count
 * links to the pipeline list filtered to exactly the submissions it counts.
 */

type Filter = Partial<Pick<PipelineParams, "state" | "checkpoint" | "turn" | "sort" | "dir">>;

interface Stage {
  key: string;
  label: string;
  filter: Filter;
  holds(row: StageCountRow): boolean;
}

// Longest-waiting first: what an administrator opens a stage to find.
const OLDEST_FIRST = { sort: "days-in-state", dir: "desc" } as const;
const MOST_NATIONAL_DAYS = { sort: "national-days", dir: "desc" } as const;

/** The stages, in the order a submission passes through them; together they hold every submission once. */
export const STAGES: readonly Stage[] = [
  {
    key: "draft",
    label: "Draft, not yet submitted",
    filter: { state: onlyStateTagged("draft"), ...OLDEST_FIRST },
    holds: (r) => hasTag(r.state, "draft"),
  },
  ...[1, 2, 3].flatMap((n): Stage[] => [
    {
      key: `checkpoint${n}-national`,
      label: `Checkpoint ${n}: with the national team`,
      filter: { checkpoint: n, turn: "national", ...MOST_NATIONAL_DAYS },
      holds: (r) => r.checkpoint === n && r.whoseTurn === "national",
    },
    {
      key: `checkpoint${n}-local`,
      label: `Checkpoint ${n}: with the local system`,
      filter: { checkpoint: n, turn: "local", ...OLDEST_FIRST },
      holds: (r) => r.checkpoint === n && r.whoseTurn === "local" && !hasTag(r.state, "draft"),
    },
  ]),
  {
    key: "paused",
    label: "Paused by the national team",
    filter: { turn: "paused", ...OLDEST_FIRST },
    holds: (r) => r.whoseTurn === "paused",
  },
  ...(["assured", "not_assured", "withdrawn"] as const).map(
    (tag): Stage => ({
      key: tag.replace("_", "-"),
      label: stateLabel(onlyStateTagged(tag)),
      filter: { state: onlyStateTagged(tag) },
      holds: (r) => hasTag(r.state, tag),
    }),
  ),
];

/** `/pipeline?…` listing exactly what a cell counts. */
export function pipelineHref(filter: Filter & { region?: string | undefined }): string {
  const search = pipelineSearch({
    q: undefined,
    model: undefined,
    sla: undefined,
    region: filter.region,
    state: filter.state,
    checkpoint: filter.checkpoint,
    turn: filter.turn,
    sort: filter.sort ?? DEFAULT_SORT.sort,
    dir: filter.dir ?? DEFAULT_SORT.dir,
    page: 1,
    size: DEFAULT_PAGE_SIZE,
  });
  return `/pipeline${search.size > 0 ? `?${search}` : ""}`;
}

export interface StageRow {
  key: string;
  label: string;
  cells: { regionCode: string; count: number; href: string }[];
  total: { count: number; href: string };
}

const COUNT = new Intl.NumberFormat("en-GB");

/** "1 submission", "1,204 submissions". */
function submissions(n: number): string {
  return `${COUNT.format(n)} ${n === 1 ? "submission" : "submissions"}`;
}

const DAYS = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Every criterion's title by id, across the sets (an id means the same rule in every set). */
function criterionTitles(sets: CriteriaSets): Map<string, string> {
  const titles = new Map<string, string>();
  for (const set of sets.list) for (const c of set.criteria) if (!titles.has(c.id)) titles.set(c.id, c.title);
  return titles;
}

export interface RegionsOverview {
  regions: { code: string; name: string }[];
  stages: StageRow[];
  nationalByRegion: StageRow;
  funnel: { rows: { label: string; count: number; share: string }[]; chart: BarChartLayout };
  clock: {
    target: number;
    rows: { regionCode: string; regionName: string; checkpoints: { median: string; n: number }[] }[];
    charts: { checkpoint: number; chart: BarChartLayout; description: string }[];
  };
  failing: {
    regionCode: string | null;
    regionName: string;
    openSubmissions: number;
    rows: { criterionId: string; title: string; severity: string; count: number; share: string }[];
    chart: BarChartLayout;
  };
}

export async function loadRegionsOverview(db: Db, options: { region?: string | null; now?: Date } = {}): Promise<RegionsOverview> {
  const now = options.now ?? new Date();
  const [regions, counts, clocks, failures] = await Promise.all([
    listRegions(db),
    countByRegionAndState(db),
    medianCheckpointClocks(db, nationalClockOffset(now), PART_WAY_TURNS),
    countFailingCriteriaByRegion(db, CLOSED_TURNS),
  ]);
  const regionName = new Map(regions.map((r) => [r.code, r.name]));

  const stageRow = (key: string, label: string, filter: Filter, holds: (r: StageCountRow) => boolean): StageRow => {
    const sum = (rows: StageCountRow[]) => rows.filter(holds).reduce((n, r) => n + r.n, 0);
    return {
      key,
      label,
      cells: regions.map((region) => ({
        regionCode: region.code,
        count: sum(counts.filter((r) => r.regionCode === region.code)),
        href: pipelineHref({ ...filter, region: region.code }),
      })),
      total: { count: sum(counts), href: pipelineHref(filter) },
    };
  };
  const stages = STAGES.map((s) => stageRow(s.key, s.label, s.filter, s.holds));
  const nationalByRegion = stageRow(
    "national",
    "With the national team, all checkpoints",
    { turn: "national", ...MOST_NATIONAL_DAYS },
    (r) => r.whoseTurn === "national",
  );

  // The funnel: how many have reached each point (a withdrawn submission still reached its checkpoint).
  const all = counts.reduce((n, r) => n + r.n, 0);
  const reached = (holds: (r: StageCountRow) => boolean) => counts.filter(holds).reduce((n, r) => n + r.n, 0);
  const funnelRows = [
    { label: "Started", count: all },
    ...[1, 2, 3].map((n) => ({ label: `Reached checkpoint ${n}`, count: reached((r) => r.checkpoint >= n) })),
    { label: "Assured", count: reached((r) => hasTag(r.state, "assured")) },
  ].map((r) => ({ ...r, share: all === 0 ? "0%" : `${Math.round((r.count / all) * 100)}%` }));
  const funnel = {
    rows: funnelRows,
    chart: barChartLayout(
      funnelRows.map((r) => ({ label: r.label, value: r.count, valueText: `${submissions(r.count)} (${r.share})` })),
      { labelWidth: 200 },
    ),
  };

  // National working days used so far in the current checkpoint, live.
  const medians = new Map(clocks.map((c) => [`${c.regionCode}:${c.checkpoint}`, c]));
  const target = DEFAULT_TARGET_WORKING_DAYS;
  const clockRows = regions.map((region) => ({
    regionCode: region.code,
    regionName: region.name,
    checkpoints: [1, 2, 3].map((n) => {
      const found = medians.get(`${region.code}:${n}`);
      return found ? { value: found.median, median: DAYS.format(found.median), n: found.n } : { value: null, median: "None", n: 0 };
    }),
  }));
  const clockCharts = [1, 2, 3].map((n, i) => ({
    checkpoint: n,
    description: `Median national working days used so far at checkpoint ${n}, by region, against the target of ${target}.`,
    chart: barChartLayout(
      clockRows.map((r) => ({
        label: r.regionName,
        value: r.checkpoints[i]!.value ?? 0,
        // Named in full, so a median of days cannot be read as a count of submissions.
        valueText:
          r.checkpoints[i]!.value === null ? "no submissions" : `${r.checkpoints[i]!.median} days (${submissions(r.checkpoints[i]!.n)})`,
        href: pipelineHref({ region: r.regionCode, checkpoint: n, ...MOST_NATIONAL_DAYS }),
      })),
      { marker: { value: target, text: `Target ${target}` } },
    ),
  }));

  // The criteria that fail most in the chosen region (or England).
  const chosen = options.region && regionName.has(options.region) ? options.region : null;
  const titles = criterionTitles(await loadCriteriaSets(db));
  const tally = new Map<string, { severity: string; count: number }>();
  for (const f of failures) {
    if (chosen && f.regionCode !== chosen) continue;
    const t = tally.get(f.criterionId) ?? { severity: f.severity, count: 0 };
    t.count += f.n;
    tally.set(f.criterionId, t);
  }
  const open = counts
    .filter((r) => !CLOSED_TURNS.includes(r.whoseTurn) && (!chosen || r.regionCode === chosen))
    .reduce((n, r) => n + r.n, 0);
  const failingRows = [...tally]
    .map(([criterionId, t]) => ({
      criterionId,
      title: titles.get(criterionId) ?? criterionId,
      severity: t.severity === "blocking" ? "Blocking" : "Warning",
      count: t.count,
      share: open === 0 ? "0%" : `${Math.round((t.count / open) * 100)}%`,
    }))
    .sort((a, b) => b.count - a.count || a.criterionId.localeCompare(b.criterionId))
    .slice(0, 10);

  return {
    regions,
    stages,
    nationalByRegion,
    funnel,
    clock: {
      target,
      rows: clockRows.map((r) => ({ ...r, checkpoints: r.checkpoints.map(({ median: m, n }) => ({ median: m, n })) })),
      charts: clockCharts,
    },
    failing: {
      regionCode: chosen,
      regionName: chosen ? regionName.get(chosen)! : "England",
      openSubmissions: open,
      rows: failingRows,
      chart: barChartLayout(
        failingRows.map((r) => ({
          label: `${r.criterionId} ${r.title}`,
          value: r.count,
          valueText: `${submissions(r.count)} (${r.share})`,
        })),
        { labelsAbove: true },
      ),
    },
  };
}
