export { seededRandom } from "./random.ts";
export {
  BREAK_ID,
  makeExamples,
  makeSequenceExamples,
  documentsOfExamples,
  isSequenceExamples,
  selectExamples,
  classWeights,
  type Examples,
} from "./examples.ts";
export { buildSequenceModel, isSequenceModel, type Architecture, type SequenceModelOptions } from "./sequence-model.ts";
export { buildModel, type ModelOptions } from "./build.ts";
export { lossAndGradients, lossAndGradientTensors, trainableVariableNames } from "./gradients.ts";
export { evaluate, evaluateWithUnknown } from "./evaluate.ts";
export { trainModel, localStep, type TrainStep, type BatchInfo } from "./train.ts";
export {
  modelScorer,
  modelSequenceSampler,
  isSequenceSampler,
  sampleTokens,
  drawToken,
  nextDraw,
  DrawScratch,
  samplingVocabulary,
  NO_RULES,
  type NextWordScorer,
  type Scorer,
  type NextWordDraw,
  type SamplingRules,
  type SamplingVocabulary,
} from "./sample.ts";
export { buildCopyIndex, longestCopiedRun, type CopyIndex } from "./originality.ts";
export { exportModel, importModel } from "./serialize.ts";
export { modelOfVersion, sameVocabulary, versionArchitecture } from "./version-model.ts";
