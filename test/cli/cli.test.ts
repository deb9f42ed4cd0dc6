// The command line as a user meets it: help, version, list, estimate, a small
// toy experiment with resume, and one clear line for every mistake.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

const cli = join(import.meta.dirname, '../../dist/experiments/cli.js');

function run(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, RELAX_PG_BACKEND: 'wasm', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('relax-pg CLI', () => {
  it('--help, --version and list', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/estimate/);
    expect(help.stdout).toMatch(/experiment/);
    const version = run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version);
    const list = run(['list']);
    expect(list.code).toBe(0);
    for (const word of ['reinforce', 'rebar', 'relax', 'lax', 'concrete', 'BernoulliToy-v0', 'CartPole-v1', 'toy']) {
      expect(list.stdout).toContain(word);
    }
  });

  it('estimate --json prints one JSON object with the documented fields', () => {
    const r = run(['estimate', '--problem', 'toy', '--target', '0.45', '--logit', '0.5', '--estimator', 'rebar', '--temperature', '0.5', '--eta', '1', '--samples', '20000', '--seed', '1', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]);
    for (const key of ['exactGradient', 'mean', 'standardError', 'variance', 'zScore', 'samples']) expect(o).toHaveProperty(key);
    expect(o.samples).toBe(20000);
    expect(Math.abs(o.zScore)).toBeLessThan(4);
    const again = JSON.parse(run(['estimate', '--target', '0.45', '--logit', '0.5', '--estimator', 'rebar', '--samples', '20000', '--seed', '1', '--json']).stdout);
    expect(again.mean).toBe(o.mean); // same seed, same backend: same numbers
    const cat = run(['estimate', '--problem', 'toy-categorical', '--logits', '0.5,-0.3,0.1', '--weights', '0.1,0.6,0.9', '--target', '0.499', '--estimator', 'relax', '--samples', '20000', '--json']);
    expect(cat.code).toBe(0);
    const c = JSON.parse(cat.stdout);
    expect(c.exactGradient).toHaveLength(3);
    expect(c.mean).toHaveLength(3);
  });

  const mistakes: [string, string[], RegExp][] = [
    ['unknown estimator', ['estimate', '--estimator', 'magic'], /unknown 'magic'/],
    ['unknown option', ['estimate', '--bogus'], /unknown option '--bogus'/],
    ['non-numeric value', ['estimate', '--samples', 'lots'], /--samples must be a number/],
    ['out-of-range value', ['estimate', '--temperature', '-1'], /--temperature must be in/],
    ['missing value', ['estimate', '--logit'], /argument missing/],
    ['wrong vector length', ['estimate', '--problem', 'toy-categorical', '--logits', '1,2'], /needs 3 values/],
    ['unknown command', ['frobnicate'], /unknown command/],
    ['unknown experiment estimator', ['experiment', 'toy', '--estimators', 'reinforce,nope'], /unknown 'nope'/],
    ['resume without out', ['experiment', 'toy', '--resume'], /--resume needs --out/],
    ['unknown backend option', ['--backend', 'gpu9000', 'list'], /unknown 'gpu9000'/],
  ];
  for (const [what, args, message] of mistakes) {
    it(`a user mistake is one clear line and a non-zero exit: ${what}`, () => {
      const r = run(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a bad $RELAX_PG_BACKEND is one clear line too', () => {
    const r = run(['list'], { RELAX_PG_BACKEND: 'quantum' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown backend 'quantum'/);
  });

  it('experiment toy writes config, metrics, summary, report and plots, and resumes', () => {
    const out = join(tempDir('relax-pg-toy-'), 'run');
    const args = ['experiment', 'toy', '--steps', '60', '--seeds', '2', '--estimators', 'reinforce,relax', '--variance-every', '20', '--variance-samples', '200', '--out', out];
    const r = run(args);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['config.json', 'metrics.jsonl', 'summary.json', 'report.md', 'p.png', 'expected-loss.png', 'log-variance.png', 'control-variate.png', 'log.jsonl']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.estimators.relax.finalP).toHaveLength(2);
    expect(summary.estimators.reinforce.logVarianceSecondHalf).toHaveLength(2);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.config.steps).toBe(60);
    expect(config.versions.tfjs).toBe('4.22.0');
    expect(statSync(join(out, 'p.png')).size).toBeGreaterThan(5000);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| relax/);
    // Resume: every run is already finished, so nothing is retrained and the numbers are unchanged.
    const resumed = run([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed finished run/);
    const summary2 = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary2.estimators.relax.finalP).toEqual(summary.estimators.relax.finalP);
  });
});
