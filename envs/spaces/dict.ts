// Named subspaces; values are plain objects with exactly these keys. Keys are
// kept sorted (as Gymnasium does for a plain dict) so flattening is stable.
import { UserError } from '../../src/errors.js';
import { Space } from './space.js';
import { isPlainObject } from './util.js';

export class Dict extends Space<Record<string, unknown>> {
  readonly spaces: Readonly<Record<string, Space<unknown>>>;
  readonly keys: readonly string[];

  constructor(spaces: Record<string, Space<unknown>>, seed?: number) {
    super(seed);
    if (!isPlainObject(spaces)) throw new UserError('Dict: expected an object of spaces');
    this.keys = Object.keys(spaces).sort();
    const sorted: Record<string, Space<unknown>> = {};
    for (const k of this.keys) {
      if (!(spaces[k] instanceof Space)) throw new UserError(`Dict: entry '${k}' is not a space`);
      sorted[k] = spaces[k];
    }
    this.spaces = sorted;
    if (seed !== undefined) this.seed(seed);
  }

  override seed(seed: number): void {
    super.seed(seed);
    for (const k of this.keys) this.spaces[k].seed(this.rng.integer(2 ** 31));
  }

  sample(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of this.keys) out[k] = this.spaces[k].sample();
    return out;
  }

  contains(x: unknown): boolean {
    if (!isPlainObject(x)) return false;
    const keys = Object.keys(x);
    if (keys.length !== this.keys.length) return false;
    return this.keys.every((k) => Object.hasOwn(x, k) && this.spaces[k].contains(x[k]));
  }

  toString(): string {
    return `Dict(${this.keys.map((k) => `${k}: ${this.spaces[k].toString()}`).join(', ')})`;
  }

  toJSON(): Record<string, unknown> {
    const spaces: Record<string, unknown> = {};
    for (const k of this.keys) spaces[k] = this.spaces[k].toJSON();
    return { type: 'Dict', spaces };
  }
}
