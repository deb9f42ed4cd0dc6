// The agents' policy gradients: the typed-array acting path matches the tfjs
// path; RELAX, LAX, A2C and REINFORCE estimates are unbiased on one-step
// problems with exact gradients; training the control variate lowers the
// measured variance.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { Box, Discrete, Env, make, type StepResult } from '../../envs/index.js';
import { RelaxAgent, LaxAgent, A2CAgent, ReinforceAgent, type PolicyGradientAgent } from '../../agents/index.js';

/** A one-step bandit with a continuous action: reward −(a − 1)², observation [0.5, −1]. */
class GaussianBandit extends Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box(-2, 2, [2]);
  readonly actionSpace = new Box(-50, 50, [1]);
  private readonly obs = Float32Array.from([0.5, -1]);
  override reset(opts = {}): [Float32Array, Record<string, unknown>] {
    super.reset(opts);
    return [this.obs.slice(), {}];
  }
  step(a: Float32Array): StepResult<Float32Array> {
    return [this.obs.slice(), -((a[0] - 1) ** 2), true, false, {}];
  }
}

/** Exact ∂ψ E[R] = Jᵀ g_θ with g_θ the exact gradient with respect to θ at the env's observation. */
function exactParameterGradient(agent: PolicyGradientAgent, obs: number[], gTheta: (theta: number[]) => number[]): number[] {
  return tf.tidy(() => {
    const o = tf.tensor2d([obs]);
    const theta = Array.from(agent.policy.theta(o).dataSync());
    const g = tf.tensor2d([gTheta(theta)]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(agent.policy.theta(o), g)) as tf.Scalar, agent.policy.variables);
    return Array.from(tf.concat(Object.values(grads).map((x) => x.reshape([-1]))).dataSync());
  });
}

function expectUnbiased(rows: Float32Array[], exact: number[]) {
  const n = rows.length;
  let worst = 0;
  exact.forEach((e, j) => {
    let m = 0;
    for (const r of rows) m += r[j];
    m /= n;
    let v = 0;
    for (const r of rows) v += (r[j] - m) ** 2;
    const se = Math.sqrt(v / (n - 1) / n);
    if (se > 1e-9) worst = Math.max(worst, Math.abs(m - e) / se);
    else expect(Math.abs(m - e)).toBeLessThan(1e-5);
  });
  expect(worst).toBeLessThan(4.5); // max over ~100 parameters: a normal max rarely passes 4
}

const categoricalExact = (rewards: number[]) => (theta: number[]) => {
  const m = Math.max(...theta);
  const e = theta.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  const p = e.map((x) => x / s);
  const mean = p.reduce((a, pk, k) => a + pk * rewards[k], 0);
  return p.map((pk, k) => pk * (rewards[k] - mean));
};

describe('acting through typed arrays', () => {
  it('gives the tfjs path’s logits and the softmax action frequencies', () => {
    const env = make('CartPole-v1');
    const agent = new A2CAgent(env.observationSpace, env.actionSpace, { seed: 3 });
    // Move the weights away from their tiny initial output layer.
    for (const v of agent.policy.variables) v.assign(tf.randomNormal(v.shape, 0, 0.7, 'float32', 5));
    agent.policy.refresh();
    const obs = [0.1, -0.4, 0.05, 0.3];
    const viaTf = tf.tidy(() => Array.from(agent.policy.theta(tf.tensor2d([obs])).dataSync()));
    const viaArrays = Array.from(agent.policy.thetaArray(obs));
    viaTf.forEach((x, i) => expect(viaArrays[i]).toBeCloseTo(x, 5));
    const p1 = 1 / (1 + Math.exp(viaTf[0] - viaTf[1]));
    const rng = new Rng('act');
    const n = 40_000;
    let ones = 0;
    for (let i = 0; i < n; i++) ones += agent.policy.sample(obs, rng).action as number;
    expect(Math.abs(ones / n - p1) / Math.sqrt((p1 * (1 - p1)) / n)).toBeLessThan(4);
    agent.dispose();
  });
});

