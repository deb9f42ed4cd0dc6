// softplus through cheap kernels (src/tf/softplus.ts) against the exact
// formula in float64, with bounds from float32's unit roundoff u = 2⁻²⁴:
//   elementwise  |ŝ − s| ≤ 4u(1 + s)     (σ and log kernels of ≤ 2 ulp each:
//                σ(|x|) ∈ [½, 1] so log σ is off by ≤ 2u + 2u·log 2, and the
//                subtraction by u·s; measured ≤ 1.8u(1 + s))
//   sum of n     |Σ̂ − Σ| ≤ u·n·(Σ + 4)  (a float32 sum of n positive terms,
//                plus each group's product and log; the stock tf.sum of
//                tf.softplus measures the same)
// first and second derivatives within 8u of the exact σ(x), σ(x)(1 − σ(x)), against
// finite differences, and finite values and derivatives at ±100, ±1e4, ±3e38.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, safe, initBackend } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { autodiffSecondOrder, finiteDifferenceSecondOrder, relativeError, type Fn } from './secondOrder.js';

const u = 2 ** -24;
const exact = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigma = (x: number) => 1 / (1 + Math.exp(-x));
const EXTREMES = [0, -0, 1e-30, -1e-30, 17, -17, 88, -88, 100, -100, 1e4, -1e4, 3e38, -3e38];

function grid(n: number): Float32Array {
  const xs = Float32Array.from({ length: n }, (_, i) => (i / n - 0.5) * 80);
  xs.set(EXTREMES);
  return xs;
}

describe.each(['wasm', 'cpu'])('cheap softplus on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('is within 4u(1 + softplus) of the exact value, and finite everywhere', () => {
    const xs = grid(100_000);
    const got = tf.tidy(() => safe.softplusComposite(tf.tensor1d(xs)).dataSync());
    let worst = 0;
    xs.forEach((x, i) => {
      expect(Number.isFinite(got[i]), `softplus(${x})`).toBe(true);
      worst = Math.max(worst, Math.abs(got[i] - exact(x)) / (u * (1 + exact(x))));
    });
    expect(worst).toBeLessThan(4);
  });

  it('sums over the last axis within u·n·(Σ + 4), no worse than tf.sum of tf.softplus', () => {
    const rng = new Rng('softplus-sum');
    for (const n of [784, 200, 16]) {
      const rows = 40;
      const xs = Float32Array.from(rng.normals(rows * n), (v, i) => (i % 97 === 0 ? v * 1e4 : v * 8));
      const [ours, stock] = tf.tidy(() => {
        const x = tf.tensor2d(xs, [rows, n]);
        return [safe.sumSoftplusComposite(x).dataSync(), tf.sum(tf.softplus(x), 1).dataSync()];
      });
      let worst = 0;
      let worstStock = 0;
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += exact(xs[r * n + j]);
        worst = Math.max(worst, Math.abs(ours[r] - sum) / (u * n * (sum + 4)));
        worstStock = Math.max(worstStock, Math.abs(stock[r] - sum) / (u * n * (sum + 4)));
      }
      expect(worst, `n = ${n}`).toBeLessThan(1);
      expect(worst, `n = ${n}`).toBeLessThan(2 * worstStock + 4 / n);
    }
  });

  it('first and second derivatives are σ(x) and σ(x)(1 − σ(x)), finite at the extremes', () => {
    const xs = grid(2_000);
    for (const op of [safe.softplusComposite, (t: tf.Tensor) => safe.sumSoftplusComposite(tf.reshape(t, [-1, 8]))]) {
      const [d1, d2] = tf.tidy(() => {
        const x = tf.tensor1d(xs);
        const first = (t: tf.Tensor) => tf.grad((a: tf.Tensor) => tf.sum(op(a)))(t);
        return [first(x).dataSync(), tf.grad((a: tf.Tensor) => tf.sum(first(a)))(x).dataSync()];
      });
      xs.forEach((x, i) => {
        expect(Math.abs(d1[i] - sigma(x)), `σ(${x})`).toBeLessThan(8 * u);
        expect(Math.abs(d2[i] - sigma(x) * (1 - sigma(x))), `σ′(${x})`).toBeLessThan(8 * u);
      });
    }
  });

  it('the first derivative matches central differences of the exact softplus', () => {
    const xs = [-7.3, -1.2, -0.01, 0.4, 2.5, 9.1];
    const got = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(safe.softplusComposite(a)))(tf.tensor1d(xs)).dataSync());
    const h = 1e-5;
    xs.forEach((x, i) => expect(Math.abs(got[i] - (exact(x + h) - exact(x - h)) / (2 * h))).toBeLessThan(1e-6));
  });

  // As test/tf/secondOrder.test.ts: ∂x and ∂φ of Σ(∂x f)², f(x, φ) = Σ w·softplus(x·φ), against finite differences.
  const w = () => tf.tensor1d([0.7, -1.3, 0.4, 1.1, -0.2, 0.9, -0.8, 0.3]);
  const x0 = [0.3, -0.8, 1.1, -2.2, 0.05, 3.1, -0.4, 1.7];
  const phi0 = [0.9, 1.2, -0.7, 0.5, 2.0, -1.1, 0.8, -0.3];
  const cases: Record<string, Fn> = {
    softplus: (x, p) => tf.sum(tf.mul(w(), safe.softplusComposite(tf.mul(x, p)))),
    sumSoftplus: (x, p) => tf.sum(tf.mul(tf.tensor1d([0.6, -1.4]), safe.sumSoftplusComposite(tf.reshape(tf.mul(w(), tf.mul(x, p)), [1, 8])))),
    bernoulliLogProbSum: (x, p) => tf.sum(safe.bernoulliLogProbSum(tf.reshape(tf.mul(x, 3), [1, 8]), tf.reshape(tf.sigmoid(tf.mul(p, w())), [1, 8]))),
  };
  for (const [name, f] of Object.entries(cases)) {
    for (const wrt of ['x', 'phi'] as const) {
      it(`${name}: ∂${wrt} Σ(∂x f)² matches finite differences`, () => {
        expect(relativeError(autodiffSecondOrder(f, x0, phi0, wrt), finiteDifferenceSecondOrder(f, x0, phi0, wrt))).toBeLessThan(2e-3);
      });
    }
  }

  it('bernoulliLogProbSum equals Σ bernoulliLogProb, also for a prior broadcast over rows, and so do its gradients', () => {
    const rng = new Rng('blps');
    const logits = tf.tensor2d(rng.normals(6 * 200), [6, 200]);
    const prior = tf.tensor1d(rng.normals(200));
    const labels = tf.tensor2d(rng.uniforms(6 * 200), [6, 200]);
    for (const l of [logits, prior]) {
      const f = (fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, b), tf.linspace(1, 2, 6))))([l, labels]);
      const ours = f((a, b) => safe.bernoulliLogProbSum(a, b));
      const plain = f((a, b) => tf.sum(safe.bernoulliLogProb(a, b), -1));
      const values = [safe.bernoulliLogProbSum(l, labels), tf.sum(safe.bernoulliLogProb(l, labels), -1)].map((t) => t.dataSync());
      expect(relativeError(values[0], values[1])).toBeLessThan(1e-5);
      ours.forEach((g, i) => expect(relativeError(g.dataSync(), plain[i].dataSync())).toBeLessThan(1e-5));
    }
    tf.dispose([logits, prior, labels]);
  });
});
