// Rng.uniformsInto runs Alea's recurrence itself for speed (in JavaScript for
// short runs, in WebAssembly's integers from 64 draws, src/random/aleaWasm.ts):
// it must give the numbers next() gives, leave the stream where n calls of
// next() leave it, and keep checkpoints (state / fromState) exact.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';

describe('Rng.uniformsInto', () => {
  // 63 and 64: either side of the WebAssembly path; 16 376 and 16 377: one whole chunk of its memory and one draw more; 40 000: three chunks.
  it.each([0, 1, 7, 63, 64, 16_376, 16_377, 20_000, 40_000])('n = %i: the float32 of next()’s draws, and the stream continues as after n next() calls', (n) => {
    for (const seed of ['0:noise', 'x', 12345]) {
      const batch = new Rng(seed);
      const single = new Rng(seed);
      const got = batch.uniformsInto(new Float32Array(n));
      const want = Float32Array.from({ length: n }, () => single.next());
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(batch.state()).toEqual(single.state());
      // Interleaved with single draws and a second batch, the two still agree.
      expect(batch.next()).toBe(single.next());
      expect(Array.from(batch.uniforms(5))).toEqual(Array.from({ length: 5 }, () => Math.fround(single.next())));
    }
  });

  it('a state the integer recurrence cannot hold exactly (s not a multiple of 2⁻³²) takes the double loop, still as next() does', () => {
    const state = { c: 1, s0: 0.1, s1: 0.2, s2: 0.3 };
    const batch = Rng.fromState(state);
    const single = Rng.fromState(state);
    const got = batch.uniformsInto(new Float32Array(500));
    expect(Array.from(got)).toEqual(Array.from({ length: 500 }, () => Math.fround(single.next())));
    expect(batch.state()).toEqual(single.state());
  });

  it('a checkpoint taken after a batch restores the same continuation', () => {
    const rng = new Rng('checkpoint');
    rng.uniformsInto(new Float32Array(333));
    const restored = Rng.fromState(rng.state());
    expect(Array.from(restored.uniforms(50))).toEqual(Array.from(rng.uniforms(50)));
    const inPlace = new Rng('other');
    inPlace.setState(rng.state());
    expect(inPlace.next()).toBe(rng.next());
  });

  it('the draws lie in [0, 1) and their mean is ½ within 4 standard errors', () => {
    const u = new Rng('mean').uniforms(100_000);
    let sum = 0;
    let outside = 0;
    for (const x of u) {
      outside += +!(x >= 0 && x < 1);
      sum += x;
    }
    expect(outside).toBe(0);
    const se = Math.sqrt(1 / 12 / u.length);
    expect(Math.abs(sum / u.length - 0.5)).toBeLessThan(4 * se);
  });
});
