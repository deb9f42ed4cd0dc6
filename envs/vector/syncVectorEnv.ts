// Steps n envs one after another in this thread and returns batched results,
// with one of Gymnasium 1.x's autoreset modes (autoreset.ts): NEXT_STEP by
// default (an env whose episode ended at step t returns its final observation
// at t, and is reset, not stepped, at step t + 1, where its action is ignored,
// its reward is 0 and both flags are false), SAME_STEP or DISABLED.
//
// Layout: observations are one batch (see spaces/batch.ts: a Box space gives
// one Float32Array/Float64Array of numEnvs × size, env i at [i·size, (i+1)·size);
// Discrete gives an Int32Array of numEnvs); rewards a Float64Array;
// terminated and truncated Uint8Array (0/1). Infos gather each env's info key
// by key (infos.ts). The arrays themselves, fresh or reused, are in outputs.ts.
import { UserError } from '../../src/errors.js';
import type { Env, EnvSpec, Info, ResetOptions } from '../core/env.js';
import { batchLength, batchSpace, createBatch, readBatch } from '../spaces/batch.js';
import { spacesEqual } from '../spaces/json.js';
import type { Space } from '../spaces/space.js';
import {
  type AutoresetMode, envResetOptions, envSeeds, parseAutoresetMode, parseResetMask, refuseEnded, stepEnv,
} from './autoreset.js'; // prettier-ignore
import { addInfo, hasKey, type VectorInfo } from './infos.js';
import { BatchOutputs, type ValueKind, valueKind } from './outputs.js';

export { addInfo, type VectorInfo } from './infos.js';

export type VectorStepResult<BO> = [
  observations: BO,
  rewards: Float64Array,
  terminated: Uint8Array,
  truncated: Uint8Array,
  infos: VectorInfo,
];

export interface SyncVectorEnvOptions {
  /**
   * Return fresh copies of the observation, reward and flag arrays each call
   * (default true, as Gymnasium's `copy=True`). With false, the same buffers
   * are returned every time and overwritten by the next step.
   */
  copy?: boolean;
  /** 'next_step' (default), 'same_step' or 'disabled' (Gymnasium's names 'NextStep', ... also work). */
  autoresetMode?: AutoresetMode | 'NextStep' | 'SameStep' | 'Disabled';
}

export interface VectorResetOptions {
  /** Env i is reset with seed + i; or one seed per env (undefined leaves that env unseeded). */
  seed?: number | readonly (number | undefined)[];
  /**
   * Passed to every env's reset, except `reset_mask` (one boolean per env, at least one true):
   * then only those envs are reset (the others keep their last observation), as Gymnasium's.
   */
  options?: Record<string, unknown>;
}

export class SyncVectorEnv<BO = Float32Array, BA = any> {
  readonly envs: Env<any, any>[];
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSpace: Space<BO>;
  readonly actionSpace: Space<BA>;
  readonly metadata: { autoresetMode: AutoresetMode };
  readonly autoresetMode: AutoresetMode;
  spec?: EnvSpec;
  readonly copy: boolean;

  /** The output arrays: reused when copy is false, fresh each call otherwise. */
  private readonly out: BatchOutputs;
  /** 1 for an env whose last step ended its episode. */
  private readonly autoreset: Uint8Array;
  /** Per-env reusable action buffers for array-valued actions (no per-step allocation). */
  private readonly actionBuffers: unknown[];
  private readonly actionKind: ValueKind;
  private readonly actionLength: number | undefined;
  private readonly actionSize: number;
  private closed = false;

