// The form that writes one criterion of a draft criteria set (/admin/criteria/sets/:setId/criteria/:criterionId).
// Shared by the page, which checks it in the browser as it is typed, and the server, which saves it.
// A decision table's plain rules are edited here; its lists' rules ("each practice"), bindings and
// constants are kept as they were and shown for reading (docs/decisions/007, amended for step 3).
import { z } from "zod";
import { MODEL_TYPES } from "../../workflows/submission-vocabulary.ts";
import type {
  AutomaticCriterionRow,
  CriterionDomain,
  CriterionExample,
  CriterionRow,
  DecisionTable,
  RuleGroup,
  TableRule,
} from "../../workflows/criteria-data/types.ts";
import { isRuleGroup } from "../../workflows/criteria-data/types.ts";
import type { AutomaticCriterion, ExampleAnswer, ReferenceData, TableOutcome } from "../../workflows/criteria-data/types.ts";
import type { Checkpoint } from "../../workflows/submission-vocabulary.ts";
import { CriteriaDataError, compileCriteriaSet } from "../../workflows/criteria-data/engine.ts";
import { checkDecisionTable } from "../../workflows/criteria-data/expression-check.ts";
import { judgeExample } from "../../workflows/criteria-data/examples.ts";
import { answerAsText, answerFromText, CRITERIA_FIELD_TYPES, fieldForPath } from "./criteria-fields.ts";

export const DOMAINS = ["isap", "proposal", "better-care-fund", "judgement"] as const satisfies readonly CriterionDomain[];
export const DOMAIN_LABELS: Record<CriterionDomain, string> = {
  isap: "Integrated Support and Assurance Process (ISAP)",
  proposal: "The care model proposal",
  "better-care-fund": "Better Care Fund conditions",
  judgement: "Key line of enquiry (reviewers' judgement)",
};
export const OUTCOME_LABELS = { fail: "Fails", pass: "Passes", not_applicable: "Does not apply" } as const;

