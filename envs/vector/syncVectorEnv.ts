// Steps n envs one after another in this thread and returns batched results,
// with Gymnasium 1.x's default NEXT_STEP autoreset: an env whose episode ended
// at step t returns its final observation at t, and is reset (not stepped) at
// step t + 1, where its action is ignored, its reward is 0 and both flags are
// false; the observation it returns then is the reset one.
//
// Layout: observations are one batch (see spaces/batch.ts: a Box space gives
// one Float32Array/Float64Array of numEnvs × size, env i at [i·size, (i+1)·size);
// Discrete gives an Int32Array of numEnvs); rewards a Float64Array;
// terminated and truncated Uint8Array (0/1). Infos gather each env's info key
// by key into arrays of numEnvs (numbers in a Float64Array, booleans in a
// Uint8Array, anything else in a plain array; nested objects recursively),
// with a mask `_key` (Uint8Array) marking which envs reported the key.
import { UserError } from '../../src/errors.js';
import type { Env, EnvSpec, Info, ResetOptions } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { batchLength, batchSpace, createBatch, readBatch, writeBatch } from '../spaces/batch.js';
import { Discrete } from '../spaces/discrete.js';
import { spacesEqual } from '../spaces/json.js';
import { MultiBinary } from '../spaces/multiBinary.js';
import { MultiDiscrete } from '../spaces/multiDiscrete.js';
import type { Space } from '../spaces/space.js';
import { isPlainObject } from '../spaces/util.js';

// Kinds of observation batch, for the copy allocator.
type ObsType = 0 | 1 | 2 | 3 | 4;
const OBS_F32 = 0;
const OBS_F64 = 1;
const OBS_I32 = 2;
const OBS_I8 = 3;
const OBS_OTHER = 4;

const align8 = (bytes: number): number => Math.ceil(bytes / 8) * 8;

export type VectorInfo = Record<string, unknown>;

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
}

export interface VectorResetOptions {
  /** Env i is reset with seed + i; or one seed per env (undefined leaves that env unseeded). */
  seed?: number | readonly (number | undefined)[];
  options?: Record<string, unknown>;
}

export class SyncVectorEnv<BO = Float32Array, BA = any> {
  readonly envs: Env<any, any>[];
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSpace: Space<BO>;
  readonly actionSpace: Space<BA>;
  readonly metadata = { autoresetMode: 'next_step' as const };
  spec?: EnvSpec;
  readonly copy: boolean;

  /** Current output buffers: reused when copy is false, fresh from the arena each call otherwise. */
  private observations: unknown;
  private rewards: Float64Array;
  private terminations: Uint8Array;
  private truncations: Uint8Array;
  private readonly autoreset: Uint8Array;
  // With copy on, each call's observations, rewards and flags are views into
  // one slot of a shared chunk: one offset bump and four views. Allocating
  // small typed arrays one by one costs several times a view in V8 (the
  // backing store is separate). A kept view keeps its whole chunk (≤ 64 KiB) alive.
  private readonly obsType: ObsType;
  private readonly obsLength: number;
  private readonly rewardsAt: number;
  private readonly flagsAt: number;
  private readonly slotBytes: number;
  private readonly chunkBytes: number;
  private chunk: ArrayBuffer;
  private chunkOffset: number;
  /** Per-env reusable action buffers for array-valued actions (no per-step allocation). */
  private readonly actionBuffers: unknown[];
  private readonly actionKind: 'scalar' | 'flat' | 'other';
  private readonly actionLength: number | undefined;
  private readonly actionSize: number;
  private readonly obsKind: 'scalar' | 'flat' | 'other';
  private readonly obsSize: number;
  private closed = false;

