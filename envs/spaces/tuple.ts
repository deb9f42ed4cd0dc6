// A fixed-length sequence of spaces; values are plain arrays, one entry per space.
import { UserError } from '../../src/errors.js';
import { Space } from './space.js';

export class Tuple extends Space<unknown[]> {
  readonly spaces: readonly Space<unknown>[];

  constructor(spaces: readonly Space<unknown>[], seed?: number) {
    super(seed);
    if (!Array.isArray(spaces) || !spaces.every((s) => s instanceof Space)) {
      throw new UserError('Tuple: expected an array of spaces');
    }
    this.spaces = [...spaces];
    if (seed !== undefined) this.seed(seed);
  }

  /** Seeds this space and, from it, each subspace (so one seed fixes every sample). */
  override seed(seed: number): void {
    super.seed(seed);
    for (const s of this.spaces) s.seed(this.rng.integer(2 ** 31));
  }

  sample(): unknown[] {
    return this.spaces.map((s) => s.sample());
  }

  contains(x: unknown): boolean {
    return Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((s, i) => s.contains(x[i]));
  }

  toString(): string {
    return `Tuple(${this.spaces.map((s) => s.toString()).join(', ')})`;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'Tuple', spaces: this.spaces.map((s) => s.toJSON()) };
  }
}
