// Shared checks for second-order gradients: autodiff ∂x Σ(∂x f)² (or a mixed
// ∂φ Σ(∂x f)²) against central finite differences of the same quantity, whose
// inner gradient is first order only and so trusted.
import { tf } from '../../src/tf/index.js';

export type Fn = (x: tf.Tensor, phi: tf.Tensor) => tf.Scalar;

/** L(x, φ) = Σ (∂x f(x, φ))², using first-order autodiff only. */
function squaredGradNorm(f: Fn, x: tf.Tensor, phi: tf.Tensor): tf.Scalar {
  const g = tf.grad((xx: tf.Tensor) => f(xx, phi))(x);
  return tf.sum(tf.square(g));
}

/** Autodiff gradient of L with respect to `wrt` ('x' = pure second order, 'phi' = mixed). */
export function autodiffSecondOrder(f: Fn, x: number[], phi: number[], wrt: 'x' | 'phi'): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor1d(x);
    const pt = tf.tensor1d(phi);
    const outer =
      wrt === 'x'
        ? tf.grad((xx: tf.Tensor) => squaredGradNorm(f, xx, pt))(xt)
        : tf.grad((pp: tf.Tensor) => squaredGradNorm(f, xt, pp))(pt);
    return outer.dataSync() as Float32Array;
  });
}

/** Central finite differences of L with respect to `wrt`, step h. */
export function finiteDifferenceSecondOrder(f: Fn, x: number[], phi: number[], wrt: 'x' | 'phi', h = 1e-2): number[] {
  const base = wrt === 'x' ? x : phi;
  const L = (v: number[]) =>
    tf.tidy(() => {
      const xt = tf.tensor1d(wrt === 'x' ? v : x);
      const pt = tf.tensor1d(wrt === 'x' ? phi : v);
      return squaredGradNorm(f, xt, pt).dataSync()[0];
    });
  return base.map((_, i) => {
    const up = base.slice();
    const down = base.slice();
    up[i] += h;
    down[i] -= h;
    return (L(up) - L(down)) / (2 * h);
  });
}

/** max_i |a_i − b_i| / (max_i |b_i| + 1e-3): a scale-aware relative error. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
