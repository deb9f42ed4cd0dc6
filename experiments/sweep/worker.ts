// `relax-pg worker --queue URL`: takes trials off the sweep queue, runs each
// in a worker thread of its own (trialThread.ts; reused for the next trial), reports its progress through
// BullMQ's job progress, and returns its summary as the job's result. The
// trial checkpoints into the sweep's folder, so when a worker dies (even by
// SIGKILL) BullMQ's stalled-job check hands the job to another worker after
// the lock expires, and that one resumes from the last checkpoint. The lock
// is short (a few seconds) so recovery is quick; lock renewal runs on this
// thread while the trial computes on its own.
import { hostname } from 'node:os';
import { Worker as Thread } from 'node:worker_threads';
import { Queue, Worker, DelayedError, type Job } from 'bullmq';
import { currentBackend } from '../../src/tf/index.js';
import { UserError } from '../../src/errors.js';
import { fromFailure, type PoolMessage } from '../pool.js';
import { connectRedis, queueVersion, redisOptions, versionMismatch, QUEUE_NAME } from './queue.js';
import type { TrialJob, TrialProgressReport } from './trial.js';
import type { TrialSummary } from './store.js';
import type { TrialThreadData } from './trialThread.js';

export interface WorkerOptions {
  concurrency: number;
  /** The job lock's duration; a dead worker's trial moves on after about 1.5 × this. */
  lockSeconds: number;
  version: string;
  log: (line: string) => void;
}

/**
 * Trial threads, reused: one per trial running at once (as the local pool's),
 * each starting its tfjs engine once; a thread whose trial crashed it is dropped.
 */
class TrialThreads {
  private idle: Thread[] = [];
  constructor(private readonly data: TrialThreadData) {}

  // Listeners are removed one by one: removeAllListeners() on a Worker also stops its messages.
  private spawn(): Promise<Thread> {
    return new Promise((resolve, reject) => {
      const thread = new Thread(new URL('./trialThread.js', import.meta.url), { workerData: this.data });
      const failed = (e: Error) => {
        off();
        reject(e);
      };
      const exited = (code: number) => failed(new Error(`trial thread exited with code ${code} before it was ready`));
      const ready = () => {
        off();
        resolve(thread);
      };
      const off = () => {
        thread.off('message', ready);
        thread.off('error', failed);
        thread.off('exit', exited);
      };
      thread.on('message', ready);
      thread.on('error', failed);
      thread.on('exit', exited);
    });
  }

  async run(job: TrialJob, onProgress: (p: TrialProgressReport) => void): Promise<TrialSummary> {
    const thread = this.idle.pop() ?? (await this.spawn());
    return new Promise((resolve, reject) => {
      const message = (m: PoolMessage<TrialSummary>) => {
        if (m.type === 'progress') onProgress(m.progress as unknown as TrialProgressReport);
        else if (m.type === 'done') {
          off();
          this.idle.push(thread);
          resolve(m.result!);
        } else if (m.type === 'failed') failed(fromFailure(m.failure!));
      };
      const failed = (e: Error) => {
        off();
        void thread.terminate();
        reject(e);
      };
      const exited = (code: number) => failed(new Error(`trial thread exited with code ${code}`));
      const off = () => {
        thread.off('message', message);
        thread.off('error', failed);
        thread.off('exit', exited);
      };
      thread.on('message', message);
      thread.on('error', failed);
      thread.on('exit', exited);
      thread.postMessage(job);
    });
  }

  close(): void {
    for (const t of this.idle.splice(0)) t.postMessage(null); // serveJobs: the thread ends
  }
}

/** Trials waiting or running on the queue. */
async function pendingTrials(url: string): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(url) });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

/** Runs until `stop` resolves (SIGTERM/SIGINT), then finishes or hands back its trials and closes. */
export async function runWorker(url: string, o: WorkerOptions, stop: Promise<void>): Promise<void> {
  const client = await connectRedis(url);
  const theirs = await queueVersion(client);
  client.disconnect();
  // Refused at once only while the other version's trials wait: a key left by a finished sweep refuses nothing (each job is checked again below).
  if (theirs !== undefined && theirs !== o.version && (await pendingTrials(url)) > 0) throw new UserError(versionMismatch(o.version, theirs, url));
  const name = `${hostname()}:${process.pid}`;
  const threads = new TrialThreads({ backend: currentBackend(), worker: name });
  let refused: string | undefined;
  let refuse: () => void = () => {};
  const refusedNow = new Promise<void>((r) => (refuse = r));
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job<TrialJob>, token?: string) => {
      if (job.data.version !== o.version) {
        // Hand the trial back for a worker of the right version, then stop.
        refused = versionMismatch(o.version, job.data.version, url);
        await job.moveToDelayed(Date.now() + 1000, token);
        refuse();
        throw new DelayedError();
      }
      o.log(`trial ${job.data.trial.id} (seed ${job.data.trial.config.seed}): started`);
      const summary = await threads.run(job.data, (p) => void job.updateProgress({ ...p, worker: name }).catch(() => {}));
      o.log(`trial ${summary.id}: ${summary.status}${summary.metric === null ? '' : `, ${job.data.metric} ${summary.metric}`}${summary.error ? ` (${summary.error})` : ''}`);
      return summary;
    },
    {
      connection: redisOptions(url),
      concurrency: o.concurrency,
      name,
      lockDuration: o.lockSeconds * 1000,
      stalledInterval: (o.lockSeconds * 1000) / 2,
      // A trial whose worker dies more often than this is failed rather than retried for ever.
      maxStalledCount: 5,
    },
  );
  worker.on('error', (e) => o.log(`queue error: ${e.message}`));
  await worker.waitUntilReady();
  o.log(`worker ${name} on ${url}: up to ${o.concurrency} trial(s) at once`);
  await Promise.race([stop, refusedNow]);
  // A graceful close lets running trials finish; a second signal (the caller exits) leaves them to the stalled check.
  await worker.close();
  threads.close();
  if (refused) throw new UserError(refused);
}
