// Observations become the last `stackSize` observations, oldest first, batched
// as the vector env batches them (a Box of shape [k, ...shape] is one flat
// typed array of k × size). At reset the history is padded with copies of the
// first observation ('reset', the default) or with zeros ('zero').
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, StepResult } from '../core/env.js';
import { batchSpace, createBatch, readBatch, writeBatch, type BatchOf } from '../spaces/batch.js';
import type { Space } from '../spaces/space.js';
import { Wrapper } from './wrapper.js';

export interface FrameStackOptions {
  padding?: 'reset' | 'zero';
}

export class FrameStackObservation<A, InnerO = Float32Array, O = BatchOf<InnerO>> extends Wrapper<O, A, InnerO, A> {
  readonly stackSize: number;
  readonly padding: 'reset' | 'zero';
  private readonly single: Space<unknown>;
  private frames: unknown[] = [];

  constructor(env: Env<InnerO, A>, stackSize: number, opts: FrameStackOptions = {}) {
    super(env);
    if (!Number.isInteger(stackSize) || stackSize <= 0) {
      throw new UserError(`FrameStackObservation: stackSize must be a positive integer, got ${stackSize}`);
    }
    this.padding = opts.padding ?? 'reset';
    if (this.padding !== 'reset' && this.padding !== 'zero') {
      throw new UserError(`FrameStackObservation: padding must be 'reset' or 'zero', got ${String(this.padding)}`);
    }
    this.stackSize = stackSize;
    this.single = env.observationSpace as Space<unknown>;
    this.observationSpace = batchSpace(this.single, stackSize) as Space<O>;
  }

  private stacked(): O {
    const out = createBatch(this.single, this.stackSize);
    for (let i = 0; i < this.stackSize; i++) writeBatch(this.single, out, i, this.frames[i]);
    return out as O;
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    const [obs, info] = this.env.reset(opts);
    const pad = this.padding === 'reset' ? obs : readBatch(this.single, createBatch(this.single, 1), 0);
    this.frames = new Array<unknown>(this.stackSize).fill(pad);
    this.frames[this.stackSize - 1] = obs;
    return [this.stacked(), info];
  }

  override step(action: A): StepResult<O> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    // Keep a copy: an env may reuse its observation buffer.
    const kept = ArrayBuffer.isView(obs) ? (obs as unknown as Float32Array).slice() : obs;
    this.frames.shift();
    this.frames.push(kept);
    return [this.stacked(), reward, terminated, truncated, info];
  }
}
