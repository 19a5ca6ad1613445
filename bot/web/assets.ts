// The page's own files and uPlot, read once at start and served from this server (no CDN: no
// request leaves for another host).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const here = path.dirname(fileURLToPath(import.meta.url));
const uplotDist = path.dirname(createRequire(import.meta.url).resolve("uplot"));

const ASSETS: Record<string, { file: string; type: string }> = {
  "app.css": { file: path.join(here, "static", "app.css"), type: "text/css" },
  "ask.js": { file: path.join(here, "static", "ask.js"), type: "text/javascript" },
  "models.js": { file: path.join(here, "static", "models.js"), type: "text/javascript" },
  "run.js": { file: path.join(here, "static", "run.js"), type: "text/javascript" },
  "uplot.js": { file: path.join(uplotDist, "uPlot.iife.min.js"), type: "text/javascript" },
  "uplot.css": { file: path.join(uplotDist, "uPlot.min.css"), type: "text/css" },
};

export async function registerAssets(app: FastifyInstance): Promise<void> {
  const loaded = Object.entries(ASSETS).map(([name, { file, type }]) => ({ name, type, body: readFileSync(file) }));
  for (const asset of loaded) {
    app.get(`/static/${asset.name}`, async (_request, reply) =>
      reply.type(`${asset.type}; charset=utf-8`).header("cache-control", "public, max-age=3600").send(asset.body),
    );
  }
}