const text = (what: string, max: number) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${capital(what)} must be ${max.toLocaleString("en-GB")} characters or fewer`);
const optionalText = (max: number) => z.string().trim().max(max).optional();
function capital(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const RuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("rule"),
    when: text("the condition, in FEEL", 2000),
    outcome: z.enum(["fail", "pass", "not_applicable"], { error: "Choose what the rule gives when its condition is true" }),
    message: optionalText(2000),
    fieldPath: optionalText(2000),
    missing: z.enum(["yes", "no"]).optional(),
  }),
  // A list's rules, kept as saved: `keep` is its position in the saved table.
  z.object({ kind: z.literal("group"), keep: z.coerce.number().int().min(0) }),
]);

const ExampleSchema = z.object({
  name: text("what the example shows", 300),
  expected: z.enum(["pass", "fail", "not_applicable"], { error: "Choose the outcome the example must give" }),
  checkpoint: z.enum(["1", "2", "3"], { error: "Choose the checkpoint" }),
  answers: z.string().max(20_000, "Answers must be 20,000 characters or fewer").optional(),
});

export const CriterionSchema = z
  .object({
    id: z
      .string({ error: "Enter the criterion's id, like NCM-15" })
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{1,6}-\d{1,3}$/, "Enter the id as letters, a hyphen and a number, like NCM-15"),
    kind: z.enum(["automatic", "judgement"], { error: "Choose how the criterion is judged" }),
    title: text("the title", 200),
    rule: text("the rule in plain English", 4000),
    source: text("the source, like S33", 200),
    domain: z.enum(DOMAINS, { error: "Choose the domain" }),
    severity: z.enum(["blocking", "warning"], { error: "Choose whether it blocks submitting or only warns" }),
    modelTypes: z.array(z.enum(MODEL_TYPES)).min(1, "Choose at least one model it applies to"),
    checkpoints: z.array(z.enum(["1", "2", "3"])).min(1, "Choose at least one checkpoint"),
    fieldPaths: z.string().max(4000).optional(),
    rules: z.array(RuleSchema).max(60).default([]),
    examples: z.array(ExampleSchema).max(40).default([]),
  })
  .superRefine((v, ctx) => {
    v.rules?.forEach((rule, index) => {
      if (rule.kind !== "rule" || rule.outcome !== "fail") return;
      if (!rule.message)
        ctx.addIssue({ code: "custom", path: ["rules", index, "message"], message: "Enter the message a lead sees when it fails" });
      if (!rule.fieldPath)
        ctx.addIssue({ code: "custom", path: ["rules", index, "fieldPath"], message: "Enter the field the failure points at" });
      if (!rule.missing)
        ctx.addIssue({ code: "custom", path: ["rules", index, "missing"], message: "Say whether the field is empty or wrong" });
    });
    if (v.kind === "automatic" && v.rules?.length === 0) {
      ctx.addIssue({ code: "custom", path: ["rules"], message: "Add at least one rule: an automatic check needs a decision table" });
    }
  });
export type CriterionInput = z.infer<typeof CriterionSchema>;

/** The form's values as the browser holds them: text, and lists of text. */
export interface CriterionFormValues {
  id?: string;
  kind?: string;
  title?: string;
  rule?: string;
  source?: string;
  domain?: string;
  severity?: string;
  modelTypes?: string[];
  checkpoints?: string[];
  fieldPaths?: string;
  rules?: { kind?: string; keep?: string; when?: string; outcome?: string; message?: string; fieldPath?: string; missing?: string }[];
  examples?: { name?: string; expected?: string; checkpoint?: string; answers?: string }[];
}

/** What the form starts with for a saved row, or a new automatic one. */
export function criterionFormValues(
  row: CriterionRow | undefined,
  answersText: (example: CriterionExample) => string,
): CriterionFormValues {
  if (!row) {
    return {
      kind: "automatic",
      domain: "proposal",
      severity: "warning",
      modelTypes: ["MCP", "PACS"],
      checkpoints: ["1", "2", "3"],
      rules: [{ kind: "rule", outcome: "fail", missing: "no" }],
      examples: [
        { expected: "pass", checkpoint: "1" },
        { expected: "fail", checkpoint: "1" },
      ],
    };
  }
  const table = row.kind === "automatic" ? row.table : undefined;
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    rule: row.rule,
    source: row.source,
    domain: row.domain,
    severity: row.severity,
    modelTypes: [...row.appliesTo.modelTypes],
    checkpoints: row.appliesTo.checkpoints.map(String),
    fieldPaths: row.fieldPaths.join("\n"),
    rules: (table?.rules ?? []).map((entry, index) =>
      isRuleGroup(entry)
        ? { kind: "group", keep: String(index) }
        : {
            kind: "rule",
            when: entry.when,
            outcome: entry.outcome,
            message: entry.message,
            fieldPath: entry.fieldPath,
            missing: entry.outcome === "fail" ? (entry.missing ? "yes" : "no") : undefined,
          },
    ),
    examples: (row.kind === "automatic" ? (row.examples ?? []) : []).map((example) => ({
      name: example.name,
      expected: example.expected,
      checkpoint: String(example.checkpoint),
      answers: answersText(example),
    })),
  };
}

/**
 * The row the form describes. `saved` is the row as it was (its lists' rules, bindings and
 * constants are kept); `examples` are the form's examples with their answers already read.
 */
export function criterionRowFrom(input: CriterionInput, saved: CriterionRow | undefined, examples: CriterionExample[]): CriterionRow {
  const base = {
    id: input.id,
    domain: input.domain,
    title: input.title,
    rule: input.rule,
    source: input.source,
    appliesTo: {
      modelTypes: MODEL_TYPES.filter((type) => input.modelTypes.includes(type)),
      checkpoints: ([1, 2, 3] as const).filter((c) => input.checkpoints.includes(String(c) as "1" | "2" | "3")),
    },
    severity: input.severity,
    fieldPaths: (input.fieldPaths ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  };
  if (input.kind === "judgement") return { ...base, kind: "judgement" };
  const savedTable: DecisionTable | undefined = saved?.kind === "automatic" ? saved.table : undefined;
  const rules: (TableRule | RuleGroup)[] = [];
  for (const entry of input.rules) {
    if (entry.kind === "group") {
      const kept = savedTable?.rules[entry.keep];
      if (kept && isRuleGroup(kept)) rules.push(kept);
      continue;
    }
    rules.push(
      entry.outcome === "fail"
        ? { when: entry.when, outcome: "fail", message: entry.message, fieldPath: entry.fieldPath, missing: entry.missing === "yes" }
        : { when: entry.when, outcome: entry.outcome, ...(entry.message ? { message: entry.message } : {}) },
    );
  }
  const table: DecisionTable = {
    ...(savedTable?.constants ? { constants: savedTable.constants } : {}),
    ...(savedTable?.let ? { let: savedTable.let } : {}),
    rules,
  };
  const row: AutomaticCriterionRow = { ...base, kind: "automatic", table, examples };
  return row;
}

// ---------------------------------------------------------------------------------------------
// Examples written as answers, one a line: "population.registeredPopulation = 220,000".

/**
 * An example's answers as the form shows them: one line each, the path, " = " and the answer as a
 * person writes it. Answers a lead's form would not accept, which an example may need in order to
 * fail a check, are written so they read back exactly: blank text as "", an empty list as [], a
 * number outside the form's range as the plain number.
 */
export function exampleAnswersText(example: Pick<CriterionExample, "answers">): string {
  return Object.entries(example.answers)
    .map(([path, value]) => {
      const field = fieldForPath(path);
      if (value === "") return `${path} = ""`;
      if (Array.isArray(value) && value.length === 0) return `${path} = []`;
      if (!field) return `${path} = ${String(value)}`;
      const text = answerAsText(field, value);
      const read = answerFromText(field, text);
      return `${path} = ${read.ok && JSON.stringify(read.value) === JSON.stringify(value) ? text : JSON.stringify(value)}`;
    })
    .join("\n");
}

const PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*|\[\d+\])*$/;

/** An answer exactly as stored, for what a lead's form would refuse: "", [], a plain number, "quoted text", true or false. */
function rawAnswer(text: string): ExampleAnswer | undefined {
  if (text === "[]") return [];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Reads an example's answer lines; each line's problem names the line, so the person can find it. */
export function readExampleAnswers(text: string): { ok: true; answers: Record<string, ExampleAnswer> } | { ok: false; errors: string[] } {
  const answers: Record<string, ExampleAnswer> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const at = `Line ${index + 1}`;
    const equals = line.indexOf("=");
    if (equals < 0) {
      errors.push(`${at}: write the field's path, an equals sign and the answer, like population.registeredPopulation = 220,000`);
      return;
    }
    const path = line.slice(0, equals).trim();
    const answer = line.slice(equals + 1).trim();
    const field = fieldForPath(path);
    if (!field || !PATH.test(path)) {
      errors.push(
        `${at}: there is no answer called ${path || "(nothing)"}; use a path from the list of fields, with row numbers like practices[0]`,
      );
      return;
    }
    // Quoted, an answer is exact text: how blank or space-padded text is written.
    const quoted = /^"(?:[^"\\]|\\.)*"$/.test(answer) && field.feelType === "string" ? rawAnswer(answer) : undefined;
    if (typeof quoted === "string") {
      answers[path] = quoted;
      return;
    }
    const read = answerFromText(field, answer);
    if (read.ok) {
      answers[path] = read.value;
      return;
    }
    // An example may hold what a lead's form would refuse (that is often what it tests), written
    // exactly: "" for blank text, [] for an empty list, a plain number outside the usual range.
    const exact = rawAnswer(answer);
    const fits =
      exact !== undefined &&
      (Array.isArray(exact)
        ? field.type === "list" || field.type === "choices"
        : typeof exact === "number"
          ? field.feelType === "number"
          : typeof exact === "boolean"
            ? field.feelType === "boolean"
            : field.feelType === "string");
    if (fits) answers[path] = exact;
    else errors.push(`${at}: ${read.message}`);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
}

