// The frozen-model study proper: with the encoder and decoder held fixed,
// train one estimator's control variate (REBAR's η and λ, or RELAX's η, λ
// and neural residual) for variance only, on one fixed minibatch, and
// measure on the way the log-variance of the encoder gradient per encoder
// variable; at the end, many draws give its final variance and its average
// gradient at growing sample counts.
import { tf } from '../../src/tf/index.js';
import { estimateAndTrain } from '../../src/estimators/index.js';
import { stream, type Rng } from '../../src/random/index.js';
import { PIXELS } from '../../envs/vae/mnist.js';
import type { BinaryVaeModel } from '../../envs/vae/model.js';
import type { VaeTrainer } from '../vae/trainer.js';
import { neuralPart, rebarPart } from '../vae/estimators.js';
import { drawNoise } from '../vae/step.js';
import { fastLinearRelaxStep } from '../vae/fast.js';
import { drawStats, logVariances, type DrawStats } from './draws.js';

export interface StudySettings {
  seed: number;
  /** Control-variate training steps, one draw per image of the minibatch each. */
  steps: number;
  /** Log-variance measured every this many steps (and at 0 and the end), from this many draws. */
  varianceEvery: number;
  varianceSamples: number;
  /** Draws of the final measurement; means are also kept at each of meanSamples. */
  finalSamples: number;
  meanSamples: number[];
  chunk: number;
}

export interface StudyTrack {
  estimator: string;
  varianceSteps: number[];
  /** Per encoder variable (and 'all'), log mean variance at each of varianceSteps. */
  logVariance: Record<string, number[]>;
  /** η, λ (and the residual's scale) at each of varianceSteps. */
  cvState: Record<string, number>[];
  /** The final measurement: log-variances, its draws, and Σ of the per-parameter variances (tr Σ). */
  final: { logVariance: Record<string, number>; draws: number; trace: number };
  ms: number;
}

/** The encoder's variables in encoderGradientStats' order, by logical name. */
export function encoderSlices(model: BinaryVaeModel): { name: string; size: number }[] {
  const named = Object.entries(model.namedVariables());
  return model.encoderVariables.map((v) => ({ name: named.find(([, w]) => w === v)![0], size: v.size }));
}

/** One step of variance-only training of the control variates on the images `x`; the model is not touched. */
export function cvStep(trainer: VaeTrainer, x: Float32Array, noise: Rng): void {
  const { model, estimators } = trainer;
  const B = x.length / PIXELS;
  tf.tidy(() => {
    const X = tf.tensor2d(x, [B, PIXELS]);
    const { u, v } = drawNoise(model, B, noise);
    if (trainer.fastPath) {
      // The hand-written linear step (same estimator as the generic one); its model gradients are dropped.
      const cv = estimators.cvs[0];
      fastLinearRelaxStep({
        model,
        x: X,
        theta: model.encoderLogits(0, X),
        u: u[0],
        v: v[0],
        rebar: rebarPart(cv)!,
        neural: neuralPart(cv),
        context: model.centre(X),
        cvOptimizer: trainer.cvOpts[0],
      });
      return;
    }
    model.withFixedWeights(() => {
      const { pass, fb, contexts } = estimators.hardPass(X, u);
      for (let l = 0; l < model.layers; l++) {
        const input = estimators.input(l, pass, u, v, fb, contexts[l]);
        estimateAndTrain(estimators.estimator, input, { optimizer: trainer.cvOpts[l], objective: { kind: 'theta' } }).gradient.dispose();
      }
      estimators.current = undefined;
    });
  });
}

/** Train `trainer`'s control variates for settings.steps steps on `x`, measuring as it goes; then the final draws. */
export function runStudy(trainer: VaeTrainer, x: Float32Array, s: StudySettings, onStep?: (step: number) => void): { track: StudyTrack; stats: DrawStats } {
  const t0 = performance.now();
  const { model, estimators } = trainer;
  const slices = encoderSlices(model);
  const track: StudyTrack = { estimator: trainer.estimatorName, varianceSteps: [], logVariance: {}, cvState: [], final: { logVariance: {}, draws: 0, trace: 0 }, ms: 0 };
  const measure = (step: number) => {
    // The same noise for every estimator at a step (common random numbers): at step 0 they agree exactly.
    const { variance } = drawStats(model, estimators, x, s.varianceSamples, stream(s.seed, `frozen-variance:${step}`), { chunk: s.chunk });
    track.varianceSteps.push(step);
    for (const [k, v] of Object.entries(logVariances(variance, slices))) (track.logVariance[k] ??= []).push(v);
    track.cvState.push(estimators.cvState());
  };
  // Both estimators see the same training noise too.
  const noise = stream(s.seed, 'frozen-cv-noise');
  measure(0);
  for (let step = 1; step <= s.steps; step++) {
    cvStep(trainer, x, noise);
    if ((s.varianceEvery > 0 && step % s.varianceEvery === 0) || step === s.steps) measure(step);
    onStep?.(step);
  }
  // Independent final draws per estimator, so that the two means can be compared as independent estimates.
  const stats = drawStats(model, estimators, x, s.finalSamples, stream(s.seed, `frozen-final:${trainer.estimatorName}`), { chunk: s.chunk, marks: s.meanSamples });
  let tr = 0;
  for (const v of stats.variance) tr += v;
  track.final = { logVariance: logVariances(stats.variance, slices), draws: stats.draws, trace: tr };
  track.ms = performance.now() - t0;
  return { track, stats };
}
