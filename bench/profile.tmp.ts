import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../core/tf/backend.ts";
import { buildModel, localStep } from "../core/model/index.ts";
await initBackend({ preference: (process.argv[2] ?? "wasm") as "wasm" });
const V = 4705, B = 512, L = 4;
const model = buildModel({ vocabSize: V, embeddingDim: 100, phraseLength: L, units: 128, dropout: 0.5, recurrentDropout: 0.5, l2: 0.02, seed: 1 });
const cw = new Float32Array(V).fill(1);
const { step } = localStep(model, { learningRate: 0.003, classWeights: cw });
const batch = { inputs: Int32Array.from({ length: B * L }, (_, i) => (i * 7919) % V), targets: Int32Array.from({ length: B }, (_, i) => (i * 31) % V), size: B, phraseLength: L };
for (let i = 0; i < 3; i++) await step(batch);
const t0 = performance.now(); for (let i = 0; i < 5; i++) await step(batch); console.log("ms/step", ((performance.now() - t0) / 5).toFixed(1));
const prof = await tf.profile(async () => { await step(batch); });
const agg = new Map<string, number>(); let total = 0;
for (const k of prof.kernels) { if (k.name.endsWith("__op")) continue; total += k.kernelTimeMs as number; const key = `${k.name} ${JSON.stringify(k.inputShapes)}`; agg.set(key, (agg.get(key) ?? 0) + (k.kernelTimeMs as number)); }
const byName = new Map<string, number>(); for (const k of prof.kernels) if (!k.name.endsWith("__op")) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log("kernel total", total.toFixed(1), "n", prof.kernels.length);
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v.toFixed(1)} ${k}`).join("\n"));
console.log("---");
console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)} ${k}`).join("\n"));
