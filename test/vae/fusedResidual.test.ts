// RELAX's residual on float32 arrays (experiments/vae/fused/residual.ts)
// against (1) the tape it replaces: N, dN by tf.grad of Σ SplitResidual.apply
// (as fast.ts) and the variables' gradients of Σ cotN·N + Σ cotDN·dN by
// tf.variableGrads around that tf.grad; (2) central differences of that loss
// computed in float64 from a plain reference of N and dN.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { NeuralControlVariate } from '../../src/controlVariates/index.js';
import { Workspace } from '../../src/wasm/workspace.js';
import { SplitResidual } from '../../experiments/vae/residual.js';
import { ResidualArrays } from '../../experiments/vae/fused/residual.js';

const EPS = 2 ** -23;

interface Case {
  neural: NeuralControlVariate;
  B: number;
  L: number;
  C: number;
  xc: Float32Array;
  zBoth: Float32Array;
  cotN: Float32Array;
  cotDN: Float32Array;
}

/** A residual as the VAE builds it (ReLU, Bernoulli), with random nonzero biases, the given scale and τ, and random inputs. */
function makeCase(seed: string, B: number, L: number, C: number, hidden: number[], scale: number): Case {
  const rng = new Rng(seed);
  const neural = new NeuralControlVariate(bernoulli, { sampleSize: L, contextSize: C, hidden, activation: 'relu', temperature: 0.7, scale, rng });
  for (const b of neural.net.biases) b.assign(tf.tensor(Array.from({ length: b.size }, () => 0.3 * rng.normal()), b.shape));
  const uniforms = (n: number, a: number) => Float32Array.from({ length: n }, () => rng.uniform(-a, a));
  // z spread like logits plus logistic noise; the VAE's cotangents have this structure (G on z's rows), here all rows carry both.
  return { neural, B, L, C, xc: uniforms(B * C, 1), zBoth: Float32Array.from({ length: 2 * B * L }, () => 3 * rng.normal()), cotN: uniforms(2 * B, 1), cotDN: uniforms(2 * B * L, 1) };
}

function fused(c: Case): { res: ResidualArrays; ws: Workspace } {
  const ws = new Workspace(ResidualArrays.floats(c.neural, c.B, c.L, c.C));
  const res = new ResidualArrays(ws, c.neural, c.B, c.L, c.C);
  return { res, ws };
}

/** N, dN and the variables' gradients on the tape, as fast.ts builds them. */
function taped(c: Case): { N: Float32Array; dN: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const xc = tf.tensor2d(c.xc, [c.B, c.C]);
    const zBoth = tf.tensor2d(c.zBoth, [2 * c.B, c.L]);
    const residual = new SplitResidual(c.neural, () => xc);
    let N: tf.Tensor | undefined;
    let dN: tf.Tensor | undefined;
    const { grads } = tf.variableGrads(() => {
      const d = tf.grad((zz: tf.Tensor) => {
        const out = residual.apply(zz);
        N = tf.keep(out);
        return tf.sum(out);
      })(zBoth);
      dN = tf.keep(d);
      return tf.add(tf.sum(tf.mul(tf.tensor1d(c.cotN), N!)), tf.sum(tf.mul(tf.tensor2d(c.cotDN, [2 * c.B, c.L]), d))) as tf.Scalar;
    }, c.neural.variables);
    const out = { N: N!.dataSync() as Float32Array, dN: dN!.dataSync() as Float32Array, grads: c.neural.variables.map((v) => grads[v.name].dataSync() as Float32Array) };
    tf.dispose([N!, dN!]);
    return out;
  });
}

/**
 * Float64 reference of N and dN (every row's own z) for given parameters
 * [W_0, b_0, …, logτ, scale]; also the ReLU masks, to check that a step
 * crosses no kink.
 */
