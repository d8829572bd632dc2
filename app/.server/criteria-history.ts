import type { Db } from "../../db/client.ts";
import { listCriteriaSetVersions, readCriteriaSetRows } from "../../db/criteria-sets.ts";
import { type CriteriaSetComparison, compareCriteriaSets } from "../../workflows/criteria-data/compare.ts";

/**
 * The history of the national criteria (/admin/criteria/history, issue 14 step 6): any two versions
 * of a set, published or draft, compared criterion by criterion in words.
 */

export interface HistoryQuery {
  /** The version read as the newer: what changed to arrive at it. */
  compare?: string | undefined;
  /** The version it is compared with. */
  with?: string | undefined;
}

type Version = Awaited<ReturnType<typeof listCriteriaSetVersions>>[number];

/** "New care models assurance criteria 2017-19", naming the id when the title does not, and marking drafts. */
function versionLabel(version: Pick<Version, "id" | "title" | "status">): string {
  const named = version.title.includes(version.id) ? version.title : `${version.title} (${version.id})`;
  return version.status === "draft" ? `${named} (draft)` : named;
}

const unknownVersion = (id: string) => `There is no version of the criteria called ‘${id}’: choose one from the list`;

export interface CriteriaHistory {
  versions: { value: string; label: string }[];
  /** What the two lists show as chosen. */
  chosen: { compare: string; with: string };
  errors: { compare?: string; with?: string };
  comparison:
    | (CriteriaSetComparison & {
        compare: { id: string; label: string };
        with: { id: string; label: string };
      })
    | null;
}

/**
 * Loads the two versions named (or, by default, the newest and the version it was based on, else
 * the one before it) and compares them. An id that names no version is an error for its field,
 * with no comparison.
 */
export async function criteriaHistory(db: Db, query: HistoryQuery): Promise<CriteriaHistory> {
  const versions = await listCriteriaSetVersions(db);
  const byId = new Map(versions.map((v) => [v.id, v]));
  const options = versions.map((v) => ({ value: v.id, label: versionLabel(v) }));

  const newest = versions[0];
  const compareId = query.compare ?? newest?.id ?? "";
  const base = byId.get(compareId);
  const withId =
    query.with ??
    (base?.basedOn && byId.has(base.basedOn) ? base.basedOn : (versions[versions.findIndex((v) => v.id === compareId) + 1]?.id ?? ""));

  const errors: CriteriaHistory["errors"] = {};
  if (compareId !== "" && !byId.has(compareId)) errors.compare = unknownVersion(compareId);
  if (withId !== "" && !byId.has(withId)) errors.with = unknownVersion(withId);
  const chosen = { compare: compareId, with: withId };
  if (errors.compare || errors.with || compareId === "" || withId === "") return { versions: options, chosen, errors, comparison: null };

  const [newer, older] = await Promise.all([readCriteriaSetRows(db, compareId), readCriteriaSetRows(db, withId)]);
  // Listed a moment ago, so missing only if removed in between; a draft's content is not checked
  // the way a published set's is, so one that is not a list of criteria is said to be unreadable.
  const problem = (version: typeof newer, id: string) =>
    !version
      ? unknownVersion(id)
      : Array.isArray(version.rows)
        ? undefined
        : `The version ‘${id}’ cannot be read: its content is not a list of criteria`;
  const newerProblem = problem(newer, compareId);
  const olderProblem = problem(older, withId);
  if (!newer || !older || newerProblem || olderProblem) {
    return {
      versions: options,
      chosen,
      errors: { ...(newerProblem ? { compare: newerProblem } : {}), ...(olderProblem ? { with: olderProblem } : {}) },
      comparison: null,
    };
  }
  return {
    versions: options,
    chosen,
    errors,
    comparison: {
      ...compareCriteriaSets(older.rows, newer.rows),
      compare: { id: newer.id, label: versionLabel(newer) },
      with: { id: older.id, label: versionLabel(older) },
    },
  };
}
