// The fused LAX update (agents/fusedLax.ts) against the tape path it
// replaces (Gaussian policy on Pendulum): the same gradients (one SGD step of
// rate 1 moves every weight by minus its gradient), the same weights after
// Adam updates, the same reported numbers, no tensors left behind; and its
// second-order part, ∂φ ‖G‖², against central finite differences of ‖G(φ)‖²
// computed in float64 from the first-order pieces only.
import { describe, it, expect, afterEach } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng, stream } from '../../src/random/index.js';
import type { Activation } from '../../src/nn/index.js';
import { forward, output, parameterTangent, type Layers } from '../../src/nn/fusedMlp.js';
import { make } from '../../envs/index.js';
import { createAgent, type PolicyGradientAgent } from '../../agents/index.js';
import { collect, type Rollout } from '../../agents/rollout.js';
import { updateFrom, type StepResult, type UpdateParts } from '../../agents/update.js';
import { fusedApplies, setFusedUpdates } from '../../agents/fusedUpdate.js';
import { laxCvGradient, laxEstimate, laxObjectiveGradient, type LaxInputs } from '../../agents/fusedLax.js';
import type { AgentConfig } from '../../agents/config.js';

afterEach(() => setFusedUpdates(true));

type Options = Partial<Omit<AgentConfig, 'kind'>>;
const PENDULUM = 'Pendulum-v1';

/** Rollouts of a fixed (untrained, seed 11) Gaussian policy, so both paths see the same data. */
function rollouts(n: number, episodes = 1, id = PENDULUM): Rollout[] {
  const env = make(id);
  const behaviour = createAgent('lax', env, { seed: 11 });
  const rng = stream(5, 'fused-lax-test');
  let first: number | undefined = 3;
  const out = Array.from({ length: n }, () =>
    collect(env, behaviour.policy, rng, episodes, 0, () => {
      const s = first;
      first = undefined;
      return s;
    }),
  );
  behaviour.dispose();
  env.close();
  return out;
}

function weights(agent: PolicyGradientAgent): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(agent.namedVariables()).map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]));
}

function pair(options: Options, id = PENDULUM): [PolicyGradientAgent, PolicyGradientAgent] {
  const env = make(id);
  const out = [createAgent('lax', env, { seed: 4, ...options }), createAgent('lax', env, { seed: 4, ...options })] as [PolicyGradientAgent, PolicyGradientAgent];
  env.close();
  return out;
}

function sgdParts(a: PolicyGradientAgent): UpdateParts {
  const sgd = () => tf.train.sgd(1);
  return { ...a, policy: a.policy, entropyCoef: a.entropyCoef, config: a.config, obsSize: a.obsSize, estimator: a.estimator, rngs: a.rngs, policyOpt: sgd(), valueOpt: sgd(), cvOpt: sgd() };
}

/**
 * Float32 tolerance, as test/agents/fused.test.ts: the tape rounds every op
 * to float32 (2^-24 ≈ 6e-8); an entry of a gradient is a sum over T = 200
 * (or 400) steps of products through three layers, so its error is at most
 * ~T·3·2^-24 ≈ 4e-5–7e-5 of the sum of its terms' magnitudes, within a few
 * times the tensor's largest entry; 3e-4 of that entry.
 */
function expectClose(a: Record<string, Float32Array>, b: Record<string, Float32Array>, rel: number, what: string) {
  for (const name of Object.keys(b)) {
    const scale = Math.max(1e-6, ...Array.from(b[name], Math.abs));
    let worst = 0;
    for (let i = 0; i < b[name].length; i++) worst = Math.max(worst, Math.abs(a[name][i] - b[name][i]));
    expect(worst / scale, `${what}: ${name}`).toBeLessThan(rel);
  }
}

