// RELAX's control-variate gradient on typed arrays (agents/fusedRelax.ts),
// the second-order part of the fused update, against central finite
// differences of the variance objective ‖G(φ)‖², G = (1/T) Σ_t J_tᵀ ĝ_t(φ),
// computed in float64 from the first-order pieces only.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/random/index.js';
import type { Activation } from '../../src/nn/index.js';
import { backward, forward, output, parameterTangent, zeroGradients, type Layers } from '../../src/nn/fusedMlp.js';
import { relaxCvGradient, relaxEstimate, relaxSamples, type RelaxInputs } from '../../agents/fusedRelax.js';

const H = 1e-6;

function layers(sizes: number[], activation: Activation, rng: Rng, gain: number): Layers {
  return {
    sizes,
    activation,
    w: sizes.slice(1).map((n, l) => Float64Array.from(rng.normals(sizes[l] * n), (x) => (x * gain) / Math.sqrt(sizes[l]))),
    b: sizes.slice(1).map((n) => Float64Array.from(rng.normals(n), (x) => x * 0.2)),
  };
}

describe('RELAX control-variate gradient', () => {
  for (const [activation, withValue] of [['tanh', false], ['relu', true], ['elu', false]] as [Activation, boolean][]) {
    it(`${activation} c_φ${withValue ? ' + V(s)' : ''}: ∂φ ‖G‖² and ∂ρ ‖G‖² match finite differences`, () => {
      const rng = new Rng(`relax-fd-${activation}`);
      const [T, k, d] = [7, 3, 4];
      const policy = layers([d, 6, 6, k], activation, rng, 1.5);
      const cv = layers([d + k, 5, 5, 1], activation, rng, 1.5);
      const obs = Float64Array.from(rng.normals(T * d));
      const pass = forward(policy, obs, T);
      const b = new Float64Array(T * k);
      for (let t = 0; t < T; t++) b[t * k + (t % k)] = 1;
      const input: RelaxInputs = {
        T,
        k,
        d,
        obs,
        logits: output(pass),
        u: rng.uniforms(T * k),
        v: rng.uniforms(T * k),
        b,
        f: Float64Array.from(rng.normals(T), (x) => 3 + x),
        value: withValue ? Float64Array.from(rng.normals(T)) : undefined,
      };
      const samples = relaxSamples(input);
      const rho = { value: Math.log(0.7) };
      const objective = () => {
        const est = relaxEstimate(samples, cv, rho.value);
        const G = zeroGradients(policy);
        backward(policy, pass, est.ghat.map((x) => x / T), G);
        return [...G.w, ...G.b].reduce((s, arr) => s + arr.reduce((a, x) => a + x * x, 0), 0);
      };
      const est = relaxEstimate(samples, cv, rho.value);
      const G = zeroGradients(policy);
      backward(policy, pass, est.ghat.map((x) => x / T), G);
      const grad = relaxCvGradient(est, cv, parameterTangent(policy, pass, G), 2 / T);
      const fd = (get: () => number, set: (x: number) => void) => {
        const x = get();
        set(x + H);
        const up = objective();
        set(x - H);
        const down = objective();
        set(x);
        return (up - down) / (2 * H);
      };
      const scale = Math.max(1e-3, Math.abs(fd(() => rho.value, (x) => (rho.value = x))));
      let worst = 0;
      cv.w.forEach((w, l) => {
        const arr = w as Float64Array;
        for (let i = 0; i < arr.length; i++) worst = Math.max(worst, Math.abs(fd(() => arr[i], (x) => (arr[i] = x)) - grad.net.w[l][i]));
        const bias = cv.b[l] as Float64Array;
        for (let i = 0; i < bias.length; i++) worst = Math.max(worst, Math.abs(fd(() => bias[i], (x) => (bias[i] = x)) - grad.net.b[l][i]));
      });
      const rhoError = Math.abs(fd(() => rho.value, (x) => (rho.value = x)) - grad.rho);
      // Differences of an O(1) objective with h = 1e-6 are good to ~1e-9; 1e-6 is a wide margin but far below a wrong term.
      expect(worst, 'weights').toBeLessThan(1e-6 * Math.max(1, scale));
      expect(rhoError, 'log-temperature').toBeLessThan(1e-6 * Math.max(1, scale));
      expect(Math.abs(grad.rho), 'a non-trivial ρ gradient').toBeGreaterThan(1e-4);
    });
  }
});
