export { perSample, relaxedOnly, samplesPerInput, groupMean, type Estimator, type EstimatorInput, type EstimatorOutput } from './types.js';
export { reinforce } from './reinforce.js';
export { relax } from './relax.js';
export { muprop, mupropTerms, type MupropTerms } from './muprop.js';
export { lax, discreteLax } from './lax.js';
export { concrete, straightThrough } from './concrete.js';
export { arm, disarm } from './arm.js';
export { rloo, leaveOneOut } from './rloo.js';
export { vimco, vimcoSignal } from './vimco.js';
export { arms, armsNoise, armsDebias } from './arms.js';
export { gumbelRao, gumbelRaoWith, GUMBEL_RAO_SAMPLES } from './gumbelRao.js';
export { reinmax } from './reinmax.js';
export { doubleCv, DoubleCvScale } from './doubleCv.js';
export { MovingAverage } from './baseline.js';
export { estimateAndTrain, trainControlVariate, varianceLoss, logVarianceOf, type VarianceObjective, type EstimateResult } from './variance.js';
export {
  ESTIMATORS,
  estimatorSetup,
  type EstimatorSetup,
  type EstimatorNeeds,
  type DistributionNeed,
  type ProblemCapabilities,
  type ProblemLabel,
  type ControlVariateKind,
} from './catalog.js';
export { checkApplicable, missingNeeds, isApplicable, applicableEstimators } from './applicability.js';
export { samplesFor, fEvaluations, DEFAULT_K } from './kSamples.js';