  constructor(envFns: readonly (() => Env<any, any>)[], opts: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0) throw new UserError('SyncVectorEnv: needs at least one env factory');
    if (!envFns.every((f) => typeof f === 'function')) throw new UserError('SyncVectorEnv: envFns must be functions returning envs');
    this.envs = envFns.map((f) => f());
    this.numEnvs = this.envs.length;
    this.copy = opts.copy ?? true;
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
    this.observations = createBatch(this.singleObservationSpace, n);
    this.rewards = new Float64Array(n);
    this.terminations = new Uint8Array(n);
    this.truncations = new Uint8Array(n);
    this.autoreset = new Uint8Array(n);
    const obs = this.observations;
    this.obsType =
      obs instanceof Float32Array
        ? OBS_F32
        : obs instanceof Float64Array
          ? OBS_F64
          : obs instanceof Int32Array
            ? OBS_I32
            : obs instanceof Int8Array
              ? OBS_I8
              : OBS_OTHER;
    this.obsLength = this.obsType === OBS_OTHER ? 0 : (obs as ArrayLike<number>).length;
    // Slot layout: observations, rewards (8-byte aligned), terminated, truncated.
    const obsBytes = this.obsType === OBS_OTHER ? 0 : (obs as ArrayBufferView).byteLength;
    this.rewardsAt = align8(obsBytes);
    this.flagsAt = this.rewardsAt + 8 * n;
    this.slotBytes = align8(this.flagsAt + 2 * n);
    this.chunkBytes = Math.max(this.slotBytes, Math.floor(65536 / this.slotBytes) * this.slotBytes);
    this.chunk = new ArrayBuffer(this.chunkBytes);
    this.chunkOffset = 0;

    const kind = (s: Space<unknown>): 'scalar' | 'flat' | 'other' =>
      s instanceof Discrete ? 'scalar' : s instanceof Box || s instanceof MultiBinary || s instanceof MultiDiscrete ? 'flat' : 'other';
    this.obsKind = kind(this.singleObservationSpace);
    this.obsSize = batchLength(this.singleObservationSpace, 1) ?? 0;
    this.actionKind = kind(this.singleActionSpace);
    this.actionLength = batchLength(this.singleActionSpace, n);
    this.actionSize = batchLength(this.singleActionSpace, 1) ?? 0;
    this.actionBuffers = this.envs.map(() =>
      this.actionKind === 'flat' ? readBatch(this.singleActionSpace, createBatch(this.singleActionSpace, 1), 0) : undefined,
    );
  }

  /** With copy, point the output buffers at fresh (zeroed) arrays before a call writes them. */
  private freshOutputs(): void {
    if (!this.copy) return;
    if (this.chunkOffset === this.chunkBytes) this.newChunk();
    const buf = this.chunk;
    const at = this.chunkOffset;
    this.chunkOffset = at + this.slotBytes;
    const n = this.numEnvs;
    // One constructor per call site keeps each site monomorphic (a shared
    // `new ctor(...)` site seeing several types costs about twice as much).
    // Float32 (every bundled env) in line, the rarer kinds out of line: this
    // method is inlined into step() and should not crowd out the envs' calls.
    this.observations = this.obsType === OBS_F32 ? new Float32Array(buf, at, this.obsLength) : this.otherObservations(buf, at);
    this.rewards = new Float64Array(buf, at + this.rewardsAt, n);
    this.terminations = new Uint8Array(buf, at + this.flagsAt, n);
    this.truncations = new Uint8Array(buf, at + this.flagsAt + n, n);
  }

  private newChunk(): void {
    this.chunk = new ArrayBuffer(this.chunkBytes);
    this.chunkOffset = 0;
  }

  private otherObservations(buf: ArrayBuffer, at: number): unknown {
    switch (this.obsType) {
      case OBS_F64:
        return new Float64Array(buf, at, this.obsLength);
      case OBS_I32:
        return new Int32Array(buf, at, this.obsLength);
      case OBS_I8:
        return new Int8Array(buf, at, this.obsLength);
      default:
        return createBatch(this.singleObservationSpace, this.numEnvs);
    }
  }

  private writeObs(i: number, obs: unknown): void {
    if (this.obsKind === 'scalar') {
      (this.observations as Int32Array)[i] = obs as number;
    } else if (this.obsKind === 'flat') {
      // A plain loop: TypedArray.set costs several times more for a few elements.
      const dst = this.observations as Float32Array;
      const src = obs as ArrayLike<number>;
      const size = this.obsSize;
      const at = i * size;
      for (let j = 0; j < size; j++) dst[at + j] = src[j];
    } else {
      writeBatch(this.singleObservationSpace, this.observations, i, obs);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new UserError('SyncVectorEnv: the vector env is closed');
  }

  reset(opts: VectorResetOptions = {}): [BO, VectorInfo] {
    this.checkOpen();
    const n = this.numEnvs;
    let seeds: readonly (number | undefined)[];
    if (opts.seed === undefined) seeds = new Array<undefined>(n);
    else if (typeof opts.seed === 'number') seeds = Array.from({ length: n }, (_, i) => (opts.seed as number) + i);
    else {
      if (opts.seed.length !== n) throw new UserError(`SyncVectorEnv.reset: got ${opts.seed.length} seeds for ${n} envs`);
      seeds = opts.seed;
    }
    this.freshOutputs();
    let infos: VectorInfo = {};
    for (let i = 0; i < n; i++) {
      const resetOpts: ResetOptions = {};
      if (seeds[i] !== undefined) resetOpts.seed = seeds[i];
      if (opts.options !== undefined) resetOpts.options = opts.options;
      const [obs, info] = this.envs[i].reset(resetOpts);
      this.writeObs(i, obs);
      infos = addInfo(infos, info, i, n);
    }
    this.rewards.fill(0);
    this.terminations.fill(0);
    this.truncations.fill(0);
    this.autoreset.fill(0);
    return [this.observations as BO, infos];
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
    if (this.copy) this.freshOutputs();
    // The hot loop: everything it touches is in locals, and the common cases
    // (Discrete actions, Box observations) take no method calls of their own.
    const n = this.numEnvs;
    const envs = this.envs;
    const rewards = this.rewards;
    const terms = this.terminations;
    const truncs = this.truncations;
    const autoreset = this.autoreset;
    const scalarActions = this.actionKind === 'scalar';
    // Flat batches (Box, MultiBinary, MultiDiscrete actions) are copied into
    // each env's reused buffer; per-env arrays and other spaces go through action().
    const flatActions = this.actionKind === 'flat' && !(Array.isArray(acts) && typeof acts[0] === 'object');
    const actionSize = this.actionSize;
    const actionBuffers = this.actionBuffers as Float32Array[];
    const flatObs = this.obsKind === 'flat';
    const obsBuf = this.observations as Float32Array;
    const size = this.obsSize;
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
        this.writeObs(i, obs);
      }
      // Most envs report an empty info: skip the merge without allocating.
      if (hasKey(info)) infos = addInfo(infos ?? {}, info, i, n);
    }
    return [this.observations as BO, rewards, terms, truncs, infos ?? {}];
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

