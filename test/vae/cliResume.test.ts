// `experiment vae` (on a small MNIST folder via --mnist) killed with SIGKILL
// after a checkpoint and rerun with --resume writes the uninterrupted
// experiment's metrics.jsonl, byte for byte.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCliAsync, startCli, killWhen } from '../cli/spawnCli.js';
import { fakeMnistDir } from './fixtures.js';

describe('experiment vae resumes exactly after a SIGKILL', () => {
  it('metrics.jsonl equals the uninterrupted run', async () => {
    const mnistDir = fakeMnistDir(240, 48);
    const args = [
      'experiment', 'vae', '--mnist', mnistDir, '--estimators', 'rebar', '--seeds', '1', '--steps', '80', '--batch', '8',
      '--checkpoint-every', '10', '--eval-every', '10', '--eval-images', '20', '--variance-every', '5', '--variance-samples', '3',
      '--iwae-samples', '3', '--iwae-images', '5', '--workers', '1',
    ];
    const root = tempDir('relax-pg-vae-kill-');
    const whole = join(root, 'whole');
    const out = join(root, 'killed');
    const straight = runCliAsync([...args, '--out', whole]);
    const child = startCli([...args, '--out', out]);
    await killWhen(child, join(out, 'runs', 'rebar-seed1', 'checkpoint.json'));
    const interrupted = !existsSync(join(out, 'runs', 'rebar-seed1', 'result.json'));
    const resumed = await runCliAsync([...args, '--out', out, '--resume']);
    const w = await straight;
    expect(w.code, w.stderr).toBe(0);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(interrupted).toBe(true);
    expect(resumed.stderr).toMatch(/resuming run from its checkpoint/);
    const text = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    expect(text(whole).split('\n').filter((l) => l.includes('logVariance')).length).toBe(17);
    expect(text(out)).toBe(text(whole));
  });
});
