// The linear one-layer model's written-out gradients (fast.ts
// linearModelGrads, used by the generic step) against the taped second pass
// they replace: the same training run for every estimator of the generic
// step, to float32 rounding.
import { describe, it, expect } from 'vitest';
import { BinaryMnist } from '../../envs/vae/mnist.js';
import { VaeTrainer, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { fakeMnist } from './fixtures.js';

const data = new BinaryMnist(fakeMnist(200, 40, 40), 'fixed', 1);
// An odd batch (see train.test.ts: an even one can make Σ(b − ½) exactly 0 on one path only).
const config: VaeTrainConfig = { ...VAE_DEFAULTS, model: 'linear1', latents: 16, residualHidden: [16], lr: 3e-3, batch: 5 };

describe('written-out linear1 model gradients', () => {
  // rloo and arms: B × K rows (each image K times), which both paths average over.
  for (const estimator of ['reinforce-baseline', 'nvil', 'muprop', 'arm', 'disarm', 'rloo', 'arms', 'double-cv', 'concrete']) {
    it(`${estimator}: the same run as with the taped model gradients`, () => {
      const written = new VaeTrainer(config, data, estimator, 5);
      const taped = new VaeTrainer({ ...config, fast: false }, data, estimator, 5);
      for (let i = 0; i < 4; i++) expect(written.step()).toBeCloseTo(taped.step(), 3);
      const values = (t: VaeTrainer) => [...t.model.variables, ...t.cvs.flatMap((c) => c?.variables ?? [])].flatMap((v) => Array.from(v.dataSync()));
      const [a, b] = [values(written), values(taped)];
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-2 + Math.abs(b[i])));
      // As train.test.ts: Adam turns rounding-level differences of near-zero gradients into visible ones.
      expect(worst).toBeLessThan(1e-3);
      // The runs moved: the comparison is not of two untouched models.
      const fresh = new VaeTrainer(config, data, estimator, 5);
      const start = values(fresh);
      fresh.dispose();
      expect(a.some((v, i) => Math.abs(v - start[i]) > 1e-4)).toBe(true);
      written.dispose();
      taped.dispose();
    });
  }
});
