// A saved agent's policy is also a plain tfjs LayersModel (model/model.json +
// model/weights.bin), loadable by any TensorFlow.js program. In a browser:
//   const model = await tf.loadLayersModel('https://your.site/agent/model/model.json');
// In Node without tfjs-node (no file:// handler), read the files yourself:
//   node examples/load-layers-model.mjs results/examples/cartpole-relax
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'results/examples/cartpole-relax';
const json = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8'));
const bin = readFileSync(join(dir, 'model', 'weights.bin'));
const model = await tf.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }),
);
// The output is the policy's logits (discrete actions) or its mean (continuous ones).
const logits = model.predict(tf.tensor2d([[0.01, -0.02, 0.03, 0.0]]));
console.log('kind:', json.userDefinedMetadata.relaxPg, 'logits:', Array.from(logits.dataSync()));
