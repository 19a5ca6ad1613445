import type { Config } from "../config/schema.ts";

/** One run of the search: overrides of the seed's settings (config defaults under MODEL_PROFILE=seed). */
export interface TuneRun {
  name: string;
  note: string;
  model?: Partial<Config["model"]>;
  training?: Partial<Config["training"]>;
}

// Runs in order of how likely they are to beat the trigram (the search stops at its budget).
// Every run but `seed` trains up to 40 epochs with early stopping (patience 3) and 8 minutes at most.
const capped = { epochs: 40, patience: 3, maxMinutes: 8 };
const light = { dropout: 0.1, recurrentDropout: 0.1, l2: 0 };

export const tuneGrid: TuneRun[] = [
  { name: "seed", note: "the seed's settings, 20 epochs as the nightly run", training: { epochs: 20, patience: 0, maxMinutes: 0 } },
  { name: "unweighted", note: "class weighting off (power 0): the loss is the perplexity", training: { ...capped, classWeightPower: 0 } },
  { name: "unweighted-light", note: "power 0, dropout 0.1/0.1, L2 0", model: light, training: { ...capped, classWeightPower: 0 } },
  { name: "unweighted-light-l8", note: "as unweighted-light, phrase length 8", model: { ...light, phraseLength: 8 }, training: { ...capped, classWeightPower: 0 } },
  { name: "unweighted-d03", note: "power 0, dropout 0.3/0.3, L2 0", model: { dropout: 0.3, recurrentDropout: 0.3, l2: 0 }, training: { ...capped, classWeightPower: 0 } },
  { name: "unweighted-light-lr001", note: "as unweighted-light, learning rate 0.001", model: light, training: { ...capped, classWeightPower: 0, learningRate: 0.001 } },
  { name: "unweighted-light-h256", note: "as unweighted-light, GRU 256", model: { ...light, units: 256 }, training: { ...capped, classWeightPower: 0 } },
  { name: "unweighted-light-l16", note: "as unweighted-light, phrase length 16", model: { ...light, phraseLength: 16 }, training: { ...capped, classWeightPower: 0 } },
];
