// `experiment toy` killed (SIGKILL) part-way through a run, after one of its
// checkpoints, and rerun with --resume: the finished run is reused, the
// unfinished one continues from its checkpoint, and metrics.jsonl is the
// uninterrupted experiment's, byte for byte.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCliAsync, startCli, killWhen } from './spawnCli.js';

// relax is the slow job (~7 ms a step): it checkpoints every 20 steps and is killed after its first.
const args = ['experiment', 'toy', '--steps', '200', '--seeds', '1', '--estimators', 'reinforce,relax', '--variance-every', '25', '--variance-samples', '100', '--workers', '1'];
const timeless = (path: string) => {
  const s = JSON.parse(readFileSync(path, 'utf8'));
  for (const e of Object.values(s.estimators) as { msPerStep?: number }[]) delete e.msPerStep;
  delete s.wallSeconds;
  return s;
};

describe('experiment toy resumes exactly after a SIGKILL', () => {
  it('metrics.jsonl and the summary equal the uninterrupted run', async () => {
    const root = tempDir('relax-pg-toy-kill-');
    const whole = join(root, 'whole');
    const out = join(root, 'killed');
    const straight = runCliAsync([...args, '--out', whole]);
    const child = startCli([...args, '--out', out]);
    await killWhen(child, join(out, 'runs', 'relax-seed1', 'checkpoint.json'));
    const interrupted = !existsSync(join(out, 'runs', 'relax-seed1.json'));
    const resumed = await runCliAsync([...args, '--out', out, '--resume']);
    const w = await straight;
    expect(w.code, w.stderr).toBe(0);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(interrupted).toBe(true);
    expect(resumed.stderr).toMatch(/resumed finished run/);
    expect(resumed.stderr).toMatch(/resuming run from its checkpoint/);
    const text = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    expect(text(whole).split('\n').filter((l) => l.includes('logVariance')).length).toBe(18);
    expect(text(out)).toBe(text(whole));
    expect(timeless(join(out, 'summary.json'))).toEqual(timeless(join(whole, 'summary.json')));
  });
});
