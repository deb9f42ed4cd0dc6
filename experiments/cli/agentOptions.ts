// What the agent commands share: making an env by id, the agent options of
// train and compare (the learning rate and entropy bonus may be schedules of
// training progress), and their check before anything runs.
import { Command, Option } from 'commander';
import { make, mujocoReady, spec as envSpec, type Env } from '../../envs/index.js';
import { compileSchedule, scheduleOf, type AgentConfig, type Schedule } from '../../agents/index.js';
import { checkAgent } from '../../agents/applicable.js';
import { ESTIMATORS } from '../../src/estimators/index.js';
import { nameList, num, numList, oneOf, parseNumber, type NumberRule } from './parse.js';

export async function makeEnv(id: string, options: Record<string, unknown> = {}): Promise<Env<any, any>> {
  envSpec(id); // unknown id → one-line UserError
  if (id.startsWith('InvertedPendulum')) await mujocoReady();
  return make(id, options);
}

/**
 * An --agent value: an unknown word is refused here with the agents' names; a
 * catalog estimator that is not an agent (rebar, rloo, …) passes, so that
 * createAgent, which knows the environment, refuses it with the catalog's
 * reason ("'rloo' needs K samples …, which CartPole-v1 does not have").
 */
export function agentName(raw: string): string {
  if (!(raw in ESTIMATORS)) checkAgent(raw);
  return raw;
}

/** --agents: comma-separated agentName()s. */
export const agentNames = (option: string) => nameList(option, agentName);

// Wider layers than this are a typo, not an experiment: 100000 × 100000 weights would take 40 GB.
const MAX_HIDDEN = 4096;

/** A number (checked by `rule`) or an expression of progress (checked by checkSchedules). */
const schedule =
  (option: string, rule: NumberRule) =>
  (raw: string): Schedule => {
    const s = scheduleOf(raw);
    return typeof s === 'number' ? parseNumber(option, raw, rule) : s;
  };

/** Agent options shared by train and compare. */
export function agentOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--lr <x>', "learning rate: a number or an expression of progress (0 → 1 over the budget), e.g. '0.01 * (1 - progress)'").argParser(schedule('--lr', { min: 0, open: true })))
    .addOption(new Option('--target-kl <x>', 'adapt the policy learning rate to this KL per update (0: fixed)').argParser(num('--target-kl', { min: 0 })))
    .addOption(new Option('--cv-lr-scale <x>', 'control-variate / value learning-rate scale').argParser(num('--cv-lr-scale', { min: 0, open: true })))
    .addOption(new Option('--entropy <x>', 'entropy bonus: a number or an expression of progress').argParser(schedule('--entropy', { min: 0 })))
    .addOption(new Option('--gamma <x>', 'discount').argParser(num('--gamma', { min: 0, max: 1 })))
    .addOption(new Option('--hidden <list>', `policy hidden sizes, e.g. 10,10 (each at most ${MAX_HIDDEN})`).argParser(numList('--hidden', { min: 1, max: MAX_HIDDEN, integer: true })))
    .addOption(new Option('--optimizer <name>', 'adam or rmsprop').argParser(oneOf('--optimizer', ['adam', 'rmsprop'])))
    .addOption(new Option('--variance-every <n>', 'measure the estimator log-variance every n updates').argParser(num('--variance-every', { min: 0, integer: true })));
}

export function pickOptions(o: Record<string, unknown>): Partial<AgentConfig> {
  const out: Partial<AgentConfig> = {};
  if (o.lr !== undefined) out.learningRate = o.lr as Schedule;
  if (o.targetKl !== undefined) out.targetKl = o.targetKl as number;
  if (o.cvLrScale !== undefined) out.cvLrScale = o.cvLrScale as number;
  if (o.entropy !== undefined) out.entropyCoef = o.entropy as Schedule;
  if (o.gamma !== undefined) out.gamma = o.gamma as number;
  if (o.hidden !== undefined) out.hidden = o.hidden as number[];
  if (o.optimizer !== undefined) out.optimizer = o.optimizer as AgentConfig['optimizer'];
  if (o.varianceEvery !== undefined) out.varianceEvery = o.varianceEvery as number;
  return out;
}

/** Schedules parse, name only `progress`, and are finite and ≥ 0 at 0 and 1: else one line naming the option. */
export async function checkSchedules(o: Record<string, unknown>): Promise<void> {
  for (const [option, key] of [['--lr', 'lr'], ['--entropy', 'entropy']] as const) {
    if (typeof o[key] === 'string') await compileSchedule(option, o[key] as string);
  }
}
