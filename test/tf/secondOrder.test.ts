// The higher-order-gradient fix, checked against finite differences on cpu and
// wasm. If `installHigherOrderGradients` is removed or tfjs changes underneath,
// these fail: the stock gradients are shown to be wrong by the same check.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tf, safe, initBackend, restoreStockGradients, installHigherOrderGradients } from '../../src/tf/index.js';
import { autodiffSecondOrder, finiteDifferenceSecondOrder, relativeError, type Fn } from './secondOrder.js';

const x0 = [0.3, -0.8, 1.1];
const phi0 = [0.9, 1.2, -0.7];
const weights = () => tf.tensor1d([0.7, -1.3, 0.4]);
const elementwise = (op: (t: tf.Tensor) => tf.Tensor): Fn => (x, p) => tf.sum(tf.mul(weights(), op(tf.mul(x, p))));

const cases: Record<string, Fn> = {
  sigmoid: elementwise(tf.sigmoid),
  tanh: elementwise(tf.tanh),
  exp: elementwise(tf.exp),
  softplus: elementwise(tf.softplus),
  softmax: elementwise((t) => tf.softmax(t)),
  logSoftmax: elementwise((t) => safe.logSoftmax(t)),
  logSigmoid: elementwise((t) => safe.logSigmoid(t)),
  elu: elementwise(tf.elu),
  leakyRelu: elementwise((t) => tf.square(tf.leakyRelu(t, 0.1))),
  clipByValue: elementwise((t) => tf.square(tf.clipByValue(t, -0.5, 0.5))),
  maxReduce: (x, p) => tf.mul(tf.max(tf.mul(x, p)), tf.sum(tf.square(x))),
  pow: (x, p) => tf.sum(tf.mul(weights(), tf.pow(tf.add(tf.square(x), 1), p))),
  pickLast: (x, p) => tf.sum(safe.pickLast(tf.reshape(tf.sigmoid(tf.mul(x, p)), [1, 3]), tf.tensor1d([2], 'int32'))),
};

// A control variate as RELAX uses it: c(z) = MLP_φ(σ(z/λ)), tanh hidden layer,
// λ = exp(logλ); φ packs W1 (1×4), b1 (4), W2 (4×1), b2 (1), logλ.
const hidden = 4;
const mlpPhi0 = [0.5, -0.4, 0.9, 0.2, 0.1, -0.2, 0.05, 0.3, 0.8, -0.6, 0.7, 0.4, 0.1, Math.log(0.5)];
const mlp: Fn = (z, phi) => {
  const W1 = tf.reshape(tf.slice(phi, 0, hidden), [1, hidden]) as tf.Tensor2D;
  const b1 = tf.slice(phi, hidden, hidden);
  const W2 = tf.reshape(tf.slice(phi, 2 * hidden, hidden), [hidden, 1]) as tf.Tensor2D;
  const b2 = tf.slice(phi, 3 * hidden, 1);
  const logLambda = tf.slice(phi, 3 * hidden + 1, 1);
  const relaxed = tf.sigmoid(tf.div(z, tf.exp(logLambda)));
  const h = tf.tanh(tf.add(tf.matMul(tf.reshape(relaxed, [-1, 1]) as tf.Tensor2D, W1), b1));
  return tf.sum(tf.add(tf.matMul(h as tf.Tensor2D, W2), b2));
};

// Tolerance: float32 central differences with h = 1e-2 are good to ~1e-4 relative.
const TOL = 2e-3;

describe.each(['cpu', 'wasm'])('second-order gradients on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  for (const [name, f] of Object.entries(cases)) {
    for (const wrt of ['x', 'phi'] as const) {
      it(`${name}: ∂${wrt} Σ(∂x f)² matches finite differences`, () => {
        const auto = autodiffSecondOrder(f, x0, phi0, wrt);
        const fd = finiteDifferenceSecondOrder(f, x0, phi0, wrt);
        expect(relativeError(auto, fd)).toBeLessThan(TOL);
      });
    }
  }

  it('MLP on σ(z/λ): ∂φ Σ(∂z c)² and ∂z Σ(∂z c)² match finite differences', () => {
    const z = [0.4, -1.5, 2.2];
    for (const wrt of ['x', 'phi'] as const) {
      const auto = autodiffSecondOrder(mlp, z, mlpPhi0, wrt);
      const fd = finiteDifferenceSecondOrder(mlp, z, mlpPhi0, wrt);
      expect(relativeError(auto, fd)).toBeLessThan(TOL);
    }
  });

  it('matMul through the re-registered gradient matches finite differences (all transposes)', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const f: Fn = (x, p) => {
        const A = tf.reshape(tf.tanh(x), ta ? [3, 1] : [1, 3]) as tf.Tensor2D;
        const B = tf.reshape(tf.sigmoid(p), tb ? [1, 3] : [3, 1]) as tf.Tensor2D;
        return tf.sum(tf.exp(tf.matMul(A, B, ta, tb)));
      };
      for (const wrt of ['x', 'phi'] as const) {
        expect(relativeError(autodiffSecondOrder(f, x0, phi0, wrt), finiteDifferenceSecondOrder(f, x0, phi0, wrt))).toBeLessThan(TOL);
      }
    }
  });

  describe('without the fix', () => {
    afterAll(() => installHigherOrderGradients());

    it('stock tfjs gets the mixed second derivatives of sigmoid, tanh, exp, softmax and the MLP wrong', () => {
      // Compute first-order gradients with the fix (identical to stock), then remove it.
      const broken = ['sigmoid', 'tanh', 'exp', 'softmax'];
      const fd = Object.fromEntries(broken.map((n) => [n, finiteDifferenceSecondOrder(cases[n], x0, phi0, 'phi')]));
      const mlpFd = finiteDifferenceSecondOrder(mlp, [0.4, -1.5, 2.2], mlpPhi0, 'phi');
      restoreStockGradients();
      const wrong = (f: Fn, x: number[], phi: number[], ref: number[]) => {
        try {
          return relativeError(autodiffSecondOrder(f, x, phi, 'phi'), ref) > 0.1;
        } catch {
          return true; // "Cannot compute gradient" also counts as broken
        }
      };
      for (const n of broken) expect(wrong(cases[n], x0, phi0, fd[n]), n).toBe(true);
      expect(wrong(mlp, [0.4, -1.5, 2.2], mlpPhi0, mlpFd)).toBe(true);
    });
  });

  it('first-order gradients are unchanged by the fix', () => {
    const f = (x: tf.Tensor) =>
      tf.sum(tf.mul(tf.sigmoid(x), tf.add(tf.tanh(x), tf.exp(tf.mul(x, 0.3)))).add(tf.sum(tf.softmax(x).mul(weights()))));
    const x = tf.tensor1d(x0);
    const fixed = tf.grad(f)(x).arraySync() as number[];
    restoreStockGradients();
    const stock = tf.grad(f)(x).arraySync() as number[];
    installHigherOrderGradients();
    expect(fixed).toEqual(stock);
  });
});