function hasKey(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Merges env i's info into the batched infos, Gymnasium-style (`key` array plus `_key` mask). */
export function addInfo(infos: VectorInfo, info: Info, i: number, n: number): VectorInfo {
  for (const [key, value] of Object.entries(info)) {
    const maskKey = `_${key}`;
    let mask = infos[maskKey] as Uint8Array | undefined;
    if (isPlainObject(value)) {
      infos[key] = addInfo((infos[key] as VectorInfo | undefined) ?? {}, value, i, n);
    } else {
      let arr = infos[key] as Float64Array | Uint8Array | unknown[] | undefined;
      if (arr === undefined) {
        arr = typeof value === 'number' ? new Float64Array(n) : typeof value === 'boolean' ? new Uint8Array(n) : new Array<unknown>(n).fill(undefined);
        infos[key] = arr;
      } else if ((arr instanceof Float64Array && typeof value !== 'number') || (arr instanceof Uint8Array && typeof value !== 'boolean')) {
        // The envs disagree on this key's type: fall back to a plain array.
        arr = toPlain(arr, mask);
        infos[key] = arr;
      }
      if (arr instanceof Uint8Array) arr[i] = value ? 1 : 0;
      else (arr as unknown[] | Float64Array)[i] = value as number;
    }
    if (mask === undefined) {
      mask = new Uint8Array(n);
      infos[maskKey] = mask;
    }
    mask[i] = 1;
  }
  return infos;
}

function toPlain(arr: Float64Array | Uint8Array, mask: Uint8Array | undefined): unknown[] {
  const bools = arr instanceof Uint8Array;
  return Array.from(arr, (v, j) => (mask?.[j] ? (bools ? v === 1 : v) : undefined));
}
