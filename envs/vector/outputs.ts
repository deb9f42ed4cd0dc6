// The arrays a vector env returns from reset and step: one observation batch (spaces/batch.ts),
// rewards (Float64Array), terminated and truncated (Uint8Array, 0/1).
//
// With copy on (Gymnasium's copy=True), every call gets fresh arrays, carved as views from one
// slot of a shared chunk: one offset bump and four views. Allocating small typed arrays one by
// one costs several times a view in V8 (the backing store is separate). A kept view keeps its
// whole chunk (≤ 64 KiB) alive. With copy off, the same arrays are reused every call.
import { batchLength, createBatch, writeBatch } from '../spaces/batch.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { MultiBinary } from '../spaces/multiBinary.js';
import { MultiDiscrete } from '../spaces/multiDiscrete.js';
import type { Space } from '../spaces/space.js';

// Kinds of observation batch, for the allocator.
type ObsType = 0 | 1 | 2 | 3 | 4;
const OBS_F32 = 0;
const OBS_F64 = 1;
const OBS_I32 = 2;
const OBS_I8 = 3;
const OBS_OTHER = 4;

const align8 = (bytes: number): number => Math.ceil(bytes / 8) * 8;

/** How a space's values are copied: a number (Discrete), a flat array (Box, Multi*), or generically. */
export type ValueKind = 'scalar' | 'flat' | 'other';

export function valueKind(s: Space<unknown>): ValueKind {
  return s instanceof Discrete ? 'scalar' : s instanceof Box || s instanceof MultiBinary || s instanceof MultiDiscrete ? 'flat' : 'other';
}

export class BatchOutputs {
  /** The current arrays (fresh after `fresh()` with copy on; the same ones with copy off). */
  observations: unknown;
  rewards: Float64Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
  /** 'flat' observations are copied element by element into `observations` at i·obsSize. */
  readonly obsKind: ValueKind;
  readonly obsSize: number;
  private readonly obsType: ObsType;
  private readonly obsLength: number;
  private readonly rewardsAt: number;
  private readonly flagsAt: number;
  private readonly slotBytes: number;
  private readonly chunkBytes: number;
  private chunk: ArrayBuffer;
  private chunkOffset = 0;

  constructor(
    private readonly space: Space<unknown>,
    private readonly numEnvs: number,
  ) {
    const n = numEnvs;
    const obs = createBatch(space, n);
    this.observations = obs;
    this.rewards = new Float64Array(n);
    this.terminations = new Uint8Array(n);
    this.truncations = new Uint8Array(n);
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
    this.obsKind = valueKind(space);
    this.obsSize = batchLength(space, 1) ?? 0;
  }

  /** Point the arrays at fresh (zeroed) ones before a call writes them. */
  fresh(): void {
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
        return createBatch(this.space, this.numEnvs);
    }
  }

  /** Env i's observation into the batch. */
  writeObs(i: number, obs: unknown): void {
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
      writeBatch(this.space, this.observations, i, obs);
    }
  }
}
