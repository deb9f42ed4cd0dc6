export { bernoulli } from './bernoulli.js';
export { categorical } from './categorical.js';
export { diagNormal, type DiagNormal } from './normal.js';
export {
  UNIFORM_EPS,
  clampUniform,
  clampUniforms,
  isRelaxed,
  type Distribution,
  type RelaxedDistribution,
  type ContinuousDistribution,
} from './types.js';
