import { fileURLToPath } from "node:url";
import path from "node:path";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The real corpus, never committed: CI lays ../shared beside the clone. */
export const testCorpusPath = process.env.TEST_CORPUS_PATH ?? path.resolve(projectRoot, "../shared/corpus/quatrains.txt");
/** PostgreSQL server the suite creates its throw-away databases on. */
export const testPostgresAdminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
