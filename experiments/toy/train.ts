// One training run on a toy problem: Adam on the logits along the estimator's
// ĝ, and (for learned control variates) Adam on φ along ∂φ Σ ĝ², at the same
// step. Records p, the exact expected loss and, every so often, the
// estimator's log-variance from many draws at the current parameters.
import { tf, makeVariable } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { estimateAndTrain } from '../../src/estimators/index.js';
import { makeOptimizer } from '../../src/nn/index.js';
import type { ToyProblem } from './problem.js';
import { toyEstimator, type ToyEstimator, type ToyEstimatorOptions } from './setup.js';

export interface ToyTrainConfig extends ToyEstimatorOptions {
  steps: number;
  batch: number;
  lr: number;
  cvLr: number;
  logEvery: number;
  varianceEvery: number;
  varianceSamples: number;
}

export interface ToyTrack {
  estimator: string;
  seed: number;
  steps: number[];
  p: number[];
  expectedLoss: number[];
  varianceSteps: number[];
  logVariance: number[];
  finalLogits: number[];
  finalP: number;
  /** Wall time per training step (variance measurements excluded). */
  msPerStep: number;
  /** Learned c(z) against f(H(z)) on a grid of z at the final θ (single-latent Bernoulli only). */
  controlVariateCurve?: { z: number[]; c: number[]; f: number[]; fRelaxed: number[] };
}

/** p reported per problem: P(b = 1) averaged over latents, or P(best class). */
function reportedP(problem: ToyProblem, logits: number[]): number {
  if (problem.name === 'toy') return logits.reduce((s, l) => s + 1 / (1 + Math.exp(-l)), 0) / logits.length;
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  return e[0] / e.reduce((a, b) => a + b, 0);
}

/** log of the estimator's variance at fixed θ, averaged over θ's components, from n draws. */
export function logVarianceAt(problem: ToyProblem, est: ToyEstimator, logits: number[], n: number, rng: Rng): number {
  const k = logits.length;
  const variance = tf.tidy(() => {
    const theta = tf.tile(tf.tensor2d(logits, [1, k]), [n, 1]);
    const u = tf.tensor2d(rng.uniforms(n * k), [n, k]);
    const v = tf.tensor2d(rng.uniforms(n * k), [n, k]);
    const g = est.estimator(est.input(problem, theta, u, v)).gradient;
    return tf.mean(tf.moments(g, 0).variance);
  });
  const value = variance.dataSync()[0];
  variance.dispose();
  return Math.log(value);
}

function controlVariateCurve(problem: ToyProblem, est: ToyEstimator) {
  if (!est.cv || problem.name !== 'toy' || problem.size !== 1) return undefined;
  const z = Array.from({ length: 121 }, (_, i) => -6 + 0.1 * i);
  return tf.tidy(() => {
    const zt = tf.tensor2d(z, [z.length, 1]);
    const c = Array.from(est.cv!.apply(zt).dataSync());
    const f = Array.from(problem.f(problem.dist.hard(zt)).dataSync());
    const fRelaxed = Array.from(problem.relaxedF(problem.dist.relax(zt, est.temperature)).dataSync());
    return { z, c, f, fRelaxed };
  });
}

let runCounter = 0;

export function trainToy(
  problem: ToyProblem,
  estimatorName: string,
  seed: number,
  config: ToyTrainConfig,
  onStep?: (step: number, p: number) => void,
): ToyTrack {
  const k = problem.size;
  const initRng = new Rng(`${seed}:init`);
  const noise = new Rng(`${seed}:noise`);
  const varianceNoise = new Rng(`${seed}:variance-noise`);
  const est = toyEstimator(estimatorName, problem, config, initRng);
  const logits = makeVariable(() => tf.zeros([1, k]), true, `toyLogits${runCounter++}`);
  const thetaOpt = makeOptimizer({ kind: 'adam', learningRate: config.lr });
  const cvOpt = est.cv ? makeOptimizer({ kind: 'adam', learningRate: config.cvLr }) : undefined;
  const track: ToyTrack = {
    estimator: estimatorName,
    seed,
    steps: [],
    p: [],
    expectedLoss: [],
    varianceSteps: [],
    logVariance: [],
    finalLogits: [],
    finalP: NaN,
    msPerStep: NaN,
  };
  const B = config.batch;
  const record = (step: number) => {
    const l = Array.from(logits.dataSync());
    track.steps.push(step);
    track.p.push(reportedP(problem, l));
    track.expectedLoss.push(problem.exactLoss(l));
    if (config.varianceEvery > 0 && step % config.varianceEvery === 0) {
      track.varianceSteps.push(step);
      track.logVariance.push(logVarianceAt(problem, est, l, config.varianceSamples, varianceNoise));
    }
    onStep?.(step, track.p[track.p.length - 1]);
  };
  let trainMs = 0;
  record(0);
  for (let step = 1; step <= config.steps; step++) {
    const t0 = performance.now();
    const input = tf.tidy(() => {
      const theta = tf.tile(logits, [B, 1]);
      const u = tf.tensor2d(noise.uniforms(B * k), [B, k]);
      const v = tf.tensor2d(noise.uniforms(B * k), [B, k]);
      return { theta, u, v, fb: problem.f(problem.dist.hard(problem.dist.sample(theta, u))) };
    });
    const { gradient } = estimateAndTrain(
      est.estimator,
      est.input(problem, input.theta, input.u, input.v, input.fb),
      { optimizer: cvOpt },
    );
    tf.tidy(() => thetaOpt.applyGradients({ [logits.name]: tf.mean(gradient, 0, true) }));
    if (est.baseline) {
      const meanF = tf.mean(input.fb);
      est.baseline.update(meanF.dataSync()[0]);
      meanF.dispose();
    }
    tf.dispose([gradient, input.theta, input.u, input.v, input.fb]);
    trainMs += performance.now() - t0;
    if (step % config.logEvery === 0 || step === config.steps) record(step);
  }
  track.finalLogits = Array.from(logits.dataSync());
  track.finalP = reportedP(problem, track.finalLogits);
  track.msPerStep = trainMs / config.steps;
  track.controlVariateCurve = controlVariateCurve(problem, est);
  logits.dispose();
  thetaOpt.dispose();
  cvOpt?.dispose();
  for (const v of est.cv?.variables ?? []) v.dispose();
  return track;
}
