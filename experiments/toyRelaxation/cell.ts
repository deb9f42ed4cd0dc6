// One cell of the toy-relaxation study, at a fixed Bernoulli probability θ
// (logit log(θ/(1 − θ))) and target t: REINFORCE's exact variance; REBAR at
// its best (λ on a log grid, η at its optimum for each λ, which is closed
// form since ĝ is linear in η; then re-measured on fresh draws); RELAX's
// neural c trained for variance only at that θ (Adam on Σ ĝ²), re-measured
// on fresh draws; and the curves of the learned c(z) beside f(σ_λ*(z)).
import { tf } from '../../src/tf/index.js';
import { Rng, stream } from '../../src/random/index.js';
import { estimateAndTrain } from '../../src/estimators/index.js';
import { makeOptimizer } from '../../src/nn/index.js';
import { toyProblem, type ToyProblem } from '../toy/problem.js';
import { toyEstimator, type ToyEstimator } from '../toy/setup.js';
import { reinforceMoments, sampleGradients, varianceOf, meanOf, bestLinear, logitOf } from './exact.js';

export interface CellSettings {
  seed: number;
  /** Temperatures of REBAR's scan (η is optimised exactly at each). */
  temperatures: number[];
  /** Draws per scan point, and for each final (fresh) measurement. */
  scanSamples: number;
  samples: number;
  /** RELAX: training steps, draws per step, Adam rate, hidden units, initial λ. */
  steps: number;
  batch: number;
  cvLr: number;
  hidden: number;
  temperature: number;
}

export interface CellResult {
  theta: number;
  target: number;
  exactGradient: number;
  reinforce: { exactVariance: number; sampledVariance: number; sampledMean: number; fourthMoment: number };
  rebar: { eta: number; temperature: number; variance: number; mean: number; scan: { temperature: number; eta: number; variance: number }[] };
  relax: { variance: number; mean: number; temperature: number; trainSteps: number[]; trainLogVariance: number[] };
  curves: { z: number[]; c: number[]; fRelaxed: number[]; rebarC: number[]; f: number[] };
  seconds: number;
}

const Z_GRID = Array.from({ length: 121 }, (_, i) => -6 + 0.1 * i);

function problemAt(target: number): ToyProblem {
  return toyProblem({ problem: 'toy', target, latents: 1 });
}

/** ĝ draws of estimator `name` at (η, λ), noise from a stream named `noise` (the same name, the same draws). */
function draws(problem: ToyProblem, name: string, logit: number, eta: number, temperature: number, n: number, noise: string, seed: number): Float64Array {
  const est = toyEstimator(name, problem, { eta, temperature, hidden: 10 }, new Rng(`${seed}:init`));
  try {
    return sampleGradients(problem, est, logit, n, new Rng(noise));
  } finally {
    for (const v of est.cv?.variables ?? []) v.dispose();
  }
}

function trainRelax(problem: ToyProblem, logit: number, s: CellSettings, tag: string): { est: ToyEstimator; steps: number[]; logVariance: number[] } {
  const est = toyEstimator('relax', problem, { eta: 1, temperature: s.temperature, hidden: s.hidden }, stream(s.seed, `${tag}:relax-init`));
  const opt = makeOptimizer({ kind: 'adam', learningRate: s.cvLr });
  const noise = stream(s.seed, `${tag}:relax-train`);
  const steps: number[] = [];
  const logVariance: number[] = [];
  const every = Math.max(1, Math.floor(s.steps / 50));
  try {
    for (let step = 1; step <= s.steps; step++) {
      tf.tidy(() => {
        const theta = tf.fill([s.batch, 1], logit);
        const u = tf.tensor2d(noise.uniforms(s.batch), [s.batch, 1]);
        const v = tf.tensor2d(noise.uniforms(s.batch), [s.batch, 1]);
        estimateAndTrain(est.estimator, est.input(problem, theta, u, v), { optimizer: opt, objective: { kind: 'theta' } }).gradient.dispose();
      });
      if (step % every === 0 || step === s.steps) {
        // A training curve from its own draws (1000 a point), not the final measurement's.
        steps.push(step);
        logVariance.push(Math.log(varianceOf(sampleGradients(problem, est, logit, 1000, stream(s.seed, `${tag}:relax-curve:${step}`)))));
      }
    }
  } finally {
    opt.dispose();
  }
  return { est, steps, logVariance };
}

export function runCell(theta: number, target: number, s: CellSettings): CellResult {
  const t0 = performance.now();
  const problem = problemAt(target);
  const logit = logitOf(theta);
  const tag = `theta${theta}:t${target}`;
  const exact = problem.exactGradient([logit])[0];

  const moments = reinforceMoments(theta, target);
  const rf = draws(problem, 'reinforce', logit, 0, 0.5, s.samples, `${s.seed}:${tag}:reinforce`, s.seed);

  // REBAR: for each λ, ĝ_η = ĝ₀ + η (ĝ₁ − ĝ₀) from the same noise; η* in closed form.
  const scan = s.temperatures.map((temperature) => {
    const noise = `${s.seed}:${tag}:scan:${temperature}`;
    const g0 = draws(problem, 'rebar', logit, 0, temperature, s.scanSamples, noise, s.seed);
    const g1 = draws(problem, 'rebar', logit, 1, temperature, s.scanSamples, noise, s.seed);
    const d = g1.map((x, i) => x - g0[i]);
    return { temperature, ...bestLinear(g0, d) };
  });
  const best = scan.reduce((a, b) => (b.variance < a.variance ? b : a));
  // Fresh draws at the chosen (η*, λ*): the scan's minimum is biased low by the selection.
  const rb = draws(problem, 'rebar', logit, best.eta, best.temperature, s.samples, `${s.seed}:${tag}:rebar-final`, s.seed);

  const relax = trainRelax(problem, logit, s, tag);
  const rx = sampleGradients(problem, relax.est, logit, s.samples, stream(s.seed, `${tag}:relax-final`));
  const relaxTemperature = (relax.est.cv as { temperature?: number }).temperature ?? NaN;

  const curves = tf.tidy(() => {
    const z = tf.tensor2d(Z_GRID, [Z_GRID.length, 1]);
    const fRelaxed = problem.relaxedF(problem.dist.relax(z, best.temperature));
    return {
      z: Z_GRID,
      c: Array.from(relax.est.cv!.apply(z).dataSync()),
      fRelaxed: Array.from(fRelaxed.dataSync()),
      rebarC: Array.from(tf.mul(best.eta, fRelaxed).dataSync()),
      f: Array.from(problem.f(problem.dist.hard(z)).dataSync()),
    };
  });
  for (const v of relax.est.cv?.variables ?? []) v.dispose();

  return {
    theta,
    target,
    exactGradient: exact,
    reinforce: { exactVariance: moments.variance, sampledVariance: varianceOf(rf), sampledMean: meanOf(rf), fourthMoment: moments.fourth },
    rebar: { eta: best.eta, temperature: best.temperature, variance: varianceOf(rb), mean: meanOf(rb), scan },
    relax: { variance: varianceOf(rx), mean: meanOf(rx), temperature: relaxTemperature, trainSteps: relax.steps, trainLogVariance: relax.logVariance },
    curves,
    seconds: (performance.now() - t0) / 1000,
  };
}
