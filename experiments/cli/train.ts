// `relax-pg train` and `relax-pg evaluate`: one agent on one env, with
// checkpoints, metrics.jsonl and progress.csv written as it goes, optional
// evaluation (best agent in DIR/best, early stopping) and observation
// normalisation; and the evaluation of a saved agent, which by default
// repeats the evaluation it was saved for (so DIR/best reproduces its mean).
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NormalizeObservation, type Env } from '../../envs/index.js';
import {
  CheckpointCallback,
  EvalCallback,
  ProgressCsv,
  StopOnNoImprovement,
  StopOnRewardThreshold,
  createAgent,
  loadAgent,
  type EvalState,
  type PolicyGradientAgent,
  type TrainingCallback,
} from '../../agents/index.js';
import { checkAgentFits } from '../../agents/io.js';
import { createLogger, MetricsWriter, keepMetrics, Progress, writeRunInfo, mean, std } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { num } from './parse.js';
import { agentName, agentOptions, checkSchedules, makeEnv, pickOptions } from './agentOptions.js';
import { outDirOf, prepareOutDir } from '../outDir.js';

// As `evaluate`'s defaults, so an evaluation row and `evaluate DIR` agree without flags.
const EVAL_EPISODES = 10;
const EVAL_SEED = 1;

/** The evaluation and normalisation options of train, compare and the RL experiments. */
export function evalOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--eval-every <n>', 'evaluate every n episodes on a separate env, keeping the best agent in DIR/best').argParser(num('--eval-every', { min: 1, integer: true })))
    .addOption(new Option('--eval-episodes <n>', 'episodes per evaluation').default(EVAL_EPISODES).argParser(num('--eval-episodes', { min: 1, integer: true })))
    .addOption(new Option('--eval-seed <s>', 'seed of each evaluation').default(EVAL_SEED).argParser(num('--eval-seed', { integer: true })))
    .addOption(new Option('--stop-reward <x>', 'stop once an evaluation mean reaches x (needs --eval-every)').argParser(num('--stop-reward')))
    .addOption(new Option('--stop-patience <k>', 'stop after k evaluations in a row without a new best (needs --eval-every)').argParser(num('--stop-patience', { min: 1, integer: true })))
    .option('--normalize-obs', 'normalise observations (NormalizeObservation); its statistics are saved with the agent');
}

/** The agent to train: the one in `out` (--resume) or a new one, and the env it trains on. */
async function agentAndEnv(o: Record<string, any>, out: string): Promise<{ agent: PolicyGradientAgent; env: Env<any, any> }> {
  const raw = await makeEnv(o.env);
  if (!o.resume) {
    const env = o.normalizeObs ? new NormalizeObservation(raw) : raw;
    return { agent: createAgent(o.agent, env, { ...pickOptions(o), seed: o.seed }), env };
  }
  const agent = await loadAgent(out);
  if (agent.config.kind !== o.agent) throw new UserError(`${out} holds a '${agent.config.kind}' agent, not '${o.agent}'`);
  if (agent.envId && agent.envId !== o.env) throw new UserError(`${out} was trained on ${agent.envId}, not ${o.env}`);
  const normalized = agent.observationStats() !== undefined;
  if (o.normalizeObs && !normalized) throw new UserError(`the agent in ${out} learned without --normalize-obs: resume it without`);
  // A normalised agent resumes normalised, with its statistics (restored by learn).
  const env = normalized ? new NormalizeObservation(raw) : raw;
  checkAgentFits(agent, env, o.env, `the agent in ${out}`);
  return { agent, env };
}

/** --stop-reward and --stop-patience act on evaluations: one line without --eval-every. */
export function checkEvalOptions(o: Record<string, any>): void {
  for (const f of ['stopReward', 'stopPatience'] as const) {
    if (o[f] !== undefined && !o.evalEvery) throw new UserError(`--${f === 'stopReward' ? 'stop-reward' : 'stop-patience'} needs --eval-every`);
  }
}