function expectResultsClose(f: StepResult, g: StepResult, rel = 1e-4) {
  for (const key of ['gradientSquaredNorm', 'valueLoss', 'kl', 'policyLoss', 'entropyLoss'] as const) {
    const [x, y] = [f[key], g[key]];
    expect(x === undefined, key).toBe(y === undefined);
    if (x !== undefined && y !== undefined) expect(Math.abs(x - y), `${key}: ${x} vs ${y}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(y)));
  }
}

// Pendulum (one action, episodes truncated and bootstrapped) and LunarLanderContinuous (two actions, episodes that end).
const CASES: [Options, number, string][] = [
  [{}, 1, PENDULUM],
  [{ targetKl: 0, initLogStd: -0.5, cvUpdates: 2, valueUpdates: 3, gaeLambda: 0.95, entropyCoef: 0.05, activation: 'relu', cvActivation: 'tanh', valueActivation: 'tanh', hidden: [16, 16], cvHidden: [12, 12], valueHidden: [8, 8] }, 2, PENDULUM],
  [{ initLogStd: -0.3, hidden: [16], cvHidden: [16, 16], valueHidden: [16], valueUpdates: 2 }, 2, 'LunarLanderContinuous-v3'],
];

describe('the fused LAX update', () => {
  for (const [options, episodes, id] of CASES) {
    const label = `lax on ${id} ${JSON.stringify(options)}, ${episodes} episode(s)`;

    it(`${label}: the tape path's gradients (one SGD step)`, () => {
      // One fit of V, so the value step is its gradient too (SGD at rate 1 would diverge over 25); a
      // rate-1 step of log σ can make the KL overflow, so it is compared after the Adam updates below.
      const [fused, tape] = pair({ ...options, valueUpdates: 1, targetKl: 0 }, id);
      const [r] = rollouts(1, episodes, id);
      const before = weights(tape);
      setFusedUpdates(true);
      const pf = sgdParts(fused);
      expect(fusedApplies(pf)).toBe(true);
      const rf = updateFrom(pf, r);
      setFusedUpdates(false);
      const pt = sgdParts(tape);
      expect(fusedApplies(pt)).toBe(false);
      const rt = updateFrom(pt, r);
      const step = (w: Record<string, Float32Array>) => Object.fromEntries(Object.entries(w).map(([n, x]) => [n, x.map((v, i) => before[n][i] - v)]));
      expectClose(step(weights(fused)), step(weights(tape)), 3e-4, label);
      expectResultsClose(rf, rt);
      for (const p of [pf, pt]) for (const o of [p.policyOpt, p.valueOpt, p.cvOpt]) o?.dispose();
      fused.dispose();
      tape.dispose();
    });

    it(`${label}: the tape path's weights after 6 Adam updates`, () => {
      const [fused, tape] = pair(options, id);
      for (const r of rollouts(6, episodes, id)) {
        setFusedUpdates(true);
        const rf = fused.update(r);
        setFusedUpdates(false);
        const rt = tape.update(r);
        expectResultsClose(rf, rt);
      }
      // Adam divides by √v: a float32 difference in a near-zero gradient entry can move a weight by up to the rate.
      expectClose(weights(fused), weights(tape), 2e-3, label);
      fused.dispose();
      tape.dispose();
    });
  }

  it('stays close to the tape path over 20 Pendulum updates, with the tensor count flat', () => {
    const [fused, tape] = pair({});
    // Tensors each fused update leaves behind (the first makes the optimisers' moments).
    const counts: number[] = [];
    for (const r of rollouts(20)) {
      setFusedUpdates(true);
      const before = tf.memory().numTensors;
      const rf = fused.update(r);
      counts.push(tf.memory().numTensors - before);
      setFusedUpdates(false);
      const rt = tape.update(r);
      // Differences grow through Adam and the KL-adapted rate; reported numbers stay within 1e-3.
      expectResultsClose(rf, rt, 1e-3);
    }
    expect(counts.slice(1).every((c) => c === 0), counts.join(', ')).toBe(true);
    expectClose(weights(fused), weights(tape), 1e-2, '20 updates');
    fused.dispose();
    tape.dispose();
  });
});

function layers(sizes: number[], activation: Activation, rng: Rng, gain: number): Layers {
  return {
    sizes,
    activation,
    w: sizes.slice(1).map((n, l) => Float64Array.from(rng.normals(sizes[l] * n), (x) => (x * gain) / Math.sqrt(sizes[l]))),
    b: sizes.slice(1).map((n) => Float64Array.from(rng.normals(n), (x) => x * 0.2)),
  };
}

describe('LAX control-variate gradient', () => {
  for (const activation of ['tanh', 'elu', 'relu', 'sigmoid'] as Activation[]) {
    it(`${activation} ĉ_φ: ∂φ ‖G‖² matches finite differences`, () => {
      const rng = new Rng(`lax-fd-${activation}`);
      const [T, k, d] = [7, 2, 3];
      const policy = layers([d, 6, 6, k], 'tanh', rng, 1.5);
      const cv = layers([d + k, 5, 5, 1], activation, rng, 1.5);
      const obs = Float64Array.from(rng.normals(T * d));
      const pass = forward(policy, obs, T);
      const input: LaxInputs = {
        T,
        k,
        d,
        obs,
        mean: output(pass),
        logStd: Float64Array.from([-0.3, 0.4]),
        eps: rng.normals(T * k),
        f: Float64Array.from(rng.normals(T), (x) => 3 + x),
        value: Float64Array.from(rng.normals(T)),
      };
      const objective = () => {
        const G = laxObjectiveGradient(policy, pass, laxEstimate(input, cv).ghat, T, k);
        return [...G.net.w, ...G.net.b, G.logStd].reduce((s, arr) => s + arr.reduce((a, x) => a + x * x, 0), 0);
      };
      const est = laxEstimate(input, cv);
      const G = laxObjectiveGradient(policy, pass, est.ghat, T, k);
      const grad = laxCvGradient(est, cv, parameterTangent(policy, pass, G.net), G.logStd, 2 / T);
      const H = 1e-6;
      const fd = (arr: Float64Array, i: number) => {
        const x = arr[i];
        arr[i] = x + H;
        const up = objective();
        arr[i] = x - H;
        const down = objective();
        arr[i] = x;
        return (up - down) / (2 * H);
      };
      let worst = 0;
      let largest = 0;
      cv.w.forEach((w, l) => {
        for (let i = 0; i < w.length; i++) {
          worst = Math.max(worst, Math.abs(fd(w, i) - grad.w[l][i]));
          largest = Math.max(largest, Math.abs(grad.w[l][i]));
        }
        for (let i = 0; i < cv.b[l].length; i++) worst = Math.max(worst, Math.abs(fd(cv.b[l], i) - grad.b[l][i]));
      });
      // Differences of an O(1)–O(100) objective with h = 1e-6 are good to ~1e-8 of it; a wrong term is O(largest).
      expect(largest, 'a non-trivial gradient').toBeGreaterThan(1e-2);
      expect(worst, 'weights').toBeLessThan(1e-6 * Math.max(1, largest));
    });
  }
});
