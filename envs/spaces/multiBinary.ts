// Binary vectors (or arrays) of a fixed shape. Values are Int8Array (0 or 1),
// matching Gymnasium's int8; `contains` also accepts Uint8Array and number[].
import { UserError } from '../../src/errors.js';
import { Space } from './space.js';
import { checkShape, shapeSize } from './util.js';

export class MultiBinary extends Space<Int8Array> {
  readonly shape: readonly number[];
  readonly size: number;

  constructor(n: number | readonly number[], seed?: number) {
    super(seed);
    if (typeof n === 'number') {
      if (!Number.isInteger(n) || n <= 0) throw new UserError(`MultiBinary: n must be a positive integer, got ${n}`);
      this.shape = [n];
    } else {
      this.shape = checkShape(n, 'MultiBinary');
    }
    this.size = shapeSize(this.shape);
  }

  sample(): Int8Array {
    const out = new Int8Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.rng.next() < 0.5 ? 0 : 1;
    return out;
  }

  contains(x: unknown): boolean {
    if (!(x instanceof Int8Array || x instanceof Uint8Array || Array.isArray(x))) return false;
    if (x.length !== this.size) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0 && x[i] !== 1) return false;
    return true;
  }

  toString(): string {
    return this.shape.length === 1 ? `MultiBinary(${this.shape[0]})` : `MultiBinary([${this.shape.join(', ')}])`;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'MultiBinary', shape: [...this.shape] };
  }
}
