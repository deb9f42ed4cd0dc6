// Reports say what their numbers are: no −Infinity or NaN for a short run
// (shown as —), a mean over some of the seeds says so, and a run beside the
// paper's numbers under another protocol (seeds, episode cap) says that too.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRlReport } from '../../experiments/rl/report.js';
import { rlExperiment } from '../../experiments/rl/definitions.js';
import type { RlSummary } from '../../experiments/rl/run.js';
import type { RlTrack } from '../../experiments/rl/train.js';
import { runCliAsync } from './spawnCli.js';
import { tempDir } from '../helpers.js';

const track = (agent: string, seed: number, returns: number[], solved: number | null): RlTrack => ({
  agent,
  seed,
  returns,
  lengths: returns,
  episodesToSolve: solved,
  bestWindowMean: returns.length >= 100 ? Math.max(...returns) : -Infinity,
  variance: [],
  totalSteps: returns.reduce((a, b) => a + b, 0),
  seconds: 1,
  msPerEpisode: 1,
});

describe('RL report', () => {
  it('qualifies a mean over 1 of 3 solved seeds, names the paper’s seeds, flags the shorter protocol, and shows — for no full window', async () => {
    const full = rlExperiment('cartpole');
    const def = { ...full, agents: full.agents.filter((a) => a.name === 'relax' || a.name === 'a2c') };
    const long = new Array(300).fill(200);
    const short = new Array(50).fill(20);
    const tracks = [track('relax', 1, long, 120), track('relax', 2, short, null), track('relax', 3, short, null), track('a2c', 1, short, null), track('a2c', 2, short, null), track('a2c', 3, short, null)];
    const entry = (solved: (number | null)[], best: number[]) => {
      const s = solved.filter((x): x is number => x !== null);
      return { episodesToSolve: solved, framesToSolve: solved, mean: s.length ? s[0] : null, std: s.length ? 0 : null, solvedSeeds: s.length, bestWindowMean: best, logVariance: null, msPerEpisode: 1, msPer100kFrames: NaN };
    };
    const summary: RlSummary = {
      experiment: 'cartpole',
      env: def.env,
      seeds: [1, 2, 3],
      maxEpisodes: 600,
      solve: def.solve,
      agents: { relax: entry([120, null, null], [200, -Infinity, -Infinity]), a2c: entry([null, null, null], [-Infinity, -Infinity, -Infinity]) },
      backend: 'wasm',
      wallSeconds: 1,
    };
    const out = tempDir('relax-pg-report-');
    await writeRlReport(out, def, summary, tracks);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).not.toMatch(/Infinity|NaN/);
    const relax = report.split('\n').find((l) => l.startsWith('| relax |'))!;
    expect(relax).toContain('120 (mean over 1 of 3 seeds that solved)');
    expect(relax).toContain('472 ± 114 (5 seeds)');
    expect(relax).toContain('| 200, —, — |');
    expect(report).toMatch(/Not the paper's protocol: this run used 3 seed\(s\) \(paper: 5\), at most 600 episodes per run/);
    expect(report).toMatch(/below the paper's mean for a2c \(paper mean 1152\)/);
  });

  it('short CLI runs (toy, compare, vae) print no NaN or −Infinity in their reports', async () => {
    const dir = tempDir('relax-pg-report-cli-');
    const vaeArgs = ['--steps', '2', '--seeds', '1', '--estimators', 'nvil', '--eval-images', '100', '--iwae-samples', '0', '--variance-every', '0'];
    const [toy, cmp, vae] = await Promise.all([
      runCliAsync(['experiment', 'toy', '--steps', '10', '--seeds', '1', '--estimators', 'reinforce', '--out', join(dir, 'toy')]),
      runCliAsync(['compare', '--env', 'CartPole-v1', '--agents', 'reinforce', '--seeds', '1', '--episodes', '5', '--out', join(dir, 'cmp')]),
      runCliAsync(['experiment', 'vae', ...vaeArgs, '--out', join(dir, 'vae')]),
    ]);
    expect(vae.code, vae.stderr).toBe(0);
    expect(toy.code, toy.stderr).toBe(0);
    expect(cmp.code, cmp.stderr).toBe(0);
    for (const f of ['toy', 'cmp', 'vae']) expect(readFileSync(join(dir, f, 'report.md'), 'utf8')).not.toMatch(/Infinity|NaN|−∞/);
  });
});
