// One trial, the same whichever engine runs it (in a pool thread or a queue
// worker's thread): the agent training of experiments/rl/train.ts in the
// trial's folder (checkpoints, metrics.jsonl, progress.csv), resumed from its
// checkpoint if it has one, stopped early at an ASHA rung, ended by a
// result.json. A trial that throws ends as 'failed' with its error; it never
// throws itself, so the sweep goes on.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { hasCheckpoint, readCheckpointState } from '../../src/nn/index.js';
import { writeRunInfo } from '../../src/report/index.js';
import type { SavedAgent } from '../../agents/index.js';
import { RL_EXPERIMENTS, type RlExperiment } from '../rl/definitions.js';
import { trainRl } from '../rl/train.js';
import { agentSettings } from './params.js';
import { metricOf, parseMetric } from './metric.js';
import { decideAtRung, recordedDecision, type AshaSettings } from './asha.js';
import { readProgress, readResult, trialDir, writeProgress, writeResult, isFinal, type TrialSummary } from './store.js';
import type { Trial, TrialConfig } from './expand.js';

/** Everything a runner needs of one trial (plain data: it crosses threads and the queue). */
export interface TrialJob {
  /** The sweep's folder, absolute (every worker reaches it). */
  sweepDir: string;
  trial: Trial;
  metric: string;
  mode: 'max' | 'min';
  checkpointEvery: number;
  /** Rungs as fractions of the budget. */
  asha?: { rungs: number[]; eta: number; minTrials: number };
  /** The relax-pg version that submitted it (queue workers refuse another). */
  version: string;
}

export interface TrialProgressReport {
  episodes: number;
  steps: number;
  metric: number | null;
}

const EPISODE_CAP = Number.MAX_SAFE_INTEGER; // a frames-only budget: no episode limit

/** The experiment trainRl runs for this trial: the named experiment's settings, or the env's with no solved rule. */
export function trialExperiment(c: TrialConfig): RlExperiment {
  const e = c.experiment === undefined ? undefined : RL_EXPERIMENTS[c.experiment];
  const base = e?.agents.find((a) => a.name === c.agent);
  const { kind, options } = agentSettings(base?.kind ?? c.agent, c.params, base?.options);
  const varianceEvery = (c.params.varianceEvery as number | undefined) ?? e?.varianceEvery ?? 0;
  return {
    name: e?.name ?? 'sweep',
    env: e?.env ?? c.env!,
    envOptions: c.envOptions ?? e?.envOptions,
    agents: [{ name: c.agent, kind, options }],
    seeds: 1,
    maxEpisodes: c.episodes ?? EPISODE_CAP,
    solve: e?.solve ?? { threshold: Infinity, window: 100 },
    varianceEvery,
    varianceEpisodes: e?.varianceEpisodes ?? 10,
  };
}

function ashaSettings(job: TrialJob): AshaSettings | undefined {
  if (!job.asha) return undefined;
  const budget = job.trial.config.episodes ?? job.trial.config.frames!;
  const rungs = job.asha.rungs.map((f) => Math.max(1, Math.round(f * budget)));
  return { rungs, eta: job.asha.eta, minTrials: job.asha.minTrials };
}

export async function runTrial(job: TrialJob, worker: string, onProgress: (p: TrialProgressReport) => void = () => {}): Promise<TrialSummary> {
  const { sweepDir, trial } = job;
  const previous = readResult(sweepDir, trial.id);
  // Ended already (e.g. a re-delivered queue job): never a second completion.
  if (isFinal(previous)) return previous!;
  const dir = trialDir(sweepDir, trial.id);
  const metric = parseMetric(job.metric);
  const asha = ashaSettings(job);
  const byEpisodes = trial.config.episodes !== undefined;
  let returns: number[] = [];
  let episodes = 0;
  let steps = 0;
  let stoppedAt: number | undefined;
  let resumedAt: number[] | undefined;
  const summary = (status: TrialSummary['status'], seconds: number, error?: string): TrialSummary => ({
    id: trial.id,
    status,
    metric: metricOf(metric, returns),
    episodes,
    steps,
    seconds,
    worker,
    ...(stoppedAt !== undefined ? { stoppedAt } : {}),
    ...(resumedAt ? { resumedAt } : {}),
    ...(error !== undefined ? { error } : {}),
    returns,
  });
  let result: TrialSummary;
  try {
    mkdirSync(dir, { recursive: true });
    writeRunInfo(dir, trial.config, { trial: trial.id, metric: job.metric, mode: job.mode });
    // Where the checkpoint is: its returns so far (for the metric at a rung) and whether a rung already stopped it.
    if (hasCheckpoint(dir, { name: 'agent' })) {
      const history = readCheckpointState<SavedAgent>(dir, { name: 'agent' }).training.history;
      returns = history.map((e) => e.return);
      episodes = history.length;
      steps = history.at(-1)?.totalSteps ?? 0;
      resumedAt = [...(readProgress(sweepDir, trial.id)?.resumedAt ?? []), episodes];
    }
    const position = () => (byEpisodes ? episodes : steps);
    let nextRung = 0;
    while (asha && nextRung < asha.rungs.length && asha.rungs[nextRung] <= position()) {
      if (recordedDecision(sweepDir, nextRung, trial.id) === 'stop') stoppedAt = asha.rungs[nextRung];
      nextRung++;
    }
    if (stoppedAt !== undefined) {
      result = summary('stopped', 0);
    } else {
      const report = () => {
        const p = { episodes, steps, metric: metricOf(metric, returns) };
        writeProgress(sweepDir, trial.id, { status: 'running', worker, host: hostname(), pid: process.pid, ...p, resumedAt, updatedAt: new Date().toISOString() });
        onProgress(p);
      };
      report();
      const def = trialExperiment(trial.config);
      const track = await trainRl(def, def.agents[0], trial.config.seed, def.maxEpisodes, {
        maxFrames: trial.config.frames,
        dir,
        checkpointEvery: job.checkpointEvery,
        onEpisode: (e) => {
          returns.push(e.return);
          episodes = e.episode;
          steps = e.totalSteps;
          if (e.episode % 5 === 0) report();
          if (!asha || nextRung >= asha.rungs.length || asha.rungs[nextRung] > position()) return true;
          const decision = decideAtRung(sweepDir, nextRung, trial.id, metricOf(metric, returns)!, job.mode, asha);
          if (decision === 'stop') stoppedAt = asha.rungs[nextRung];
          nextRung++;
          return decision === 'continue';
        },
      });
      returns = track.returns;
      episodes = track.returns.length;
      steps = track.totalSteps;
      result = summary(stoppedAt === undefined ? 'done' : 'stopped', track.seconds);
    }
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    result = summary('failed', 0, `${e.name === 'Error' || e.name === 'UserError' ? '' : `${e.name}: `}${e.message.split('\n')[0]}`);
  }
  writeResult(sweepDir, result);
  return result;
}