function reference(c: Case, params: Float64Array[]): { N: Float64Array; dN: Float64Array; masks: boolean[] } {
  const sizes = c.neural.net.config.sizes;
  const layers = sizes.length - 1;
  const tau = Math.exp(params[2 * layers][0]);
  const scale = params.length > 2 * layers + 1 ? params[2 * layers + 1][0] : 1;
  const rows = 2 * c.B;
  const N = new Float64Array(rows);
  const dN = new Float64Array(rows * c.L);
  const masks: boolean[] = [];
  for (let r = 0; r < rows; r++) {
    const i = r % c.B;
    const z = Array.from({ length: c.L }, (_, j) => c.zBoth[r * c.L + j]);
    const s = z.map((zj) => 1 / (1 + Math.exp(-zj / tau)));
    let h = [...Array.from(c.xc.subarray(i * c.C, (i + 1) * c.C)), ...s.map((sj) => 2 * sj - 1)];
    const hs: number[][] = [];
    for (let l = 0; l < layers; l++) {
      const [W, b, n] = [params[2 * l], params[2 * l + 1], sizes[l + 1]];
      const a = Array.from({ length: n }, (_, k) => h.reduce((acc, hm, m) => acc + hm * W[m * n + k], b[k]));
      h = l + 1 < layers ? a.map((v) => Math.max(v, 0)) : a;
      if (l + 1 < layers) hs.push(h);
      if (l + 1 < layers) masks.push(...a.map((v) => v > 0));
    }
    N[r] = scale * h[0];
    // ∂y/∂input by reverse accumulation, then the input's latent part through u = 2σ(z/τ) − 1.
    let delta = [1];
    for (let l = layers - 1; l >= 0; l--) {
      const [W, n, m] = [params[2 * l], sizes[l + 1], sizes[l]];
      const down = Array.from({ length: m }, (_, a) => delta.reduce((acc, d, k) => acc + d * W[a * n + k], 0));
      delta = l > 0 ? down.map((v, a) => (hs[l - 1][a] > 0 ? v : 0)) : down;
    }
    for (let j = 0; j < c.L; j++) dN[r * c.L + j] = scale * delta[c.C + j] * ((2 * s[j] * (1 - s[j])) / tau);
  }
  return { N, dN, masks };
}

function loss(c: Case, params: Float64Array[]): { value: number; masks: boolean[] } {
  const { N, dN, masks } = reference(c, params);
  let value = 0;
  N.forEach((v, r) => (value += c.cotN[r] * v));
  dN.forEach((v, k) => (value += c.cotDN[k] * v));
  return { value, masks };
}

/**
 * Rounding budget of an output: a chain of float32 sums whose lengths add up
 * to K has a random-walk error of about √K·ε of the output's scale; K·ε
 * (a further √K) is the bound. K: the forward pass (C + L, then each hidden
 * width), the δ chain and its cotangent (each hidden width twice, L), the sum
 * over the 2B rows, and a few element-wise roundings.
 */
