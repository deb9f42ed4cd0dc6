// relax-pg/envs/vae: the binary VAE on MNIST as a one-step environment.
// Importing this module registers BinaryVAE-v0.
import './register.js';

export { BinaryVae, type BinaryVaeOptions } from './binaryVae.js';
export {
  BinaryVaeModel,
  checkModelName,
  VAE_MODELS,
  VAE_MODEL_NAMES,
  type VaeModelName,
  type VaeModelOptions,
  type HardPass,
} from './model.js';
export { evaluateBounds } from './bounds.js';
export {
  BinaryMnist,
  loadMnist,
  mnist,
  parseIdxImages,
  parseIdxLabels,
  binarise,
  pixelMean,
  defaultMnistDir,
  PIXELS,
  IMAGE_SIZE,
  type Mnist,
  type MnistSplit,
  type IdxImages,
  type Binarisation,
} from './mnist.js';
