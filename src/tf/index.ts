// The only module that imports tfjs. Importing it installs the corrected
// higher-order gradients and initialises the backend ($RELAX_PG_BACKEND or
// auto), so no tensor can be created before the backend is ready.
import * as tf from '@tensorflow/tfjs';
import { installHigherOrderGradients } from './higherOrder.js';
import { initBackend } from './backend.js';
import { registerAdamKernel } from './adamKernel.js';

// Production mode: skips debug checks and the cpu backend's banner on Node.
tf.enableProdMode();
installHigherOrderGradients();
registerAdamKernel();
await initBackend();

export { tf };
export { initBackend, currentBackend, parseBackend, BACKENDS, type BackendName } from './backend.js';
export {
  installHigherOrderGradients,
  restoreStockGradients,
  higherOrderGradientsInstalled,
  patchedKernels,
} from './higherOrder.js';
export * as safe from './ops.js';
export type { Tensor, Tensor1D, Tensor2D, Scalar, Variable, NamedTensorMap } from '@tensorflow/tfjs';

/** A variable from an initial tensor that is then released (tf.variable keeps its own copy). */
export function makeVariable(init: () => tf.Tensor, trainable: boolean, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(init(), trainable, name));
}