// ---------------------------------------------------------------------------------------------
// Checking what is typed: on save (the server) and as it is typed (the browser), the same way.

/** Problems with each edited expression and each field path line, by the form's field names. */
export function criterionExpressionProblems(input: CriterionInput, saved: CriterionRow | undefined): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const add = (name: string, message: string) => {
    problems[name] = [...(problems[name] ?? []), message];
  };
  for (const line of (input.fieldPaths ?? "").split("\n").map((l) => l.trim())) {
    // "population.servicesInScope[]" points at any of a list's ticked options.
    if (line && !fieldForPath(line) && !fieldForPath(line.replace(/\[\]$/, ""))) {
      add("fieldPaths", `There is no field called ${line}: use a path from the list of fields`);
    }
  }
  if (input.kind !== "automatic") return problems;
  // A list's rules are kept from the saved criterion by position: each must still be there, once.
  const savedRules = saved?.kind === "automatic" ? saved.table.rules : [];
  const kept = new Set<number>();
  input.rules.forEach((rule, index) => {
    if (rule.kind !== "group") return;
    const entry = savedRules[rule.keep];
    if (!entry || !isRuleGroup(entry) || kept.has(rule.keep)) {
      add(`rules[${index}]`, `Rule ${index + 1}'s list rules are not in the saved criterion any more: reload the page`);
    }
    kept.add(rule.keep);
  });
  const row = criterionRowFrom(input, saved, []);
  if (row.kind !== "automatic") return problems;
  for (const problem of checkDecisionTable(row.table, CRITERIA_FIELD_TYPES)) {
    const [top, index, part] = problem.at;
    if (top === "rules" && typeof index === "number" && typeof part === "string" && input.rules[index]?.kind === "rule") {
      add(`rules[${index}].${part}`, problem.message);
    }
  }
  return problems;
}

