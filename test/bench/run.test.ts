// The built bench end to end on its cheapest workloads (the toy), peers pointed at a
// python that does not exist: relax-pg's figures, '—' for the peer, one note, exit 0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = join(import.meta.dirname, '../../dist/bench/run.js');
const bench = (args: string[]) => {
  if (!existsSync(run)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  return spawnSync(process.execPath, [run, ...args], { encoding: 'utf8', env: { ...process.env, RELAX_PG_BACKEND: 'wasm' }, timeout: 110_000 });
};
const noPeer = ['--rounds', '1', '--round-ms', '1', '--python', '/nonexistent/python3'];

describe('npm run bench -- --peer / --json without torch', () => {
  it('--peer prints relax-pg figures, dashes and the skip note, and exits 0', () => {
    const r = bench(['toy', '--peer', ...noPeer]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('PyTorch peers skipped: /nonexistent/python3 not found. relax-pg figures only.');
    expect(r.stdout).toMatch(/relax-pg µs\/step\s+PyTorch µs\/step\s+ratio/);
    expect(r.stdout).toMatch(/\nrelax\s+\d+\s+—\s+—/);
    expect(r.stdout).toMatch(/load [\d.]+ [\d.]+ [\d.]+ at start/);
  });

  it('--json writes one flat object with the comparison and the toy bench figures', () => {
    const r = bench(['estimators', '--json', ...noPeer]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, number | string>;
    for (const e of ['reinforce', 'rebar', 'relax']) {
      expect(json[`toy.${e}.us`]).toBeGreaterThan(0);
      expect(json[`toy.${e}.us.peer`]).toBeUndefined();
      expect(json[`toy.${e}.ratio`]).toBeUndefined();
    }
    expect(json['peer.skipped']).toBe('PyTorch peers skipped: /nonexistent/python3 not found');
    expect(typeof json.load).toBe('number');
    expect(json['bench.estimators.relax.batch1.latents1.msPerStep']).toBeGreaterThan(0);
    expect(Object.values(json).every((v) => typeof v === 'number' || typeof v === 'string')).toBe(true);
    // The tables went to stderr, leaving stdout to the JSON.
    expect(r.stderr).toContain('Toy step');
  });

  it('a bad option is one line and exit code 2', () => {
    const r = bench(['--rounds', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('--rounds needs a positive integer, got many');
  });
});
