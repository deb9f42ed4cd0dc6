// The one-step learner's fused step (agents/fusedOneStep.ts) against the tape:
// the same ĝ, variance objective and control-variate gradient from the same
// state and noise; the second-order gradient against central differences;
// whole learner steps on both paths; where the fused step applies; no leaks.
import { describe, it, expect, afterEach } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { varianceLoss } from '../../src/estimators/index.js';
import { makeOptimizer } from '../../src/nn/index.js';
import { BernoulliToyEnv } from '../../envs/toy/bernoulliToy.js';
import { CategoricalToyEnv } from '../../envs/toy/categoricalToy.js';
import { oneStepEstimator, type OneStepEstimator } from '../../agents/oneStepEstimator.js';
import { OneStepLearner } from '../../agents/oneStep.js';
import { setFusedUpdates } from '../../agents/fusedUpdate.js';
import { varianceRng } from '../../agents/learn.js';
import { fusedEstimate, fusedOneStepPlan, type FusedPlan, type OneStepParts } from '../../agents/fusedOneStep.js';
import type { OneStepEnv } from '../../envs/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { toyProblem } from '../../experiments/toy/problem.js';
import { trainToy } from '../../experiments/toy/train.js';
import { TOY_DEFAULTS } from '../../experiments/toy/run.js';

afterEach(() => setFusedUpdates(true));

const EPS32 = 2 ** -23;
const FUSED = ['reinforce', 'reinforce-baseline', 'rebar', 'relax', 'relax-rebar', 'lax'];
const LEARNED = ['rebar', 'relax', 'relax-rebar', 'lax'];
const options = { eta: 1, temperature: 0.5, hidden: [10], activation: 'tanh' as const };

/** An estimator for `env` with its control variate moved off its start (the neural scale starts at 0, η at 1), and its plan. */
function setUp(name: string, env: OneStepEnv, seed: string) {
  const rng = new Rng(seed);
  const assembled = oneStepEstimator(name, env, options, rng);
  for (const v of assembled.cv?.variables ?? []) {
    const size = v.size;
    const values = Float32Array.from(v.dataSync(), (x) => x + 0.4 * (rng.next() - 0.5));
    if (size === 1) values[0] = v.name.includes('scale') ? 0.8 : v.name.includes('eta') ? 0.7 : Math.log(0.6) + 0.1 * rng.next();
    v.assign(tf.tensor(values, v.shape));
  }
  assembled.baseline?.update(-0.2);
  const logits = tf.variable(tf.zeros([1, env.thetaSize]));
  const parts: OneStepParts = {
    env,
    assembled,
    logits,
    policyOpt: makeOptimizer({ kind: 'adam', learningRate: 0.01 }),
    cvOpt: assembled.cv ? makeOptimizer({ kind: 'adam', learningRate: 0.01 }) : undefined,
    noise: new Rng(1),
    batch: 1,
  };
  const plan = fusedOneStepPlan(parts);
  const dispose = () => {
    logits.dispose();
    parts.policyOpt.dispose();
    parts.cvOpt?.dispose();
    for (const v of assembled.cv?.variables ?? []) v.dispose();
  };
  return { assembled, plan, dispose };
}

/** ĝ, the variance objective Σ ĝ²/B and its gradient in the trained variables, on the tape. */
function tapeEstimate(a: OneStepEstimator, env: OneStepEnv, theta: number[], u: Float32Array, v: Float32Array, B: number) {
  const trained = a.cv?.variables.filter((x) => x.trainable) ?? [];
  return tf.tidy(() => {
    const n = theta.length;
    const th = tf.tile(tf.tensor2d(theta, [1, n]), [B, 1]);
    const ut = tf.tensor2d(u, [B, n]);
    const vt = tf.tensor2d(v, [B, n]);
    const b = a.dist.hard(a.dist.sample(th, ut));
    const input = a.input({ theta: th, u: ut, v: vt, b, fb: env.reward(b) });
    let ghat: Float32Array | undefined;
    if (!trained.length) return { ghat: a.estimator(input).gradient.dataSync() as Float32Array, grads: [], loss: NaN };
    const { value, grads } = tf.variableGrads(() => {
      const g = a.estimator(input).gradient;
      ghat = g.dataSync() as Float32Array;
      return varianceLoss(g, { kind: 'theta' });
    }, trained);
    return { ghat: ghat!, grads: trained.map((x) => grads[x.name].dataSync() as Float32Array), loss: value.dataSync()[0] };
  });
}

