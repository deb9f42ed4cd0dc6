// One RL run: an agent on an environment for up to maxEpisodes (and
// maxFrames), recording every episode's return, the solved episode, and the
// estimator log-variance. Long runs checkpoint the agent and resume from it.
// Optionally on normalised observations, and evaluated as it goes (best agent
// kept, early stopping) as `relax-pg train` does.
import { make, mujocoReady, NormalizeObservation, type Env } from '../../envs/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createAgent,
  loadAgent,
  EvalCallback,
  ProgressCsv,
  StopOnNoImprovement,
  StopOnRewardThreshold,
  type EpisodeStats,
  type EvalState,
  type PolicyGradientAgent,
  type TrainingCallback,
} from '../../agents/index.js';
import { TrainingDiverged } from '../../agents/learn.js';
import { MetricsWriter, keepMetrics } from '../../src/report/index.js';
import type { AgentSpec, RlExperiment } from './definitions.js';

export interface RlTrack {
  agent: string;
  seed: number;
  returns: number[];
  lengths: number[];
  /** First episode at which the last-`window` mean reached the threshold (null if never). */
  episodesToSolve: number | null;
  bestWindowMean: number;
  variance: { episodes: number; logVariance: number }[];
  totalSteps: number;
  seconds: number;
  msPerEpisode: number;
  /** With evaluation: the best evaluation mean and its episode, and why evaluation stopped the run (else null). */
  bestEvaluation?: { mean: number | null; episode: number | null };
  stopped?: string | null;
}

export function windowMean(returns: number[], end: number, window: number): number {
  let s = 0;
  for (let i = end - window; i < end; i++) s += returns[i];
  return s / window;
}

export interface TrainRlOptions {
  /** Stop at this many environment frames as well as at maxEpisodes. */
  maxFrames?: number;
  stopWhenSolved?: boolean;
  /**
   * The run's folder: its checkpoint (the saved agent, every `checkpointEvery`
   * episodes and at the end), continued if there is one, and its
   * metrics.jsonl and progress.csv, written as the run goes.
   */
  dir?: string;
  checkpointEvery?: number;
  /** After every episode; false stops the run there (e.g. a sweep's early stopping). */
  onEpisode?: (e: EpisodeStats) => boolean | void;
  /** Every 10th episode: how far the run is. */
  onProgress?: (p: { episode: number; frames: number; ret: number }) => void;
}

export async function trainRl(def: RlExperiment, spec: AgentSpec, seed: number, maxEpisodes: number, options: TrainRlOptions = {}): Promise<RlTrack> {
  if (def.env.startsWith('InvertedPendulum')) await mujocoReady();
  const raw = make(def.env, def.envOptions ?? {});
  const checkpointDir = options.dir;
  const resumed = checkpointDir !== undefined && existsSync(join(checkpointDir, 'agent.json'));
  const saved = resumed ? await loadAgent(checkpointDir) : undefined;
  // A normalised agent trains on normalised observations, and resumes so, with its statistics (restored by learn).
  const normalized = saved ? saved.observationStats() !== undefined : Boolean(def.normalizeObs);
  const env: Env<any, any> = normalized ? new NormalizeObservation(raw) : raw;
  const agent = saved ?? createAgent(spec.kind, env, { ...spec.options, seed, varianceEvery: def.varianceEvery, varianceEpisodes: def.varianceEpisodes });
  let metrics: MetricsWriter | undefined;
  if (checkpointDir !== undefined) {
    const path = join(checkpointDir, 'metrics.jsonl');
    // Rows made after the checkpoint's last episode are made again by the resumed run: drop them first.
    const at = agent.counters.episodes;
    keepMetrics(path, (r) => resumed && (r.episode as number) <= at);
    metrics = new MetricsWriter(path);
  }
  try {
    return await train(def, spec, seed, maxEpisodes, options, { agent, env, metrics });
  } catch (error) {
    // Name the run: an experiment runs many.
    throw error instanceof TrainingDiverged ? new TrainingDiverged(`${spec.name}, seed ${seed}: ${error.message}`) : error;
  } finally {
    metrics?.close();
    agent.dispose();
    env.close();
  }
}

