// A small pool of worker threads for experiments: jobs go to whichever worker
// is free, and each worker has its own tfjs engine, so an experiment uses
// every core. Jobs must depend only on their own seed, so results do not
// depend on scheduling. From TypeScript sources (tests) or with one worker,
// jobs run in this thread instead.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface PoolMessage<R> {
  type: 'ready' | 'progress' | 'done';
  progress?: Record<string, number>;
  result?: R;
}

export function defaultWorkers(): number {
  return Math.min(2, availableParallelism());
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
  const { jobs, workers } = options;
  const fromSource = import.meta.url.endsWith('.ts');
  if (workers <= 1 || fromSource || jobs.length <= 1) {
    for (const job of jobs) options.onDone(job, await options.inline(job, (p) => options.onProgress(job, p)));
    return;
  }
  const queue = [...jobs];
  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(options.workerUrl, { workerData: options.workerData });
      let current: J | undefined;
      const next = () => {
        current = queue.shift();
        worker.postMessage(current ?? null);
      };
      worker.on('message', (m: PoolMessage<R>) => {
        if (m.type === 'ready') next();
        else if (m.type === 'progress' && current !== undefined) options.onProgress(current, m.progress!);
        else if (m.type === 'done' && current !== undefined) {
          options.onDone(current, m.result!);
          next();
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`experiment worker exited with code ${code}`))));
    });
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, spawn));
}

/** The worker side: receive jobs until null, post progress and results. */
export function serveJobs<J, R>(
  port: import('node:worker_threads').MessagePort,
  work: (job: J, onProgress: (p: Record<string, number>) => void) => Promise<R> | R,
): void {
  port.on('message', async (job: J | null) => {
    if (job === null) {
      port.close();
      return;
    }
    const result = await work(job, (progress) => port.postMessage({ type: 'progress', progress }));
    port.postMessage({ type: 'done', result });
  });
  port.postMessage({ type: 'ready' });
}
