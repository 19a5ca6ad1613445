import { fileURLToPath } from "node:url";
import path from "node:path";
import { inject } from "vitest";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The real corpus, never committed; test/setup/global.ts finds or fetches it. */
export const testCorpusPath = inject("testCorpusPath");
/** PostgreSQL server the suite creates its throw-away databases on: TEST_POSTGRES_URL or the run's embedded one. */
export const testPostgresAdminUrl = inject("testPostgresAdminUrl");
