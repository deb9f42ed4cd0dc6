// `relax-pg sweep --queue` with two `relax-pg worker` processes on a Redis of
// the test's own: one worker is SIGKILLed mid-trial (after a checkpoint of
// its trial exists); BullMQ's stalled-job check hands the trial to the other,
// which resumes it. Every trial ends exactly once, with metrics.jsonl equal
// byte for byte to the same trial on the local pool. Then a worker of
// another relax-pg version is refused with one line while that version's
// trials wait (a version key left by a finished sweep refuses nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { QUEUE_NAME } from '../../experiments/sweep/queue.js';
import { cli, runCliAsync } from '../cli/spawnCli.js';
import { expectOneLine } from '../cli/oneLine.js';
import { checkDefinition } from '../../experiments/sweep/definition.js';
import { expandTrials } from '../../experiments/sweep/expand.js';
import { tempDir } from '../helpers.js';
import { hasRedis, redisNote, startRedis, type RedisServer } from './redisServer.js';

const SWEEP = { agent: 'relax', env: 'CartPole-v1', episodes: 40, seeds: [1, 2, 3], grid: { lr: [0.01, 0.003] }, metric: 'meanReturnLast100', mode: 'max', checkpointEvery: 5 };
const ids = expandTrials(checkDefinition(structuredClone(SWEEP))).map((t) => t.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

// Every process a test starts, so that a failing test leaves none running.
const started: ChildProcess[] = [];

function start(args: string[]): Started {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, RELAX_PG_BACKEND: 'wasm' }, stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, stderr: () => stderr, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

const startWorker = (url: string) => start(['worker', '--queue', url, '--lock-seconds', '2']);

const readJsonFile = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

if (!hasRedis && !process.env.CI) redisNote(); // a note on stderr: these tests are skipped
if (!hasRedis && !process.env.CI) describe.skip('sweep on a BullMQ queue (redis-server is not installed)', () => it('needs redis-server', () => {}));

describe.runIf(hasRedis || process.env.CI)('sweep on a BullMQ queue', () => {
  let redis: RedisServer;
  const work = tempDir('sweep-queue-');
  const file = join(work, 'definition.json');
  writeFileSync(file, JSON.stringify(SWEEP));

  beforeAll(async () => {
    redisNote(); // under CI without redis-server: fails here
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
  });

  it('survives a worker killed mid-trial: every trial ends once, with the local pool’s exact metrics', async () => {
    const local = join(work, 'local');
    const ran = await runCliAsync(['sweep', file, '--out', local, '--workers', '2']);
    expect(ran.code, ran.stderr).toBe(0);

    const out = join(work, 'queue');
    const workers = [startWorker(redis.url), startWorker(redis.url)];
    const sweep = start(['sweep', file, '--out', out, '--queue', redis.url]);
    // Kill the first worker once a trial it runs has a checkpoint (and has not ended).
    const victim = workers[0];
    let killed: string | undefined;
    for (const t0 = Date.now(); !killed && Date.now() - t0 < 90_000; await sleep(20)) {
      for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited early (${w.child.exitCode}): ${w.stderr()}`);
      killed = ids.find((id) => {
        const dir = join(out, 'trials', id);
        if (!existsSync(join(dir, 'agent.json')) || existsSync(join(dir, 'result.json')) || !existsSync(join(dir, 'status.json'))) return false;
        return String(readJsonFile(join(dir, 'status.json')).worker).endsWith(`:${victim.child.pid}`);
      });
    }
    expect(killed, 'no trial of the first worker reached a checkpoint').toBeDefined();
    victim.child.kill('SIGKILL');
    await victim.exited;

    expect(await sweep.exited, sweep.stderr()).toBe(0);
    const results = ids.map((id) => readJsonFile(join(out, 'trials', id, 'result.json')));
    expect(results.map((s) => s.status)).toEqual(new Array(6).fill('done'));
    // The killed trial went on in the other worker, from its checkpoint.
    const moved = results.find((s) => s.id === killed)!;
    expect(moved.resumedAt?.length).toBeGreaterThanOrEqual(1);
    expect(moved.resumedAt[0]).toBeGreaterThanOrEqual(SWEEP.checkpointEvery);
    expect(moved.worker).toBe(readJsonFile(join(out, 'trials', killed!, 'status.json')).worker);
    expect(moved.worker.endsWith(`:${workers[1].child.pid}`)).toBe(true);
    // Each trial ran to completion exactly once, across both workers' logs.
    const done = (workers[0].stderr() + workers[1].stderr()).match(/trial [0-9a-f]{12}: done/g) ?? [];
    expect([...done].sort()).toEqual(ids.map((id) => `trial ${id}: done`).sort());
    // Same seed, same numbers, whichever engine (and however often the trial was interrupted).
    for (const id of ids) expect(readFileSync(join(out, 'trials', id, 'metrics.jsonl'), 'utf8'), id).toBe(readFileSync(join(local, 'trials', id, 'metrics.jsonl'), 'utf8'));

    // The queue's view agrees, with the same ids.
    const status = await runCliAsync(['sweep', 'status', '--queue', redis.url, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const trials = JSON.parse(status.stdout).trials as { id: string; status: string; metric: number }[];
    expect(trials.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(trials.every((t) => t.status === 'done' && t.metric === results.find((s) => s.id === t.id).metric)).toBe(true);

    const again = await runCliAsync(['sweep', file, '--out', out, '--queue', redis.url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to do: all 6 trials/);

    // SIGTERM: the idle worker closes gracefully.
    workers[1].child.kill('SIGTERM');
    expect(await workers[1].exited).toBe(0);
  });

  it('refuses a worker of another relax-pg version than the waiting trials, with one line; a leftover version key alone refuses nothing', async () => {
    const client = new Redis(redis.url);
    const key = 'relax-pg:sweep:version';
    const before = await client.get(key);
    await client.set(key, '0.0.0-other');
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port) } });
    try {
      // No trial waits: the key is a finished sweep's, and the worker starts (SIGTERM then ends it cleanly).
      const idle = start(['worker', '--queue', redis.url]);
      for (let i = 0; i < 300 && !/worker \S+ on redis/.test(idle.stderr()); i++) await sleep(100);
      expect(idle.stderr()).toMatch(/worker \S+ on redis/);
      idle.child.kill('SIGTERM');
      expect(await idle.exited).toBe(0);
      // A trial of the other version waits: refused at once.
      const job = await queue.add('trial', { version: '0.0.0-other' });
      try {
        const r = await runCliAsync(['worker', '--queue', redis.url], 30_000);
        expectOneLine(r, 2, /this worker is relax-pg \S+ but the sweep on redis:\/\/127\.0\.0\.1:\d+ was submitted by relax-pg 0\.0\.0-other/);
      } finally {
        await job.remove();
      }
    } finally {
      await queue.close();
      if (before === null) await client.del(key);
      else await client.set(key, before);
      client.disconnect();
    }
  });
});
