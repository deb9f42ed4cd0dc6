// CLI commands for agents: compare, the RL experiments, render (train and evaluate: train.ts).
import { Command, Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { spec as envSpec } from '../../envs/index.js';
import { recordEpisode, writeGif, writePngStrip } from '../../envs/render/index.js';
import { createAgent, loadAgent, type AgentConfig } from '../../agents/index.js';
import { checkAgentFits } from '../../agents/io.js';
import { createLogger } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { RL_EXPERIMENTS, rlExperiment, type RlExperiment } from '../rl/definitions.js';
import { runRlExperiment } from '../rl/run.js';
import { num, nameList, workersOption } from './parse.js';
import { outDirOf, prepareOutDir } from '../outDir.js';
import { agentNames, agentOptions, checkSchedules, makeEnv, pickOptions } from './agentOptions.js';
import { checkEvalOptions, evalOptions, registerTrainCommands } from './train.js';

/** Every agent of `def` can be made for its env: refused here with one line, before any worker starts. */
async function checkAgents(def: RlExperiment): Promise<void> {
  const env = await makeEnv(def.env, def.envOptions ?? {});
  try {
    for (const a of def.agents) createAgent(a.kind, env, a.options).dispose();
  } finally {
    env.close();
  }
}

async function runRlCommand(given: RlExperiment, o: Record<string, any>): Promise<void> {
  checkEvalOptions(o);
  await checkSchedules(o);
  const def: RlExperiment = {
    ...given,
    ...(o.normalizeObs ? { normalizeObs: true } : {}),
    ...(o.evalEvery
      ? { evaluation: { every: o.evalEvery, episodes: o.evalEpisodes, seed: o.evalSeed, stopReward: o.stopReward, stopPatience: o.stopPatience } }
      : {}),
  };
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
      const evaluated = s.bestEvaluation ? `; best evaluation ${s.bestEvaluation.map((x) => (x === null ? '—' : x.toFixed(1))).join(', ')}` : '';
      logger.info(`${name}: episodes to solve ${s.episodesToSolve.map((x) => x ?? '—').join(', ')} (mean ${s.mean === null ? '—' : s.mean.toFixed(0)})${evaluated}`);
    }
    logger.info(`report: ${join(out, 'report.md')}`);
  } finally {
    await logger.close();
  }
}

function experimentOptions(cmd: Command): Command {
  return evalOptions(cmd)
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
  registerTrainCommands(program);

  experimentOptions(
    agentOptions(
      program
        .command('compare')
        .description('compare agents on any environment (several seeds, one report)')
        .requiredOption('--env <id>', 'environment id')
        .addOption(new Option('--agents <list>', 'comma-separated agents').default(['relax', 'a2c', 'reinforce']).argParser(agentNames('--agents')))
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
      let env = await makeEnv(o.env, { renderMode: 'rgb_array' });
      let policy: (obs: any) => any;
      if (o.policy === 'random') {
        env.actionSpace.seed(o.seed);
        policy = () => env.actionSpace.sample();
      } else {
        const agent = await loadAgent(o.policy);
        env = agent.evaluationEnv(env); // its saved observation statistics, if any
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
