// One RL run: an agent on an environment for up to maxEpisodes (and
// maxFrames), recording every episode's return, the solved episode, and the
// estimator log-variance. Long runs checkpoint the agent and resume from it.
import { make, mujocoReady } from '../../envs/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent, loadAgent, type EpisodeStats } from '../../agents/index.js';
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
}

export function windowMean(returns: number[], end: number, window: number): number {
  let s = 0;
  for (let i = end - window; i < end; i++) s += returns[i];
  return s / window;
}

/** Where a run keeps its finished track and its checkpoint (a saved agent). */
export function runPaths(runsDir: string, agent: string, seed: number): { track: string; checkpoint: string } {
  return { track: join(runsDir, `${agent}-seed${seed}.json`), checkpoint: join(runsDir, `${agent}-seed${seed}`) };
}

export interface TrainRlOptions {
  /** Stop at this many environment frames as well as at maxEpisodes. */
  maxFrames?: number;
  stopWhenSolved?: boolean;
  /** Checkpoint the agent in runPaths(runsDir, …).checkpoint every `checkpointEvery` episodes; continue from it if it exists. */
  runsDir?: string;
  checkpointEvery?: number;
  onEpisode?: (e: EpisodeStats) => void;
}

export async function trainRl(def: RlExperiment, spec: AgentSpec, seed: number, maxEpisodes: number, options: TrainRlOptions = {}): Promise<RlTrack> {
  if (def.env.startsWith('InvertedPendulum')) await mujocoReady();
  const env = make(def.env, def.envOptions ?? {});
  const checkpointDir = options.runsDir === undefined ? undefined : runPaths(options.runsDir, spec.name, seed).checkpoint;
  const resumed = checkpointDir !== undefined && existsSync(join(checkpointDir, 'agent.json'));
  const agent = resumed
    ? await loadAgent(checkpointDir)
    : createAgent(spec.kind, env, { ...spec.options, seed, varianceEvery: def.varianceEvery, varianceEpisodes: def.varianceEpisodes });
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
  if (episodes > 0 && (frames === undefined || frames > 0) && !(options.stopWhenSolved && solved !== null)) {
    await agent.learn(
      env,
      { episodes, steps: frames },
      {
        onEpisode: (e) => {
          returns.push(e.return);
          lengths.push(e.length);
          if (solved === null && returns.length >= window && windowMean(returns, returns.length, window) >= threshold) solved = returns.length;
          options.onEpisode?.(e);
          return !(options.stopWhenSolved && solved !== null);
        },
        checkpointEvery: checkpointDir ? (options.checkpointEvery ?? 100) : 0,
        onCheckpoint: checkpointDir ? (a) => a.save(checkpointDir) : undefined,
      },
    );
  }
  // The finished agent stays beside its track (evaluate or render it from there).
  if (checkpointDir) await agent.save(checkpointDir);
  let best = -Infinity;
  for (let end = window; end <= returns.length; end++) best = Math.max(best, windowMean(returns, end, window));
  const seconds = agent.seconds;
  const track: RlTrack = {
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
  };
  agent.dispose();
  env.close();
  return track;
}
