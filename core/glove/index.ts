export { checkGloveSource, loadGloveVectors, WINK_SOURCE, type LoadGloveOptions, type LoadedGlove } from "./load.ts";
export { embeddingMatrix, RANDOM_SCALE } from "./embedding-matrix.ts";
export { readGloveTextFile } from "./text-file.ts";
export { readWinkVectors } from "./wink.ts";
export type { WordVectors } from "./types.ts";
