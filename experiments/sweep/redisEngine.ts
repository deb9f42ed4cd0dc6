// The queue engine: the trials as BullMQ jobs on Redis, taken by any number
// of `relax-pg worker` processes; returns when every one has ended. A job's
// id is the sweep folder's hash and the trial id, so a re-run (or a second
// submitter) waits on a job still queued or running rather than adding it
// twice; an ended job is replaced. The trial's result.json (written by the
// worker in the shared folder) is the record; the job's result is a copy.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { connectRedis, redisOptions, setQueueVersion, QUEUE_NAME } from './queue.js';
import { readResult, writeResult, type TrialSummary } from './store.js';
import type { TrialJob } from './trial.js';

export const jobIdOf = (job: TrialJob) => `${createHash('sha256').update(resolve(job.sweepDir)).digest('hex').slice(0, 12)}-${job.trial.id}`;

export async function runOnQueue(url: string, jobs: TrialJob[], version: string, onDone: (job: TrialJob, s: TrialSummary) => void, note: (line: string) => void): Promise<void> {
  const client = await connectRedis(url); // unreachable: one line, in seconds
  await setQueueVersion(client, version);
  client.disconnect();
  const connection = redisOptions(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  try {
    await events.waitUntilReady();
    const submitted: Job[] = [];
    for (const job of jobs) {
      const jobId = jobIdOf(job);
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') {
          submitted.push(existing);
          continue;
        }
        await existing.remove();
      }
      submitted.push(await queue.add('trial', job, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false }));
    }
    note(`${submitted.length} trial(s) on the queue ${url}: start workers with \`relax-pg worker --queue ${url}\``);
    await Promise.all(
      submitted.map(async (j, i) => {
        const job = jobs[i];
        let summary: TrialSummary;
        try {
          summary = (await j.waitUntilFinished(events)) as TrialSummary;
        } catch (error) {
          // The worker could not run it at all (its thread died, or a stall limit): the trial failed.
          summary = readResult(job.sweepDir, job.trial.id) ?? failed(job, (error as Error).message);
        }
        // The shared folder's record wins over the job's copy.
        onDone(job, readResult(job.sweepDir, job.trial.id) ?? summary);
      }),
    );
  } finally {
    await events.close();
    await queue.close();
  }
}

function failed(job: TrialJob, message: string): TrialSummary {
  const s: TrialSummary = { id: job.trial.id, status: 'failed', metric: null, episodes: 0, steps: 0, seconds: 0, worker: 'queue', error: message.split('\n')[0], returns: [] };
  writeResult(job.sweepDir, s);
  return s;
}