  constructor(envFns: readonly (() => Env<any, any>)[], opts: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0) throw new UserError('SyncVectorEnv: needs at least one env factory');
    if (!envFns.every((f) => typeof f === 'function')) throw new UserError('SyncVectorEnv: envFns must be functions returning envs');
    this.envs = envFns.map((f) => f());
    this.numEnvs = this.envs.length;
    this.copy = opts.copy ?? true;
    this.autoresetMode = parseAutoresetMode(opts.autoresetMode, 'SyncVectorEnv');
    this.metadata = { autoresetMode: this.autoresetMode };
    const first = this.envs[0];
    this.singleObservationSpace = first.observationSpace as Space<unknown>;
    this.singleActionSpace = first.actionSpace as Space<unknown>;
    this.envs.forEach((e, i) => {
      if (!spacesEqual(e.observationSpace, this.singleObservationSpace)) {
        throw new UserError(`SyncVectorEnv: env ${i} has observation space ${e.observationSpace.toString()}, env 0 has ${this.singleObservationSpace.toString()}`);
      }
      if (!spacesEqual(e.actionSpace, this.singleActionSpace)) {
        throw new UserError(`SyncVectorEnv: env ${i} has action space ${e.actionSpace.toString()}, env 0 has ${this.singleActionSpace.toString()}`);
      }
    });
    this.spec = first.spec;
    const n = this.numEnvs;
    this.observationSpace = batchSpace(this.singleObservationSpace, n) as Space<BO>;
    this.actionSpace = batchSpace(this.singleActionSpace, n) as Space<BA>;
    this.out = new BatchOutputs(this.singleObservationSpace, n);
    this.autoreset = new Uint8Array(n);
    this.actionKind = valueKind(this.singleActionSpace);
    this.actionLength = batchLength(this.singleActionSpace, n);
    this.actionSize = batchLength(this.singleActionSpace, 1) ?? 0;
    this.actionBuffers = this.envs.map(() =>
      this.actionKind === 'flat' ? readBatch(this.singleActionSpace, createBatch(this.singleActionSpace, 1), 0) : undefined,
    );
  }

  private checkOpen(): void {
    if (this.closed) throw new UserError('SyncVectorEnv: the vector env is closed');
  }

  reset(opts: VectorResetOptions = {}): [BO, VectorInfo] {
    this.checkOpen();
    const n = this.numEnvs;
    const who = 'SyncVectorEnv.reset';
    const seeds = envSeeds(opts.seed, n, who);
    const mask = parseResetMask(opts.options, n, who);
    const options = envResetOptions(opts.options);
    const out = this.out;
    const previous = out.observations;
    if (this.copy) out.fresh();
    let infos: VectorInfo = {};
    for (let i = 0; i < n; i++) {
      if (mask && mask[i] === 0) {
        // Not reset: keeps its last observation and its autoreset state.
        if (previous !== out.observations) out.writeObs(i, readBatch(this.singleObservationSpace, previous, i));
        continue;
      }
      const resetOpts: ResetOptions = {};
      if (seeds[i] !== undefined) resetOpts.seed = seeds[i];
      if (options !== undefined) resetOpts.options = options;
      const [obs, info] = this.envs[i].reset(resetOpts);
      out.writeObs(i, obs);
      infos = addInfo(infos, info, i, n);
      out.rewards[i] = 0;
      out.terminations[i] = 0;
      out.truncations[i] = 0;
      this.autoreset[i] = 0;
    }
    return [out.observations as BO, infos];
  }

  /** The action for env i from the batched `actions` (or an array of per-env actions). */
  private action(actions: unknown, i: number): unknown {
    if (this.actionKind === 'scalar') return (actions as ArrayLike<unknown>)[i];
    if (Array.isArray(actions) && actions.length === this.numEnvs && typeof actions[0] === 'object') return actions[i];
    return readBatch(this.singleActionSpace, actions, i, this.actionBuffers[i]);
  }

  private checkActions(acts: unknown): void {
    const n = this.numEnvs;
    const len = (acts as ArrayLike<unknown> | null)?.length;
    const perEnv = Array.isArray(acts) && acts.length === n && typeof acts[0] === 'object';
    if (len !== this.actionLength && !perEnv) {
      throw new UserError(
        `SyncVectorEnv.step: expected ${this.actionLength} action values (${n} envs × ${(this.actionLength ?? 0) / n}) for ${this.actionSpace.toString()}, got ${len === undefined ? typeof acts : len}`,
      );
    }
  }

  step(actions: BA): VectorStepResult<BO> {
    if (this.closed) this.checkOpen();
    const acts = actions as unknown as ArrayLike<unknown>;
    if (this.actionLength !== undefined && acts?.length !== this.actionLength) this.checkActions(acts);
    if (this.autoresetMode !== 'next_step') return this.stepOtherModes(acts);
    const out = this.out;
    if (this.copy) out.fresh();
    // The hot loop: everything it touches is in locals, and the common cases
    // (Discrete actions, Box observations) take no method calls of their own.
    const n = this.numEnvs;
    const envs = this.envs;
    const rewards = out.rewards;
    const terms = out.terminations;
    const truncs = out.truncations;
    const autoreset = this.autoreset;
    const scalarActions = this.actionKind === 'scalar';
    // Flat batches (Box, MultiBinary, MultiDiscrete actions) are copied into
    // each env's reused buffer; per-env arrays and other spaces go through action().
    const flatActions = this.actionKind === 'flat' && !(Array.isArray(acts) && typeof acts[0] === 'object');
    const actionSize = this.actionSize;
    const actionBuffers = this.actionBuffers as Float32Array[];
    const flatObs = out.obsKind === 'flat';
    const obsBuf = out.observations as Float32Array;
    const size = out.obsSize;
    let infos: VectorInfo | undefined;
    for (let i = 0; i < n; i++) {
      const env = envs[i];
      let obs: unknown;
      let info: Info;
      if (autoreset[i] !== 0) {
        // Indexing, not destructuring: array destructuring goes through the iterator protocol.
        const r = env.reset();
        obs = r[0];
        info = r[1];
        rewards[i] = 0;
        terms[i] = 0;
        truncs[i] = 0;
        autoreset[i] = 0;
      } else {
        let action: unknown;
        if (scalarActions) action = acts[i];
        else if (flatActions) {
          const buf = actionBuffers[i];
          const at = i * actionSize;
          for (let j = 0; j < actionSize; j++) buf[j] = acts[at + j] as number;
          action = buf;
        } else action = this.action(acts, i);
        const r = env.step(action);
        obs = r[0];
        rewards[i] = r[1];
        const te = r[2];
        const tr = r[3];
        terms[i] = te ? 1 : 0;
        truncs[i] = tr ? 1 : 0;
        autoreset[i] = te || tr ? 1 : 0;
        info = r[4];
      }
      if (flatObs) {
        const src = obs as ArrayLike<number>;
        const at = i * size;
        for (let j = 0; j < size; j++) obsBuf[at + j] = src[j];
      } else {
        out.writeObs(i, obs);
      }
      // Most envs report an empty info: skip the merge without allocating.
      if (hasKey(info)) infos = addInfo(infos ?? {}, info, i, n);
    }
    return [out.observations as BO, rewards, terms, truncs, infos ?? {}];
  }

  /** SAME_STEP and DISABLED (stepEnv), off the NEXT_STEP hot path. */
  private stepOtherModes(acts: ArrayLike<unknown>): VectorStepResult<BO> {
    const n = this.numEnvs;
    const mode = this.autoresetMode;
    const who = 'SyncVectorEnv.step';
    // Check first, so a refused step changes nothing.
    if (mode === 'disabled') refuseEnded(this.autoreset, who);
    const out = this.out;
    if (this.copy) out.fresh();
    let infos: VectorInfo | undefined;
    for (let i = 0; i < n; i++) {
      const r = stepEnv(this.envs[i], this.action(acts, i), mode, this.autoreset[i] !== 0, i, who);
      out.writeObs(i, r.obs);
      out.rewards[i] = r.reward;
      out.terminations[i] = r.terminated ? 1 : 0;
      out.truncations[i] = r.truncated ? 1 : 0;
      this.autoreset[i] = r.terminated || r.truncated ? 1 : 0;
      if (r.final) infos = addInfo(infos ?? {}, { final_obs: r.final.obs, final_info: r.final.info }, i, n);
      if (hasKey(r.info)) infos = addInfo(infos ?? {}, r.info, i, n);
    }
    return [out.observations as BO, out.rewards, out.terminations, out.truncations, infos ?? {}];
  }

  /** Each env's render() output. */
  render(): unknown[] {
    return this.envs.map((e) => e.render());
  }

  close(): void {
    if (this.closed) return;
    for (const e of this.envs) e.close();
    this.closed = true;
  }

  toString(): string {
    return `SyncVectorEnv(${this.spec?.id ?? this.envs[0].constructor.name}, numEnvs=${this.numEnvs})`;
  }
}

