export { perSample, relaxedOnly, type Estimator, type EstimatorInput, type EstimatorOutput } from './types.js';
export { reinforce } from './reinforce.js';
export { relax } from './relax.js';
export { muprop, mupropTerms, type MupropTerms } from './muprop.js';
export { lax, discreteLax } from './lax.js';
export { concrete, straightThrough } from './concrete.js';
export { arm, disarm } from './arm.js';
export { MovingAverage } from './baseline.js';
export { estimateAndTrain, trainControlVariate, varianceLoss, logVarianceOf, type VarianceObjective, type EstimateResult } from './variance.js';
export {
  ESTIMATORS,
  estimatorSetup,
  checkApplicable,
  missingNeeds,
  isApplicable,
  applicableEstimators,
  type EstimatorSetup,
  type EstimatorNeeds,
  type DistributionNeed,
  type ProblemCapabilities,
  type ProblemLabel,
  type ControlVariateKind,
} from './catalog.js';
