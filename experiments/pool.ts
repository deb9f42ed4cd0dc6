// A small pool of worker threads for experiments: jobs go to whichever worker
// is free, and each worker has its own tfjs engine, so an experiment uses
// every core. Jobs must depend only on their own seed, so results do not
// depend on scheduling. From TypeScript sources (tests) or with one worker,
// jobs run in this thread instead.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../src/errors.js';

/** A job's failure as it crosses the thread boundary (class identity is lost in structured clone). */
export interface JobFailure {
  user: boolean;
  name: string;
  message: string;
  stack?: string;
}

export interface PoolMessage<R> {
  type: 'ready' | 'progress' | 'done' | 'failed';
  progress?: Record<string, number>;
  result?: R;
  failure?: JobFailure;
}

export function defaultWorkers(): number {
  return Math.min(2, availableParallelism());
}

/**
 * More threads than cores only slow every run down (each has its own tfjs
 * engine), so a request is capped at os.availableParallelism(); `note` hears
 * about a cap once.
 */
export function capWorkers(requested: number, note?: (message: string) => void): number {
  const cores = availableParallelism();
  if (requested <= cores) return requested;
  note?.(`--workers ${requested} capped at ${cores} (the cores available)`);
  return cores;
}

/** The error a worker's failure becomes here: a UserError stays one (the CLI's one line, exit 2). */
export function fromFailure(f: JobFailure): Error {
  if (f.user) return new UserError(f.message);
  const e = new Error(f.message);
  e.name = f.name;
  if (f.stack) e.stack = f.stack;
  return e;
}

function toFailure(error: unknown): JobFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return { user: e instanceof UserError, name: e.name, message: e.message, stack: e.stack };
}

export async function runPool<J, R>(options: {
  jobs: J[];
  workers: number;
  /** The worker module (compiled .js beside the caller). */
  workerUrl: URL;
  workerData: unknown;
  /** The same work in this thread, for tests and single-worker runs. */
  inline: (job: J, onProgress: (p: Record<string, number>) => void) => Promise<R> | R;
  onProgress: (job: J, p: Record<string, number>) => void;
  onDone: (job: J, result: R) => void;
}): Promise<void> {
  const { jobs } = options;
  const workers = capWorkers(options.workers);
  const fromSource = import.meta.url.endsWith('.ts');
  if (workers <= 1 || fromSource || jobs.length <= 1) {
    for (const job of jobs) options.onDone(job, await options.inline(job, (p) => options.onProgress(job, p)));
    return;
  }
  const queue = [...jobs];
  const running: Worker[] = [];
  let failed = false;
  // The first failure ends the pool: the other workers are stopped rather than left running.
  const fail = (reject: (e: Error) => void, error: Error) => {
    if (!failed) {
      failed = true;
      for (const w of running) void w.terminate();
    }
    reject(error);
  };
  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(options.workerUrl, { workerData: options.workerData });
      running.push(worker);
      let current: J | undefined;
      const next = () => {
        current = failed ? undefined : queue.shift();
        worker.postMessage(current ?? null);
      };
      worker.on('message', (m: PoolMessage<R>) => {
        if (m.type === 'ready') next();
        else if (m.type === 'progress' && current !== undefined) options.onProgress(current, m.progress!);
        else if (m.type === 'done' && current !== undefined) {
          options.onDone(current, m.result!);
          next();
        } else if (m.type === 'failed') fail(reject, fromFailure(m.failure!));
      });
      worker.on('error', (e) => fail(reject, e));
      worker.on('exit', (code) => {
        if (code === 0 || failed) resolve();
        else fail(reject, new Error(`experiment worker exited with code ${code}`));
      });
    });
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, spawn));
}

/** The worker side: receive jobs until null, post progress and results, or the failure that ends it. */
export function serveJobs<J, R>(
  port: import('node:worker_threads').MessagePort,
  work: (job: J, onProgress: (p: Record<string, number>) => void) => Promise<R> | R,
): void {
  port.on('message', async (job: J | null) => {
    if (job === null) {
      port.close();
      return;
    }
    try {
      const result = await work(job, (progress) => port.postMessage({ type: 'progress', progress }));
      port.postMessage({ type: 'done', result });
    } catch (error) {
      port.postMessage({ type: 'failed', failure: toFailure(error) });
      port.close();
    }
  });
  port.postMessage({ type: 'ready' });
}
