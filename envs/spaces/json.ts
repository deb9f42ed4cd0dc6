// Rebuilding a space from its toJSON() form (saved agents record their spaces).
import { UserError } from '../../src/errors.js';
import { Box } from './box.js';
import { Dict } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multiBinary.js';
import { MultiDiscrete } from './multiDiscrete.js';
import type { Space } from './space.js';
import { Tuple } from './tuple.js';
import { isPlainObject } from './util.js';

export function spaceFromJSON(json: unknown): Space<unknown> {
  const j = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  if (!isPlainObject(j)) throw new UserError('spaceFromJSON: expected an object with a "type" field');
  switch (j.type) {
    case 'Box':
      return Box.fromJSON(j) as Space<unknown>;
    case 'Discrete':
      return new Discrete(j.n as number, { start: (j.start as number | undefined) ?? 0 });
    case 'MultiBinary':
      return new MultiBinary(j.shape as number[]);
    case 'MultiDiscrete':
      return new MultiDiscrete(j.nvec as number[], { start: j.start as number[] | undefined, shape: j.shape as number[] | undefined });
    case 'Tuple':
      if (!Array.isArray(j.spaces)) throw new UserError('spaceFromJSON: Tuple needs a "spaces" array');
      return new Tuple(j.spaces.map((s) => spaceFromJSON(s)));
    case 'Dict': {
      if (!isPlainObject(j.spaces)) throw new UserError('spaceFromJSON: Dict needs a "spaces" object');
      const spaces: Record<string, Space<unknown>> = {};
      for (const [k, s] of Object.entries(j.spaces)) spaces[k] = spaceFromJSON(s);
      return new Dict(spaces);
    }
    default:
      throw new UserError(`spaceFromJSON: unknown space type ${JSON.stringify(j.type)}`);
  }
}

/** Whether two spaces describe the same set (same type, shape, bounds, dtype). */
export function spacesEqual(a: Space<unknown>, b: Space<unknown>): boolean {
  return JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON());
}
