// Copies nhsuk-frontend's icons and favicons to public/nhsuk/, where $nhsuk-assets-path points.
import fs from "node:fs";
import path from "node:path";

const from = path.join("node_modules", "nhsuk-frontend", "dist", "nhsuk", "assets");
const to = path.join("public", "nhsuk");
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
