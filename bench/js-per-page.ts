// JavaScript a browser downloads for one page, gzip: what React Router's build manifest
// (build/client/assets/manifest-*.js, the `window.__reactRouterManifest` every page loads) lists for
// that page: the manifest itself, the client entry, the root route and the page's route module, each
// with the chunks it imports statically (all sent as <script>/<link rel="modulepreload">). Chunks
// loaded later with import() (nhsuk-frontend's component script, after hydration) are not counted.
// Run: npx tsx bench/js-per-page.ts [buildDirectory]
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

interface ManifestModule {
  module: string;
  imports?: string[];
}
interface ClientManifest {
  entry: ManifestModule;
  routes: Record<string, ManifestModule & { id: string; parentId?: string }>;
}

/** The pages issue 7 counts, by route id. */
export const MEASURED_PAGES: [label: string, routeId: string][] = [
  ["sign-in", "routes/sign-in"],
  ["task list (/submissions/:id)", "routes/submission"],
  ["section page (/submissions/:id/sections/:section)", "routes/submission-section"],
  ["review workspace (/reviews/:id)", "routes/review"],
  ["pipeline", "routes/pipeline"],
];

export interface PageWeight {
  label: string;
  routeId: string;
  files: number;
  gzipKb: number;
  ownKb: number;
}

export function readClientManifest(buildDirectory: string): { manifest: ClientManifest; file: string } {
  const assets = path.join(buildDirectory, "client", "assets");
  const name = fs.readdirSync(assets).find((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (!name) throw new Error(`No React Router manifest in ${assets}: build first (npm run build).`);
  const text = fs.readFileSync(path.join(assets, name), "utf8");
  const json = text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1);
  return { manifest: JSON.parse(json) as ClientManifest, file: `/assets/${name}` };
}

export function jsPerPage(buildDirectory = "build", pages = MEASURED_PAGES): PageWeight[] {
  const { manifest, file } = readClientManifest(buildDirectory);
  const gzipped = new Map<string, number>();
  const size = (url: string) => {
    let n = gzipped.get(url);
    if (n === undefined) {
      n = gzipSync(fs.readFileSync(path.join(buildDirectory, "client", url))).byteLength;
      gzipped.set(url, n);
    }
    return n;
  };
  return pages.map(([label, routeId]) => {
    const route = manifest.routes[routeId];
    if (!route) throw new Error(`No route ${routeId} in the build manifest`);
    const chain: ManifestModule[] = [manifest.entry];
    for (let r: (typeof manifest.routes)[string] | undefined = route; r; r = r.parentId ? manifest.routes[r.parentId] : undefined) {
      chain.push(r);
    }
    const files = new Set<string>([file]);
    for (const m of chain) {
      files.add(m.module);
      for (const i of m.imports ?? []) files.add(i);
    }
    const total = [...files].reduce((sum, f) => sum + size(f), 0);
    return { label, routeId, files: files.size, gzipKb: total / 1024, ownKb: size(route.module) / 1024 };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const p of jsPerPage(process.argv[2] ?? "build")) {
    console.log(
      `${p.label.padEnd(52)} ${String(p.files).padStart(3)} files ${p.gzipKb.toFixed(1).padStart(7)} KB gzip (own chunk ${p.ownKb.toFixed(1)} KB)`,
    );
  }
}
