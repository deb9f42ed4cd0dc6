// The toy's K-sample objective, for VIMCO: with f the toy's loss and
// b_1 … b_K independent samples of p(b | θ),
//   L_K(θ) = E log (1/K Σ_k exp f(b_k)),
// and its exact gradient by enumerating every K-tuple of outcomes:
//   ∂θ L_K = Σ_{tuples} Π_k p(b_k) · log mean_k exp f(b_k) · Σ_k ∂θ log p(b_k).
// An outcome is a vector of bits (Bernoulli toy) or a class (categorical).
import { tf } from '../../src/tf/index.js';
import { UserError } from '../../src/errors.js';
import type { ToyProblem } from './problem.js';

/** Enumerate at most this many K-tuples. */
const MAX_TUPLES = 1 << 20;

/** Every outcome of one sample as rows [outcomes, size]: all bit vectors, or the one-hot classes. */
function outcomes(problem: ToyProblem): number[][] {
  const n = problem.size;
  if (problem.name === 'toy') return Array.from({ length: 2 ** n }, (_, i) => Array.from({ length: n }, (_, j) => (i >> j) & 1));
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Per outcome: its probability and ∂θ log p in float64, and f (the black box, evaluated once per outcome). */
function outcomeTable(problem: ToyProblem, logits: number[]) {
  const rows = outcomes(problem);
  const f = tf.tidy(() => Array.from(problem.f(tf.tensor2d(rows)).dataSync()));
  if (problem.name === 'toy') {
    const q = logits.map((l) => 1 / (1 + Math.exp(-l)));
    return {
      f,
      p: rows.map((b) => b.reduce((acc, bit, d) => acc * (bit ? q[d] : 1 - q[d]), 1)),
      score: rows.map((b) => b.map((bit, d) => bit - q[d])),
    };
  }
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const z = e.reduce((a, x) => a + x, 0);
  const pi = e.map((x) => x / z);
  return { f, p: rows.map((_, i) => pi[i]), score: rows.map((b) => b.map((bit, d) => bit - pi[d])) };
}

/** E log (1/K Σ_k exp f(b_k)) and its gradient in θ, exactly. */
export function multiSampleExact(problem: ToyProblem, logits: number[], k: number): { loss: number; gradient: number[] } {
  const { p, f, score } = outcomeTable(problem, logits);
  const m = p.length;
  if (m ** k > MAX_TUPLES) throw new UserError(`the exact K-sample objective enumerates ${m}^${k} tuples, more than ${MAX_TUPLES}: use fewer latents or a smaller --k`);
  const gradient = new Array<number>(logits.length).fill(0);
  let loss = 0;
  const idx = new Array<number>(k).fill(0);
  for (let t = 0; t < m ** k; t++) {
    let r = t;
    for (let j = 0; j < k; j++) {
      idx[j] = r % m;
      r = Math.floor(r / m);
    }
    let prob = 1;
    let top = -Infinity;
    for (const i of idx) {
      prob *= p[i];
      top = Math.max(top, f[i]);
    }
    let sum = 0;
    for (const i of idx) sum += Math.exp(f[i] - top);
    const L = top + Math.log(sum / k);
    loss += prob * L;
    for (const i of idx) for (let d = 0; d < logits.length; d++) gradient[d] += prob * L * score[i][d];
  }
  return { loss, gradient };
}
