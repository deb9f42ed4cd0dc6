// CLI commands for agents: train, evaluate, compare, the RL experiments, render.
import { Command, Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { make, mujocoReady, spec as envSpec, type Env } from '../../envs/index.js';
import { recordEpisode, writeGif, writePngStrip } from '../../envs/render/index.js';
import { AGENTS, createAgent, loadAgent, type AgentConfig, type PolicyGradientAgent } from '../../agents/index.js';
import { checkAgentFits } from '../../agents/io.js';
import { createLogger, MetricsWriter, keepMetrics, Progress, writeRunInfo, mean, std } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { RL_EXPERIMENTS, rlExperiment, type RlExperiment } from '../rl/definitions.js';
import { runRlExperiment } from '../rl/run.js';
import { num, numList, nameList, oneOf, workersOption } from './parse.js';
import { outDirOf, prepareOutDir } from '../outDir.js';

async function makeEnv(id: string, options: Record<string, unknown> = {}): Promise<Env<any, any>> {
  envSpec(id); // unknown id → one-line UserError
  if (id.startsWith('InvertedPendulum')) await mujocoReady();
  return make(id, options);
}

// Wider layers than this are a typo, not an experiment: 100000 × 100000 weights would take 40 GB.
const MAX_HIDDEN = 4096;

/** Agent options shared by train and compare. */
function agentOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--lr <x>', 'learning rate').argParser(num('--lr', { min: 0, open: true })))
    .addOption(new Option('--target-kl <x>', 'adapt the policy learning rate to this KL per update (0: fixed)').argParser(num('--target-kl', { min: 0 })))
    .addOption(new Option('--cv-lr-scale <x>', 'control-variate / value learning-rate scale').argParser(num('--cv-lr-scale', { min: 0, open: true })))
    .addOption(new Option('--entropy <x>', 'entropy bonus').argParser(num('--entropy', { min: 0 })))
    .addOption(new Option('--gamma <x>', 'discount').argParser(num('--gamma', { min: 0, max: 1 })))
    .addOption(new Option('--hidden <list>', `policy hidden sizes, e.g. 10,10 (each at most ${MAX_HIDDEN})`).argParser(numList('--hidden', { min: 1, max: MAX_HIDDEN, integer: true })))
    .addOption(new Option('--optimizer <name>', 'adam or rmsprop').argParser(oneOf('--optimizer', ['adam', 'rmsprop'])))
    .addOption(new Option('--variance-every <n>', 'measure the estimator log-variance every n updates').argParser(num('--variance-every', { min: 0, integer: true })));
}

function pickOptions(o: Record<string, unknown>): Partial<AgentConfig> {
  const out: Partial<AgentConfig> = {};
  if (o.lr !== undefined) out.learningRate = o.lr as number;
  if (o.targetKl !== undefined) out.targetKl = o.targetKl as number;
  if (o.cvLrScale !== undefined) out.cvLrScale = o.cvLrScale as number;
  if (o.entropy !== undefined) out.entropyCoef = o.entropy as number;
  if (o.gamma !== undefined) out.gamma = o.gamma as number;
  if (o.hidden !== undefined) out.hidden = o.hidden as number[];
  if (o.optimizer !== undefined) out.optimizer = o.optimizer as AgentConfig['optimizer'];
  if (o.varianceEvery !== undefined) out.varianceEvery = o.varianceEvery as number;
  return out;
}

/** Every agent of `def` can be made for its env: refused here with one line, before any worker starts. */
async function checkAgents(def: RlExperiment): Promise<void> {
  const env = await makeEnv(def.env, def.envOptions ?? {});
  try {
    for (const a of def.agents) createAgent(a.kind, env, a.options).dispose();
  } finally {
    env.close();
  }
}

async function runRlCommand(def: RlExperiment, o: Record<string, any>): Promise<void> {
  await checkAgents(def);
  const out = prepareOutDir(outDirOf(o, def.name));
  const logger = createLogger({ file: join(out, 'log.jsonl') });
  try {
    const summary = await runRlExperiment(def, out, {
      logger,
      seeds: o.seeds,
      seed: o.seed,
      maxEpisodes: o.episodes,
      maxFrames: o.frames,
      workers: o.workers,
      resume: o.resume,
      stopWhenSolved: o.stopWhenSolved,
    });
    for (const [name, s] of Object.entries(summary.agents)) {
      logger.info(`${name}: episodes to solve ${s.episodesToSolve.map((x) => x ?? '—').join(', ')} (mean ${s.mean === null ? '—' : s.mean.toFixed(0)})`);
    }
    logger.info(`report: ${join(out, 'report.md')}`);
  } finally {
    await logger.close();
  }
}

function experimentOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--seeds <n>', 'number of seeds').argParser(num('--seeds', { min: 1, integer: true })))
    .addOption(new Option('--seed <s>', 'first seed').default(1).argParser(num('--seed', { integer: true })))
    .addOption(new Option('--episodes <n>', 'episodes per run').argParser(num('--episodes', { min: 1, integer: true })))
    .addOption(new Option('--frames <n>', 'environment frames per run (a budget besides --episodes)').argParser(num('--frames', { min: 1, integer: true })))
    .addOption(workersOption())
    .option('--stop-when-solved', 'end a run as soon as it is solved')
    .option('--out <dir>', 'results folder')
    .option('--resume', 'skip runs finished in --out and continue the others (or extend them to a larger budget) from their checkpoints');
}

export function registerRlCommands(program: Command, experiment: Command): void {
  agentOptions(
    program
      .command('train')
      .description('train an agent on an environment, with checkpoints')
      .requiredOption('--env <id>', 'environment id (see `relax-pg list`)')
      .addOption(new Option('--agent <kind>', 'agent').makeOptionMandatory().argParser(oneOf('--agent', AGENTS)))
      .addOption(new Option('--episodes <n>', 'total training episodes').default(500).argParser(num('--episodes', { min: 1, integer: true })))
      .addOption(new Option('--seed <s>', 'seed').default(1).argParser(num('--seed', { integer: true })))
      .addOption(new Option('--checkpoint-every <n>', 'save every n episodes').default(50).argParser(num('--checkpoint-every', { min: 1, integer: true })))
      .option('--out <dir>', 'folder for the agent, metrics and logs (default results/train/<env>-<agent>-<time>)')
      .option('--resume', 'continue the agent saved in --out'),
  ).action(async (o) => {
    if (o.resume && !o.out) throw new UserError('--resume needs --out (the folder of the agent to continue)');
    const out = outDirOf(o, 'train', `${o.env}-${o.agent}-`);
    if (!o.resume && existsSync(join(out, 'agent.json'))) {
      throw new UserError(`${out} already holds a saved agent: use --resume to continue it, or another --out`);
    }
    const env = await makeEnv(o.env);
    let agent: PolicyGradientAgent;
    if (o.resume) {
      agent = await loadAgent(out);
      if (agent.config.kind !== o.agent) throw new UserError(`${out} holds a '${agent.config.kind}' agent, not '${o.agent}'`);
      if (agent.envId && agent.envId !== o.env) throw new UserError(`${out} was trained on ${agent.envId}, not ${o.env}`);
      checkAgentFits(agent, env, o.env, `the agent in ${out}`);
    } else {
      agent = createAgent(o.agent, env, { ...pickOptions(o), seed: o.seed });
    }
    const logger = createLogger({ file: join(prepareOutDir(out), 'log.jsonl') });
    writeRunInfo(out, { env: o.env, agent: agent.config, episodes: o.episodes, resume: Boolean(o.resume) });
    // Rows after the saved agent's last episode are made again by the resumed run: drop them first.
    const at = agent.counters.episodes;
    keepMetrics(join(out, 'metrics.jsonl'), (r) => o.resume && (r.episode as number) <= at);
    const metrics = new MetricsWriter(join(out, 'metrics.jsonl'));
    const remaining = o.episodes - agent.counters.episodes;
    if (remaining <= 0) {
      logger.info(`nothing to do: the agent already has ${agent.counters.episodes} episodes`);
      await logger.close();
      return;
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
        checkpointEvery: o.checkpointEvery,
        onCheckpoint: (a) => a.save(out),
      });
      await agent.save(out);
    } finally {
      progress.stop();
      metrics.close();
    }
    logger.info(`saved ${o.agent} agent after ${agent.counters.episodes} episodes: ${out}`, { mean100: Number(mean(recent).toFixed(1)) });
    await logger.close();
  });

  program
    .command('evaluate')
    .description('evaluate a saved agent')
    .argument('<dir>', 'folder of a saved agent')
    .addOption(new Option('--episodes <n>', 'episodes').default(10).argParser(num('--episodes', { min: 1, integer: true })))
    .addOption(new Option('--seed <s>', 'seed').default(1).argParser(num('--seed', { integer: true })))
    .option('--env <id>', 'environment (default: the one it was trained on)')
    .option('--stochastic', 'sample actions instead of taking the most likely one')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, o) => {
      const agent = await loadAgent(dir);
      const id = o.env ?? agent.envId;
      if (!id) throw new UserError(`${dir} does not record its environment: pass --env`);
      const env = await makeEnv(id);
      checkAgentFits(agent, env, id, `the agent in ${dir}`);
      const returns = agent.evaluate(env, o.episodes, { seed: o.seed, deterministic: !o.stochastic });
      const result = { agent: agent.config.kind, env: id, episodes: o.episodes, mean: mean(returns), std: returns.length > 1 ? std(returns) : 0, returns };
      process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : `${result.agent} on ${id}: mean return ${result.mean.toFixed(2)} ± ${result.std.toFixed(2)} over ${o.episodes} episodes\n`);
    });

  experimentOptions(
    agentOptions(
      program
        .command('compare')
        .description('compare agents on any environment (several seeds, one report)')
        .requiredOption('--env <id>', 'environment id')
        .addOption(new Option('--agents <list>', 'comma-separated agents').default(['relax', 'a2c', 'reinforce']).argParser(nameList('--agents', AGENTS)))
        .addOption(new Option('--threshold <x>', 'solved threshold for the 100-episode mean (default: the env’s)').argParser(num('--threshold'))),
    ),
  ).action(async (o) => {
    const registered = envSpec(o.env);
    const threshold = o.threshold ?? registered.rewardThreshold;
    if (threshold === undefined) throw new UserError(`${o.env} has no reward threshold: pass --threshold`);
    const def: RlExperiment = {
      name: `compare-${o.env}`,
      env: o.env,
      agents: (o.agents as string[]).map((k) => ({ name: k, kind: k as AgentConfig['kind'], options: pickOptions(o) })),
      seeds: o.seeds ?? 3,
      maxEpisodes: o.episodes ?? 500,
      solve: { threshold, window: 100 },
      varianceEvery: o.varianceEvery ?? 20,
      varianceEpisodes: 10,
    };
    await runRlCommand(def, { ...o, seeds: def.seeds, episodes: def.maxEpisodes, out: outDirOf(o, 'compare', `${o.env}-`) });
  });

  for (const def of Object.values(RL_EXPERIMENTS)) {
    experimentOptions(experiment.command(def.name).description(`${def.env}: ${def.agents.map((a) => a.name).join(' vs ')} (the paper's protocol)`))
      .option('--only <list>', 'run only these agents of the experiment (comma-separated names)')
      .action(
      (o) => {
        const full = rlExperiment(def.name);
        const names = full.agents.map((a) => a.name);
        const only = o.only ? nameList('--only', names)(o.only) : names;
        return runRlCommand({ ...full, agents: full.agents.filter((a) => only.includes(a.name)) }, o);
      },
    );
  }

  program
    .command('render')
    .description('watch an episode: write it as an animated GIF or a PNG strip')
    .requiredOption('--env <id>', 'environment id')
    .option('--policy <random|dir>', "'random' or the folder of a saved agent", 'random')
    .requiredOption('--out <file>', 'output file (.gif or .png)')
    .addOption(new Option('--seed <s>', 'seed').default(1).argParser(num('--seed', { integer: true })))
    .addOption(new Option('--max-steps <n>', 'longest episode').default(1000).argParser(num('--max-steps', { min: 1, integer: true })))
    .addOption(new Option('--fps <n>', 'GIF frames per second').default(30).argParser(num('--fps', { min: 1, max: 100 })))
    .action(async (o) => {
      const ext = extname(o.out).toLowerCase();
      if (ext !== '.gif' && ext !== '.png') throw new UserError(`--out must end in .gif or .png, got '${o.out}'`);
      if (existsSync(o.out) && statSync(o.out).isDirectory()) throw new UserError(`--out ${o.out} is a folder, not a file`);
      prepareOutDir(dirname(o.out), `--out ${o.out}: its folder`);
      const env = await makeEnv(o.env, { renderMode: 'rgb_array' });
      let policy: (obs: any) => any;
      if (o.policy === 'random') {
        env.actionSpace.seed(o.seed);
        policy = () => env.actionSpace.sample();
      } else {
        const agent = await loadAgent(o.policy);
        checkAgentFits(agent, env, o.env, `the agent in ${o.policy}`);
        policy = (obs) => agent.act(obs, { deterministic: true });
      }
      const frames = recordEpisode(env, policy, { seed: o.seed, maxSteps: o.maxSteps });
      if (ext === '.gif') writeGif(frames, o.out, { fps: o.fps });
      else writePngStrip(frames, o.out, { every: Math.max(1, Math.ceil(frames.length / 12)) });
      process.stdout.write(`wrote ${frames.length} frames to ${o.out}\n`);
      env.close();
    });
}
