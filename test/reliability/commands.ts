import { spawn } from "node:child_process";

/** `npm run <script> -- <args>` against a database, as an operator runs it; resolves when it exits. */
export function npmRun(script: "db:backup" | "db:restore", databaseUrl: string, args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    // npm's own warnings about this machine's configuration are not the script's output.
    child.on("close", (status) => resolve({ status, stdout, stderr: stderr.replace(/^npm warn .*\n/gm, "") }));
  });
}
