export { seededRandom, shuffleInPlace, type RandomSource } from "./random.ts";
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
export {
  buildSequenceModel,
  isSequenceModel,
  architectureOf,
  QuatrainGru,
  type Architecture,
  type SequenceModelOptions,
} from "./sequence-model.ts";
export { buildModel, LAYER_NAMES, type ModelOptions } from "./build.ts";
export {
  lossAndGradients,
  lossAndGradientTensors,
  applyGradients,
  trainableVariableNames,
  regularizationLosses,
  crossEntropy,
  accuracy,
  type BatchGradients,
} from "./gradients.ts";
export { evaluate, evaluateWithUnknown, type Evaluation } from "./evaluate.ts";
export {
  trainModel,
  localStep,
  type TrainOptions,
  type TrainResult,
  type TrainStep,
  type Batch,
  type BatchInfo,
} from "./train.ts";
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
  GREEDY_TEMPERATURE,
  type NextWordScorer,
  type NextWordSampler,
  type SequenceSampler,
  type SequenceStream,
  type Scorer,
  type NextWordDraw,
  type SampleOptions,
  type SamplingRules,
  type SamplingVocabulary,
} from "./sample.ts";
export { buildCopyIndex, longestCopiedRun, type CopyIndex } from "./originality.ts";
export { exportModel, importModel, type ModelArtifacts } from "./serialize.ts";
export { modelOfVersion, sameVocabulary, versionArchitecture } from "./version-model.ts";
