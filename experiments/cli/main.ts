// Commands of the `relax-pg` CLI.
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { initBackend, BACKENDS } from '../../src/tf/index.js';
import { ESTIMATORS } from '../../src/estimators/index.js';
import { Rng } from '../../src/random/index.js';
import { createLogger, versions } from '../../src/report/index.js';
import { listEnvs } from '../../envs/index.js';
import '../../envs/vae/index.js'; // registers BinaryVAE-v0 for `list`
import { toyProblem } from '../toy/problem.js';
import { toyEstimator } from '../toy/setup.js';
import { estimateStatistics } from '../toy/estimate.js';
import { runToyExperiment, TOY_DEFAULTS, type ToyExperimentConfig } from '../toy/run.js';
import { num, numList, nameList, oneOf, workersOption } from './parse.js';
import { registerRlCommands } from './rl.js';
import { registerVaeCommand } from '../vae/cli.js';
import { registerSweepCommands } from './sweep.js';
import { registerFrozenVaeCommand } from '../frozenVae/cli.js';
import { registerToyRelaxationCommand } from '../toyRelaxation/cli.js';
import { outDirOf, prepareOutDir } from '../outDir.js';
import { RL_EXPERIMENTS } from '../rl/definitions.js';
import { UserError } from '../../src/errors.js';

const EXPERIMENTS = ['toy', 'vae', 'frozen-vae', 'toy-relaxation', ...Object.keys(RL_EXPERIMENTS)];

