// The RL commands end to end (small budgets): compare and an experiment write
// their summary, report and plots; render writes frames; mistakes are one line.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

const cli = join(import.meta.dirname, '../../dist/experiments/cli.js');
const run = (args: string[]) => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, RELAX_PG_BACKEND: 'wasm' }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = () => tempDir('relax-pg-rl-');

describe('RL commands', () => {
  it('compare writes summary.json in the documented shape, report.md and both plots', () => {
    const out = join(tmp(), 'cmp');
    const r = run(['compare', '--env', 'CartPole-v0', '--agents', 'relax,a2c', '--seeds', '2', '--episodes', '40', '--variance-every', '10', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const name of ['relax', 'a2c']) {
      const a = summary.agents[name];
      expect(a.episodesToSolve).toHaveLength(2);
      expect(a).toHaveProperty('mean');
      expect(a).toHaveProperty('std');
      expect(Number.isFinite(a.logVariance)).toBe(true);
    }
    for (const f of ['report.md', 'rewards.png', 'log-variance.png', 'metrics.jsonl', 'config.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(statSync(join(out, 'rewards.png')).size).toBeGreaterThan(5000);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| relax \|/);
  });

  it('experiment cartpole (one seed, short) names the paper’s numbers in its report', () => {
    const out = join(tmp(), 'cp');
    const r = run(['experiment', 'cartpole', '--only', 'relax,a2c', '--seeds', '1', '--episodes', '20', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/472 ± 114/);
    expect(report).toMatch(/1152 ± 90/);
  });

  it('a killed experiment run resumes from its checkpoint and keeps its earlier episodes', async () => {
    const out = join(tmp(), 'killed');
    const args = ['experiment', 'cartpole', '--only', 'a2c', '--seeds', '1', '--workers', '1', '--out', out];
    const child = spawn(process.execPath, [cli, ...args, '--episodes', '100000'], { stdio: 'ignore', env: { ...process.env, RELAX_PG_BACKEND: 'wasm' } });
    const agentFile = join(out, 'runs', 'a2c-seed1', 'agent.json');
    const t0 = Date.now();
    while (!existsSync(agentFile) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const saved = JSON.parse(readFileSync(agentFile, 'utf8')).state.training;
    const target = saved.counters.episodes + 30;
    const r = run([...args, '--episodes', String(target), '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming run from its checkpoint/);
    const track = JSON.parse(readFileSync(join(out, 'runs', 'a2c-seed1.json'), 'utf8'));
    expect(track.returns).toHaveLength(target);
    expect(track.returns.slice(0, saved.history.length)).toEqual(saved.history.map((e: { return: number }) => e.return));
    expect(track.totalSteps).toBe(saved.counters.steps + track.lengths.slice(saved.history.length).reduce((a: number, b: number) => a + b, 0));
    // A finished run extends to a larger budget; every episode is in the metrics once.
    const longer = run([...args, '--episodes', String(target + 20), '--resume']);
    expect(longer.code, longer.stderr).toBe(0);
    const extended = JSON.parse(readFileSync(join(out, 'runs', 'a2c-seed1.json'), 'utf8'));
    expect(extended.returns.slice(0, target)).toEqual(track.returns);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.return !== undefined);
    expect(rows.map((r) => r.episode)).toEqual(Array.from({ length: target + 20 }, (_, i) => i + 1));
    // The run's own metrics, written as it went, hold each episode once too (rows after the checkpoint dropped on resume).
    const own = readFileSync(join(out, 'runs', 'a2c-seed1', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(own.filter((r) => r.return !== undefined).map((r) => r.episode)).toEqual(rows.map((r) => r.episode));
  });

  it('--frames ends each run at a frame budget', () => {
    const out = join(tmp(), 'frames');
    const r = run(['compare', '--env', 'CartPole-v0', '--agents', 'a2c', '--seeds', '1', '--frames', '3000', '--episodes', '100000', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const track = JSON.parse(readFileSync(join(out, 'runs', 'a2c-seed1.json'), 'utf8'));
    // Whole episodes: the run stops at the first episode end past the budget (episodes last ≤ 200 steps).
    expect(track.totalSteps).toBeGreaterThanOrEqual(3000);
    expect(track.totalSteps).toBeLessThan(3200);
  });

  it('render writes a GIF and a PNG strip', () => {
    const dir = tmp();
    for (const f of ['a.gif', 'b.png']) {
      const r = run(['render', '--env', 'CartPole-v1', '--out', join(dir, f), '--max-steps', '20']);
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(join(dir, f)).size).toBeGreaterThan(1000);
    }
    const gif = readFileSync(join(dir, 'a.gif'));
    expect(gif.subarray(0, 6).toString('ascii')).toBe('GIF89a');
  });

  const mistakes: [string, string[], RegExp][] = [
    ['unknown agent', ['train', '--env', 'CartPole-v0', '--agent', 'ppo'], /unknown agent 'ppo' \(choose from reinforce, a2c, relax, lax\)/],
    ['an estimator a gym task cannot serve', ['train', '--env', 'CartPole-v1', '--agent', 'rloo'], /'rloo' needs K samples .* which CartPole-v1 does not have/],
    ['the same in a comparison', ['compare', '--env', 'CartPole-v1', '--agents', 'relax,rebar'], /'rebar' needs f at relaxed inputs, which CartPole-v1 does not have/],
    ['incompatible action space', ['train', '--env', 'Pendulum-v1', '--agent', 'relax', '--episodes', '1'], /needs a discrete b/],
    ['unknown environment', ['train', '--env', 'Nope-v9', '--agent', 'a2c'], /unknown environment 'Nope-v9'/],
    ['missing checkpoint', ['evaluate', '/nonexistent/agent'], /agent.json is missing/],
    ['render needs an image file', ['render', '--env', 'CartPole-v0', '--out', 'x.mp4'], /\.gif or \.png/],
    ['unknown experiment', ['experiment', 'pong'], /unknown command 'pong'/],
  ];
  for (const [what, args, message] of mistakes) {
    it(`one clear line for: ${what}`, () => {
      const r = run(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});
