// Runs once before the suite: the shared corpus must be there (tests train on slices of it).
import { existsSync } from "node:fs";
import { testCorpusPath } from "../helpers/paths.ts";

export default function setup(): void {
  if (!existsSync(testCorpusPath)) {
    throw new Error(`Test corpus not found at ${testCorpusPath}: tests read ../shared/corpus/quatrains.txt beside the project.`);
  }
}