export async function main(argv: string[]): Promise<void> {
  const program = new Command('relax-pg')
    .description('Unbiased, low-variance gradient estimators through discrete choices (REINFORCE, REBAR, RELAX, LAX)')
    .version(versions().relaxPg ?? '0.0.0', '-V, --version')
    .addOption(new Option('--backend <name>', 'tfjs backend (default: $RELAX_PG_BACKEND or auto)').argParser(oneOf('--backend', BACKENDS)))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`relax-pg: ${str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')}\n`) });

  program.hook('preAction', async () => {
    const backend = program.opts().backend as string | undefined;
    if (backend) await initBackend(backend);
  });

  program
    .command('list')
    .description('list estimators, environments and experiments')
    .action(() => {
      const out = process.stdout;
      out.write('Estimators:\n');
      for (const s of Object.values(ESTIMATORS)) out.write(`  ${s.name.padEnd(20)} ${s.description}\n`);
      out.write('Environments:\n');
      for (const id of listEnvs()) out.write(`  ${id}\n`);
      out.write('Experiments:\n');
      for (const e of EXPERIMENTS) out.write(`  ${e}\n`);
    });

  program
    .command('estimate')
    .description('bias and variance of an estimator at fixed parameters')
    .addOption(new Option('--problem <name>', 'toy or toy-categorical').default('toy').argParser(oneOf('--problem', ['toy', 'toy-categorical'])))
    .addOption(new Option('--estimator <name>', 'estimator').default('reinforce').argParser(oneOf('--estimator', Object.keys(ESTIMATORS))))
    .addOption(new Option('--target <t>', 'target t').default(0.499).argParser(num('--target')))
    .addOption(new Option('--logit <l>', 'the logit (Bernoulli toy, one latent)').argParser(num('--logit')))
    .addOption(new Option('--logits <list>', 'comma-separated logits (one per latent, or per class)').argParser(numList('--logits')))
    .addOption(new Option('--weights <list>', 'class weights w (categorical toy)').argParser(numList('--weights')))
    .addOption(new Option('--temperature <λ>', 'relaxation temperature λ').default(0.5).argParser(num('--temperature', { min: 0, open: true })))
    .addOption(new Option('--eta <η>', "REBAR's η").default(1).argParser(num('--eta')))
    .addOption(new Option('--samples <n>', 'number of draws').default(1_000_000).argParser(num('--samples', { min: 2, integer: true })))
    .addOption(new Option('--k <K>', 'samples per estimate of rloo, vimco, arms and double-cv (default 4)').argParser(num('--k', { min: 1, integer: true })))
    .addOption(new Option('--seed <s>', 'seed').default(1).argParser(num('--seed', { integer: true })))
    .option('--json', 'print one JSON object')
    .action((o) => {
      if (o.logit !== undefined && o.logits !== undefined) throw new UserError('give --logit or --logits, not both');
      const problem = toyProblem({
        problem: o.problem,
        target: o.target,
        latents: o.logits?.length ?? 1,
        weights: o.weights,
      });
      const logits: number[] = o.logits ?? (o.logit !== undefined ? [o.logit] : new Array(problem.size).fill(0));
      if (logits.length !== problem.size) {
        throw new UserError(`--logits needs ${problem.size} values for this problem, got ${logits.length}`);
      }
      const est = toyEstimator(o.estimator, problem, { eta: o.eta, temperature: o.temperature, hidden: 10, k: o.k }, new Rng(`${o.seed}:init`));
      // At fixed θ a moving average of f has converged to E f: that is reinforce-baseline's baseline here.
      est.baseline?.restore(problem.exactLoss(logits));
      const stats = estimateStatistics(problem, est, logits, o.samples, o.seed);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(stats)}\n`);
      } else {
        const fmt = (x: number | number[]) => (Array.isArray(x) ? x.map((v) => v.toPrecision(6)).join(', ') : x.toPrecision(6));
        process.stdout.write(
          `${stats.estimator} on the ${stats.problem}, logits [${logits.join(', ')}], ${stats.samples} samples\n` +
            `  exact gradient  ${fmt(stats.exactGradient)}\n  mean            ${fmt(stats.mean)}\n` +
            `  standard error  ${fmt(stats.standardError)}\n  z-score         ${fmt(stats.zScore)}\n` +
            `  variance        ${fmt(stats.variance)}\n` +
            `  f evaluations   ${stats.fEvaluations} per estimate (k = ${stats.k}); variance × evaluations ${fmt(stats.variancePerEvaluation)}\n` +
            (stats.objective === 'multi-sample' ? `  (the gradient of the K-sample bound E log mean_k exp f_k, not of E f)\n` : ''),
        );
      }
    });

  const experiment = program.command('experiment').description('reproduce a published experiment');
  experiment
    .command('toy')
    .description("the paper's toy problem: minimise E[(b − t)²], b ~ Bernoulli(σ(θ))")
    .addOption(new Option('--target <t>', 'target t (0.45 for REBAR\'s setting)').default(TOY_DEFAULTS.target).argParser(num('--target')))
    .addOption(new Option('--estimators <list>', 'comma-separated estimators').default(TOY_DEFAULTS.estimators).argParser(nameList('--estimators', Object.keys(ESTIMATORS))))
    .addOption(new Option('--seeds <n>', 'number of seeds').default(TOY_DEFAULTS.seeds).argParser(num('--seeds', { min: 1, integer: true })))
    .addOption(new Option('--seed <s>', 'first seed').default(TOY_DEFAULTS.seed).argParser(num('--seed', { integer: true })))
    .addOption(new Option('--steps <n>', 'training steps').default(TOY_DEFAULTS.steps).argParser(num('--steps', { min: 1, integer: true })))
    .addOption(new Option('--batch <n>', 'samples per step').default(TOY_DEFAULTS.batch).argParser(num('--batch', { min: 1, integer: true })))
    .addOption(new Option('--latents <n>', 'number of Bernoulli latents').default(TOY_DEFAULTS.latents).argParser(num('--latents', { min: 1, integer: true })))
    .addOption(new Option('--lr <x>', 'Adam learning rate of the logit').default(TOY_DEFAULTS.lr).argParser(num('--lr', { min: 0, open: true })))
    .addOption(new Option('--cv-lr <x>', 'Adam learning rate of the control variates').default(TOY_DEFAULTS.cvLr).argParser(num('--cv-lr', { min: 0, open: true })))
    .addOption(new Option('--variance-every <n>', 'measure the log-variance every n steps (0: never)').default(TOY_DEFAULTS.varianceEvery).argParser(num('--variance-every', { min: 0, integer: true })))
    .addOption(new Option('--variance-samples <n>', 'draws per variance measurement').default(TOY_DEFAULTS.varianceSamples).argParser(num('--variance-samples', { min: 2, integer: true })))
    .addOption(new Option('--k <K>', 'samples per input of rloo, vimco, arms and double-cv (batch × K evaluations of f a step)').default(TOY_DEFAULTS.k).argParser(num('--k', { min: 2, integer: true })))
    .addOption(workersOption())
    .option('--out <dir>', 'results folder (default results/toy/<time>)')
    .option('--resume', 'skip runs already finished in --out')
    .action(async (o) => {
      const out = prepareOutDir(outDirOf(o, 'toy'));
      const config: ToyExperimentConfig = {
        ...TOY_DEFAULTS,
        target: o.target,
        estimators: o.estimators,
        seeds: o.seeds,
        seed: o.seed,
        steps: o.steps,
        batch: o.batch,
        latents: o.latents,
        lr: o.lr,
        cvLr: o.cvLr,
        varianceEvery: o.varianceEvery,
        varianceSamples: o.varianceSamples,
        k: o.k,
        logEvery: Math.max(1, Math.min(TOY_DEFAULTS.logEvery, Math.floor(o.steps / 10))),
      };
      const logger = createLogger({ file: join(out, 'log.jsonl') });
      try {
        const summary = await runToyExperiment(config, out, { logger, resume: o.resume, workers: o.workers });
        for (const [name, s] of Object.entries(summary.estimators)) {
          logger.info(`${name}: final p ${s.finalPMean.toFixed(4)}, ${s.msPerStep.toFixed(2)} ms/step`);
        }
        logger.info(`report: ${join(out, 'report.md')}`);
      } finally {
        await logger.close();
      }
    });

  registerRlCommands(program, experiment);
  registerVaeCommand(experiment);
  registerSweepCommands(program);
  registerFrozenVaeCommand(experiment);
  registerToyRelaxationCommand(experiment);

  await program.parseAsync(argv);
}

