// The frozen-model study's measurements on a small model (in-memory fake
// MNIST, 8 latents): an average gradient's distance from the reference
// shrinks with its draws as unbiasedness predicts, √(tr Σ/n + tr Σ_ref/N);
// the per-image baseline leaves REINFORCE's mean where it was; the control
// variates train while the model stays frozen.
import { describe, it, expect } from 'vitest';
import { BinaryMnist } from '../../envs/vae/mnist.js';
import { stream } from '../../src/random/index.js';
import { VaeTrainer, type VaeTrainConfig } from '../../experiments/vae/trainer.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { drawStats, closeness, trace, norm } from '../../experiments/frozenVae/draws.js';
import { referenceGradient } from '../../experiments/frozenVae/reference.js';
import { cvStep } from '../../experiments/frozenVae/study.js';
import { fakeMnist } from '../vae/fixtures.js';

const data = new BinaryMnist(fakeMnist(200, 40, 40), 'fixed', 1);
const config: VaeTrainConfig = { ...VAE_DEFAULTS, latents: 8, residualHidden: [16], batch: 6 };
const x = data.trainBatch([0, 1, 2, 3, 4, 5], stream(1, 'batch'));

function trainer(name: string): VaeTrainer {
  const t = new VaeTrainer(config, data, name, 1);
  // A model a little way from its initialisation, so the gradient is not tiny.
  for (let i = 0; i < 20; i++) t.step();
  return t;
}

describe('frozen VAE: distance from the reference', () => {
  it('shrinks with the draws, at the size unbiasedness predicts', () => {
    const t = trainer('rebar');
    try {
      const ref = referenceGradient(t.model, config, x, { samples: 10_000, chunk: 1000, baselineSamples: 300 }, { init: stream(1, 'i'), baseline: stream(1, 'b'), draws: stream(1, 'r') });
      const s = drawStats(t.model, t.estimators, x, 2000, stream(1, 'rebar-draws'), { chunk: 200, marks: [20, 200, 2000] });
      expect(s.meansAt.map((m) => m.n)).toEqual([20, 200, 2000]);
      const errors = s.meansAt.map(({ n, mean }) => ({
        measured: closeness(mean, ref.mean).relativeError,
        expected: Math.sqrt(trace(s.variance) / n + trace(ref.variance) / ref.draws) / norm(ref.mean),
      }));
      for (const e of errors) {
        expect(e.measured).toBeGreaterThan(0.6 * e.expected);
        expect(e.measured).toBeLessThan(1.6 * e.expected);
      }
      expect(errors[1].measured).toBeLessThan(errors[0].measured);
      expect(errors[2].measured).toBeLessThan(errors[1].measured);
      expect(closeness(s.meansAt[2].mean, ref.mean).cosine).toBeGreaterThan(0.9);
    } finally {
      t.dispose();
    }
  });

  it("the per-image baseline does not move REINFORCE's mean, and lowers its variance", () => {
    const t = trainer('rebar');
    try {
      const streams = (k: string) => ({ init: stream(2, `i${k}`), baseline: stream(2, `b${k}`), draws: stream(2, `r${k}`) });
      const plain = referenceGradient(t.model, config, x, { samples: 10_000, chunk: 1000, baselineSamples: 0 }, streams('plain'));
      const based = referenceGradient(t.model, config, x, { samples: 10_000, chunk: 1000, baselineSamples: 300 }, streams('based'));
      expect(plain.baselines).toBeNull();
      expect(based.baselines).toHaveLength(6);
      expect(trace(based.variance)).toBeLessThan(trace(plain.variance) / 10);
      // Two independent unbiased means differ by √(tr Σ₁/N₁ + tr Σ₂/N₂) in norm.
      const expected = Math.sqrt(trace(plain.variance) / plain.draws + trace(based.variance) / based.draws);
      const diff = closeness(based.mean, plain.mean).relativeError * norm(plain.mean);
      expect(diff).toBeLessThan(1.6 * expected);
      expect(diff).toBeGreaterThan(0.6 * expected);
    } finally {
      t.dispose();
    }
  });
});

describe('frozen VAE: variance-only training', () => {
  for (const name of ['rebar', 'relax-rebar']) {
    it(`${name}: the control variate moves, the model does not`, () => {
      const t = trainer(name);
      try {
        const model = () => t.model.variables.flatMap((v) => Array.from(v.dataSync()));
        const cv = () => t.estimators.cvs.flatMap((c) => c?.variables ?? []).flatMap((v) => Array.from(v.dataSync()));
        const [m0, c0] = [model(), cv()];
        const noise = stream(3, 'noise');
        for (let i = 0; i < 5; i++) cvStep(t, x, noise);
        expect(model()).toEqual(m0);
        expect(cv()).not.toEqual(c0);
      } finally {
        t.dispose();
      }
    });
  }
});
