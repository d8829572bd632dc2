// The benchmark's clean-up of last resort, in a process of its own (bench/cleanup.ts starts it): it
// reads tasks from its stdin as JSON lines, and when stdin ends, which happens when the benchmark
// exits however it exits (even killed, as tsx does to a busy child on Ctrl-C), it carries out
// those not cancelled: kill the processes, run the commands (say, stop the throwaway PostgreSQL),
// then delete the folders. Ignores the signals a terminal sends its process group.
//   {"id": 1, "kill": 1234}   {"id": 2, "run": ["/path/pg_ctl", ["stop", …], {"uid": 101, "gid": 104}]}
//   {"id": 3, "remove": "/tmp/…"}   {"cancel": 2}
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => {});

const tasks = new Map();
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const message = JSON.parse(line);
  if (message.cancel !== undefined) tasks.delete(message.cancel);
  else tasks.set(message.id, message);
});
lines.on("close", () => {
  const left = [...tasks.values()];
  for (const t of left.filter((t) => t.kill)) {
    try {
      process.kill(t.kill, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const t of left.filter((t) => t.run)) {
    const [file, args, options] = t.run;
    spawnSync(file, args, { ...options, stdio: "ignore", timeout: 60_000 });
  }
  for (const t of left.filter((t) => t.remove)) fs.rmSync(t.remove, { recursive: true, force: true });
  process.exit(0);
});
