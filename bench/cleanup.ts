// Clean-up that survives the benchmark: what the benchmark starts outside itself (app servers, a
// throwaway PostgreSQL, temporary folders) is registered with bench/reaper.js, a detached process
// that does it when the benchmark exits without having done it itself: killed, interrupted, or
// crashed. The benchmark stops things itself as usual and cancels the task.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

type Task =
  | { kill: number }
  | { run: [file: string, args: string[], options: { uid?: number; gid?: number; cwd?: string }] }
  | { remove: string };

let reaper: ChildProcess | undefined;
let nextId = 1;

function send(message: object) {
  if (!reaper) {
    reaper = spawn(process.execPath, [path.join(import.meta.dirname, "reaper.js")], {
      // Its own process group, so the Ctrl-C that interrupts the benchmark does not reach it.
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    // Neither the reaper nor the pipe to it keeps the benchmark running.
    reaper.unref();
    (reaper.stdin as unknown as { unref(): void }).unref();
  }
  reaper.stdin!.write(`${JSON.stringify(message)}\n`);
}

/** Has `task` done if the benchmark exits before calling the returned function (which cancels it). */
export function unlessDone(task: Task): () => void {
  const id = nextId++;
  send({ id, ...task });
  let cancelled = false;
  return () => {
    if (cancelled) return;
    cancelled = true;
    send({ cancel: id });
  };
}
