// `relax-pg experiment toy-relaxation`: at fixed θ and t on the toy, REBAR at
// its best η and λ against RELAX's c trained for variance, and REINFORCE's
// exact variance.
import { Option, type Command } from 'commander';
import { join } from 'node:path';
import { createLogger } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { outDirOf, prepareOutDir } from '../outDir.js';
import { num, numList } from '../cli/parse.js';
import { runToyRelaxation, TOY_RELAXATION_DEFAULTS, type ToyRelaxationConfig } from './run.js';

export function registerToyRelaxationCommand(experiment: Command): void {
  const d = TOY_RELAXATION_DEFAULTS;
  const int = (name: string, min = 1) => num(name, { min, integer: true });
  const list = (xs: number[]) => xs.join(',');
  experiment
    .command('toy-relaxation')
    .description('the optimal relaxation on the toy: REBAR at its best η, λ against RELAX\'s learned c at fixed θ, beside REINFORCE\'s exact variance')
    .addOption(new Option('--thetas <list>', 'Bernoulli probabilities θ, each in (0, 1)').default(d.thetas, list(d.thetas)).argParser(numList('--thetas')))
    .addOption(new Option('--targets <list>', 'targets t').default(d.targets, list(d.targets)).argParser(numList('--targets')))
    .addOption(new Option('--temperatures <list>', "REBAR's λ scan (positive)").default(d.temperatures, `${d.temperatures.length} log-spaced from ${d.temperatures[0]} to ${d.temperatures[d.temperatures.length - 1]}`).argParser(numList('--temperatures')))
    .addOption(new Option('--scan-samples <n>', 'draws per λ of the scan').default(d.scanSamples).argParser(int('--scan-samples', 2)))
    .addOption(new Option('--samples <n>', 'fresh draws of each final variance').default(d.samples).argParser(int('--samples', 2)))
    .addOption(new Option('--steps <n>', "RELAX: steps of training c for variance").default(d.steps).argParser(int('--steps')))
    .addOption(new Option('--batch <n>', 'RELAX: draws per step').default(d.batch).argParser(int('--batch')))
    .addOption(new Option('--cv-lr <x>', 'RELAX: Adam learning rate of c').default(d.cvLr).argParser(num('--cv-lr', { min: 0, open: true })))
    .addOption(new Option('--hidden <n>', "RELAX: tanh units of c's network").default(d.hidden).argParser(int('--hidden')))
    .addOption(new Option('--seed <s>', 'seed').default(d.seed).argParser(int('--seed', 0)))
    .option('--out <dir>', 'results folder (default results/toy-relaxation/<time>)')
    .option('--resume', 'keep the cells already finished in --out (same settings)')
    .action(async (o) => {
      const bad = (o.thetas as number[]).find((t) => !(t > 0 && t < 1));
      if (bad !== undefined) throw new UserError(`--thetas: ${bad} is not a probability strictly between 0 and 1`);
      const cold = (o.temperatures as number[]).find((t) => !(t > 0));
      if (cold !== undefined) throw new UserError(`--temperatures: ${cold} is not a positive temperature`);
      const out = prepareOutDir(outDirOf(o, 'toy-relaxation'));
      const config: ToyRelaxationConfig = {
        ...d,
        thetas: o.thetas,
        targets: o.targets,
        temperatures: o.temperatures,
        scanSamples: o.scanSamples,
        samples: o.samples,
        steps: o.steps,
        batch: o.batch,
        cvLr: o.cvLr,
        hidden: o.hidden,
        seed: o.seed,
      };
      const logger = createLogger({ file: join(out, 'log.jsonl') });
      try {
        const r = await runToyRelaxation(config, out, { logger, resume: o.resume });
        for (const c of r.cells) {
          logger.info(`θ ${c.theta}, t ${c.target}: REINFORCE ${c.reinforce.exactVariance.toPrecision(4)}, REBAR ${c.rebar.variance.toPrecision(4)} (η ${c.rebar.eta.toFixed(3)}, λ ${c.rebar.temperature}), RELAX ${c.relax.variance.toPrecision(4)}`);
        }
        logger.info(`report: ${join(out, 'report.md')}`);
      } finally {
        await logger.close();
      }
    });
}
