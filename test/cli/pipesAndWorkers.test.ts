// The CLI as a process among others: a closed pipe on stdout ends it quietly,
// and --workers beyond the cores is capped with a one-line note.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { cli, runCli } from './spawnCli.js';
import { capWorkers } from '../../experiments/pool.js';
import { tempDir } from '../helpers.js';

describe('stdout closed early (relax-pg list | head -1)', () => {
  it('exits 0 with nothing on stderr', async () => {
    const child = spawn(process.execPath, [cli, 'list'], { env: { ...process.env, RELAX_PG_BACKEND: 'wasm' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the CLI writes: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('--workers', () => {
  it('is capped at the cores available, with one note on stderr, and the run completes', () => {
    const cores = availableParallelism();
    const r = runCli(['experiment', 'toy', '--workers', '4096', '--steps', '4', '--seeds', '1', '--estimators', 'reinforce', '--out', join(tempDir('relax-pg-workers-'), 'toy')]);
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stderr.split('\n').filter((l) => /note:/.test(l));
    expect(notes).toEqual([`relax-pg: note: --workers 4096 capped at ${cores} (the cores available)`]);
    expect(runCli(['experiment', 'toy', '--help']).stdout).toMatch(/capped/);
  });

  it('capWorkers leaves a request within the cores alone and says nothing', () => {
    const said: string[] = [];
    expect(capWorkers(1, (m) => said.push(m))).toBe(1);
    expect(capWorkers(availableParallelism() + 1, (m) => said.push(m))).toBe(availableParallelism());
    expect(said).toHaveLength(1);
  });
});