function chainLength(c: Case): number {
  const hidden = c.neural.net.config.sizes.slice(1, -1);
  return c.C + c.L + 2 * hidden.reduce((a, h) => a + h, 0) + c.L + 2 * c.B + 10;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

function compareWithTape(c: Case, label: string): void {
  const { res, ws } = fused(c);
  expect(ws.used).toBe(ResidualArrays.floats(c.neural, c.B, c.L, c.C));
  res.forward(c.xc, c.zBoth);
  res.backward(c.cotN, c.cotDN);
  const tape = taped(c);
  const K = chainLength(c);
  const report: string[] = [];
  const check = (name: string, mine: Float32Array, theirs: Float32Array) => {
    expect(mine.length).toBe(theirs.length);
    const err = maxDiff(mine, theirs);
    const tol = K * EPS * maxAbs(theirs);
    report.push(`${name} ${(err / (EPS * maxAbs(theirs) || 1)).toFixed(1)}ε·max (tol ${K}ε·max)`);
    expect(err).toBeLessThanOrEqual(tol);
  };
  check('N', res.N, tape.N);
  check('dN', res.dN, tape.dN);
  c.neural.variables.forEach((v, i) => check(v.name.split('/')[1], res.grads[i], tape.grads[i]));
  console.log(`${label}: ${report.join(', ')}`);
  // No state carried between calls: again, with the context written in place, the same bits.
  const first = [res.N, res.dN, ...res.grads].map((a) => Float32Array.from(a));
  res.context.set(c.xc);
  res.forward(res.context, c.zBoth);
  res.backward(c.cotN, c.cotDN);
  [res.N, res.dN, ...res.grads].forEach((a, i) => expect(a).toEqual(first[i]));
  // As the optimiser takes them: by variable name, in variable order, shaped like the variables.
  tf.tidy(() => {
    const named = res.namedGradients();
    expect(Object.keys(named)).toEqual(c.neural.variables.map((v) => v.name));
    c.neural.variables.forEach((v, i) => {
      expect(named[v.name].shape).toEqual(v.shape);
      expect(named[v.name].dataSync()).toEqual(res.grads[i]);
    });
  });
}

describe('RELAX residual on float32 arrays', () => {
  it('applies to ReLU Bernoulli residuals only', () => {
    const rng = new Rng('applies');
    const relu = new NeuralControlVariate(bernoulli, { sampleSize: 3, contextSize: 2, hidden: [4], activation: 'relu', rng });
    const tanh = new NeuralControlVariate(bernoulli, { sampleSize: 3, contextSize: 2, hidden: [4], activation: 'tanh', rng });
    expect(ResidualArrays.applies(relu)).toBe(true);
    expect(ResidualArrays.applies(tanh)).toBe(false);
  });

  it('equals the tape on small shapes (B=3, L=5, C=7, hidden [6, 4])', () => {
    compareWithTape(makeCase('small', 3, 5, 7, [6, 4], 1.3), 'small');
  });

  it('equals the tape with one hidden layer and with none', () => {
    compareWithTape(makeCase('one', 3, 5, 7, [6], -0.8), 'one hidden');
    compareWithTape(makeCase('none', 3, 5, 7, [], 0.9), 'no hidden');
  });

  it('equals the tape at scale 0: weight gradients vanish, the scale gradient does not', () => {
    const c = makeCase('zero', 3, 5, 7, [6, 4], 0);
    compareWithTape(c, 'scale 0');
    const { res } = fused(c);
    res.forward(c.xc, c.zBoth);
    res.backward(c.cotN, c.cotDN);
    const last = res.grads.length - 1;
    res.grads.slice(0, last).forEach((g) => expect(maxAbs(g)).toBe(0));
    expect(Math.abs(res.grads[last][0])).toBeGreaterThan(0);
    expect(maxAbs(res.N)).toBe(0);
  });

  it('equals the tape at the real shape (B=24, L=200, C=784, hidden [200, 200])', () => {
    compareWithTape(makeCase('real', 24, 200, 784, [200, 200], 0.6), 'real');
  });

  for (const scale of [1.3, 0]) {
    it(`matches float64 central differences in weights, τ and scale (scale ${scale})`, () => {
      const c = makeCase(`fd${scale}`, 3, 5, 7, [6, 4], scale);
      const { res } = fused(c);
      res.forward(c.xc, c.zBoth);
      res.backward(c.cotN, c.cotDN);
      const base = c.neural.variables.map((v) => Float64Array.from(v.dataSync()));
      // The reference's N and dN are the arrays' at float32 rounding.
      const ref = reference(c, base);
      const K = chainLength(c);
      expect(maxDiff(res.N, ref.N)).toBeLessThanOrEqual(K * EPS * maxAbs(ref.N));
      expect(maxDiff(res.dN, ref.dN)).toBeLessThanOrEqual(K * EPS * maxAbs(ref.dN));
      const { masks } = loss(c, base);
      // The loss is linear in one weight or in the scale while no mask flips, smooth in log τ:
      // with h = 1e-4 the central difference's truncation is h²/6·|Λ'''| ≲ 1e-9 (τ only) and its
      // rounding 2^-52·|Λ|/h ≲ 1e-11; the float32 gradient's own error K·ε·(its variable's largest entry) dominates.
      const h = 1e-4;
      const rng = new Rng(`fd-picks${scale}`);
      const nv = base.length;
      const picks: [number, number][] = [];
      for (let v = 0; v < nv - 2; v++) for (let n = 0; n < 2; n++) picks.push([v, rng.integer(base[v].length)]);
      picks.push([0, 0], [0, base[0].length - 1], [nv - 2, 0], [nv - 1, 0]);
      let worst = 0;
      for (const [v, k] of picks) {
        const at = (d: number) => {
          const p = base.map((a) => Float64Array.from(a));
          p[v][k] += d;
          return loss(c, p);
        };
        const [up, down] = [at(h), at(-h)];
        expect(up.masks).toEqual(masks);
        expect(down.masks).toEqual(masks);
        const fd = (up.value - down.value) / (2 * h);
        const scaleOf = Math.max(maxAbs(res.grads[v]), Math.abs(fd));
        const err = Math.abs(res.grads[v][k] - fd);
        worst = Math.max(worst, err / (EPS * scaleOf || 1));
        expect(err).toBeLessThanOrEqual(K * EPS * scaleOf + 1e-8 * (1 + Math.abs(fd)));
      }
      console.log(`finite differences (scale ${scale}): worst ${worst.toFixed(1)}ε·scale (tol ${K}ε)`);
    });
  }

  it('times forward + backward at the real shape against the tape (printed, not asserted)', () => {
    const c = makeCase('timing', 24, 200, 784, [200, 200], 0.6);
    const { res } = fused(c);
    const time = (fn: () => void, reps: number) => {
      fn();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      return (performance.now() - t0) / reps;
    };
    const arrays = time(() => {
      res.forward(c.xc, c.zBoth);
      res.backward(c.cotN, c.cotDN);
    }, 20);
    const tape = time(() => taped(c), 5);
    console.log(`real shape: arrays ${arrays.toFixed(2)} ms, tape ${tape.toFixed(2)} ms per forward + backward`);
  });
});
