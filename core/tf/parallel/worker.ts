// A gradient worker of the data-parallel step: a model replica on its own tfjs backend.
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend.ts";
import { lossAndGradients } from "../../model/gradients.ts";
import { targetsTensor } from "../../model/train.ts";
import { flatLayout, slot } from "./layout.ts";
import type { ShardRequest, WorkerInit, WorkerReply } from "./protocol.ts";

const init = workerData as WorkerInit;
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

async function start(): Promise<void> {
  await initBackend({ preference: init.backend });
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology as tf.io.ModelJSON["modelTopology"] });
  tf.tidy(() => model.setWeights(model.weights.map((w, i) => tf.tensor(init.initialWeights[i], w.shape as number[]))));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const layout = flatLayout(variables.map((v) => v.shape));
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const classWeights = tf.tensor1d(init.classWeights, "float32");

  port.on("message", (request: ShardRequest) => {
    try {
      if (request.weightsChanged) {
        tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(slot(weights, layout, i), v.shape))));
      }
      const inputs = tf.tensor2d(request.inputs, [request.size, request.phraseLength], "int32");
      const targets = targetsTensor(request);
      const { loss, acc, grads: byName } = lossAndGradients(model, inputs, targets, classWeights);
      variables.forEach((v, i) => slot(grads, layout, i).set(byName[v.name].dataSync()));
      tf.dispose([inputs, targets, ...Object.values(byName)]);
      reply({ type: "done", loss, acc });
    } catch (e) {
      reply({ type: "error", message: (e as Error).message, stack: (e as Error).stack });
    }
  });
  reply({ type: "ready" });
}

start().catch((e: Error) => reply({ type: "error", message: e.message, stack: e.stack }));
