// Training: −ELBO goes down, checkpoints resume the same curve, no tensors
// leak, the experiment writes its files, and the command rejects bad input.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { tf } from '../../src/tf/index.js';
import { createLogger } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { BinaryMnist } from '../../envs/vae/mnist.js';
import { Rng } from '../../src/random/index.js';
import { saveLearner } from '../../agents/learn.js';
import { VaeTrainer, checkVaeEstimator, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { resumeVae } from '../../experiments/vae/checkpoint.js';
import { VAE_DEFAULTS, runVaeExperiment } from '../../experiments/vae/run.js';
import { registerVaeCommand } from '../../experiments/vae/cli.js';
import { fakeMnist } from './fixtures.js';
import { tempDir } from '../helpers.js';

const data = new BinaryMnist(fakeMnist(200, 40, 40), 'fixed', 1);
const small = (over: Partial<VaeTrainConfig> = {}): VaeTrainConfig => ({
  ...VAE_DEFAULTS,
  latents: 16,
  residualHidden: [16],
  lr: 3e-3,
  ...over,
});

function values(trainer: VaeTrainer): number[] {
  return [...trainer.model.variables, ...trainer.cvs.flatMap((c) => c?.variables ?? [])].flatMap((v) => Array.from(v.dataSync()));
}

describe('VAE training', () => {
  it('a short run lowers −ELBO on held-out images', () => {
    const trainer = new VaeTrainer(small({ model: 'linear1' }), data, 'reinforce-baseline', 1);
    const before = trainer.evaluate('valid').elbo;
    for (let i = 0; i < 80; i++) trainer.step();
    const after = trainer.evaluate('valid').elbo;
    expect(after).toBeGreaterThan(before + 5);
    trainer.dispose();
  });

  for (const [estimator, model] of [
    ['relax-rebar', 'linear2'],
    ['relax-rebar', 'linear1'],
    ['nvil', 'nonlinear'],
    ['muprop', 'linear2'],
  ] as const) {
    it(`checkpoint → resume continues identically (${estimator}, ${model})`, async () => {
      const dir = tempDir('relax-pg-vae-ckpt-');
      const config = small({ model, varianceEvery: 0 });
      const a = new VaeTrainer(config, data, estimator, 2);
      for (let i = 0; i < 3; i++) a.step();
      await saveLearner(a, dir);
      const fa: number[] = [];
      for (let i = 0; i < 3; i++) fa.push(a.step());
      const b = new VaeTrainer(config, data, estimator, 2);
      expect(await resumeVae(b, dir)).toBe(true);
      expect(b.counters.steps).toBe(3);
      const fb: number[] = [];
      for (let i = 0; i < 3; i++) fb.push(b.step());
      expect(fb).toEqual(fa);
      expect(values(b)).toEqual(values(a));
      a.dispose();
      b.dispose();
      // A checkpoint of another estimator, seed or model is refused with one line, before anything is loaded.
      for (const [other, name, seed] of [[config, 'rebar', 2], [config, estimator, 3], [{ ...config, lr: 1e-3 }, estimator, 2]] as const) {
        const c = new VaeTrainer(other, data, name, seed);
        const before = values(c);
        await expect(resumeVae(c, dir)).rejects.toThrow(UserError);
        expect(values(c)).toEqual(before);
        c.dispose();
      }
    });
  }

  for (const estimator of ['rebar', 'relax-rebar']) {
    it(`the hand-written linear ${estimator} step matches the generic autodiff step`, () => {
      // An odd batch: with an even one, Σ(b − ½) of the prior's first gradient can be exactly 0 on one path and
      // 1e−8 on the other, which Adam turns into ±lr.
      const config = small({ model: 'linear1', batch: 5 });
      const fast = new VaeTrainer(config, data, estimator, 4);
      const slow = new VaeTrainer({ ...config, fast: false }, data, estimator, 4);
      expect([fast.fastPath, slow.fastPath]).toEqual([true, false]);
      for (let i = 0; i < 4; i++) expect(fast.step()).toBeCloseTo(slow.step(), 2);
      const model = (t: VaeTrainer) => t.model.variables.flatMap((v) => Array.from(v.dataSync()));
      const a = model(fast);
      const b = model(slow);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-2 + Math.abs(b[i])));
      expect(worst).toBeLessThan(1e-3);
      const cf = fast.cvState();
      const cs = slow.cvState();
      for (const key of Object.keys(cs)) expect(cf[key], key).toBeCloseTo(cs[key], 4);
      fast.dispose();
      slow.dispose();
    });
  }

  it('keeps the tensor count flat over steps, measurements and evaluation', () => {
    for (const [model, estimator] of [['linear1', 'relax-rebar'], ['linear1', 'nvil'], ['linear2', 'relax-rebar'], ['linear2', 'muprop'], ['nonlinear', 'muprop']] as const) {
    const trainer = new VaeTrainer(small({ model }), data, estimator, 3);
    trainer.step();
    trainer.logVariance(new Rng('variance'), 3);
    trainer.evaluate('valid', { iwaeSamples: 3, iwaeImages: 4 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) trainer.step();
    expect(Number.isFinite(trainer.logVariance(new Rng('variance'), 3))).toBe(true);
    trainer.evaluate('valid', { iwaeSamples: 3, iwaeImages: 4 });
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    }
  });

  it('the experiment writes summary, report, plots, images and resumes finished runs', async () => {
    const out = tempDir('relax-pg-vae-exp-');
    const logger = createLogger({ console: false });
    const config = {
      ...VAE_DEFAULTS,
      latents: 16,
      residualHidden: [16],
      estimators: ['reinforce-baseline', 'rebar'],
      seeds: 1,
      steps: 20,
      evalEvery: 10,
      varianceEvery: 10,
      varianceSamples: 3,
      logEvery: 5,
      checkpointEvery: 10,
      iwaeSamples: 4,
      iwaeImages: 8,
    };
    const summary = await runVaeExperiment(config, out, { logger, source: fakeMnist(200, 40, 40) });
    for (const f of ['summary.json', 'report.md', 'config.json', 'metrics.jsonl', 'train-elbo.png', 'log-variance.png', 'images-rebar.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(existsSync(join(out, 'runs/rebar-seed1/best/model.json'))).toBe(true);
    const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const key of ['trainElbo', 'validElbo', 'logVarianceSecondHalf', 'msPerStep']) expect(written.estimators.rebar).toHaveProperty(key);
    expect(written.estimators.rebar.validIwae[0]).toBeGreaterThanOrEqual(written.estimators.rebar.validElbo[0] - 5);
    const again = await runVaeExperiment(config, out, { logger, resume: true, source: fakeMnist(200, 40, 40) });
    expect(again.estimators.rebar.trainElbo).toEqual(summary.estimators.rebar.trainElbo);
    // Asking for more steps continues each run from its checkpoint.
    const longer = await runVaeExperiment({ ...config, steps: 25 }, out, { logger, resume: true, source: fakeMnist(200, 40, 40) });
    const track = JSON.parse(readFileSync(join(out, 'runs/rebar-seed1/result.json'), 'utf8'));
    expect(track.step).toBe(25);
    expect(track.logSteps.slice(0, 4)).toEqual([5, 10, 15, 20]);
    expect(longer.estimators.rebar.trainElbo[0]).not.toEqual(summary.estimators.rebar.trainElbo[0]);
    // ... on the same curve as a run of that length done in one go.
    const straight = tempDir('relax-pg-vae-exp-');
    await runVaeExperiment({ ...config, estimators: ['rebar'], steps: 25 }, straight, { logger, source: fakeMnist(200, 40, 40) });
    const one = JSON.parse(readFileSync(join(straight, 'runs/rebar-seed1/result.json'), 'utf8'));
    expect(track.trainElbo).toEqual(one.trainElbo);
    await logger.close();
  });

  it('rejects unknown models, estimators and bad numbers with one-line errors', async () => {
    expect(() => checkVaeEstimator('magic')).toThrow(/unknown VAE estimator 'magic'/);
    const parse = async (args: string[]) => {
      const program = new Command('relax-pg').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
      const experiment = program.command('experiment').exitOverride();
      registerVaeCommand(experiment);
      for (const c of experiment.commands) c.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
      await program.parseAsync(['node', 'relax-pg', 'experiment', 'vae', ...args]);
    };
    await expect(parse(['--model', 'deep'])).rejects.toThrow(/--model: unknown 'deep'/);
    await expect(parse(['--estimators', 'rebar,magic'])).rejects.toThrow(/--estimators: unknown 'magic'/);
    await expect(parse(['--steps', 'many'])).rejects.toThrow(/--steps must be a number/);
    await expect(parse(['--batch', '0'])).rejects.toThrow(/--batch must be in/);
    await expect(parse(['--resume'])).rejects.toThrow(/--resume needs --out/);
  });
});
