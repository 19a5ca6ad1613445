export { checkGloveSource, loadGloveVectors, WINK_SOURCE } from "./load.ts";
export { embeddingMatrix, RANDOM_SCALE } from "./embedding-matrix.ts";
export { readGloveTextFile } from "./text-file.ts";
