// `relax-pg experiment cartpole|...` and `relax-pg compare`: each agent × seed,
// written to results/<name>/<run>/ with config, metrics, per-run results
// (resume points), summary.json, plots and report.md.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { currentBackend } from '../../src/tf/index.js';
import { MetricsWriter, Progress, readJson, writeJsonAtomic, writeRunInfo, mean, std, type Logger } from '../../src/report/index.js';
import { runPool, defaultWorkers } from '../pool.js';
import type { RlExperiment } from './definitions.js';
import { trainRl, runPaths, type RlTrack } from './train.js';
import { writeRlReport } from './report.js';

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
    }
  >;
  backend: string;
  wallSeconds: number;
}

type Job = { agent: string; seed: number };

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
  const { logger } = options;
  const start = performance.now();
  const seeds = Array.from({ length: options.seeds ?? def.seeds }, (_, i) => (options.seed ?? 1) + i);
  const maxEpisodes = options.maxEpisodes ?? def.maxEpisodes;
  const { maxFrames } = options;
  // Progress in frames when there is a frame budget, else in episodes.
  const budget = maxFrames ?? maxEpisodes;
  const stopWhenSolved = options.stopWhenSolved ?? false;
  const runsDir = join(outDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  writeRunInfo(outDir, { ...def, seeds, maxEpisodes, maxFrames, stopWhenSolved }, { backend: currentBackend() });
  const runOptions = { maxFrames, stopWhenSolved, runsDir };
  const metrics = new MetricsWriter(join(outDir, 'metrics.jsonl'), { append: Boolean(options.resume) });
  const tracks: RlTrack[] = [];
  const jobs: Job[] = [];
  const done = new Map<string, number>();
  // Episodes whose metrics an earlier, shorter run already wrote.
  const written = new Map<string, number>();
  const key = (j: Job) => `${j.agent}:${j.seed}`;
  // Whether a finished run also meets this invocation's budget.
  const complete = (t: RlTrack) =>
    t.returns.length >= maxEpisodes || (maxFrames !== undefined && t.totalSteps >= maxFrames) || (stopWhenSolved && t.episodesToSolve !== null);
  for (const a of def.agents) {
    for (const seed of seeds) {
      const paths = runPaths(runsDir, a.name, seed);
      const previous = options.resume && existsSync(paths.track) ? readJson<RlTrack>(paths.track) : undefined;
      if (previous && complete(previous)) {
        tracks.push(previous);
        done.set(key({ agent: a.name, seed }), budget);
        logger.info('resumed finished run', { agent: a.name, seed });
        continue;
      }
      written.set(key({ agent: a.name, seed }), previous?.returns.length ?? 0);
      // A run's checkpoint (its agent, saved every 100 episodes and at the
      // end) is continued with --resume, also to extend a finished run to a
      // larger budget, and discarded otherwise.
      if (options.resume && existsSync(join(paths.checkpoint, 'agent.json'))) logger.info('resuming run from its checkpoint', { agent: a.name, seed });
      else rmSync(paths.checkpoint, { recursive: true, force: true });
      jobs.push({ agent: a.name, seed });
    }
  }
  const progress = new Progress({ total: def.agents.length * seeds.length * budget, label: def.name, logger });
  const total = () => [...done.values()].reduce((x, y) => x + y, 0);
  await runPool<Job, RlTrack>({
    jobs,
    workers: options.workers ?? defaultWorkers(),
    workerUrl: new URL('./worker.js', import.meta.url),
    workerData: { backend: currentBackend(), def, maxEpisodes, runOptions },
    inline: (job, onProgress) =>
      trainRl(def, def.agents.find((a) => a.name === job.agent)!, job.seed, maxEpisodes, {
        ...runOptions,
        onEpisode: (e) => e.episode % 10 === 0 && onProgress({ episode: e.episode, frames: e.totalSteps, ret: e.return }),
      }),
    onProgress: (job, p) => {
      done.set(key(job), maxFrames === undefined ? p.episode : p.frames);
      progress.update(total(), { agent: job.agent, seed: job.seed, return: Math.round(p.ret) });
    },
    onDone: (job, track) => {
      done.set(key(job), budget);
      const from = written.get(key(job)) ?? 0;
      track.returns.forEach((r, i) => i >= from && metrics.write({ agent: job.agent, seed: job.seed, episode: i + 1, return: r, length: track.lengths[i] }));
      for (const v of track.variance) if (v.episodes > from) metrics.write({ agent: job.agent, seed: job.seed, episode: v.episodes, logVariance: v.logVariance });
      writeJsonAtomic(runPaths(runsDir, job.agent, job.seed).track, track);
      tracks.push(track);
      logger.info('run finished', {
        agent: job.agent,
        seed: job.seed,
        episodesToSolve: track.episodesToSolve,
        best100: Number(track.bestWindowMean.toFixed(1)),
        msPerEpisode: Number(track.msPerEpisode.toFixed(1)),
      });
    },
  });
  progress.stop();
  metrics.close();
  const summary: RlSummary = {
    experiment: def.name,
    env: def.env,
    seeds,
    maxEpisodes,
    maxFrames,
    solve: def.solve,
    agents: {},
    backend: currentBackend(),
    wallSeconds: (performance.now() - start) / 1000,
  };
  for (const a of def.agents) {
    const mine = tracks.filter((t) => t.agent === a.name).sort((x, y) => x.seed - y.seed);
    const solved = mine.map((t) => t.episodesToSolve).filter((x): x is number => x !== null);
    const variances = mine.flatMap((t) => t.variance.map((v) => v.logVariance));
    const frames = mine.reduce((s, t) => s + t.totalSteps, 0);
    const seconds = mine.reduce((s, t) => s + t.seconds, 0);
    summary.agents[a.name] = {
      episodesToSolve: mine.map((t) => t.episodesToSolve),
      framesToSolve: mine.map((t) => (t.episodesToSolve === null ? null : t.lengths.slice(0, t.episodesToSolve).reduce((a, b) => a + b, 0))),
      mean: solved.length ? mean(solved) : null,
      std: solved.length > 1 ? std(solved) : solved.length ? 0 : null,
      solvedSeeds: solved.length,
      bestWindowMean: mine.map((t) => t.bestWindowMean),
      logVariance: variances.length ? mean(variances) : null,
      msPerEpisode: mean(mine.map((t) => t.msPerEpisode)),
      msPer100kFrames: frames > 0 ? (1000 * seconds * 100_000) / frames : NaN,
    };
  }
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  await writeRlReport(outDir, def, summary, tracks);
  return summary;
}
