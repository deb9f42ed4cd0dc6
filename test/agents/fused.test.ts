// The fused update (agents/fusedUpdate.ts) against the tape path it
// replaces: the same gradients (one SGD step of rate 1 moves every weight by
// minus its gradient), the same weights after several Adam updates, the same
// reported losses; no tensors left behind; the choice of path.
import { describe, it, expect, afterEach } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { stream } from '../../src/random/index.js';
import { make } from '../../envs/index.js';
import { createAgent, type PolicyGradientAgent } from '../../agents/index.js';
import { collect, type Rollout } from '../../agents/rollout.js';
import { updateFrom, type StepResult, type UpdateParts } from '../../agents/update.js';
import { fusedApplies, setFusedUpdates } from '../../agents/fusedUpdate.js';
import type { AgentConfig } from '../../agents/config.js';

afterEach(() => setFusedUpdates(true));

type Options = Partial<Omit<AgentConfig, 'kind'>>;

/** Rollouts of a fixed (untrained, seed 11) policy, so both paths see the same data. */
function rollouts(n: number, minSteps = 0): Rollout[] {
  const env = make('CartPole-v1');
  const behaviour = createAgent('a2c', env, { seed: 11 });
  const rng = stream(5, 'fused-test');
  let first: number | undefined = 3;
  const out = Array.from({ length: n }, () =>
    collect(env, behaviour.policy, rng, 1, minSteps, () => {
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

function pair(kind: string, options: Options): [PolicyGradientAgent, PolicyGradientAgent] {
  const env = make('CartPole-v1');
  const out = [createAgent(kind, env, { seed: 4, ...options }), createAgent(kind, env, { seed: 4, ...options })] as [PolicyGradientAgent, PolicyGradientAgent];
  env.close();
  return out;
}

/** The agent's parts with SGD (rate 1) optimisers: a step moves each weight by minus its gradient. */
function sgdParts(a: PolicyGradientAgent): UpdateParts {
  const sgd = () => tf.train.sgd(1);
  return { ...a, policy: a.policy, entropyCoef: a.entropyCoef, config: a.config, obsSize: a.obsSize, estimator: a.estimator, rngs: a.rngs, policyOpt: sgd(), valueOpt: a.value ? sgd() : undefined, cvOpt: a.cv ? sgd() : undefined };
}

/**
 * Float32 tolerance: the tape path rounds every op to float32 (unit
 * roundoff 2^-24 ≈ 6e-8); a gradient entry is a sum over T ≤ ~200 steps of
 * products through three layers, so its error is at most ~T·3·2^-24 ≈ 4e-5 of
 * the sum of its terms' magnitudes, which for these networks is within a few
 * times the tensor's largest entry. 3e-4 of that entry leaves a margin of ~10;
 * the fused path itself works in float64.
 */
function expectClose(a: Record<string, Float32Array>, b: Record<string, Float32Array>, rel: number, what: string) {
  for (const name of Object.keys(b)) {
    const scale = Math.max(1e-6, ...Array.from(b[name], Math.abs));
    let worst = 0;
    for (let i = 0; i < b[name].length; i++) worst = Math.max(worst, Math.abs(a[name][i] - b[name][i]));
    expect(worst / scale, `${what}: ${name}`).toBeLessThan(rel);
  }
}

function expectResultsClose(f: StepResult, g: StepResult) {
  for (const key of ['gradientSquaredNorm', 'valueLoss', 'kl', 'policyLoss', 'entropyLoss'] as const) {
    const [x, y] = [f[key], g[key]];
    expect(x === undefined, key).toBe(y === undefined);
    if (x !== undefined && y !== undefined) expect(Math.abs(x - y), `${key}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(y)));
  }
}

const CASES: [string, Options][] = [
  ['relax', {}],
  ['relax', { cvWithValue: true, cvUpdates: 2, activation: 'tanh', cvActivation: 'tanh', entropyCoef: 0.05 }],
  ['a2c', {}],
  ['a2c', { gaeLambda: 0.95, valueUpdates: 3, activation: 'tanh', targetKl: 0.01 }],
  ['reinforce', {}],
  ['reinforce', { baseline: 'none' }],
];

describe('the fused update', () => {
  for (const [kind, options] of CASES) {
    const label = `${kind} ${JSON.stringify(options)}`;

    it(`${label}: the tape path's gradients (one SGD step)`, () => {
      const [fused, tape] = pair(kind, options);
      const [r] = rollouts(1, 150);
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
      const [fused, tape] = pair(kind, options);
      for (const r of rollouts(6)) {
        setFusedUpdates(true);
        const rf = fused.update(r);
        setFusedUpdates(false);
        const rt = tape.update(r);
        expectResultsClose(rf, rt);
      }
      // Adam divides by √v: a float32 difference in a near-zero gradient entry can move a weight by up to the rate
      // in one step, so weights are compared relative to their largest entry with a looser bound.
      expectClose(weights(fused), weights(tape), 2e-3, label);
      fused.dispose();
      tape.dispose();
    });
  }

  it('leaves the tensor count flat and is reproducible', () => {
    const data = rollouts(8);
    const run = () => {
      const [agent, other] = pair('relax', {});
      other.dispose();
      const counts: number[] = [];
      for (let i = 0; i < 24; i++) {
        agent.update(data[i % data.length]);
        counts.push(tf.memory().numTensors);
      }
      const w = weights(agent);
      agent.dispose();
      return { counts, w };
    };
    const first = run();
    expect(new Set(first.counts.slice(1)).size, first.counts.join(', ')).toBe(1);
    const second = run();
    for (const name of Object.keys(first.w)) expect(Array.from(second.w[name])).toEqual(Array.from(first.w[name]));
  });

  // Weights written in place would be stale in the wasm matMul's cache of packed weights (src/nn/adam.ts).
  it('leaves weights that tfjs ops see (the tape path after fused updates)', () => {
    const [agent, other] = pair('relax', {});
    other.dispose();
    for (const r of rollouts(4)) agent.update(r);
    const obs = [0.1, -0.4, 0.05, 0.3];
    const viaTf = tf.tidy(() => Array.from(agent.policy.theta(tf.tensor2d([obs])).dataSync()));
    const viaArrays = Array.from(agent.policy.thetaArray(obs));
    viaTf.forEach((x, i) => expect(viaArrays[i]).toBeCloseTo(x, 5));
    agent.dispose();
  });

  for (const kind of ['relax', 'a2c']) {
    it(`${kind} trained through the fused path learns CartPole`, async () => {
      const env = make('CartPole-v1');
      const agent = createAgent(kind, env, { seed: 1 });
      expect(fusedApplies(agent)).toBe(true);
      const episodes = await agent.learn(env, { episodes: 300 });
      const returns = episodes.map((e) => e.return);
      // Mean and standard error of the first and last 50 episodes: learning lifts the mean by many standard errors.
      const stats = (xs: number[]) => {
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
        return { m, se: Math.sqrt(v / xs.length) };
      };
      const [first, last] = [stats(returns.slice(0, 50)), stats(returns.slice(-50))];
      expect(last.m - first.m, `first 50: ${first.m}, last 50: ${last.m}`).toBeGreaterThan(5 * Math.hypot(first.se, last.se));
      expect(last.m).toBeGreaterThan(100);
      agent.dispose();
      env.close();
    });
  }

  it('is not taken for models it does not know (Gaussian policies but LAX\'s: test/agents/fusedLax.test.ts)', () => {
    const env = make('Pendulum-v1');
    const lax = createAgent('lax', env, { seed: 1 });
    const a2c = createAgent('a2c', env, { seed: 1 });
    expect(fusedApplies(lax)).toBe(true);
    expect(fusedApplies(a2c)).toBe(false);
    lax.dispose();
    a2c.dispose();
    env.close();
  });
});