const maxAbs = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('fused one-step estimate = the tape', () => {
  for (const latents of [1, 3]) {
    for (const name of FUSED) {
      it(`${name}, ${latents} latent(s), batch 5: ĝ, Σ ĝ²/B and ∂φ of it`, () => {
        const env = new BernoulliToyEnv({ target: 0.45, latents });
        const { assembled, plan, dispose } = setUp(name, env, `eq-${name}-${latents}`);
        expect(plan, 'the fused step applies').toBeDefined();
        const rng = new Rng(`noise-${name}`);
        const B = 5;
        const theta = Array.from({ length: latents }, (_, j) => 0.9 * Math.sin(2.3 * j + 0.4));
        const u = rng.uniforms(B * latents);
        const v = rng.uniforms(B * latents);
        const phi = plan!.cv?.variables.map((x) => new Float64Array(x.dataSync() as Float32Array));
        const fused = fusedEstimate(plan!, Float32Array.from(theta), u, v, B, phi, assembled.baseline?.value);
        const tape = tapeEstimate(assembled, env, Array.from(Float32Array.from(theta)), u, v, B);
        // The tape runs each of ĝ's terms through some tens of float32 ops
        // (logs of the uniforms, the conditional sample, σ, the MLP and its
        // reverse pass), each off by at most ε32 relative: 64 ε32 of the
        // largest term is a wide margin, and far below a wrong term.
        const scale = Math.max(1, maxAbs(tape.ghat));
        for (let i = 0; i < fused.ghat.length; i++) expect(Math.abs(fused.ghat[i] - tape.ghat[i]), `ĝ[${i}]`).toBeLessThan(64 * EPS32 * scale);
        if (!LEARNED.includes(name)) return dispose();
        expect(Math.abs(fused.varianceLoss! - tape.loss)).toBeLessThan(128 * EPS32 * scale * scale);
        tape.grads.forEach((g, k) => {
          const s = Math.max(1e-3, maxAbs(g));
          expect(maxAbs(g), `∂φ_${k} is not trivially 0`).toBeGreaterThan(0);
          for (let i = 0; i < g.length; i++) expect(Math.abs(fused.cvGrads![k][i] - g[i]), `∂φ_${k}[${i}]`).toBeLessThan(128 * EPS32 * scale * Math.max(s, scale));
        });
        dispose();
      });
    }
  }
});

describe('fused ∂φ Σ ĝ²/B against central differences', () => {
  for (const name of LEARNED) {
    it(`${name}, 2 latents, batch 4`, () => {
      const env = new BernoulliToyEnv({ target: 0.3, latents: 2 });
      const { plan, dispose } = setUp(name, env, `fd-${name}`);
      const rng = new Rng(`fd-noise-${name}`);
      const B = 4;
      const theta = [0.4, -1.1];
      const [u, v] = [rng.uniforms(B * 2), rng.uniforms(B * 2)];
      const phi = plan!.cv!.variables.map((x) => new Float64Array(x.dataSync() as Float32Array));
      const loss = () => fusedEstimate(plan!, theta, u, v, B, phi).varianceLoss!;
      const grads = fusedEstimate(plan!, theta, u, v, B, phi).cvGrads!;
      const h = 1e-6;
      let worst = 0;
      let largest = 0;
      plan!.trained.forEach((variable, k) => {
        const arr = phi[plan!.cv!.variables.indexOf(variable)];
        for (let i = 0; i < arr.length; i++) {
          const x = arr[i];
          arr[i] = x + h;
          const up = loss();
          arr[i] = x - h;
          const down = loss();
          arr[i] = x;
          const fd = (up - down) / (2 * h);
          worst = Math.max(worst, Math.abs(fd - grads[k][i]));
          largest = Math.max(largest, Math.abs(fd));
        }
      });
      // float64 differences of an O(1) objective at h = 1e-6 are good to ~1e-9.
      expect(largest, 'a non-trivial gradient').toBeGreaterThan(1e-3);
      expect(worst).toBeLessThan(1e-6 * Math.max(1, largest));
      dispose();
    });
  }
});

