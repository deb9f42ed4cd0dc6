// `relax-pg compare` and the RL experiments with evaluation, early stopping
// and observation normalisation, as `relax-pg train` has them: each run keeps
// its best agent in <run>/best (and `relax-pg evaluate` reproduces its mean),
// a run stopped by an evaluation counts as finished on --resume, and the
// normalised agents carry their statistics.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCli } from './spawnCli.js';
import { expectOneLine } from './oneLine.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const evalRows = (run: string) =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.evalMean !== undefined);

describe('compare with --eval-every, --stop-reward and --normalize-obs', () => {
  it('keeps each run’s best agent, stops runs at the threshold, and resume leaves them be', () => {
    const out = join(tempDir('relax-pg-compare-eval-'), 'cmp');
    const args = ['compare', '--env', 'CartPole-v1', '--agents', 'a2c,relax', '--seeds', '2', '--episodes', '80', '--eval-every', '10', '--eval-episodes', '3', '--stop-reward', '60', '--normalize-obs', '--workers', '1', '--out', out];
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(0);
    const config = json(join(out, 'config.json')).config;
    expect(config).toMatchObject({ normalizeObs: true, evaluation: { every: 10, episodes: 3, seed: 1, stopReward: 60 } });
    const summary = json(join(out, 'summary.json'));
    let stoppedRuns = 0;
    for (const agent of ['a2c', 'relax']) {
      const s = summary.agents[agent];
      for (const [k, seed] of [1, 2].entries()) {
        const run = join(out, 'runs', `${agent}-seed${seed}`);
        const rows = evalRows(run);
        expect(rows.length).toBeGreaterThan(0);
        const best = Math.max(...rows.map((x) => x.evalMean));
        expect(s.bestEvaluation[k]).toBe(best);
        // The agent saved in best/ reproduces its evaluation, on normalised observations with its statistics.
        const e = runCli(['evaluate', join(run, 'best'), '--json']);
        expect(e.code, e.stderr).toBe(0);
        expect(JSON.parse(e.stdout)).toMatchObject({ episodes: 3, seed: 1, mean: best });
        expect(json(join(run, 'agent.json')).state.training.observationStats.obsRms.count).toBeGreaterThan(0);
        const episodes = json(join(run, 'agent.json')).state.training.counters.episodes;
        if (s.stopped[k] !== null) {
          stoppedRuns++;
          expect(s.stopped[k]).toMatch(/≥ 60/);
          expect(rows[rows.length - 1].evalMean).toBeGreaterThanOrEqual(60);
          expect(rows.slice(0, -1).every((x) => x.evalMean < 60)).toBe(true);
          expect(episodes).toBe(rows[rows.length - 1].episode);
        } else {
          expect(rows.every((x) => x.evalMean < 60)).toBe(true);
          expect(episodes).toBe(80);
        }
      }
    }
    expect(stoppedRuns).toBeGreaterThan(0); // else this test checks no stopping at all
    const metricsBefore = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
    const again = runCli([...args, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe(metricsBefore);
  });

  it('--stop-reward or --stop-patience without --eval-every is one line, for compare and the experiments', () => {
    expectOneLine(runCli(['compare', '--env', 'CartPole-v1', '--stop-reward', '100']), 2, /--stop-reward needs --eval-every/);
    expectOneLine(runCli(['experiment', 'cartpole', '--stop-patience', '3']), 2, /--stop-patience needs --eval-every/);
  });

  it('without the flags, compare writes no evaluation and no best/', () => {
    const out = join(tempDir('relax-pg-compare-eval-'), 'plain');
    const r = runCli(['compare', '--env', 'CartPole-v1', '--agents', 'a2c', '--seeds', '1', '--episodes', '20', '--workers', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'runs', 'a2c-seed1', 'best'))).toBe(false);
    expect(json(join(out, 'summary.json')).agents.a2c.bestEvaluation).toBeUndefined();
    expect(json(join(out, 'config.json')).config.normalizeObs).toBeUndefined();
  });
});
