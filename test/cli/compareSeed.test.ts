// `compare` run twice with the same seed writes the same metrics, every
// log-variance measurement included (the variance probe is seeded too).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCliAsync } from './spawnCli.js';

describe('compare: same seed, same numbers', () => {
  it('returns, lengths and every logVariance row are identical', async () => {
    const root = tempDir('relax-pg-cmp-seed-');
    const args = ['compare', '--env', 'CartPole-v0', '--agents', 'relax,reinforce', '--seeds', '1', '--seed', '5', '--episodes', '20', '--variance-every', '5', '--workers', '1'];
    const [a, b] = await Promise.all(['a', 'b'].map((d) => runCliAsync([...args, '--out', join(root, d)])));
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const text = (d: string) => readFileSync(join(root, d, 'metrics.jsonl'), 'utf8');
    const rows = text('a').trim().split('\n').map((l) => JSON.parse(l));
    // Variance at episodes 0, 5, …, 20 for each agent.
    expect(rows.filter((r) => r.logVariance !== undefined).length).toBe(10);
    expect(rows.filter((r) => r.return !== undefined).length).toBe(40);
    expect(text('b')).toBe(text('a'));
    const summary = (d: string) => JSON.parse(readFileSync(join(root, d, 'summary.json'), 'utf8')).agents.relax.logVariance;
    expect(summary('b')).toBe(summary('a'));
  });
});
