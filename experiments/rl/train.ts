// One RL run: an agent on an environment for up to maxEpisodes, recording
// every episode's return, the solved episode, and the estimator log-variance.
import { make, mujocoReady } from '../../envs/index.js';
import { createAgent, type EpisodeStats } from '../../agents/index.js';
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

export async function trainRl(
  def: RlExperiment,
  spec: AgentSpec,
  seed: number,
  maxEpisodes: number,
  options: { stopWhenSolved?: boolean; onEpisode?: (e: EpisodeStats) => void } = {},
): Promise<RlTrack> {
  if (def.env.startsWith('InvertedPendulum')) await mujocoReady();
  const env = make(def.env, def.envOptions ?? {});
  const agent = createAgent(spec.kind, env, {
    ...spec.options,
    seed,
    varianceEvery: def.varianceEvery,
    varianceEpisodes: def.varianceEpisodes,
  });
  const { threshold, window } = def.solve;
  const returns: number[] = [];
  const lengths: number[] = [];
  let solved: number | null = null;
  let best = -Infinity;
  const start = performance.now();
  await agent.learn(
    env,
    { episodes: maxEpisodes },
    {
      onEpisode: (e) => {
        returns.push(e.return);
        lengths.push(e.length);
        if (returns.length >= window) {
          const m = windowMean(returns, returns.length, window);
          best = Math.max(best, m);
          if (solved === null && m >= threshold) solved = returns.length;
        }
        options.onEpisode?.(e);
        return !(options.stopWhenSolved && solved !== null);
      },
    },
  );
  const seconds = (performance.now() - start) / 1000;
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
    msPerEpisode: (1000 * seconds) / returns.length,
  };
  agent.dispose();
  env.close();
  return track;
}
