export { Rng, stream, entropySeed, type AleaState } from './rng.js';
