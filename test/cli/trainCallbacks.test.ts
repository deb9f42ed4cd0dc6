// `relax-pg train` with evaluation, early stopping, schedules and
// normalisation, end to end: DIR/best reproduces the best evaluation mean
// through `relax-pg evaluate`, a SIGKILLed run resumes to the uninterrupted
// run's metrics.jsonl and progress.csv, mistakes are one line and exit 2.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCli, runCliAsync, startCli, killWhen } from './spawnCli.js';
import { expectOneLine } from './oneLine.js';

const tmp = () => tempDir('relax-pg-train-cb-');
const metrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const evalMeans = (dir: string) => metrics(dir).filter((r) => r.evalMean !== undefined);
const csvColumn = (dir: string, col: string) => {
  const [header, ...rows] = readFileSync(join(dir, 'progress.csv'), 'utf8').trim().split('\n');
  const i = header.split(',').indexOf(col);
  return rows.map((r) => r.split(',')[i]).filter((v) => v !== '').map(Number);
};

describe('train with an evaluation callback', () => {
  it('on CartPole keeps best/, and `relax-pg evaluate DIR/best` reproduces the best evaluation mean', () => {
    const out = join(tmp(), 'run');
    const r = runCli(['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '80', '--lr', '0.02', '--eval-every', '20', '--eval-episodes', '4', '--eval-seed', '9', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = evalMeans(out);
    expect(rows.map((x) => x.episode)).toEqual([20, 40, 60, 80]);
    const best = Math.max(...rows.map((x) => x.evalMean));
    expect(new Set(rows.map((x) => x.evalMean)).size).toBeGreaterThan(1);
    expect(Math.max(...csvColumn(out, 'eval/mean_reward'))).toBe(best);
    expect(r.stderr).toMatch(new RegExp(`best evaluation: mean ${best} at episode`));
    const e = runCli(['evaluate', join(out, 'best'), '--json']);
    expect(e.code, e.stderr).toBe(0);
    const result = JSON.parse(e.stdout);
    expect(result).toMatchObject({ episodes: 4, seed: 9, deterministic: true, mean: best });
    expect(result.saved.mean).toBe(best);
    const text = runCli(['evaluate', join(out, 'best')]);
    expect(text.stdout).toMatch(/over 4 episodes, seed 9 \(saved as the best at episode \d+: mean /);
  });

  it('--stop-reward stops at the first evaluation reaching it; --resume then has nothing to do', () => {
    const out = join(tmp(), 'stop');
    const args = ['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '300', '--lr', '0.02', '--eval-every', '10', '--eval-episodes', '2', '--stop-reward', '60', '--out', out];
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(0);
    const rows = evalMeans(out);
    expect(rows.slice(0, -1).every((x) => x.evalMean < 60)).toBe(true);
    expect(rows[rows.length - 1].evalMean).toBeGreaterThanOrEqual(60);
    const saved = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')).state.training.counters.episodes;
    expect(saved).toBe(rows[rows.length - 1].episode);
    expect(saved).toBeLessThan(300);
    expect(r.stderr).toMatch(/stopped early: mean evaluation return .* ≥ 60/);
    const again = runCli([...args, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to do: training stopped at episode/);
  });

  it('--stop-patience stops after k evaluations in a row without a new best', () => {
    const out = join(tmp(), 'patience');
    const r = runCli(['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '400', '--lr', '0.02', '--eval-every', '10', '--eval-episodes', '2', '--stop-patience', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const means = evalMeans(out).map((x) => x.evalMean);
    const bestSoFar = (i: number) => Math.max(...means.slice(0, i));
    // The last two evaluations brought no new best; every earlier pair had one.
    const stale = means.map((m, i) => i > 0 && m <= bestSoFar(i));
    expect(stale.slice(-2)).toEqual([true, true]);
    expect(stale.slice(0, -2).some((x, i) => x && stale[i + 1])).toBe(false);
    expect(r.stderr).toMatch(/stopped early: no new best in 2 evaluations/);
  });

  it('a SIGKILLed run with schedules and evaluation resumes to the uninterrupted metrics.jsonl and progress.csv', async () => {
    const root = tmp();
    const args = ['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '150', '--checkpoint-every', '10', '--lr', '0.03 * (1 - progress) + 0.001', '--entropy', '0.01 * (1 - progress)', '--eval-every', '15', '--eval-episodes', '2'];
    const whole = join(root, 'whole');
    const out = join(root, 'killed');
    const straight = runCliAsync([...args, '--out', whole]);
    const child = startCli([...args, '--out', out]);
    await killWhen(child, join(out, 'agent.json'));
    const at = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')).state.training.counters.episodes;
    const resumed = await runCliAsync([...args, '--out', out, '--resume']);
    const w = await straight;
    expect(w.code, w.stderr).toBe(0);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(at).toBeLessThan(150); // it was killed part-way
    for (const f of ['metrics.jsonl', 'progress.csv']) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(whole, f), 'utf8'));
    const best = (d: string) => JSON.parse(readFileSync(join(d, 'best', 'agent.json'), 'utf8')).state.evaluation;
    expect(best(out)).toEqual(best(whole));
  });
});

describe('train --normalize-obs', () => {
  it('saves the statistics with the agent; evaluate (and DIR/best) use them', () => {
    const out = join(tmp(), 'norm');
    const r = runCli(['train', '--env', 'Pendulum-v1', '--agent', 'lax', '--normalize-obs', '--episodes', '4', '--eval-every', '2', '--eval-episodes', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')).state.training;
    expect(saved.observationStats.obsRms.count).toBeGreaterThan(800);
    expect(saved.wrappers.map((w: { wrapper: string }) => w.wrapper)).toEqual(['NormalizeObservation']);
    const best = Math.max(...evalMeans(out).map((x) => x.evalMean));
    const e = runCli(['evaluate', join(out, 'best'), '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).mean).toBe(best);
    // Resuming keeps normalising without the flag; a plain agent refuses it.
    const more = runCli(['train', '--env', 'Pendulum-v1', '--agent', 'lax', '--episodes', '5', '--out', out, '--resume']);
    expect(more.code, more.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')).state.training.observationStats.obsRms.count).toBeGreaterThan(saved.observationStats.obsRms.count);
  });
});

describe('train mistakes: one line, exit 2, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown variable in --lr', ['--lr', '0.01 * (1 - progres)'], /--lr '0\.01 \* \(1 - progres\)': unknown variable 'progres'/],
    ['a syntax error in --entropy', ['--entropy', '0.01 *'], /--entropy '0\.01 \*' does not parse/],
    ['a negative --lr at the end', ['--lr', '0.01 - 0.02 * progress'], /is -0\.01 at progress 1/],
    ['--stop-reward without --eval-every', ['--stop-reward', '100'], /--stop-reward needs --eval-every/],
  ];
  for (const [what, extra, message] of cases) {
    it(what, () => {
      const out = join(tmp(), 'x');
      expectOneLine(runCli(['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '3', ...extra, '--out', out]), 2, message);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a schedule with a KL-adapted rate (LAX), and --normalize-obs on resuming a plain agent', () => {
    expectOneLine(runCli(['train', '--env', 'Pendulum-v1', '--agent', 'lax', '--episodes', '1', '--lr', '0.01 * (1 - progress)', '--out', join(tmp(), 'y')]), 2, /--target-kl 0/);
    const out = join(tmp(), 'plain');
    expect(runCli(['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '2', '--out', out]).code).toBe(0);
    expectOneLine(runCli(['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '4', '--normalize-obs', '--out', out, '--resume']), 2, /learned without --normalize-obs/);
  });
});
