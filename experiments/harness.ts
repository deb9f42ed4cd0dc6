// The one experiment harness behind `experiment toy|vae|<rl>` and `compare`:
// an output folder with config.json, a method × seed job grid, resume or wipe
// per run, a progress bar, the worker pool, each run's result written
// atomically as it finishes, the experiment's metrics.jsonl assembled from
// the runs' own (written live) in job order, summary.json and the report.
// An experiment supplies only what differs: how to train one job, when a
// stored result is complete, how to summarise and report, its worker module.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { currentBackend } from '../src/tf/index.js';
import { hasCheckpoint } from '../src/nn/index.js';
import { MetricsWriter, readMetrics, Progress, readJson, writeJsonAtomic, writeRunInfo, type Logger, type ProgressPayload } from '../src/report/index.js';
import { runPool, defaultWorkers } from './pool.js';

/** One run of the grid: a method (estimator or agent) under the field name K, and a seed. */
export type Job<K extends string> = { [k in K]: string } & { seed: number };

/** A job as training gets it (in this thread or a worker's). */
export type RunJob<K extends string> = Job<K> & {
  /** The run's folder: its checkpoint and its metrics.jsonl, written as the run goes. */
  dir: string;
  /** Continue from the checkpoint in `dir` (else `dir` has been emptied). */
  resume: boolean;
};

export interface Experiment<K extends string, R, S> {
  /** The progress bar's label. */
  label: string;
  /** The field naming the method in jobs, rows and log lines ('estimator', 'agent'). */
  methodKey: K;
  methods: string[];
  seeds: number[];
  /** Progress units of one whole run (steps, episodes or frames). */
  budget: number;
  /** What config.json records (the backend is added). */
  config: object;
  runInfo?: Record<string, unknown>;
  /** The finished result in the run's folder (result.json) rather than beside it (runs/<run>.json). */
  resultInRunDir?: boolean;
  /** Whether a stored result meets this invocation's budget (else its run continues from its checkpoint). */
  complete(result: R): boolean;
  /** Whether `dir` holds a checkpoint to resume from (default: src/nn's checkpoint.json). */
  hasCheckpoint?(dir: string): boolean;
  /** One job in this thread (tests, one worker); in worker threads the same work runs in `worker`. */
  train(job: RunJob<K>, onProgress: (p: Record<string, number>) => void): Promise<R>;
  /** The worker module (see pool.ts) and the data it starts with. */
  worker: { url: URL; data: unknown };
  /** How far a run is by its progress message, and what the bar shows. */
  progress(p: Record<string, number>): { done: number; show?: ProgressPayload };
  /** What the log says of a finished run. */
  finished(result: R): Record<string, unknown>;
  /** The summary from every run's result, in job order (method, then seed). */
  summarise(results: R[], wallSeconds: number): S;
  report(summary: S, results: R[]): Promise<void>;
}

export interface HarnessOptions {
  logger: Logger;
  resume?: boolean;
  workers?: number;
}

/** Where one run keeps its folder and its finished result. */
export function runFiles(runsDir: string, method: string, seed: number, resultInRunDir = false): { dir: string; result: string } {
  const dir = join(runsDir, `${method}-seed${seed}`);
  return { dir, result: resultInRunDir ? join(dir, 'result.json') : `${dir}.json` };
}

/** A summary's entry per method, each from that method's results (in seed order, as the harness gives them). */
export function perMethod<R, T>(methods: string[], results: R[], methodOf: (r: R) => string, entry: (mine: R[]) => T): Record<string, T> {
  return Object.fromEntries(methods.map((m) => [m, entry(results.filter((r) => methodOf(r) === m))]));
}

export async function runExperiment<K extends string, R, S>(e: Experiment<K, R, S>, outDir: string, options: HarnessOptions): Promise<S> {
  const { logger } = options;
  const resume = Boolean(options.resume);
  const start = performance.now();
  const runsDir = join(outDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  writeRunInfo(outDir, e.config, { backend: currentBackend(), ...e.runInfo });
  const grid = e.methods.flatMap((method) => e.seeds.map((seed) => ({ [e.methodKey]: method, seed }) as Job<K>));
  const files = (job: Job<K>) => runFiles(runsDir, job[e.methodKey], job.seed, e.resultInRunDir);
  const key = (job: Job<K>) => `${job[e.methodKey]}:${job.seed}`;
  const named = (job: Job<K>) => ({ [e.methodKey]: job[e.methodKey], seed: job.seed });
  const results = new Map<string, R>();
  const done = new Map<string, number>();
  const jobs: RunJob<K>[] = [];
  const resumable = e.hasCheckpoint ?? hasCheckpoint;
  for (const job of grid) {
    const { dir, result } = files(job);
    const previous = resume && existsSync(result) ? readJson<R>(result) : undefined;
    if (previous !== undefined && e.complete(previous)) {
      results.set(key(job), previous);
      done.set(key(job), e.budget);
      logger.info('resumed finished run', named(job));
      continue;
    }
    // A run's checkpoint is continued with --resume (also to extend a finished
    // run to a larger budget); anything else in its folder is from another run.
    if (resume && resumable(dir)) logger.info('resuming run from its checkpoint', named(job));
    else rmSync(dir, { recursive: true, force: true });
    if (!resume) rmSync(result, { force: true });
    jobs.push({ ...job, dir, resume });
  }
  const progress = new Progress({ total: grid.length * e.budget, label: e.label, logger });
  const total = () => [...done.values()].reduce((a, b) => a + b, 0);
  progress.update(total());
  await runPool<RunJob<K>, R>({
    jobs,
    workers: options.workers ?? defaultWorkers(),
    workerUrl: e.worker.url,
    workerData: e.worker.data,
    inline: (job, onProgress) => e.train(job, onProgress),
    onProgress: (job, p) => {
      const { done: at, show } = e.progress(p);
      done.set(key(job), at);
      progress.update(total(), { ...named(job), ...show });
    },
    onDone: (job, result) => {
      // Each finished run is written atomically: a killed experiment resumes after it.
      writeJsonAtomic(files(job).result, result);
      results.set(key(job), result);
      done.set(key(job), e.budget);
      logger.info('run finished', { ...named(job), ...e.finished(result) });
    },
  });
  progress.stop();
  // Each run wrote its rows as it went; the experiment's file holds them all, in job order.
  const metrics = new MetricsWriter(join(outDir, 'metrics.jsonl'), { append: false });
  for (const job of grid) {
    const path = join(files(job).dir, 'metrics.jsonl');
    if (existsSync(path)) for (const row of readMetrics(path)) metrics.write({ ...named(job), ...row });
  }
  metrics.close();
  const ordered = grid.map((job) => results.get(key(job))!);
  const summary = e.summarise(ordered, (performance.now() - start) / 1000);
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  await e.report(summary, ordered);
  return summary;
}
