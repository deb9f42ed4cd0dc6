// The typed-array Mlp (src/nn/fusedMlp.ts) against central finite
// differences in float64: the reverse pass, the parameter tangent, and the
// reverse pass of forward + tangent (the second-order part), for every fused
// activation; and its forward pass against the tf Mlp.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { Mlp, type Activation } from '../../src/nn/index.js';
import { backward, backwardTangent, forward, inputTangent, output, parameterTangent, readLayers, zeroGradients, type Gradients, type Layers } from '../../src/nn/fusedMlp.js';

const H = 1e-6;
// Central differences have error O(h²·f‴) ≈ 1e-12 plus rounding ≈ 1e-16/h ≈ 1e-10: 1e-6 leaves a wide margin.
const TOL = 1e-6;

function randomLayers(sizes: number[], activation: Activation, rng: Rng): Layers {
  const w = sizes.slice(1).map((n, l) => Float64Array.from(rng.normals(sizes[l] * n), (x) => x * 0.8));
  const b = sizes.slice(1).map((n) => Float64Array.from(rng.normals(n), (x) => x * 0.3));
  return { sizes, activation, w, b };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Every parameter array of the layers, as mutable float64 arrays (weights then biases per layer). */
const params = (net: Layers) => net.w.flatMap((w, l) => [w, net.b[l]]) as Float64Array[];
const gradParams = (g: Gradients) => g.w.flatMap((w, l) => [w, g.b[l]]);

/** Central difference of f along each entry of each array in `arrays`, against `analytic`. */
function checkAgainstDifferences(arrays: Float64Array[], analytic: ArrayLike<number>[], f: () => number, what: string) {
  arrays.forEach((arr, j) => {
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      arr[i] = x + H;
      const up = f();
      arr[i] = x - H;
      const down = f();
      arr[i] = x;
      const fd = (up - down) / (2 * H);
      expect(Math.abs(fd - analytic[j][i]), `${what}[${j}][${i}]: ${fd} vs ${analytic[j][i]}`).toBeLessThan(TOL * Math.max(1, Math.abs(fd)));
    }
  });
}

describe('the typed-array Mlp', () => {
  for (const activation of ['tanh', 'relu', 'elu', 'sigmoid', 'linear'] as Activation[]) {
    const rng = new Rng(`fused-${activation}`);
    const sizes = [5, 4, 3, 2];
    const rows = 3;
    const net = randomLayers(sizes, activation, rng);
    const x = Float64Array.from(rng.normals(rows * sizes[0]));
    const xdot = Float64Array.from(rng.normals(rows * sizes[0]));
    const R = Float64Array.from(rng.normals(rows * 2));
    const Rdot = Float64Array.from(rng.normals(rows * 2));

    it(`${activation}: backward is the gradient of Σ R·output`, () => {
      const into = zeroGradients(net);
      const dx = backward(net, forward(net, x, rows), R, into);
      const f = () => dot(R, output(forward(net, x, rows)));
      checkAgainstDifferences(params(net), gradParams(into), f, 'parameters');
      checkAgainstDifferences([x], [dx], f, 'input');
    });

    it(`${activation}: parameterTangent is the derivative along a parameter direction`, () => {
      const d = zeroGradients(net);
      for (const arr of gradParams(d)) arr.set(Float64Array.from(rng.normals(arr.length)));
      const tangent = parameterTangent(net, forward(net, x, rows), d);
      const shifted = (s: number) => {
        const moved: Layers = { ...net, w: net.w.map((w, l) => w.map((v, i) => v + s * d.w[l][i])), b: net.b.map((b, l) => b.map((v, i) => v + s * d.b[l][i])) };
        return output(forward(moved, x, rows));
      };
      const [up, down] = [shifted(H), shifted(-H)];
      tangent.forEach((t, i) => expect(Math.abs((up[i] - down[i]) / (2 * H) - t)).toBeLessThan(TOL));
    });

    it(`${activation}: backwardTangent is the gradient of Σ R·c + Σ Ṙ·ċ (second order)`, () => {
      const into = zeroGradients(net);
      const p = forward(net, x, rows);
      const adj = backwardTangent(net, p, inputTangent(net, p, xdot), R, Rdot, into);
      const f = () => {
        const q = forward(net, x, rows);
        return dot(R, output(q)) + dot(Rdot, output(inputTangent(net, q, xdot)));
      };
      checkAgainstDifferences(params(net), gradParams(into), f, 'parameters');
      checkAgainstDifferences([x, xdot], [adj.x, adj.xdot], f, 'input');
    });

    it(`${activation}: backwardTangent skipping rows of a zero g (gFrom) and zero-tangent columns (from) changes nothing`, () => {
      const p = forward(net, x, rows);
      const g = R.map((v, i) => (i < 2 ? 0 : v)); // rows 0 of the 2-wide output are 0
      const xd = xdot.map((v, i) => (i % sizes[0] < 2 ? 0 : v)); // input columns 0, 1 have no tangent
      const [full, skipped] = [zeroGradients(net), zeroGradients(net)];
      const a = backwardTangent(net, p, inputTangent(net, p, xd), g, Rdot, full);
      const b = backwardTangent(net, p, inputTangent(net, p, xd, 2), g, Rdot, skipped, 2, 1);
      gradParams(full).forEach((arr, j) => arr.forEach((v, i) => expect(gradParams(skipped)[j][i]).toBeCloseTo(v, 12)));
      for (let r = 0; r < rows; r++) {
        for (let c = 2; c < sizes[0]; c++) {
          expect(b.x[r * sizes[0] + c]).toBeCloseTo(a.x[r * sizes[0] + c], 12);
          expect(b.xdot[r * sizes[0] + c]).toBeCloseTo(a.xdot[r * sizes[0] + c], 12);
        }
      }
    });
  }

  it('forward matches the tf Mlp', () => {
    const mlp = new Mlp({ sizes: [4, 10, 10, 2], activation: 'tanh', init: 'orthogonal' }, new Rng('fused-tf'), 'fusedTest');
    const obs = new Rng('obs').normals(6 * 4);
    const viaTf = tf.tidy(() => mlp.apply(tf.tensor2d(obs, [6, 4])).dataSync());
    const viaArrays = output(forward(readLayers(mlp), obs, 6));
    viaTf.forEach((v, i) => expect(viaArrays[i]).toBeCloseTo(v, 5));
    mlp.dispose();
  });
});
