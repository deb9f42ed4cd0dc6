// The binary VAE as a registered one-step environment (no time limit: each
// episode ends after its one step).
import { register } from '../core/registry.js';
import { BinaryVae, type BinaryVaeOptions } from './binaryVae.js';

register({
  id: 'BinaryVAE-v0',
  entryPoint: (options) => new BinaryVae(options as BinaryVaeOptions),
});
