// A finite set of integers {start, ..., start + n − 1}; values are plain numbers.
import { UserError } from '../../src/errors.js';
import { Space } from './space.js';

export interface DiscreteOptions {
  start?: number;
  seed?: number;
}

export class Discrete extends Space<number> {
  readonly n: number;
  readonly start: number;

  constructor(n: number, opts: DiscreteOptions = {}) {
    super(opts.seed);
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`Discrete: n must be a positive integer, got ${n}`);
    const start = opts.start ?? 0;
    if (!Number.isInteger(start)) throw new UserError(`Discrete: start must be an integer, got ${start}`);
    this.n = n;
    this.start = start;
  }

  /**
   * A uniform draw; with `mask` (one 0/1 entry per value), uniform over the
   * allowed values, or `start` if none is allowed (as Gymnasium does).
   */
  sample(mask?: ArrayLike<number>): number {
    if (mask === undefined) return this.start + this.rng.integer(this.n);
    if (mask.length !== this.n) throw new UserError(`Discrete.sample: mask has length ${mask.length}, expected ${this.n}`);
    let allowed = 0;
    for (let i = 0; i < this.n; i++) if (mask[i]) allowed++;
    if (allowed === 0) return this.start;
    let k = this.rng.integer(allowed);
    for (let i = 0; i < this.n; i++) if (mask[i] && k-- === 0) return this.start + i;
    return this.start;
  }

  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'Discrete', n: this.n, start: this.start };
  }
}
