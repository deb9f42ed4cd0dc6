export { bernoulli } from './bernoulli.js';
export { categorical } from './categorical.js';
export { diagNormal, type DiagNormal } from './normal.js';
export { UNIFORM_EPS, type RelaxedDistribution } from './types.js';
