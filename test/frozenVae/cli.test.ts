// `experiment frozen-vae` end to end through the built CLI with tiny
// settings (a small fake MNIST folder, 8 latents): its files and numbers,
// the same numbers again from its own mid-point checkpoint, and one line for
// a --checkpoint that is not a binary-VAE run's.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCliAsync, runCli } from '../cli/spawnCli.js';
import { expectOneLine } from '../cli/oneLine.js';
import { fakeMnistDir } from '../vae/fixtures.js';

const mnist = fakeMnistDir(240, 48);
const tiny = [
  'experiment', 'frozen-vae', '--mnist', mnist, '--latents', '8', '--train-steps', '30', '--steps', '20', '--images', '6',
  '--variance-every', '10', '--variance-samples', '10', '--final-samples', '400', '--mean-samples', '10,100,400',
  '--reference-samples', '4000', '--reference-baseline-samples', '200', '--seed', '2',
];

describe('experiment frozen-vae', () => {
  it('trains a mid-point, writes its files, and gives the same numbers from that checkpoint', async () => {
    const root = tempDir('relax-pg-frozen-');
    const a = await runCliAsync([...tiny, '--out', join(root, 'a')], 300_000);
    expect(a.code, a.stderr).toBe(0);
    const out = join(root, 'a');
    for (const f of ['config.json', 'results.json', 'report.md', 'log-variance.png', 'reference-error.png', 'midpoint/checkpoint.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const info = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(info.config.steps).toBe(20);
    expect(info.versions.tfjs).toBe('4.22.0');
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const rebar = r.estimators.rebar;
    const relax = r.estimators['relax-rebar'];
    // The residual starts at scale 0 and both see the same noise: at step 0 they are one estimator.
    expect(relax.track.logVariance.all[0]).toBe(rebar.track.logVariance.all[0]);
    expect(rebar.track.varianceSteps).toEqual([0, 10, 20]);
    for (const e of [rebar, relax]) {
      expect(e.comparisons.map((c: { n: number }) => c.n)).toEqual([10, 100, 400]);
      for (const c of e.comparisons) {
        expect(c.relativeError).toBeGreaterThan(0.5 * c.expectedRelativeError);
        expect(c.relativeError).toBeLessThan(2 * c.expectedRelativeError);
      }
    }
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/removes \*\*-?[0-9.]+ %\*\* of REBAR's variance/);

    const b = await runCliAsync([...tiny, '--checkpoint', join(out, 'midpoint'), '--out', join(root, 'b')], 300_000);
    expect(b.code, b.stderr).toBe(0);
    const r2 = JSON.parse(readFileSync(join(root, 'b', 'results.json'), 'utf8'));
    expect(r2.checkpoint.trainedHere).toBe(false);
    expect(r2.reference).toEqual(r.reference);
    expect(r2.estimators.rebar.comparisons).toEqual(rebar.comparisons);
    expect(r2.estimators['relax-rebar'].track.logVariance).toEqual(relax.track.logVariance);
  });

  it('refuses a --checkpoint that is not a binary-VAE run with one line', () => {
    const root = tempDir('relax-pg-frozen-bad-');
    const args = (dir: string) => ['experiment', 'frozen-vae', '--mnist', mnist, '--checkpoint', dir, '--out', join(root, 'out')];
    expectOneLine(runCli(args(join(root, 'missing'))), 2, /--checkpoint .*missing does not exist/);
    mkdirSync(join(root, 'empty'));
    expectOneLine(runCli(args(join(root, 'empty'))), 2, /holds no checkpoint\.json/);
    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'other', 'checkpoint.json'), JSON.stringify({ format: 'relax-pg-checkpoint', version: 1, generation: 'x', weights: [], optimizers: {}, rngs: {}, state: { kind: 'agent' } }));
    expectOneLine(runCli(args(join(root, 'other'))), 2, /is not a binary-VAE checkpoint/);
    writeFileSync(join(root, 'empty', 'checkpoint.json'), '{ not json');
    expectOneLine(runCli(args(join(root, 'empty'))), 2, /checkpoint\.json/);
    // Refused before anything is written.
    expect(existsSync(join(root, 'out'))).toBe(false);
  });
});
