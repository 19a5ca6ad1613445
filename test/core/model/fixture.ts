// A small slice of the real corpus, encoded, plus the backend the project uses (wasm + its kernels).
import { initBackend } from "../../../core/tf/backend.ts";
import { corpusSlice as readSlice, type Slice } from "../../helpers/corpus-slice.ts";

export type { Slice };

/** The corpus slice, with the project's backend (wasm + its kernels) ready. */
export async function corpusSlice(documents: number, phraseLength = 4): Promise<Slice> {
  await initBackend({ preference: "wasm" });
  return readSlice(documents, phraseLength);
}

/** A small network of the real architecture. */
export const smallModel = (
  vocabSize: number,
  overrides: Partial<{ dropout: number; recurrentDropout: number; l2: number; seed: number }> = {},
) => ({
  vocabSize,
  embeddingDim: 16,
  phraseLength: 4,
  units: 24,
  dropout: 0.5,
  recurrentDropout: 0.5,
  l2: 0.02,
  seed: 3,
  ...overrides,
});
