export type { ControlVariate, RelaxedObjective } from './types.js';
export { RebarControlVariate, type RebarOptions } from './rebar.js';
export { NeuralControlVariate, ContinuousNeuralControlVariate, type NeuralCvOptions } from './neural.js';
export { SumControlVariate, BaselineNetwork } from './combine.js';
export { buildControlVariate, type ControlVariateOptions } from './build.js';
