// The Gymnasium 1.x environment API.
import { Rng, entropySeed, type AleaState } from '../../src/random/index.js';
import { UserError } from '../../src/errors.js';
import type { Space } from '../spaces/space.js';

export type Info = Record<string, unknown>;

/** [observation, reward, terminated, truncated, info], as Gymnasium's `step`. */
export type StepResult<O> = [obs: O, reward: number, terminated: boolean, truncated: boolean, info: Info];

export interface ResetOptions {
  seed?: number;
  options?: Record<string, unknown>;
}

export type RenderMode = 'ansi' | 'rgb_array';

/** An RGBA frame, row-major, 4 bytes a pixel. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface EnvSpec {
  id: string;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  /** Options the env was made with (`make(id, options)`). */
  kwargs?: Record<string, unknown>;
}

export abstract class Env<O = Float32Array, A = unknown> {
  abstract readonly observationSpace: Space<O>;
  abstract readonly actionSpace: Space<A>;
  // Declared, not initialised per instance: a wrapper forwards these through
  // accessors on its prototype, and own copies here would shadow them.
  declare spec?: EnvSpec;
  declare renderMode?: RenderMode;
  /** Default on the prototype (`{ renderModes: ['ansi'] }`); envs override it with their own field. */
  declare metadata: { renderModes: RenderMode[]; renderFps?: number };

  /** The env's own generator (Gymnasium's `np_random`), reseeded by `reset({seed})`. */
  protected npRandom: Rng = new Rng(entropySeed());

  /** The state of `npRandom` (JSON), so a checkpoint can continue the env's stream exactly. */
  get randomState(): AleaState {
    return this.npRandom.state();
  }

  set randomState(state: AleaState) {
    this.npRandom = Rng.fromState(state);
  }

  /** Subclasses call `super.reset(opts)` first so that a given seed reseeds `npRandom`. */
  reset(opts: ResetOptions = {}): [O, Info] {
    if (opts.seed !== undefined) {
      if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
        throw new UserError(`reset: seed must be a non-negative integer, got ${String(opts.seed)}`);
      }
      this.npRandom = new Rng(opts.seed);
    }
    return undefined as unknown as [O, Info];
  }

  abstract step(action: A): StepResult<O>;

  render(): string | RgbFrame | undefined {
    return undefined;
  }

  close(): void {}

  /** The innermost env under any wrappers. */
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }

  /**
   * A property of this env or, through wrappers, of the first env below that
   * has it (Gymnasium's `get_wrapper_attr`), e.g. `getWrapperAttr('state')`.
   */
  getWrapperAttr(name: string): unknown {
    if (name in this) return (this as unknown as Record<string, unknown>)[name];
    throw new UserError(`${this.constructor.name} has no attribute '${name}'`);
  }

  /** Sets a property on the first env (outermost first) that has it, else on this one. */
  setWrapperAttr(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  toString(): string {
    return this.spec ? `${this.constructor.name}<${this.spec.id}>` : this.constructor.name;
  }
}

Object.defineProperty(Env.prototype, 'metadata', {
  value: Object.freeze({ renderModes: Object.freeze(['ansi']) as RenderMode[] }),
  writable: true,
  enumerable: false,
  configurable: true,
});
