export { SyncVectorEnv, addInfo, type SyncVectorEnvOptions, type VectorInfo, type VectorResetOptions, type VectorStepResult } from './syncVectorEnv.js';
export { makeVec, type MakeVecOptions } from './makeVec.js';
