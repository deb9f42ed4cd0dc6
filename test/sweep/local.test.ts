// `relax-pg sweep` on the local pool: re-running a finished sweep does
// nothing, a killed one runs only the rest (resuming from checkpoints, same
// numbers), a trial that throws is marked failed and the sweep goes on,
// status --json, the report, and bad input (one line, exit 2, no stack).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli, startCli, killWhen } from '../cli/spawnCli.js';
import { expectOneLine } from '../cli/oneLine.js';
import { checkDefinition } from '../../experiments/sweep/definition.js';
import { expandTrials } from '../../experiments/sweep/expand.js';
import { tempDir } from '../helpers.js';

// 2 learning rates × 2 seeds of a short CartPole RELAX run, a checkpoint every 5 episodes.
const SWEEP = { agent: 'relax', env: 'CartPole-v1', episodes: 40, seeds: [1, 2], grid: { lr: [0.01, 0.003] }, metric: 'meanReturnLast100', mode: 'max', checkpointEvery: 5 };

function sweepFile(dir: string, def: object = SWEEP): string {
  const path = join(dir, 'definition.json');
  writeFileSync(path, JSON.stringify(def));
  return path;
}
const ids = (def: object = SWEEP) => expandTrials(checkDefinition(structuredClone(def))).map((t) => t.id);
const trialFile = (out: string, id: string, f: string) => join(out, 'trials', id, f);
const status = (out: string) => JSON.parse(runCli(['sweep', 'status', out, '--json']).stdout) as { trials: { id: string; status: string; metric: number | null; config: Record<string, unknown>; error?: string }[] };

