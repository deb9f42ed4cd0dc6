// The worker pool (compiled, so real threads): a job's UserError reaches the
// caller as a UserError (the CLI's one line, exit 2), anything else as an
// internal error, and the first failure stops the other workers (no hang).
import { describe, it, expect } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers.js';

const dist = join(import.meta.dirname, '../../dist');
const url = (p: string) => pathToFileURL(join(dist, p)).href;

async function setup() {
  if (!existsSync(join(dist, 'experiments/pool.js'))) throw new Error('dist/ is missing: run `npm run build`');
  const pool = (await import(url('experiments/pool.js'))) as typeof import('../../experiments/pool.js');
  const { UserError } = (await import(url('src/errors.js'))) as typeof import('../../src/errors.js');
  const worker = join(tempDir('relax-pg-pool-'), 'worker.mjs');
  writeFileSync(
    worker,
    `import { parentPort } from 'node:worker_threads';
import { serveJobs } from '${url('experiments/pool.js')}';
import { UserError } from '${url('src/errors.js')}';
serveJobs(parentPort, async (job) => {
  if (job === 'user') throw new UserError('the user asked for the impossible');
  if (job === 'internal') throw new RangeError('Invalid typed array length');
  if (job === 'slow') await new Promise((r) => setTimeout(r, 60_000));
  return job;
});
`,
  );
  const run = (jobs: string[]) => {
    const done: string[] = [];
    const promise = pool.runPool<string, string>({
      jobs,
      workers: 2,
      workerUrl: pathToFileURL(worker),
      workerData: null,
      inline: () => {
        throw new Error('not inline');
      },
      onProgress: () => {},
      onDone: (_, r) => done.push(r),
    });
    return { promise, done };
  };
  return { run, UserError };
}

describe('runPool', () => {
  it('forwards a UserError from a worker as a UserError, and stops the slow worker beside it', async () => {
    const { run, UserError } = await setup();
    const t0 = Date.now();
    const error = await run(['slow', 'user']).promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('the user asked for the impossible');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('forwards any other error with its name and message (an internal error), not a UserError', async () => {
    const { run, UserError } = await setup();
    const error = (await run(['ok', 'internal', 'ok2']).promise.catch((e: unknown) => e)) as Error;
    expect(error).not.toBeInstanceOf(UserError);
    expect(error.name).toBe('RangeError');
    expect(error.message).toBe('Invalid typed array length');
  });

  it('runs every job when none fails', async () => {
    const { run } = await setup();
    const { promise, done } = run(['a', 'b', 'c']);
    await promise;
    expect(done.sort()).toEqual(['a', 'b', 'c']);
  });
});
