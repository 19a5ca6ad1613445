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

/** One line, no stack: what the user has to do is all the message says. */
function oneLine(error: unknown): Error {
  const e = new Error((error as Error).message);
  e.stack = e.message;
  return e;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let corpus: string;
  try {
    corpus = await resolveTestCorpus({ projectRoot, envPath: process.env.TEST_CORPUS_PATH });
  } catch (error) {
    throw oneLine(error);
  }
  project.provide("testCorpusPath", corpus);

  let stop = async () => {};
  let url = process.env.TEST_POSTGRES_URL ?? "";
  if (process.env.TEST_SKIP_POSTGRES !== "1" && !url) {
    const server = await startEmbeddedPostgres();
    console.log(`embedded PostgreSQL for this run on 127.0.0.1:${server.port}`);
    url = server.url;
    stop = server.stop;
  }
  project.provide("testPostgresAdminUrl", url);
  return stop;
}
