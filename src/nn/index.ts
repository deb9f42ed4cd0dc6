export { Mlp, activate, activateScalar, type Activation, type MlpConfig } from './mlp.js';
export { glorotUniform, orthogonal, initWeights, type Initializer } from './init.js';
export { FusedAdam } from './adam.js';
export { makeOptimizer, getLearningRate, setLearningRate, type OptimizerConfig } from './optim.js';
export { saveWeights, loadWeights, assignWeights, type WeightsManifestGroup } from './weights.js';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, readCheckpointState, removeStaleTemps, type CheckpointParts, type CheckpointOptions } from './checkpoint.js';
