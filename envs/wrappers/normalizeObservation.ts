// Normalises Box observations to roughly zero mean and unit variance with a
// running estimate updated on every reset and step (as Gymnasium's
// NormalizeObservation). Observations become Float32Array in an unbounded Box.
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { Box, type BoxValue } from '../spaces/box.js';
import { ObservationWrapper } from './observationWrapper.js';
import { RunningMeanStd } from './runningMeanStd.js';

export interface NormalizeObservationOptions {
  epsilon?: number;
}

export class NormalizeObservation<A> extends ObservationWrapper<Float32Array, A, BoxValue> {
  readonly obsRms: RunningMeanStd;
  readonly epsilon: number;
  /** Set to false to freeze the statistics (e.g. for evaluation). */
  updateRunningMean = true;

  constructor(env: Env<BoxValue, A>, opts: NormalizeObservationOptions = {}) {
    super(env);
    const space = env.observationSpace;
    if (!(space instanceof Box)) {
      throw new UserError(`NormalizeObservation: the observation space must be a Box, got ${space.toString()}`);
    }
    this.epsilon = opts.epsilon ?? 1e-8;
    this.obsRms = new RunningMeanStd(space.size);
    this.observationSpace = new Box(-Infinity, Infinity, space.shape, 'float32');
  }

  observation(obs: BoxValue): Float32Array {
    const rms = this.obsRms;
    if (this.updateRunningMean) rms.update(obs, 1);
    const out = new Float32Array(rms.size);
    for (let i = 0; i < rms.size; i++) out[i] = (obs[i] - rms.mean[i]) / Math.sqrt(rms.var[i] + this.epsilon);
    return out;
  }
}
