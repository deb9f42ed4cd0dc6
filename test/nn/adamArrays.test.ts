// FusedAdam.applyArrays (the in-place step the fused agent update uses)
// against FusedAdam.applyGradients: the same bits over several steps, the
// same state; refused (nothing done) when a variable's memory is shared.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { FusedAdam } from '../../src/nn/index.js';

function variables(tag: string): tf.Variable[] {
  const rng = new Rng('adam-arrays');
  return [
    [3, 4],
    [4],
    [],
  ].map((shape, i) => {
    // The initial tensor disposed, as makeVariable does: the variable then owns its memory alone.
    const init = tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape);
    const v = tf.variable(init, true, `adamArrays${tag}${i}`);
    init.dispose();
    return v;
  });
}

describe('FusedAdam.applyArrays', () => {
  it('gives applyGradients’ bits and state over 8 steps', async () => {
    const [a, b] = [variables('A'), variables('B')];
    const [oa, ob] = [new FusedAdam(0.01, 0.9, 0.99999, 1e-8), new FusedAdam(0.01, 0.9, 0.99999, 1e-8)];
    const rng = new Rng('grads');
    for (let step = 0; step < 8; step++) {
      const grads = a.map((v) => Float64Array.from(rng.normals(v.size), (x) => x * 10 ** (step % 3)));
      expect(oa.applyArrays(a, grads)).toBe(true);
      tf.tidy(() => ob.applyGradients(Object.fromEntries(b.map((v, i) => [v.name, tf.tensor(Float32Array.from(grads[i]), v.shape)]))));
      a.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(b[i].dataSync())));
    }
    expect(oa.getBetaPowers()).toEqual(ob.getBetaPowers());
    expect(oa.iterations).toBe(ob.iterations);
    const [wa, wb] = [await oa.getWeights(), await ob.getWeights()];
    wa.slice(1).forEach((w, i) => expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(wb[i + 1].tensor.dataSync())));
    tf.dispose([...a, ...b]);
    oa.dispose();
    ob.dispose();
  });

  it('does nothing and says so when a moment shares its memory; variables get new tensors', async () => {
    const vs = variables('C');
    const opt = new FusedAdam(0.01, 0.9, 0.999);
    const ones = () => vs.map((v) => new Float64Array(v.size).fill(1));
    const before = Array.from(vs[0].dataSync());
    const view = vs[0].reshape([-1]); // wasm's reshape shares the memory
    expect(opt.applyArrays(vs, ones())).toBe(true);
    expect(Array.from(view.dataSync())).toEqual(before); // the old tensor is untouched
    expect(vs[0].dataSync()[0]).toBeCloseTo(before[0] - 0.01, 5);
    const m0 = (await opt.getWeights())[1].tensor.reshape([-1]);
    const after = Array.from(vs[0].dataSync());
    expect(opt.applyArrays(vs, ones())).toBe(false);
    expect(Array.from(vs[0].dataSync())).toEqual(after);
    m0.dispose();
    expect(opt.applyArrays(vs, ones())).toBe(true);
    tf.dispose([view, ...vs]);
    opt.dispose();
  });
});