describe('fused one-step learner', () => {
  const toy = () => new BernoulliToyEnv({ target: 0.499 });
  const learner = (name: string, seed = 3, batch = 1) => new OneStepLearner(toy(), { estimator: name, seed, batch });
  const values = (l: OneStepLearner) => [...l.policyVariables, ...(l.cv?.variables ?? [])].map((v) => Array.from(v.dataSync()));

  for (const name of FUSED) {
    it(`${name}: one step, then 200, on both paths from the same seed give the same parameters`, () => {
      for (const [steps, tol] of [
        [1, 1e-6],
        // Both paths draw the same noise and so the same b; ĝ differs in the
        // float32 bits, which Adam carries on at a rate lr: 200 steps at
        // lr = 0.01 of relative 1e-6 errors stay far below 1e-5.
        [200, 1e-5],
      ]) {
        const runs = [true, false].map((fused) => {
          setFusedUpdates(fused);
          const l = learner(name, 3, 2);
          for (let i = 0; i < steps; i++) l.iterate();
          const out = { values: values(l), baseline: l.baseline?.value };
          l.dispose();
          return out;
        });
        const [a, b] = runs;
        a.values.forEach((arr, k) => arr.forEach((x, i) => expect(Math.abs(x - b.values[k][i]), `${steps} steps, variable ${k}[${i}]`).toBeLessThan(tol)));
        if (a.baseline !== undefined) expect(Math.abs(a.baseline - b.baseline!)).toBeLessThan(1e-6);
        if (steps === 200) expect(Math.abs(a.values[0][0]), 'θ moved').toBeGreaterThan(0.01);
      }
    });
  }

  it('the variance probe on arrays gives the tape probe\'s figure from the same draws, and trains nothing', () => {
    for (const name of FUSED) {
      setFusedUpdates(true);
      const l = learner(name, 5);
      for (let i = 0; i < 50; i++) l.iterate();
      const before = values(l);
      const fused = l.logVariance(varianceRng(5, 50));
      setFusedUpdates(false);
      const tape = l.logVariance(varianceRng(5, 50));
      setFusedUpdates(true);
      expect(Number.isFinite(fused), name).toBe(true);
      // ĝ per draw agrees to float32 rounding (relative ~1e-6), so its log-variance does to ~1e-6.
      expect(Math.abs(fused - tape), `${name}: ${fused} vs ${tape}`).toBeLessThan(1e-4);
      expect(values(l), name).toEqual(before);
      // Another draw gives another figure: the probe reads its stream.
      expect(l.logVariance(varianceRng(5, 51)), name).not.toBe(fused);
      l.dispose();
    }
  });

  it('applies to the toy learner and only where it can', () => {
    const parts = (l: OneStepLearner) => (l as unknown as { fusedParts: OneStepParts }).fusedParts;
    const forms: Record<string, FusedPlan['form']> = { reinforce: 'reinforce', 'reinforce-baseline': 'reinforce', rebar: 'relax', relax: 'relax', 'relax-rebar': 'relax', lax: 'lax' };
    for (const [name, form] of Object.entries(forms)) {
      const l = learner(name);
      expect(fusedOneStepPlan(parts(l))?.form, name).toBe(form);
      l.dispose();
    }
    for (const name of ['arm', 'disarm', 'concrete', 'rloo', 'muprop']) {
      const l = learner(name);
      expect(fusedOneStepPlan(parts(l)), name).toBeUndefined();
      l.dispose();
    }
    // An env without the array forms, and the categorical toy, keep the tape.
    const plain = toy();
    const noArrays: OneStepEnv = { distribution: 'bernoulli', thetaSize: 1, contextSize: 0, observe: () => undefined, reward: (b) => plain.reward(b), relaxedReward: (s) => plain.relaxedReward(s), describe: () => 'plain' };
    for (const env of [noArrays, new CategoricalToyEnv({ target: 0.499 })]) {
      const l = new OneStepLearner(env, { estimator: 'relax', seed: 1 });
      expect(fusedOneStepPlan(parts(l)), env.describe()).toBeUndefined();
      l.dispose();
    }
    // A test's own estimator variant is not the catalog's: the tape runs it.
    const l = learner('relax');
    (l as unknown as { assembled: OneStepEstimator }).assembled.estimator = (input) => ({ gradient: tf.zerosLike(input.theta) });
    expect(fusedOneStepPlan(parts(l))).toBeUndefined();
    l.dispose();
  });

  it('the tensor count is flat over many fused steps', () => {
    for (const name of FUSED) {
      const l = learner(name);
      for (let i = 0; i < 20; i++) l.iterate();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 500; i++) l.iterate();
      expect(tf.memory().numTensors, name).toBe(before);
      l.dispose();
    }
  });
});