async function train(o: Record<string, any>): Promise<void> {
  if (o.resume && !o.out) throw new UserError('--resume needs --out (the folder of the agent to continue)');
  checkEvalOptions(o);
  await checkSchedules(o);
  const out = outDirOf(o, 'train', `${o.env}-${o.agent}-`);
  if (!o.resume && existsSync(join(out, 'agent.json'))) {
    throw new UserError(`${out} already holds a saved agent: use --resume to continue it, or another --out`);
  }
  const { agent, env } = await agentAndEnv(o, out);
  const logger = createLogger({ file: join(prepareOutDir(out), 'log.jsonl') });
  const stopped = (agent.callbackStates.eval as EvalState | undefined)?.stopped;
  const remaining = o.episodes - agent.counters.episodes;
  if (remaining <= 0 || stopped) {
    logger.info(stopped ? `nothing to do: training stopped at episode ${agent.counters.episodes} (${stopped})` : `nothing to do: the agent already has ${agent.counters.episodes} episodes`);
    await logger.close();
    return;
  }
  writeRunInfo(out, { env: o.env, agent: agent.config, episodes: o.episodes, resume: Boolean(o.resume), normalizeObs: agent.observationStats() !== undefined });
  // Rows after the saved agent's last episode are made again by the resumed run: drop them first (progress.csv: ProgressCsv).
  const at = agent.counters.episodes;
  keepMetrics(join(out, 'metrics.jsonl'), (r) => o.resume && (r.episode as number) <= at);
  const metrics = new MetricsWriter(join(out, 'metrics.jsonl'));
  const callbacks: TrainingCallback[] = [new CheckpointCallback(out, o.checkpointEvery), new ProgressCsv(join(out, 'progress.csv'))];
  let evaluator: EvalCallback | undefined;
  if (o.evalEvery) {
    evaluator = new EvalCallback(await makeEnv(o.env), {
      every: o.evalEvery,
      episodes: o.evalEpisodes,
      seed: o.evalSeed,
      bestDir: join(out, 'best'),
      onNewBest: o.stopReward === undefined ? undefined : new StopOnRewardThreshold(o.stopReward),
      afterEval: o.stopPatience === undefined ? undefined : new StopOnNoImprovement(o.stopPatience),
    });
    callbacks.push(evaluator);
  }
  const progress = new Progress({ total: o.episodes, label: `${o.agent} on ${o.env}`, logger });
  progress.update(agent.counters.episodes);
  const recent: number[] = [];
  try {
    await agent.learn(env, { episodes: remaining }, {
      onEpisode: (e) => {
        recent.push(e.return);
        if (recent.length > 100) recent.shift();
        progress.update(e.episode, { return: Math.round(e.return), mean100: Math.round(mean(recent)) });
      },
      onRow: (row) => metrics.write(row),
      callbacks,
    });
    await agent.save(out);
  } finally {
    progress.stop();
    metrics.close();
  }
  if (evaluator?.record.stopped) logger.info(`stopped early: ${evaluator.record.stopped}`);
  if (evaluator && evaluator.record.bestMean !== null) logger.info(`best evaluation: mean ${evaluator.record.bestMean} at episode ${evaluator.record.bestEpisode}: ${join(out, 'best')}`);
  logger.info(`saved ${o.agent} agent after ${agent.counters.episodes} episodes: ${out}`, { mean100: Number(mean(recent).toFixed(1)) });
  await logger.close();
}

async function evaluate(dir: string, o: Record<string, any>): Promise<void> {
  const agent = await loadAgent(dir);
  const id = o.env ?? agent.envId;
  if (!id) throw new UserError(`${dir} does not record its environment: pass --env`);
  // Normalised observations with the saved statistics, frozen (no-op for an agent without them).
  const env = agent.evaluationEnv(await makeEnv(id));
  checkAgentFits(agent, env, id, `the agent in ${dir}`);
  const saved = agent.evaluation;
  const episodes: number = o.episodes ?? saved?.episodes ?? EVAL_EPISODES;
  const seed: number = o.seed ?? saved?.seed ?? EVAL_SEED;
  const deterministic = o.stochastic ? false : (saved?.deterministic ?? true);
  const returns = agent.evaluate(env, episodes, { seed, deterministic });
  const result = { agent: agent.config.kind, env: id, episodes, seed, deterministic, mean: mean(returns), std: returns.length > 1 ? std(returns) : 0, returns, saved: saved ?? null };
  const note = saved ? ` (saved as the best at episode ${saved.episode}: mean ${saved.mean})` : '';
  process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : `${result.agent} on ${id}: mean return ${result.mean.toFixed(2)} ± ${result.std.toFixed(2)} over ${episodes} episodes, seed ${seed}${note}\n`);
}

export function registerTrainCommands(program: Command): void {
  evalOptions(
    agentOptions(
      program
        .command('train')
        .description('train an agent on an environment, with checkpoints, metrics.jsonl and progress.csv')
        .requiredOption('--env <id>', 'environment id (see `relax-pg list`)')
        .addOption(new Option('--agent <kind>', 'agent').makeOptionMandatory().argParser(agentName))
        .addOption(new Option('--episodes <n>', 'total training episodes').default(500).argParser(num('--episodes', { min: 1, integer: true })))
        .addOption(new Option('--seed <s>', 'seed').default(1).argParser(num('--seed', { integer: true })))
        .addOption(new Option('--checkpoint-every <n>', 'save every n episodes').default(50).argParser(num('--checkpoint-every', { min: 1, integer: true })))
        .option('--out <dir>', 'folder for the agent, metrics and logs (default results/train/<env>-<agent>-<time>)')
        .option('--resume', 'continue the agent saved in --out'),
    ),
  ).action(train);

  program
    .command('evaluate')
    .description('evaluate a saved agent (an eval callback’s DIR/best repeats its best evaluation by default)')
    .argument('<dir>', 'folder of a saved agent')
    .addOption(new Option('--episodes <n>', `episodes (default: the saved evaluation's, else ${EVAL_EPISODES})`).argParser(num('--episodes', { min: 1, integer: true })))
    .addOption(new Option('--seed <s>', `seed (default: the saved evaluation's, else ${EVAL_SEED})`).argParser(num('--seed', { integer: true })))
    .option('--env <id>', 'environment (default: the one it was trained on)')
    .option('--stochastic', 'sample actions instead of taking the most likely one')
    .option('--json', 'print one JSON object')
    .action(evaluate);
}
