// The page's own files and uPlot, read once at start and served from this server (no CDN: no
// request leaves for another host). Pages link them by a URL carrying a hash of their content, so a
// browser may keep each for a year: a changed file gets a new URL.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const here = path.dirname(fileURLToPath(import.meta.url));
const uplotDist = path.dirname(createRequire(import.meta.url).resolve("uplot"));

const FILES: Record<string, { file: string; type: string }> = {
  "app.css": { file: path.join(here, "static", "app.css"), type: "text/css; charset=utf-8" },
  "ask.js": { file: path.join(here, "static", "ask.js"), type: "text/javascript; charset=utf-8" },
  "models.js": { file: path.join(here, "static", "models.js"), type: "text/javascript; charset=utf-8" },
  "run.js": { file: path.join(here, "static", "run.js"), type: "text/javascript; charset=utf-8" },
  "favicon.svg": { file: path.join(here, "static", "favicon.svg"), type: "image/svg+xml" },
  "uplot.js": { file: path.join(uplotDist, "uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "uplot.css": { file: path.join(uplotDist, "uPlot.min.css"), type: "text/css; charset=utf-8" },
};

export type AssetName = keyof typeof FILES;

interface Asset {
  type: string;
  body: Buffer;
  version: string;
}

let loaded: Map<string, Asset> | undefined;
function assets(): Map<string, Asset> {
  loaded ??= new Map(
    Object.entries(FILES).map(([name, { file, type }]) => {
      const body = readFileSync(file);
      return [name, { type, body, version: createHash("sha256").update(body).digest("hex").slice(0, 12) }];
    }),
  );
  return loaded;
}

/** The URL a page links an asset by: `/static/app.css?v=HASH`. */
export function assetUrl(name: AssetName): string {
  const asset = assets().get(name);
  if (!asset) throw new Error(`unknown asset ${name}`);
  return `/static/${name}?v=${asset.version}`;
}

/** A year, and never revalidated: the URL changes with the content. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export async function registerAssets(app: FastifyInstance): Promise<void> {
  for (const [name, asset] of assets()) {
    app.get(`/static/${name}`, async (_request, reply) =>
      reply.type(asset.type).header("cache-control", IMMUTABLE).send(asset.body),
    );
  }
  // Browsers ask for /favicon.ico whatever the page links: the same icon, kept a day (its URL never changes).
  const icon = assets().get("favicon.svg")!;
  app.get("/favicon.ico", async (_request, reply) =>
    reply.type(icon.type).header("cache-control", "public, max-age=86400").send(icon.body),
  );
}
