// `relax-pg experiment cartpole|...` and `relax-pg compare`: each agent × seed,
// written to results/<name>/<run>/ with config, metrics, per-run results
// (resume points), summary.json, plots and report.md.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { currentBackend } from '../../src/tf/index.js';
import { mean, std, type Logger } from '../../src/report/index.js';
import { runExperiment, perMethod } from '../harness.js';
import type { RlExperiment } from './definitions.js';
import { trainRl, type RlTrack } from './train.js';
import { writeRlReport } from './report.js';
import type { RlWorkerData } from './worker.js';

export interface RlSummary {
  experiment: string;
  env: string;
  seeds: number[];
  maxEpisodes: number;
  maxFrames?: number;
  solve: RlExperiment['solve'];
  agents: Record<
    string,
    {
      episodesToSolve: (number | null)[];
      /** Environment frames played up to the solved episode, per seed. */
      framesToSolve: (number | null)[];
      /** Over solved seeds only; null when none solved. */
      mean: number | null;
      std: number | null;
      solvedSeeds: number;
      bestWindowMean: number[];
      logVariance: number | null;
      msPerEpisode: number;
      msPer100kFrames: number;
      /** With evaluation: each seed's best evaluation mean, and why evaluation stopped it (null: it did not). */
      bestEvaluation?: (number | null)[];
      stopped?: (string | null)[];
    }
  >;
  backend: string;
  wallSeconds: number;
}

export async function runRlExperiment(
  def: RlExperiment,
  outDir: string,
  options: {
    logger: Logger;
    seeds?: number;
    seed?: number;
    maxEpisodes?: number;
    maxFrames?: number;
    workers?: number;
    resume?: boolean;
    stopWhenSolved?: boolean;
  },
): Promise<RlSummary> {
  const seeds = Array.from({ length: options.seeds ?? def.seeds }, (_, i) => (options.seed ?? 1) + i);
  const maxEpisodes = options.maxEpisodes ?? def.maxEpisodes;
  const { maxFrames } = options;
  const stopWhenSolved = options.stopWhenSolved ?? false;
  const runOptions = { maxFrames, stopWhenSolved };
  return runExperiment<'agent', RlTrack, RlSummary>(
    {
      label: def.name,
      methodKey: 'agent',
      methods: def.agents.map((a) => a.name),
      seeds,
      // Progress in frames when there is a frame budget, else in episodes.
      budget: maxFrames ?? maxEpisodes,
      config: { ...def, seeds, maxEpisodes, maxFrames, stopWhenSolved },
      // Whether a finished run also meets this invocation's budget.
      complete: (t) =>
        t.returns.length >= maxEpisodes || (maxFrames !== undefined && t.totalSteps >= maxFrames) || (stopWhenSolved && t.episodesToSolve !== null) || Boolean(t.stopped),
      // A run's checkpoint is its saved agent (every 100 episodes and at the end).
      hasCheckpoint: (dir) => existsSync(join(dir, 'agent.json')),
      train: (job, onProgress) => trainRl(def, def.agents.find((a) => a.name === job.agent)!, job.seed, maxEpisodes, { ...runOptions, dir: job.dir, onProgress }),
      worker: { url: new URL('./worker.js', import.meta.url), data: { backend: currentBackend(), def, maxEpisodes, runOptions } satisfies RlWorkerData },
      progress: (p) => ({ done: maxFrames === undefined ? p.episode : p.frames, show: { return: Math.round(p.ret) } }),
      finished: (track) => ({
        episodesToSolve: track.episodesToSolve,
        best100: Number.isFinite(track.bestWindowMean) ? Number(track.bestWindowMean.toFixed(1)) : null, // null: fewer than 100 episodes
        msPerEpisode: Number(track.msPerEpisode.toFixed(1)),
      }),
      summarise: (tracks, wallSeconds) => summarise(def, seeds, maxEpisodes, maxFrames, tracks, wallSeconds),
      report: (summary, tracks) => writeRlReport(outDir, def, summary, tracks),
    },
    outDir,
    options,
  );
}

function summarise(def: RlExperiment, seeds: number[], maxEpisodes: number, maxFrames: number | undefined, tracks: RlTrack[], wallSeconds: number): RlSummary {
  const agents = def.agents.map((a) => a.name);
  return {
    experiment: def.name,
    env: def.env,
    seeds,
    maxEpisodes,
    maxFrames,
    solve: def.solve,
    agents: perMethod(agents, tracks, (t) => t.agent, (mine) => {
      const solved = mine.map((t) => t.episodesToSolve).filter((x): x is number => x !== null);
      const variances = mine.flatMap((t) => t.variance.map((v) => v.logVariance));
      const frames = mine.reduce((s, t) => s + t.totalSteps, 0);
      const seconds = mine.reduce((s, t) => s + t.seconds, 0);
      return {
        episodesToSolve: mine.map((t) => t.episodesToSolve),
        framesToSolve: mine.map((t) => (t.episodesToSolve === null ? null : t.lengths.slice(0, t.episodesToSolve).reduce((a, b) => a + b, 0))),
        mean: solved.length ? mean(solved) : null,
        std: solved.length > 1 ? std(solved) : solved.length ? 0 : null,
        solvedSeeds: solved.length,
        bestWindowMean: mine.map((t) => t.bestWindowMean),
        logVariance: variances.length ? mean(variances) : null,
        msPerEpisode: mean(mine.map((t) => t.msPerEpisode)),
        msPer100kFrames: frames > 0 ? (1000 * seconds * 100_000) / frames : NaN,
        ...(def.evaluation ? { bestEvaluation: mine.map((t) => t.bestEvaluation?.mean ?? null), stopped: mine.map((t) => t.stopped ?? null) } : {}),
      };
    }),
    backend: currentBackend(),
    wallSeconds,
  };
}