describe('fused toy runs', () => {
  const config = { ...TOY_DEFAULTS, steps: 300, logEvery: 20, varianceEvery: 100, varianceSamples: 100 };

  it('a run stopped at a checkpoint and continued writes the rows of the uninterrupted one (rebar, lax, reinforce)', async () => {
    // relax and reinforce-baseline: test/toy/train.test.ts (now on the fused step too).
    const problem = toyProblem({ problem: 'toy', target: 0.499 });
    for (const name of ['rebar', 'lax', 'reinforce']) {
      const whole = join(tempDir('relax-pg-fused-'), 'run');
      await trainToy(problem, name, 2, config, { runDir: whole });
      const split = join(tempDir('relax-pg-fused-'), 'run');
      await trainToy(problem, name, 2, { ...config, steps: 140 }, { runDir: split });
      const resumed = await trainToy(problem, name, 2, config, { runDir: split });
      expect(readFileSync(join(split, 'metrics.jsonl'), 'utf8'), name).toBe(readFileSync(join(whole, 'metrics.jsonl'), 'utf8'));
      expect(resumed.logVariance.length, name).toBe(4);
      expect(resumed.logVariance.every(Number.isFinite), name).toBe(true);
    }
  });

  it('the variance probe and the track agree with the tape path', async () => {
    const problem = toyProblem({ problem: 'toy', target: 0.45 });
    for (const name of ['rebar', 'relax']) {
      const fused = await trainToy(problem, name, 1, config);
      setFusedUpdates(false);
      const tape = await trainToy(problem, name, 1, config);
      setFusedUpdates(true);
      // Same noise, parameters equal to float32 rounding (above): p and the variance probe's figures agree closely.
      fused.p.forEach((p, i) => expect(Math.abs(p - tape.p[i]), `${name} p at ${fused.steps[i]}`).toBeLessThan(1e-5));
      fused.logVariance.forEach((x, i) => expect(Math.abs(x - tape.logVariance[i]), `${name} log-variance ${i}`).toBeLessThan(1e-3));
    }
  });
});

describe('BernoulliToyEnv on arrays', () => {
  it('rewardArrays and relaxedRewardArrays equal the tensor forms; the curvature is the derivative of the gradient', () => {
    const env = new BernoulliToyEnv({ target: 0.45, latents: 3 });
    const rng = new Rng('toy-arrays');
    const [rows, n] = [4, 3];
    const soft = Float64Array.from(rng.uniforms(rows * n));
    const d = Float64Array.from(rng.normals(rows * n));
    const hard = soft.map((s) => (s > 0.5 ? 1 : 0));
    const [f, g] = tf.tidy(() => {
      const s = tf.tensor2d(Float32Array.from(soft), [rows, n]);
      return [env.reward(tf.tensor2d(Float32Array.from(hard), [rows, n])).dataSync(), tf.grad((x: tf.Tensor) => tf.sum(env.relaxedReward(x)))(s).dataSync()];
    });
    const r = env.relaxedRewardArrays(soft, rows, d);
    env.rewardArrays(hard, rows).forEach((x, i) => expect(Math.abs(x - f[i])).toBeLessThan(4 * EPS32));
    r.gradient.forEach((x, i) => expect(Math.abs(x - g[i])).toBeLessThan(4 * EPS32));
    const h = 1e-6;
    const up = env.relaxedRewardArrays(soft.map((s, i) => s + h * d[i]), rows).gradient;
    const down = env.relaxedRewardArrays(soft.map((s, i) => s - h * d[i]), rows).gradient;
    r.curvature!.forEach((x, i) => expect(Math.abs(x - (up[i] - down[i]) / (2 * h))).toBeLessThan(1e-8));
  });
});
