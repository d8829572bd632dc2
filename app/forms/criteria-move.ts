// The form that moves live submissions to another criteria set (/admin/criteria/simulations/:id).
// Shared by the page, which checks it in the browser first, and the server, which moves them.
import { z } from "zod";

export const MoveSchema = z
  .object({
    scope: z.enum(["all", "chosen"], { error: "Choose which submissions to move" }),
    submission: z.array(z.string().max(100)).max(1000).default([]),
    reason: z
      .string({ error: "Enter the reason for moving them" })
      .trim()
      .min(1, "Enter the reason for moving them")
      .max(2000, "Reason must be 2,000 characters or fewer"),
  })
  .superRefine(
    (v, ctx) => {
      // Runs even when another field is wrong (`when` below), so a missing reason and missing ticks
      // are reported together; `submission` may then be missing or not yet a list.
      const ticked = Array.isArray(v.submission) ? v.submission.length : 0;
      if (v.scope === "chosen" && ticked === 0) {
        ctx.addIssue({ code: "custom", path: ["submission"], message: "Tick at least one submission to move, or choose to move them all" });
      }
    },
    { when: () => true },
  );
export type MoveInput = z.infer<typeof MoveSchema>;

/** Publishing a draft set from its impact simulation: the reason goes on the admin audit chain. */
export const PublishSchema = z.object({
  reason: z
    .string({ error: "Enter the reason for publishing it" })
    .trim()
    .min(1, "Enter the reason for publishing it")
    .max(2000, "Reason must be 2,000 characters or fewer"),
});
