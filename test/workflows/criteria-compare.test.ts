import { describe, expect, it } from "vitest";
import sixteen from "../../db/criteria-sets/2016-17.json";
import seventeen from "../../db/criteria-sets/2017-19.json";
import { type CriteriaSetComparison, compareCriteriaSets, ordinal, sentenceText } from "../../workflows/criteria-data/compare.ts";
import type { AutomaticCriterionRow, CriterionRow, JudgementCriterionRow, RuleGroup } from "../../workflows/criteria-data/types.ts";

const SET_2016_17 = sixteen as unknown as CriterionRow[];
const SET_2017_19 = seventeen as unknown as CriterionRow[];

const population: AutomaticCriterionRow = {
  id: "NCM-02",
  domain: "proposal",
  kind: "automatic",
  title: "PACS covers at least 250,000 people",
  rule: "A PACS should cover at least 250,000 registered patients.",
  source: "S27",
  appliesTo: { modelTypes: ["MCP", "PACS"], checkpoints: [1, 2, 3] },
  severity: "blocking",
  fieldPaths: ["population.registeredPopulation"],
  table: {
    rules: [
      { when: "population.registeredPopulation = null", outcome: "not_applicable" },
      {
        when: "population.registeredPopulation < 250000",
        outcome: "fail",
        message: '"Below 250,000: " + formatCount(population.registeredPopulation)',
        fieldPath: '"population.registeredPopulation"',
        missing: false,
      },
    ],
  },
};

const judgement = (id: string, title = `Judgement ${id}`): JudgementCriterionRow => ({
  id,
  domain: "judgement",
  kind: "judgement",
  title,
  rule: "Will the model work?",
  source: "S1",
  appliesTo: { modelTypes: ["MCP", "PACS"], checkpoints: [1, 2, 3] },
  severity: "warning",
  fieldPaths: [],
});

/** The criterion's sentences as text, code between backticks. */
function sentencesOf(comparison: CriteriaSetComparison, id: string): string[] {
  const change = comparison.changes.find((c) => c.id === id);
  if (!change) throw new Error(`${id} is not among the changes: ${comparison.changes.map((c) => c.id).join(", ")}`);
  return change.sentences.map(sentenceText);
}

/** The population row with its table edited. */
function withTable(edit: (table: AutomaticCriterionRow["table"]) => AutomaticCriterionRow["table"]): AutomaticCriterionRow {
  return { ...population, table: edit(structuredClone(population.table)) };
}

