// Runs once before the suite, outside the test workers: finds (or fetches) the corpus and provides a
// PostgreSQL server (TEST_POSTGRES_URL, or an embedded one for this run), and hands both to the workers.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { resolveTestCorpus } from "./test-corpus.ts";

declare module "vitest" {
  export interface ProvidedContext {
    testCorpusPath: string;
    /** Empty when TEST_SKIP_POSTGRES=1. */
    testPostgresAdminUrl: string;
  }
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A run that cannot start says why in one line (no stack, no banner) and exits 1. */
function fail(error: unknown): never {
  console.error(`test setup failed: ${(error as Error).message}`);
  process.exit(1);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const corpus = await resolveTestCorpus({ projectRoot, envPath: process.env.TEST_CORPUS_PATH }).catch(fail);
  project.provide("testCorpusPath", corpus);

  let stop = async () => {};
  let url = process.env.TEST_POSTGRES_URL ?? "";
  if (process.env.TEST_SKIP_POSTGRES !== "1" && !url) {
    const server = await startEmbeddedPostgres().catch(fail);
    console.log(`embedded PostgreSQL for this run on 127.0.0.1:${server.port}`);
    url = server.url;
    stop = server.stop;
  }
  project.provide("testPostgresAdminUrl", url);
  return stop;
}
