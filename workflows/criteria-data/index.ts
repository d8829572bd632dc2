// The national criteria sets as data, mirroring workflows/criteria/index.ts: the same rows, in the
// same order, compiled once when this module loads (so a malformed row stops the service at start,
// naming the criterion, rather than at judging time).
import type { CRITERIA_SET_IDS } from "../criteria/types.ts";
import type { CriteriaSet } from "./types.ts";

type CriteriaSetId = (typeof CRITERIA_SET_IDS)[number];
import { bcf2016Rows, bcf2017Rows } from "./better-care-fund.ts";
import { compileCriteriaSet } from "./engine.ts";
import { isapRows } from "./isap.ts";
import { judgementRows } from "./judgement.ts";
import { proposalRows } from "./proposal.ts";
import type { CriterionRow } from "./types.ts";

export const criteriaRows: Readonly<Record<CriteriaSetId, readonly CriterionRow[]>> = {
  "2016-17": [...isapRows, ...proposalRows, ...bcf2016Rows, ...judgementRows],
  "2017-19": [...isapRows, ...proposalRows, ...bcf2017Rows, ...judgementRows],
};

export const dataCriteriaSets: Readonly<Record<CriteriaSetId, CriteriaSet>> = {
  "2016-17": {
    id: "2016-17",
    title: "New care models assurance criteria 2016-17",
    publishedOn: "2016-11-01",
    criteria: compileCriteriaSet(criteriaRows["2016-17"]).criteria,
  },
  "2017-19": {
    id: "2017-19",
    title: "New care models assurance criteria 2017-19",
    publishedOn: "2017-08-01",
    criteria: compileCriteriaSet(criteriaRows["2017-19"]).criteria,
  },
};
