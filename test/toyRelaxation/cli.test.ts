// `experiment toy-relaxation` end to end through the built CLI with tiny
// settings: its files, the same numbers from the same seed, a kept cell on
// --resume, and one line for bad input.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCli } from '../cli/spawnCli.js';
import { expectOneLine } from '../cli/oneLine.js';

const tiny = ['experiment', 'toy-relaxation', '--thetas', '0.2,0.8', '--targets', '0.45', '--temperatures', '0.1,1,10', '--scan-samples', '2000', '--samples', '20000', '--steps', '100', '--seed', '3'];

describe('experiment toy-relaxation', () => {
  it('writes config, cells, results, plots and a report; same seed, same numbers', () => {
    const root = tempDir('relax-pg-toy-relaxation-');
    const a = runCli([...tiny, '--out', join(root, 'a')]);
    expect(a.code, a.stderr).toBe(0);
    const b = runCli([...tiny, '--out', join(root, 'b')]);
    expect(b.code, b.stderr).toBe(0);
    const out = join(root, 'a');
    for (const f of ['config.json', 'results.json', 'report.md', 'variance-t0.45.png', 'relax-training-t0.45.png', 'c-theta0.2-t0.45.png', 'cells/theta0.8-t0.45.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const info = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(info.config.thetas).toEqual([0.2, 0.8]);
    expect(info.versions.tfjs).toBe('4.22.0');
    const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).cells;
    const cells = results(out);
    expect(cells).toHaveLength(2);
    // wall time aside, the same seed gives the same numbers.
    const strip = (cs: { seconds?: number }[]) => cs.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(results(join(root, 'b')))).toEqual(strip(cells));
    for (const c of cells) expect(c.relax.variance).toBeLessThan(c.rebar.variance);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/REINFORCE exact/);
    const again = runCli([...tiny, '--out', out, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/kept finished cell/);
  });

  it('is listed, beside frozen-vae', () => {
    const list = runCli(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {2}toy-relaxation$/m);
    expect(list.stdout).toMatch(/^ {2}frozen-vae$/m);
  });

  it('refuses a θ outside (0, 1) and a non-positive temperature with one line', () => {
    expectOneLine(runCli(['experiment', 'toy-relaxation', '--thetas', '0.5,1.2', '--out', join(tempDir('relax-pg-tr-bad-'), 'x')]), 2, /--thetas: 1.2 is not a probability/);
    expectOneLine(runCli(['experiment', 'toy-relaxation', '--temperatures', '0,1', '--out', join(tempDir('relax-pg-tr-bad-'), 'x')]), 2, /--temperatures: 0 is not a positive temperature/);
  });
});
