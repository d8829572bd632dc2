import type { Kysely } from "kysely";
import { clockFor, type StateEntry } from "../../workflows/clock.ts";
import { checkpointOf } from "../../workflows/states.ts";

/**
 * A paused submission now keeps the national clock's figure it had when it was paused (the runtime
 * writes it with the PAUSE), where before it stored 0 and the pipeline and review workspace showed
 * "0 days" for a review stopped part-way. This gives the rows already paused their figure, from
 * their trails: the checkpoint's national days up to the pause, when it was paused in a
 * checkpoint's state, and 0 otherwise (as before).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const paused = (await db.selectFrom("submission").select("id").where("whose_turn", "=", "paused").execute()) as { id: string }[];
  for (const { id } of paused) {
    const trail = (await db
      .selectFrom("audit_event")
      .select(["at", "to_state as state"])
      .where("chain", "=", id)
      .where("to_state", "is not", null)
      .orderBy("seq")
      .execute()) as StateEntry[];
    const pausedAt = trail.findLastIndex((e) => e.state === "paused");
    const before = trail[pausedAt - 1];
    if (pausedAt < 1 || !before || checkpointOf(before.state) === null) continue;
    const clock = clockFor(trail.slice(0, pausedAt + 1), new Date(trail[pausedAt]!.at));
    const figure = clock.checkpoint?.nationalWorkingDaysUsed ?? 0;
    if (figure > 0) await db.updateTable("submission").set({ national_days_used: figure }).where("id", "=", id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.updateTable("submission").set({ national_days_used: 0 }).where("whose_turn", "=", "paused").execute();
}
