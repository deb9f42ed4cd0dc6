// `relax-pg estimate --k` through the built CLI (dist/): the K-sample
// estimators' statistics, their cost in evaluations of f, and one-line
// refusals of a K that does not fit.
import { describe, it, expect } from 'vitest';
import { runCliAsync } from '../cli/spawnCli.js';

const estimate = (args: string[]) => runCliAsync(['estimate', '--problem', 'toy', '--target', '0.499', '--samples', '200000', '--seed', '3', '--json', ...args]);

describe('estimate --k', () => {
  it('rloo, vimco and arms at K = 4: unbiased, K evaluations per estimate, variance per evaluation', async () => {
    const runs = await Promise.all(['rloo', 'vimco', 'arms'].map((e) => estimate(['--estimator', e, '--k', '4', '--logit', '-2'])));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(s.k).toBe(4);
      expect(s.fEvaluations).toBe(4);
      expect(s.variancePerEvaluation).toBeCloseTo(4 * s.variance, 12);
      expect(Math.abs(s.zScore)).toBeLessThan(3.5);
      expect(s.objective).toBe(s.estimator === 'vimco' ? 'multi-sample' : 'expectation');
    }
  });
  it('reports the bias of the biased ones in its z-score', async () => {
    const r = await estimate(['--estimator', 'gumbel-rao', '--logit', '-2']);
    expect(r.code, r.stderr).toBe(0);
    expect(Math.abs(JSON.parse(r.stdout).zScore)).toBeGreaterThan(10);
  });
  it('refuses a K that does not fit with one line and status 2', async () => {
    const [one, other] = await Promise.all([estimate(['--estimator', 'rloo', '--k', '1']), estimate(['--estimator', 'reinforce', '--k', '4'])]);
    expect(one.code).toBe(2);
    expect(one.stderr.trim()).toBe("relax-pg: 'rloo' needs K ≥ 2 samples per input, got --k 1");
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toBe("relax-pg: 'reinforce' takes one sample per input; --k 4 is for rloo, vimco, arms and double-cv");
  });
});
