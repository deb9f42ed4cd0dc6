// The VAE report's paper column is keyed by the names the VAE experiment
// offers: a key it does not offer would leave its row's paper cell empty.
import { describe, it, expect } from 'vitest';
import { PAPER_TRAIN_ELBO } from '../../experiments/vae/report.js';
import { VAE_ESTIMATORS } from '../../experiments/vae/estimators.js';
import { VAE_MODEL_NAMES } from '../../envs/vae/model.js';

describe('VAE report: paper figures', () => {
  it('are given for every model, under estimator names the experiment offers', () => {
    expect(Object.keys(PAPER_TRAIN_ELBO).sort()).toEqual([...VAE_MODEL_NAMES].sort());
    for (const [model, figures] of Object.entries(PAPER_TRAIN_ELBO)) {
      for (const name of Object.keys(figures)) expect(VAE_ESTIMATORS as readonly string[], `${model}: ${name}`).toContain(name);
      expect(figures['relax-rebar'], model).toBeLessThan(0);
    }
  });
});
