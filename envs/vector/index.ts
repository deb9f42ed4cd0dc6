export { SyncVectorEnv, type SyncVectorEnvOptions, type VectorResetOptions, type VectorStepResult } from './syncVectorEnv.js';
export { addInfo, type VectorInfo } from './infos.js';
export { AutoresetMode } from './autoreset.js';
export { makeVec, type MakeVecOptions } from './makeVec.js';
export { AsyncVectorEnv, type AsyncVectorEnvOptions, type EnvSpecLike } from './asyncVectorEnv.js';
