import { describe, expect, it } from 'vitest';
import { assemble, newMemory, simdAvailable, watToBinary } from '../../src/wasm/wat.js';

describe('wat', () => {
  it('assembles a SIMD module and runs it on an imported memory', () => {
    expect(simdAvailable).toBe(true);
    const memory = newMemory(1);
    const { add2 } = assemble(
      `(module (import "env" "memory" (memory 1))
        (func (export "add2") (param $p i32)
          (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (v128.load offset=16 (local.get $p))))))`,
      { env: { memory } },
    ) as { add2: (p: number) => void };
    const a = new Float64Array(memory.buffer, 0, 4);
    a.set([1.5, -2, 0.25, 10]);
    add2(0);
    expect([a[0], a[1]]).toEqual([1.75, 8]);
  });

  it('rejects malformed text with wabt\'s message', () => {
    expect(() => watToBinary('(module (func (result i32) (f64.const 1)))')).toThrow(/type mismatch/);
  });
});