describe('unbiased policy gradients on one-step problems', () => {
  const rewards = [0.1, 0.6, 0.9].map((w) => -((w - 0.499) ** 2));
  for (const [name, Agent] of [
    ['RELAX', RelaxAgent],
    ['A2C', A2CAgent],
    ['REINFORCE', ReinforceAgent],
  ] as const) {
    it(`${name} on a 3-armed bandit (CategoricalToy)`, () => {
      const env = make('CategoricalToy-v0', { target: 0.499, weights: [0.1, 0.6, 0.9] });
      const agent = new Agent(env.observationSpace, env.actionSpace, { seed: 2, entropyCoef: 0 });
      for (const v of agent.policy.variables) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 9));
      if (agent.value) for (const v of agent.value.net.variables) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 11));
      agent.policy.refresh();
      const rows = agent.gradientSamples(env, 2000, 17);
      expectUnbiased(rows, exactParameterGradient(agent, [0], categoricalExact(rewards)));
      agent.dispose();
    });
  }

  it('RELAX on MultiBinary actions (BernoulliToy, 3 latents)', () => {
    const env = make('BernoulliToy-v0', { target: 0.45, latents: 3 });
    const agent = new RelaxAgent(env.observationSpace, env.actionSpace, { seed: 4, entropyCoef: 0 });
    for (const v of agent.policy.variables) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 13));
    agent.policy.refresh();
    const t = 0.45;
    // Reward −mean (b − t)²: ∂ℓ_j E = −((1 − t)² − t²) σ'(ℓ_j) / 3.
    const exact = (theta: number[]) => theta.map((l) => (-((1 - t) ** 2 - t * t) * Math.exp(-l)) / (1 + Math.exp(-l)) ** 2 / 3);
    expectUnbiased(agent.gradientSamples(env, 2000, 19), exactParameterGradient(agent, [0], exact));
    agent.dispose();
  });

  it('LAX on a Gaussian bandit, with c evaluated at the action taken', () => {
    const env = new GaussianBandit();
    const agent = new LaxAgent(env.observationSpace, env.actionSpace, { seed: 5, hidden: [8], cvHidden: [8], valueHidden: [8] });
    for (const v of [...agent.policy.variables, ...agent.cv!.variables]) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 21));
    agent.policy.refresh();
    // E[−(a − 1)²] = −(μ − 1)² − σ²: ∂μ = −2(μ − 1), ∂logσ = −2σ².
    const exact = (theta: number[]) => [-2 * (theta[0] - 1), -2 * Math.exp(2 * theta[1])];
    expectUnbiased(agent.gradientSamples(env, 3000, 23), exactParameterGradient(agent, [0.5, -1], exact));
    agent.dispose();
  });
});

/** log of the summed per-parameter variance of the policy gradient, from `episodes` single-episode estimates at fixed parameters. */
function logTotalVariance(agent: PolicyGradientAgent, env: Env<any, any>, episodes: number): number {
  const rows = agent.gradientSamples(env, episodes, 99);
  let total = 0;
  for (let j = 0; j < rows[0].length; j++) {
    const col = rows.map((r) => r[j]);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    total += col.reduce((a, b) => a + (b - m) ** 2, 0);
  }
  return Math.log(total);
}

/** A random frozen policy (seeded), then `episodes` of training in which only the CV moves: the measured log-variance must fall by over 1 nat. */
async function expectCvLowersVariance(agent: PolicyGradientAgent, env: Env<any, any>, seed: number, episodes: number): Promise<void> {
  for (const v of agent.policy.variables) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', seed));
  agent.policy.refresh();
  const before = logTotalVariance(agent, env, 400);
  await agent.learn(env, { episodes });
  expect(logTotalVariance(agent, env, 400)).toBeLessThan(before - 1);
  agent.dispose();
}

describe('the control-variate update', () => {
  it('lowers RELAX’s measured policy-gradient variance from its initial value', async () => {
    const env = make('CategoricalToy-v0', { target: 0.499, weights: [0.1, 0.6, 0.9] });
    // A frozen policy (tiny learning rate) and a CV learning at 0.01.
    const agent = new RelaxAgent(env.observationSpace, env.actionSpace, { seed: 6, entropyCoef: 0, learningRate: 1e-7, cvLrScale: 1e5 });
    await expectCvLowersVariance(agent, env, 3, 1500);
  });

  it('lowers LAX’s measured policy-gradient variance from its initial value', async () => {
    const env = new GaussianBandit();
    // Frozen policy (tiny fixed rate), c = V + ĉ(a) learning at 0.01 on batches of 50 one-step episodes.
    const agent = new LaxAgent(env.observationSpace, env.actionSpace, {
      seed: 4,
      hidden: [8],
      cvHidden: [16, 16],
      valueHidden: [8],
      learningRate: 1e-7,
      targetKl: 0,
      cvLrScale: 1e5,
      stepsPerUpdate: 50,
      valueUpdates: 1,
    });
    await expectCvLowersVariance(agent, env, 21, 20_000);
  });
});