async function train(
  def: RlExperiment,
  spec: AgentSpec,
  seed: number,
  maxEpisodes: number,
  options: TrainRlOptions,
  { agent, env, metrics }: { agent: PolicyGradientAgent; env: Env<any, any>; metrics?: MetricsWriter },
): Promise<RlTrack> {
  const checkpointDir = options.dir;
  const { threshold, window } = def.solve;
  // A resumed agent carries every earlier episode in its history.
  const returns = agent.history.map((e) => e.return);
  const lengths = agent.history.map((e) => e.length);
  const solvedAt = () => {
    for (let end = window; end <= returns.length; end++) if (windowMean(returns, end, window) >= threshold) return end;
    return null;
  };
  let solved = solvedAt();
  const episodes = maxEpisodes - agent.counters.episodes;
  const frames = options.maxFrames === undefined ? undefined : options.maxFrames - agent.counters.steps;
  const evaluator = def.evaluation ? evalCallback(def, checkpointDir) : undefined;
  const stoppedBefore = (agent.callbackStates.eval as EvalState | undefined)?.stopped;
  const callbacks: TrainingCallback[] = checkpointDir ? [new ProgressCsv(join(checkpointDir, 'progress.csv'))] : [];
  if (evaluator) callbacks.push(evaluator);
  if (episodes > 0 && (frames === undefined || frames > 0) && !(options.stopWhenSolved && solved !== null) && !stoppedBefore) {
    await agent.learn(
      env,
      { episodes, steps: frames },
      {
        onEpisode: (e) => {
          returns.push(e.return);
          lengths.push(e.length);
          if (solved === null && returns.length >= window && windowMean(returns, returns.length, window) >= threshold) solved = returns.length;
          const more = options.onEpisode?.(e) !== false;
          if (e.episode % 10 === 0) options.onProgress?.({ episode: e.episode, frames: e.totalSteps, ret: e.return });
          return more && !(options.stopWhenSolved && solved !== null);
        },
        onRow: (row) => metrics?.write(row),
        checkpointEvery: checkpointDir ? (options.checkpointEvery ?? 100) : 0,
        onCheckpoint: checkpointDir ? (a) => a.save(checkpointDir) : undefined,
        callbacks,
      },
    );
  }
  evaluator?.env.close();
  const record = evaluator?.record ?? (agent.callbackStates.eval as EvalState | undefined);
  // The finished agent stays beside its track (evaluate or render it from there).
  if (checkpointDir) await agent.save(checkpointDir);
  let best = -Infinity;
  for (let end = window; end <= returns.length; end++) best = Math.max(best, windowMean(returns, end, window));
  const seconds = agent.seconds;
  return {
    agent: spec.name,
    seed,
    returns,
    lengths,
    episodesToSolve: solved,
    bestWindowMean: best,
    variance: agent.varianceHistory.map((v) => ({ episodes: v.episodes, logVariance: v.logVariance })),
    totalSteps: agent.counters.steps,
    seconds,
    msPerEpisode: (1000 * seconds) / Math.max(1, returns.length),
    ...(def.evaluation ? { bestEvaluation: { mean: record?.bestMean ?? null, episode: record?.bestEpisode ?? null }, stopped: record?.stopped ?? null } : {}),
  };
}

/** The evaluation of def.evaluation, on an env of its own, keeping the best agent in <dir>/best. */
function evalCallback(def: RlExperiment, dir: string | undefined): EvalCallback {
  const e = def.evaluation!;
  return new EvalCallback(make(def.env, def.envOptions ?? {}), {
    every: e.every,
    episodes: e.episodes,
    seed: e.seed,
    bestDir: dir === undefined ? undefined : join(dir, 'best'),
    onNewBest: e.stopReward === undefined ? undefined : new StopOnRewardThreshold(e.stopReward),
    afterEval: e.stopPatience === undefined ? undefined : new StopOnNoImprovement(e.stopPatience),
  });
}
