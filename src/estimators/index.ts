export type { Estimator, EstimatorInput, EstimatorOutput } from './types.js';
export { reinforce } from './reinforce.js';
export { relax } from './relax.js';
export { muprop, mupropTerms, type MupropTerms } from './muprop.js';
export { discreteLax, laxContinuous } from './lax.js';
export { concrete, straightThrough } from './concrete.js';
export { MovingAverage } from './baseline.js';
export { estimateAndTrain, trainControlVariate, varianceLoss, type VarianceObjective, type EstimateResult } from './variance.js';
export { ESTIMATORS, estimatorSetup, type EstimatorSetup, type ControlVariateKind } from './catalog.js';