describe('sweep on the local pool', () => {
  const work = tempDir('sweep-local-');
  const file = sweepFile(work);
  const reference = join(work, 'reference');

  it('runs every trial, and re-running the finished sweep does nothing', () => {
    const r = runCli(['sweep', file, '--out', reference, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    const s = status(reference);
    expect(s.trials.map((t) => t.id)).toEqual(ids());
    expect(s.trials.every((t) => t.status === 'done' && typeof t.metric === 'number')).toBe(true);
    expect(s.trials[0].config).toEqual({ agent: 'relax', env: 'CartPole-v1', params: { lr: 0.01 }, episodes: 40, seed: 1 });
    const mtimes = ids().map((id) => statSync(trialFile(reference, id, 'metrics.jsonl')).mtimeMs);
    const again = runCli(['sweep', file, '--out', reference, '--workers', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to do: all 4 trials/);
    expect(ids().map((id) => statSync(trialFile(reference, id, 'metrics.jsonl')).mtimeMs)).toEqual(mtimes);
  });

  it('re-running a killed sweep runs only the rest, resuming from checkpoints, with the same numbers', async () => {
    const out = join(work, 'killed');
    const [, second] = ids();
    // One trial at a time in the sweep's own thread; killed once the second trial has a checkpoint.
    await killWhen(startCli(['sweep', file, '--out', out, '--workers', '1']), trialFile(out, second, 'agent.json'));
    const ended = ids().filter((id) => existsSync(trialFile(out, id, 'result.json')));
    expect(ended.length).toBeGreaterThanOrEqual(1);
    expect(ended.length).toBeLessThan(4);
    const before = ended.map((id) => readFileSync(trialFile(out, id, 'result.json'), 'utf8'));
    // The trial the kill interrupted is not shown as running: its process is gone.
    const interrupted = ids().filter((id) => !ended.includes(id) && existsSync(trialFile(out, id, 'status.json')));
    expect(interrupted).toHaveLength(1);
    const shown = status(out).trials.find((t) => t.id === interrupted[0])!;
    expect(shown.status).toBe('queued');
    expect(shown.error).toMatch(/its worker stopped/);
    const r = runCli(['sweep', file, '--out', out, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`4 trials: ${ended.length} already ended, ${4 - ended.length} to run`);
    expect(ended.map((id) => readFileSync(trialFile(out, id, 'result.json'), 'utf8'))).toEqual(before);
    const resumed = ids().filter((id) => JSON.parse(readFileSync(trialFile(out, id, 'result.json'), 'utf8')).resumedAt);
    expect(resumed.length).toBe(1);
    for (const id of ids()) expect(readFileSync(trialFile(out, id, 'metrics.jsonl'), 'utf8')).toBe(readFileSync(trialFile(reference, id, 'metrics.jsonl'), 'utf8'));
  });

  it('marks a trial that throws as failed with its error, finishes the others, and retries it on a re-run', () => {
    const out = join(work, 'failing');
    const bad = ids()[1];
    mkdirSync(join(out, 'trials', bad), { recursive: true });
    writeFileSync(trialFile(out, bad, 'agent.json'), '{ not a checkpoint');
    const r = runCli(['sweep', file, '--out', out, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 trial\(s\) failed/);
    const s = status(out);
    expect(s.trials.map((t) => t.status)).toEqual(['done', 'failed', 'done', 'done']);
    expect(runCli(['sweep', 'status', out]).stdout).toMatch(/failed .*agent\.json/);
    // Fixed, the re-run runs that trial only.
    rmSync(trialFile(out, bad, 'agent.json'));
    const again = runCli(['sweep', file, '--out', out, '--workers', '1']);
    expect(again.stderr).toContain('4 trials: 3 already ended, 1 to run');
    expect(status(out).trials.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(readFileSync(trialFile(out, bad, 'metrics.jsonl'), 'utf8')).toBe(readFileSync(trialFile(reference, bad, 'metrics.jsonl'), 'utf8'));
  });

  it('stops trials early at ASHA rungs: status stopped, metrics a prefix of the full run, decisions recorded and kept', () => {
    const out = join(work, 'asha');
    const def = { ...SWEEP, metric: 'meanReturnLast10', asha: { rungs: [0.25, 0.5], eta: 2 } };
    const ashaFile = join(work, 'asha.json');
    writeFileSync(ashaFile, JSON.stringify(def));
    expect(ids(def)).toEqual(ids()); // early stopping and the metric are not part of a trial's id
    const r = runCli(['sweep', ashaFile, '--out', out, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    const results = ids().map((id) => JSON.parse(readFileSync(trialFile(out, id, 'result.json'), 'utf8')));
    expect(results[0].status).toBe('done'); // the first at every rung is the best so far
    const stopped = results.filter((x) => x.status === 'stopped');
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    expect(status(out).trials.filter((t) => t.status === 'stopped').map((t) => t.id)).toEqual(stopped.map((x) => x.id));
    for (const x of stopped) {
      expect([10, 20]).toContain(x.stoppedAt);
      expect(x.episodes).toBe(x.stoppedAt);
      const rung = x.stoppedAt === 10 ? 0 : 1;
      const record = JSON.parse(readFileSync(join(out, 'asha', `rung${rung}`, `${x.id}.json`), 'utf8'));
      expect(record).toEqual({ id: x.id, metric: x.metric, decision: 'stop' });
      // The same rows as the uninterrupted trial, up to where it stopped.
      const full = readFileSync(trialFile(reference, x.id, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l && JSON.parse(l).episode <= x.stoppedAt);
      expect(readFileSync(trialFile(out, x.id, 'metrics.jsonl'), 'utf8')).toBe(`${full.join('\n')}\n`);
    }
    expect(runCli(['sweep', ashaFile, '--out', out, '--workers', '1']).stderr).toMatch(/nothing to do/);
  });

  it('writes report.md with the best configurations, every trial and the plots', () => {
    const r = runCli(['sweep', 'report', reference]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(reference, 'report.md'), 'utf8');
    expect(md).toContain('## Best configurations');
    expect(md).toContain('## Every trial');
    for (const id of ids()) expect(md).toContain(id);
    for (const png of ['metric-vs-lr.png', 'curves.png']) {
      expect(md).toContain(png);
      expect(existsSync(join(reference, png))).toBe(true);
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('sweep: bad input', () => {
  const work = tempDir('sweep-bad-');
  const out = join(work, 'out');
  it.each([
    [{ ...SWEEP, grid: { learning_rate: [0.01] } }, /^relax-pg: grid\.learning_rate: unknown parameter 'learning_rate' \(choose from /],
    [{ ...SWEEP, grid: { lr: [] } }, /^relax-pg: grid\.lr is empty/],
    [{ ...SWEEP, env: 'Pendulum-v1' }, /^relax-pg: 'relax' needs a discrete b/],
  ])('sweep refuses %j', (def, message) => {
    expectOneLine(runCli(['sweep', sweepFile(work, def), '--out', out]), 2, message);
    expect(existsSync(join(out, 'sweep.json'))).toBe(false);
  });

  it('refuses a missing file, bad JSON, a folder without a sweep', () => {
    expectOneLine(runCli(['sweep', join(work, 'missing.json'), '--out', out]), 2, /cannot read the sweep file .*ENOENT/);
    writeFileSync(join(work, 'broken.json'), '{ "agent": ');
    expectOneLine(runCli(['sweep', join(work, 'broken.json'), '--out', out]), 2, /broken\.json is not valid JSON/);
    expectOneLine(runCli(['sweep', 'status', work]), 2, /holds no sweep \(no sweep\.json\)/);
  });

  it('an unreachable queue is one line within a few seconds (sweep, status and worker)', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['sweep', sweepFile(work), '--out', out, '--queue', url], ['sweep', 'status', '--queue', url], ['worker', '--queue', url]]) {
      const r = runCli(args, 20_000);
      expectOneLine(r, 2, /cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(r.ms).toBeLessThan(5000);
    }
    expectOneLine(runCli(['worker', '--queue', 'http://127.0.0.1:6379']), 2, /not a redis:\/\/ URL/);
    expect(existsSync(join(out, 'sweep.json'))).toBe(false);
  });
});
