import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reviewBarrier } from "../../workflows/policy.ts";
import { type ReviewerStanding, suggestReviewers, type SuggestionSubject } from "../../workflows/reviewer-suggestions.ts";

const MANCHESTER = "E54000007";
const subject: SuggestionSubject = { footprintCode: MANCHESTER, footprintName: "Greater Manchester", authors: ["lead-1"], checkpoint: 1 };

const reviewer = (name: string, extra: Partial<ReviewerStanding> = {}): ReviewerStanding => ({
  id: name.toLowerCase(),
  name,
  role: "reviewer",
  conflicts: [],
  openReviews: 0,
  clocksAtRisk: 0,
  history: [],
  ...extra,
});
const names = (pairs: ReturnType<typeof suggestReviewers>["pairs"]) => pairs.map((p) => `${p.lead.name}+${p.second.name}`);

describe("suggested reviewers", () => {
  it("breaks load ties by name, the same every time, whatever order the reviewers come in", () => {
    const people = [reviewer("Casey"), reviewer("Avery"), reviewer("Blake")];
    const once = suggestReviewers(subject, people);
    expect(names(once.pairs)).toEqual(["Avery+Blake", "Avery+Casey", "Blake+Casey"]);
    expect(names(suggestReviewers(subject, [...people].reverse()).pairs)).toEqual(names(once.pairs));
    expect(once.pairs[0]?.reasons).toEqual([
      "Lead reviewer Avery: no other open reviews.",
      "Second reviewer Blake: no other open reviews.",
    ]);
  });

  it("prefers the lightest load, a clock at risk counting as a second review, and gives the lead to the less loaded", () => {
    const { pairs } = suggestReviewers(subject, [
      reviewer("Avery", { openReviews: 3 }),
      reviewer("Blake", { openReviews: 1, clocksAtRisk: 1 }),
      reviewer("Casey", { openReviews: 1 }),
    ]);
    expect(names(pairs)).toEqual(["Casey+Blake", "Casey+Avery", "Blake+Avery"]);
    expect(pairs[0]?.reasons[1]).toBe("Second reviewer Blake: 1 other open review, 1 clock at risk of passing the target.");
  });

  it("keeps the reviewers of an earlier checkpoint in their parts, ahead of lighter loads", () => {
    const { pairs } = suggestReviewers({ ...subject, checkpoint: 2 }, [
      reviewer("Avery"),
      reviewer("Blake"),
      reviewer("Dana", { openReviews: 6, clocksAtRisk: 2, history: [{ checkpoint: 1, as: "second" }] }),
      reviewer("Elliot", { openReviews: 5, history: [{ checkpoint: 1, as: "lead" }] }),
    ]);
    expect(names(pairs).slice(0, 1)).toEqual(["Elliot+Dana"]);
    expect(pairs[0]?.reasons).toEqual([
      "Lead reviewer Elliot: reviewed it at checkpoint 1 as lead reviewer, so knows it; 5 other open reviews, none near the target.",
      "Second reviewer Dana: reviewed it at checkpoint 1 as second reviewer, so knows it; 6 other open reviews, 2 clocks at risk of passing the target.",
    ]);
    // One of the two still knows it: they stay, beside the lightest load.
    expect(names(pairs).slice(1, 3)).toEqual(["Elliot+Avery", "Elliot+Blake"]);
  });

  it("never suggests a conflicted reviewer, an author or a deactivated account, and says why not", () => {
    const result = suggestReviewers(subject, [
      reviewer("Avery"),
      reviewer("Blake", { conflicts: [MANCHESTER], history: [{ checkpoint: 1, as: "lead" }] }),
      reviewer("Casey", { id: "lead-1", role: "admin" }),
      reviewer("Dana", { deactivated: true, history: [{ checkpoint: 1, as: "second" }] }),
      reviewer("Elliot", { openReviews: 9 }),
      reviewer("Frankie", { role: "lead" }),
    ]);
    expect(names(result.pairs)).toEqual(["Avery+Elliot"]);
    expect(result.notSuggested.map((n) => [n.reviewer.name, n.why])).toEqual([
      ["Blake", "Declared a conflict with Greater Manchester."],
      ["Casey", "Wrote or submitted this submission."],
      ["Dana", "Account deactivated."],
      ["Frankie", "Not a national reviewer."],
    ]);
  });

  it("when changing reviewers, keeps the one who stays and never offers the pair already assigned", () => {
    const { pairs } = suggestReviewers(
      subject,
      [
        reviewer("Avery", { deactivated: true, history: [{ checkpoint: 1, as: "lead" }] }),
        reviewer("Blake", { openReviews: 4, history: [{ checkpoint: 1, as: "second" }] }),
        reviewer("Casey", { openReviews: 2 }),
        reviewer("Dana", { openReviews: 1 }),
      ],
      { current: { lead: "avery", second: "blake" } },
    );
    expect(names(pairs)).toEqual(["Dana+Blake", "Casey+Blake", "Dana+Casey"]);
    expect(names(pairs)).not.toContain("Avery+Blake");
    expect(pairs[0]?.reasons[1]).toBe(
      "Second reviewer Blake: is reviewing it now as second reviewer; 4 other open reviews, none near the target.",
    );
    const keepBoth = suggestReviewers(
      subject,
      [reviewer("Avery", { history: [{ checkpoint: 1, as: "lead" }] }), reviewer("Blake", { history: [{ checkpoint: 1, as: "second" }] })],
      {
        current: { lead: "avery", second: "blake" },
      },
    );
    expect(names(keepBoth.pairs)).toEqual(["Blake+Avery"]);
  });

  it("over any reviewers: only pairs the policy allows, two different people, best first, and the best is the cheapest pair there is", () => {
    const standing = fc.record({
      name: fc.constantFrom("Avery", "Blake", "Casey", "Dana", "Elliot", "Frankie", "Gale"),
      role: fc.constantFrom("reviewer", "reviewer", "reviewer", "admin", "lead"),
      conflicts: fc.subarray([MANCHESTER, "E54000032"]),
      deactivated: fc.boolean(),
      openReviews: fc.nat(8),
      clocksAtRisk: fc.nat(3),
      history: fc.array(fc.record({ checkpoint: fc.integer({ min: 1, max: 3 }), as: fc.constantFrom("lead", "second") }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(standing, { maxLength: 9 }), fc.integer({ min: 1, max: 8 }), (raw, limit) => {
        const people = raw.map((r, i) => ({ ...r, id: `r${i}`, name: `${r.name} ${i}` }) as ReviewerStanding);
        const { pairs, notSuggested } = suggestReviewers(subject, people, { limit });
        const able = people.filter((p) => reviewBarrier(p, subject) === null);
        expect(notSuggested.length + able.length).toBe(people.length);
        expect(pairs.length).toBe(able.length < 2 ? 0 : Math.min(limit, (able.length * (able.length - 1)) / 2));
        for (const p of pairs) {
          expect(p.lead.id).not.toBe(p.second.id);
          expect(reviewBarrier(p.lead, subject)).toBeNull();
          expect(reviewBarrier(p.second, subject)).toBeNull();
          expect(p.reasons).toHaveLength(2);
        }
        for (let i = 1; i < pairs.length; i++) expect(pairs[i]!.cost).toBeGreaterThanOrEqual(pairs[i - 1]!.cost);
        if (pairs[0]) {
          const cost = (r: ReviewerStanding, part: "lead" | "second") =>
            r.openReviews + r.clocksAtRisk - (r.history.length ? 1000 : 0) - (r.history.some((h) => h.as === part) ? 100 : 0);
          const best = Math.min(...able.flatMap((a) => able.filter((b) => b !== a).map((b) => cost(a, "lead") + cost(b, "second"))));
          expect(pairs[0].cost).toBe(best);
        }
      }),
      { numRuns: 300 },
    );
  });
});
