// Normalises Box observations to roughly zero mean and unit variance with a
// running estimate updated on every reset and step (as Gymnasium's
// NormalizeObservation). Observations become Float32Array in an unbounded Box.
//
// As in Gymnasium the statistics have the wrapper's float32 dtype, and with NumPy 2 they are
// updated and applied in float32 (runningMeanStd.ts): the normalised observations agree with
// Gymnasium's to the last bit. `getState()` / `setState()` save and restore the statistics as
// JSON, so an agent can be saved and loaded with them (SB3's VecNormalize problem).
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { Box, type BoxValue } from '../spaces/box.js';
import { ObservationWrapper } from './observationWrapper.js';
import { RunningMeanStd, type RunningMeanStdState } from './runningMeanStd.js';

export interface NormalizeObservationOptions {
  epsilon?: number;
}

/** What NormalizeObservation.getState() returns (plain JSON). */
export interface NormalizeObservationState {
  obsRms: RunningMeanStdState;
}

const f32 = Math.fround;

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
    if (!(this.epsilon >= 0) || !Number.isFinite(this.epsilon)) throw new UserError(`NormalizeObservation: epsilon must be a finite number ≥ 0, got ${this.epsilon}`);
    this.obsRms = new RunningMeanStd(space.size, 1e-4, 'float32');
    this.observationSpace = new Box(-Infinity, Infinity, space.shape, 'float32');
  }

  observation(obs: BoxValue): Float32Array {
    const rms = this.obsRms;
    if (this.updateRunningMean) rms.update(obs, 1);
    const out = new Float32Array(rms.size);
    if (rms.dtype === 'float32' && obs instanceof Float32Array) {
      const eps = f32(this.epsilon);
      for (let i = 0; i < rms.size; i++) out[i] = f32(obs[i]! - rms.mean[i]!) / f32(Math.sqrt(f32(rms.var[i]! + eps)));
    } else {
      for (let i = 0; i < rms.size; i++) out[i] = (obs[i]! - rms.mean[i]!) / Math.sqrt(rms.var[i]! + this.epsilon);
    }
    return out;
  }

  /** The running statistics, as JSON (see NormalizeObservationState). */
  getState(): NormalizeObservationState {
    return { obsRms: this.obsRms.getState() };
  }

  /** Restore statistics saved by getState() (a UserError if their size differs). */
  setState(state: NormalizeObservationState): void {
    if (state === null || typeof state !== 'object') throw new UserError('NormalizeObservation: state must be { obsRms }');
    this.obsRms.setState(state.obsRms, 'NormalizeObservation');
  }
}
