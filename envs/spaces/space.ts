// The base of every space: a set of values with seeded sampling and membership.
import { Rng, entropySeed } from '../../src/random/index.js';

export abstract class Space<T> {
  protected rng: Rng;

  constructor(seed?: number) {
    this.rng = new Rng(seed ?? entropySeed());
  }

  /** Reseed this space's sampler (Gymnasium's `space.seed`). */
  seed(seed: number): void {
    this.rng = new Rng(seed);
  }

  /** A uniformly drawn (or, for unbounded boxes, normally drawn) member. */
  abstract sample(): T;

  /** Whether `x` is a member (type, shape, bounds). */
  abstract contains(x: unknown): boolean;

  /** Human-readable form, e.g. `Discrete(2)` or `Box(-1, 1, [3], float32)`. */
  abstract toString(): string;

  /** JSON-serialisable description, so saved agents can record the spaces they were built for. */
  abstract toJSON(): Record<string, unknown>;
}
