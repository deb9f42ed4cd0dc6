// relax-pg: gradient estimators through discrete choices.
export { tf, initBackend, currentBackend, safe, installHigherOrderGradients, makeVariable } from './tf/index.js';
export * from './random/index.js';
export * from './distributions/index.js';
export * from './estimators/index.js';
export * from './controlVariates/index.js';
export * from './nn/index.js';
export { UserError } from './errors.js';
