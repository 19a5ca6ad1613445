// Where the test run finds the real corpus, fetching it once (sha256-checked, as `oracle setup` does) when it is nowhere.
import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_CORPUS, fetchCorpus } from "../../core/setup/fetch-corpus.ts";

export interface CorpusLookup {
  projectRoot: string;
  /** TEST_CORPUS_PATH, if set. */
  envPath?: string;
  /** Where to download from when no copy exists (the default corpus URL). */
  source?: string;
  log?: (line: string) => void;
}

/** The places looked at, in order: where `oracle setup` puts it, TEST_CORPUS_PATH, ../shared beside the project. */
function corpusCandidates({ projectRoot, envPath }: CorpusLookup): string[] {
  return [
    path.join(projectRoot, "corpus", "quatrains.txt"),
    ...(envPath ? [path.resolve(envPath)] : []),
    path.resolve(projectRoot, "../shared/corpus/quatrains.txt"),
  ];
}

export async function resolveTestCorpus(lookup: CorpusLookup): Promise<string> {
  const candidates = corpusCandidates(lookup);
  const found = candidates.find((file) => existsSync(file));
  if (found) return found;
  const dest = candidates[0];
  const source = lookup.source ?? DEFAULT_CORPUS.url;
  (lookup.log ?? console.log)(
    `test corpus not found; downloading it once to ${path.relative(lookup.projectRoot, dest)} (sha256-checked)`,
  );
  try {
    return (await fetchCorpus({ dest, source, sha256: DEFAULT_CORPUS.sha256 })).path;
  } catch (error) {
    throw new Error(
      `No test corpus and it could not be fetched (${(error as Error).message.replace(/\.$/, "")}): ` +
        "run `npx oracle setup --from PATH` with a copy of quatrains.txt, or set TEST_CORPUS_PATH.",
    );
  }
}