describe("compareCriteriaSets", () => {
  it("finds no differences between a set and itself, or a copy with its keys in another order", () => {
    const same = compareCriteriaSets(SET_2017_19, SET_2017_19);
    expect(same.changes).toEqual([]);
    expect(same.summary).toBe("No differences: all 40 criteria are the same");
    expect(same.unchanged).toBe(40);
    const reordered = SET_2017_19.map((row) => Object.fromEntries(Object.entries(row).reverse()) as unknown as CriterionRow);
    expect(compareCriteriaSets(SET_2017_19, reordered).changes).toEqual([]);
    expect(compareCriteriaSets([], []).summary).toBe("No differences: neither version has any criteria");
  });

  it("describes 2016-17 to 2017-19: the Better Care Fund conditions retired and added, where they were", () => {
    const comparison = compareCriteriaSets(SET_2016_17, SET_2017_19);
    expect(comparison.summary).toBe("5 criteria added, 6 retired, 35 unchanged");
    expect(comparison.changes.map((c) => `${c.id} ${c.kind}`)).toEqual([
      "BCF-09 retired",
      "BCF-10 retired",
      "BCF-03 added",
      "BCF-05 added",
      "BCF-06 added",
      "BCF-07 added",
      "BCF-16 retired",
      "BCF-17 retired",
      "BCF-18 retired",
      "BCF-19 retired",
      "BCF-15 added",
    ]);
    const bcf09 = comparison.changes.find((c) => c.id === "BCF-09")!;
    expect(bcf09.title).toBe("Out-of-hospital investment or retained risk share (2016-17 condition 7)");
    expect(bcf09.sentences.map(sentenceText)).toEqual(["Retired"]);
    expect(sentencesOf(comparison, "BCF-03")).toEqual([
      "Added",
      "Blocking, checked automatically, for MCP and PACS at checkpoints 1, 2 and 3",
    ]);
    // BCF-12 and BCF-14 are in both, in the same order, though retirements before them shifted their places.
    expect(comparison.changes.some((c) => c.id === "BCF-12" || c.id === "BCF-14")).toBe(false);

    const back = compareCriteriaSets(SET_2017_19, SET_2016_17);
    expect(back.summary).toBe("6 criteria added, 5 retired, 35 unchanged");
  });

  it("says when a criterion moved against the others, not when it only shifted", () => {
    const [a, b, c, d] = ["A", "B", "C", "D"].map((id) => judgement(id));
    const comparison = compareCriteriaSets([a!, b!, c!, d!], [a!, d!, b!, c!]);
    expect(comparison.changes.map((x) => x.id)).toEqual(["D"]);
    expect(sentencesOf(comparison, "D")).toEqual(["Moved from 4th to 2nd"]);
    expect(comparison.summary).toBe("1 criterion changed, 3 unchanged");
    // A criterion added before the others moves none of them.
    expect(compareCriteriaSets([a!, b!], [c!, a!, b!]).summary).toBe("1 criterion added, 2 unchanged");
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "23rd",
      "101st",
    ]);
  });

  it("describes changes to what a criterion says and where it applies", () => {
    const changed: AutomaticCriterionRow = {
      ...population,
      title: "PACS covers at least 200,000 people",
      rule: "A PACS should cover at least 200,000 registered patients.",
      source: "S27, S30",
      severity: "warning",
      domain: "better-care-fund",
      appliesTo: { modelTypes: ["MCP"], checkpoints: [2, 3] },
      fieldPaths: ["population.registeredPopulation", "population.practices[].listSize"],
    };
    const comparison = compareCriteriaSets([population], [changed]);
    expect(comparison.summary).toBe("1 criterion changed");
    expect(sentencesOf(comparison, "NCM-02")).toEqual([
      "Title changed from ‘PACS covers at least 250,000 people’ to ‘PACS covers at least 200,000 people’",
      "Now in the Better Care Fund group (was proposal)",
      "Now a warning (was blocking)",
      "Now applies to MCP only (was MCP and PACS)",
      "Now checked at checkpoints 2 and 3 (was 1, 2 and 3)",
      "Rule text changed from ‘A PACS should cover at least 250,000 registered patients.’ to ‘A PACS should cover at least 200,000 registered patients.’",
      "Source changed from ‘S27’ to ‘S27, S30’",
      "Now also points at `population.practices[].listSize`",
    ]);
    expect(comparison.changes[0]!.title).toBe("PACS covers at least 200,000 people");

    const back = compareCriteriaSets([changed], [population]);
    expect(sentencesOf(back, "NCM-02")).toEqual(
      expect.arrayContaining([
        "Now blocking (was a warning)",
        "Now applies to MCP and PACS (was MCP only)",
        "No longer points at `population.practices[].listSize`",
      ]),
    );
    const one = compareCriteriaSets([population], [{ ...population, appliesTo: { modelTypes: ["MCP", "PACS"], checkpoints: [3] } }]);
    expect(sentencesOf(one, "NCM-02")).toEqual(["Now checked at checkpoint 3 only (was 1, 2 and 3)"]);
  });

  it("describes a criterion that changes between an automatic check and reviewers' judgement", () => {
    const asJudgement: JudgementCriterionRow = { ...judgement("NCM-02"), title: population.title };
    const toJudgement = compareCriteriaSets([population], [asJudgement]);
    expect(sentencesOf(toJudgement, "NCM-02")).toEqual(
      expect.arrayContaining([
        "Now judged by reviewers (was checked automatically)",
        "Now in the key lines of enquiry group (was proposal)",
      ]),
    );
    const toAutomatic = compareCriteriaSets([asJudgement], [population]);
    expect(sentencesOf(toAutomatic, "NCM-02")).toEqual(
      expect.arrayContaining([
        "Now checked automatically (was reviewers' judgement)",
        "Rule 1 added: when `population.registeredPopulation = null`, does not apply",
      ]),
    );
  });

  it("describes each decision-table rule changed, added or removed, FEEL verbatim", () => {
    const changed = withTable((table) => {
      const rules = [...table.rules];
      rules[1] = {
        ...rules[1]!,
        when: "population.registeredPopulation < 200000",
        message: '"Below 200,000: " + formatCount(population.registeredPopulation)',
      };
      rules.push({
        when: "population.practices = null",
        outcome: "fail",
        message: '"Add the practices"',
        fieldPath: '"population.practices"',
        missing: true,
      });
      return { ...table, rules };
    });
    const comparison = compareCriteriaSets([population], [changed]);
    expect(sentencesOf(comparison, "NCM-02")).toEqual([
      "Rule 2's condition changed from `population.registeredPopulation < 250000` to `population.registeredPopulation < 200000`",
      'Rule 2\'s message changed from `"Below 250,000: " + formatCount(population.registeredPopulation)` to `"Below 200,000: " + formatCount(population.registeredPopulation)`',
      'Rule 3 added: when `population.practices = null`, fails with `"Add the practices"` at `"population.practices"` (the field is still empty)',
    ]);
    // The FEEL is code, not words, for the page to show in <code>.
    const sentence = comparison.changes[0]!.sentences[0]!;
    expect(sentence).toEqual([
      "Rule 2's condition changed from ",
      { code: "population.registeredPopulation < 250000" },
      " to ",
      { code: "population.registeredPopulation < 200000" },
    ]);

    // A rule inserted first is an addition; the others keep their place in the comparison.
    const inserted = withTable((table) => ({ ...table, rules: [{ when: "checkpoint = 1", outcome: "pass" }, ...table.rules] }));
    expect(sentencesOf(compareCriteriaSets([population], [inserted]), "NCM-02")).toEqual(["Rule 1 added: when `checkpoint = 1`, passes"]);

    const removed = withTable((table) => ({ ...table, rules: table.rules.slice(1) }));
    expect(sentencesOf(compareCriteriaSets([population], [removed]), "NCM-02")).toEqual([
      "Rule 1 removed (it was: when `population.registeredPopulation = null`, does not apply)",
    ]);

    const outcome = withTable((table) => ({
      ...table,
      rules: [
        table.rules[0]!,
        { ...table.rules[1]!, outcome: "not_applicable", message: undefined, fieldPath: undefined, missing: undefined },
      ],
    }));
    expect(sentencesOf(compareCriteriaSets([population], [outcome]), "NCM-02")).toEqual([
      "Rule 2 now does not apply (it failed before)",
      'Rule 2 no longer has a message (it was `"Below 250,000: " + formatCount(population.registeredPopulation)`)',
      'Rule 2 no longer has a field (it was `"population.registeredPopulation"`)',
    ]);

    const missing = withTable((table) => ({
      ...table,
      rules: [table.rules[0]!, { ...table.rules[1]!, missing: true, fieldPath: '"population.x"' }],
    }));
    expect(sentencesOf(compareCriteriaSets([population], [missing]), "NCM-02")).toEqual([
      'Rule 2\'s field changed from `"population.registeredPopulation"` to `"population.x"`',
      "Rule 2 now reports that the field is still empty (it reported that what was entered is wrong)",
    ]);
  });

  it("describes changes to the table's bindings and constants", () => {
    const before = withTable((table) => ({
      ...table,
      constants: { minimum: 250000, names: ["hub", "spoke"] },
      let: [
        { name: "size", value: "population.registeredPopulation" },
        { name: "practices", value: "population.practices" },
        { name: "gone", value: "1" },
      ],
    }));
    const after = withTable((table) => ({
      ...table,
      constants: { minimum: 200000, threshold: { low: 1 } },
      let: [
        { name: "practices", value: "population.practices" },
        { name: "size", value: "population.registeredPopulation * 1" },
        { name: "count", value: "count(practices)" },
      ],
    }));
    expect(sentencesOf(compareCriteriaSets([before], [after]), "NCM-02")).toEqual([
      "Constant `minimum` changed from `250000` to `200000`",
      'Constant `threshold` added: `{"low":1}`',
      'Constant `names` removed (it was `["hub","spoke"]`)',
      "The table's binding `size` changed from `population.registeredPopulation` to `population.registeredPopulation * 1`",
      "The table's binding `count` added: `count(practices)`",
      "The table's binding `gone` removed (it was `1`)",
      "The table's bindings are now worked out in the order `practices`, `size`, `count`",
    ]);
  });

  it("describes groups (list rules): their list, guard, bindings and own rules", () => {
    const group: RuleGroup = {
      when: "population.practices != null",
      forEach: { list: "population.practices", as: "practice", index: "i" },
      let: [{ name: "size", value: "practice.listSize" }],
      rules: [
        {
          when: "size = null",
          outcome: "fail",
          message: '"Enter the list size"',
          fieldPath: '"population.practices[" + string(i) + "].listSize"',
          missing: true,
        },
      ],
    };
    const before = withTable((table) => ({ ...table, rules: [...table.rules, group] }));
    const after = withTable((table) => ({
      ...table,
      rules: [
        ...table.rules,
        {
          forEach: { list: "population.hubs", as: "practice", index: "i" },
          let: [{ name: "size", value: "practice.size" }],
          rules: [group.rules[0]!, { when: "size < 0", outcome: "fail", message: '"Negative"', fieldPath: '"x"', missing: false }],
        },
      ],
    }));
    expect(sentencesOf(compareCriteriaSets([before], [after]), "NCM-02")).toEqual([
      "Rule 3 now goes through `population.hubs` (it went through `population.practices`)",
      "Rule 3 now always runs (it ran only when `population.practices != null`)",
      "Rule 3's binding `size` changed from `practice.listSize` to `practice.size`",
      'Rule 3.2 added: when `size < 0`, fails with `"Negative"` at `"x"` (what was entered is wrong)',
    ]);

    const added = compareCriteriaSets([population], [before]);
    expect(sentencesOf(added, "NCM-02")).toEqual([
      "Rule 3 added: for each `practice` in `population.practices`, only when `population.practices != null`, 1 rule",
      "Rule 3's binding `size` added: `practice.listSize`",
      'Rule 3.1 added: when `size = null`, fails with `"Enter the list size"` at `"population.practices[" + string(i) + "].listSize"` (the field is still empty)',
    ]);
    expect(sentencesOf(compareCriteriaSets([before], [population]), "NCM-02")).toEqual([
      "Rule 3 removed (it was: for each `practice` in `population.practices`, only when `population.practices != null`, 1 rule)",
    ]);
  });

  it("describes examples added, removed and changed, by name", () => {
    const before: AutomaticCriterionRow = {
      ...population,
      examples: [
        { name: "A PACS of 300,000 people", expected: "pass", checkpoint: 1, answers: { "population.registeredPopulation": 300000 } },
        { name: "A PACS of 220,000 people", expected: "fail", checkpoint: 1, answers: { "population.registeredPopulation": 220000 } },
        { name: "No population yet", expected: "not_applicable", checkpoint: 1, answers: {} },
      ],
    };
    const after: AutomaticCriterionRow = {
      ...population,
      examples: [
        { name: "A PACS of 300,000 people", expected: "pass", checkpoint: 2, answers: { "population.registeredPopulation": 300000 } },
        { name: "A PACS of 220,000 people", expected: "pass", checkpoint: 1, answers: { "population.registeredPopulation": 210000 } },
        { name: "A PACS of 150,000 people", expected: "fail", checkpoint: 1, answers: { "population.registeredPopulation": 150000 } },
      ],
    };
    expect(sentencesOf(compareCriteriaSets([before], [after]), "NCM-02")).toEqual([
      "Example ‘A PACS of 300,000 people’ changed: it is now at checkpoint 2 (was 1)",
      "Example ‘A PACS of 220,000 people’ changed: it now passes (it failed before) and its answers changed",
      "Example ‘A PACS of 150,000 people’ added: it fails at checkpoint 1",
      "Example ‘No population yet’ removed",
    ]);
  });

  it("lists changed, added and retired criteria in the newer order and counts the rest", () => {
    const from = [judgement("J-01"), population, judgement("J-02"), judgement("J-03"), judgement("J-04")];
    const to = [
      judgement("J-01"),
      { ...population, severity: "warning" as const },
      judgement("J-05"),
      judgement("J-03"),
      judgement("J-06"),
    ];
    const comparison = compareCriteriaSets(from, to);
    expect(comparison.changes.map((c) => `${c.id} ${c.kind}`)).toEqual([
      "NCM-02 changed",
      "J-02 retired",
      "J-05 added",
      "J-04 retired",
      "J-06 added",
    ]);
    expect(comparison.summary).toBe("2 criteria added, 1 changed, 2 retired, 2 unchanged");
    expect(comparison).toMatchObject({ added: 2, changed: 1, retired: 2, unchanged: 2 });
    // A retired criterion that was first stays first.
    expect(compareCriteriaSets([judgement("J-09"), judgement("J-01")], [judgement("J-01")]).changes.map((c) => c.id)).toEqual(["J-09"]);
  });
});