type LooseForm = {
  kind?: unknown;
  fieldPaths?: unknown;
  rules?: unknown;
  examples?: unknown;
};

const str = (value: unknown) => (typeof value === "string" ? value : "");

export interface LiveCheck {
  fieldPaths: string[];
  rules: { when?: string[]; message?: string[]; fieldPath?: string[] }[];
  examples: { outcome?: TableOutcome; right?: boolean; detail?: string; problems?: string[] }[];
}

/**
 * What the page shows beside the fields as the person types: each expression's problems and each
 * example's outcome under the criterion as it now stands. Never throws: half-typed input gives
 * problems, not errors.
 */
export function liveCriterionCheck(value: LooseForm, saved: CriterionRow | null, reference: ReferenceData): LiveCheck {
  const live: LiveCheck = { fieldPaths: [], rules: [], examples: [] };
  try {
    const rulesIn = Array.isArray(value.rules) ? (value.rules as Record<string, unknown>[]) : [];
    const examplesIn = Array.isArray(value.examples) ? (value.examples as Record<string, unknown>[]) : [];
    const input: CriterionInput = {
      id: saved?.id ?? "NEW-01",
      kind: value.kind === "judgement" ? "judgement" : "automatic",
      title: "-",
      rule: "-",
      source: "-",
      domain: "proposal",
      severity: "warning",
      modelTypes: saved?.appliesTo.modelTypes ? [...saved.appliesTo.modelTypes] : ["MCP", "PACS"],
      checkpoints: ["1", "2", "3"],
      fieldPaths: str(value.fieldPaths),
      rules: rulesIn.map((r) =>
        r?.kind === "group"
          ? { kind: "group" as const, keep: Number(r.keep) }
          : {
              kind: "rule" as const,
              when: str(r?.when) || "false",
              outcome: (["fail", "pass", "not_applicable"].includes(str(r?.outcome)) ? str(r?.outcome) : "fail") as TableOutcome,
              message: str(r?.message) || undefined,
              fieldPath: str(r?.fieldPath) || undefined,
              missing: r?.missing === "yes" ? ("yes" as const) : ("no" as const),
            },
      ),
      examples: [],
    };
    const problems = criterionExpressionProblems(input, saved ?? undefined);
    live.fieldPaths = problems.fieldPaths ?? [];
    live.rules = input.rules.map((_, index) => ({
      when: str(rulesIn[index]?.when) ? problems[`rules[${index}].when`] : undefined,
      message: str(rulesIn[index]?.message) ? problems[`rules[${index}].message`] : undefined,
      fieldPath: str(rulesIn[index]?.fieldPath) ? problems[`rules[${index}].fieldPath`] : undefined,
    }));
    const ruleProblems = Object.keys(problems).some((name) => name.startsWith("rules"));
    // Judging needs complete failing rules; until then the examples wait.
    const complete = input.rules.every((r) => r.kind === "group" || r.outcome !== "fail" || (r.message && r.fieldPath));
    let criterion: AutomaticCriterion | undefined;
    if (input.kind === "automatic" && !ruleProblems && complete) {
      try {
        const compiled = compileCriteriaSet([criterionRowFrom(input, saved ?? undefined, [])]).criteria[0];
        if (compiled?.kind === "automatic") criterion = compiled;
      } catch (error) {
        if (!(error instanceof CriteriaDataError)) throw error;
      }
    }
    live.examples = examplesIn.map((e) => {
      const read = readExampleAnswers(str(e?.answers));
      if (!read.ok) return { problems: read.errors };
      if (!criterion) return { detail: "Outcome shown once the rules are complete" };
      const expected = str(e?.expected);
      const checkpoint = Number(str(e?.checkpoint)) || 1;
      const outcome = judgeExample(
        criterion,
        { name: "", expected: "pass", checkpoint: checkpoint as Checkpoint, answers: read.answers },
        reference,
      );
      const words = outcome.outcome === "fail" ? `Fails: ${outcome.message}` : outcome.outcome === "pass" ? "Passes" : "Does not apply";
      return { outcome: outcome.outcome, right: expected === outcome.outcome, detail: words };
    });
  } catch {
    // Half-typed input may trip anything; the server checks it all again on save.
  }
  return live;
}

/**
 * A key line of enquiry has no decision table and no examples: whatever the form still holds for
 * them (it shows them until the choice is sent, without JavaScript) is dropped before reading it.
 */
export function withoutTableForJudgement(formData: FormData): FormData {
  if (formData.get("kind") !== "judgement") return formData;
  const kept = new FormData();
  for (const [name, value] of formData) if (!/^(rules|examples)\[/.test(name)) kept.append(name, value);
  return kept;
}
