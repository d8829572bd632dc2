import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

// Evidence files (the demo seed makes real ones) go to a folder of this test file's own, never to
// the checkout's data/uploads; servers a test starts inherit it. A suite that sets its own keeps it.
if (!process.env.UPLOADS_DIR) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ncm-uploads-"));
  process.env.UPLOADS_DIR = dir;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
}
