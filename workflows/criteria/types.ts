// The code form's types, now shared with the data form (workflows/criteria-data/types.ts).
export * from "../criteria-data/types.ts";

export const CRITERIA_SET_IDS = ["2016-17", "2017-19"] as const;
