// Sweep definitions: expansion into trials with stable ids, random search,
// the checks' one-line messages, the metric, and ASHA's rung decisions.
import { describe, expect, it } from 'vitest';
import { checkDefinition, type SweepDefinition } from '../../experiments/sweep/definition.js';
import { canonicalJson, expandTrials, trialId } from '../../experiments/sweep/expand.js';
import { metricOf, parseMetric } from '../../experiments/sweep/metric.js';
import { decideAtRung } from '../../experiments/sweep/asha.js';
import { agentSettings } from '../../experiments/sweep/params.js';
import { tempDir } from '../helpers.js';

// The smallest sweep file of the issue, as written.
const SMALLEST = { agent: 'relax', env: 'CartPole-v1', episodes: 150, seeds: [1, 2, 3], grid: { lr: [0.01, 0.003] }, metric: 'meanReturnLast100', mode: 'max' };

describe('sweep definition', () => {
  it('expands the smallest sweep into 2 × 3 trials with distinct ids that depend only on the config', () => {
    const trials = expandTrials(checkDefinition(structuredClone(SMALLEST)));
    expect(trials).toHaveLength(6);
    expect(new Set(trials.map((t) => t.id)).size).toBe(6);
    expect(trials.map((t) => [t.config.params.lr, t.config.seed])).toEqual([[0.01, 1], [0.01, 2], [0.01, 3], [0.003, 1], [0.003, 2], [0.003, 3]]);
    // Keys in another order, another metric and a checkpoint cadence: the same trials.
    const reordered = { mode: 'min', metric: 'meanReturn', checkpointEvery: 7, grid: { lr: [0.01, 0.003] }, seeds: [1, 2, 3], episodes: 150, env: 'CartPole-v1', agent: 'relax' };
    expect(expandTrials(checkDefinition(reordered)).map((t) => t.id)).toEqual(trials.map((t) => t.id));
    expect(trialId(trials[0].config)).toBe(trials[0].id);
    // A different budget is a different trial.
    expect(expandTrials(checkDefinition({ ...structuredClone(SMALLEST), episodes: 151 }))[0].id).not.toBe(trials[0].id);
  });

  it('hashes canonical JSON: sorted keys at every depth, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('draws random search values from its seed, reproducibly, within their ranges', () => {
    const def: SweepDefinition = checkDefinition({
      ...structuredClone(SMALLEST),
      grid: { cvHidden: [[10, 10], [32]] },
      random: { lr: { logUniform: [1e-4, 1e-1] }, entropy: { uniform: [0, 0.02] }, episodesPerUpdate: { int: [1, 3] } },
      samples: 4,
      searchSeed: 7,
    });
    const a = expandTrials(def);
    expect(a).toHaveLength(2 * 4 * 3);
    expect(expandTrials(def).map((t) => t.id)).toEqual(a.map((t) => t.id));
    for (const t of a) {
      expect(t.config.params.lr).toBeGreaterThanOrEqual(1e-4);
      expect(t.config.params.lr).toBeLessThanOrEqual(1e-1);
      expect([1, 2, 3]).toContain(t.config.params.episodesPerUpdate);
    }
    expect(new Set(a.map((t) => t.config.params.lr)).size).toBe(8);
    expect(expandTrials({ ...def, searchSeed: 8 })[0].config.params.lr).not.toBe(a[0].config.params.lr);
  });

  it('maps parameter names onto the agent config (estimator picks the preset)', () => {
    expect(agentSettings('relax', { lr: 0.003, cvHidden: [32], entropy: '0.01 * (1 - progress)' })).toEqual({
      kind: 'relax',
      options: { learningRate: 0.003, cvHidden: [32], entropyCoef: '0.01 * (1 - progress)' },
    });
    expect(agentSettings('relax', { estimator: 'reinforce-baseline', lr: '0.02' })).toEqual({ kind: 'reinforce', options: { baseline: 'moving-average', learningRate: 0.02 } });
  });

  it.each([
    [{ grid: { learning_rate: [0.01] } }, /grid\.learning_rate: unknown parameter 'learning_rate' \(choose from agent, estimator, lr/],
    [{ grid: { lr: [] } }, /grid\.lr is empty/],
    [{ grid: {} }, /varies nothing/],
    [{ grid: { lr: [-1] } }, /grid\.lr: lr must be in \(0, Infinity\), got -1/],
    [{ grid: { lr: [0.01, 0.01] } }, /grid\.lr lists a value twice/],
    [{ grid: { estimator: ['rebar'] } }, /estimator must be one of reinforce, reinforce-baseline, nvil, relax, lax/],
    [{ grid: { gamma: [0.99] }, random: { lr: { normal: [0, 1] } } }, /random\.lr: unknown distribution 'normal'/],
    [{ grid: { gamma: [0.99] }, random: { lr: { logUniform: [0, 1] } } }, /needs low > 0/],
    [{ seeds: [] }, /"seeds" must be a non-empty list/],
    [{ episodes: 0 }, /"episodes" must be a whole number ≥ 1/],
    [{ metric: 'reward' }, /unknown metric 'reward'/],
    [{ mode: 'maximise' }, /"mode" must be "max" or "min"/],
    [{ budget: 3 }, /unknown field 'budget'/],
    [{ experiment: 'cartpole', env: undefined, agent: 'ppo' }, /experiment cartpole has no agent 'ppo'/],
    [{ asha: { rungs: [0.5, 0.25] } }, /asha\.rungs must increase/],
  ])('refuses %j with one line', (change, message) => {
    expect(() => checkDefinition({ ...structuredClone(SMALLEST), ...change })).toThrow(message);
  });
});

describe('sweep metric', () => {
  const returns = [10, 20, 30, 40, 50, 5];
  it('computes windows over what the run has', () => {
    expect(metricOf(parseMetric('meanReturnLast2'), returns)).toBe(27.5);
    expect(metricOf(parseMetric('meanReturnLast100'), returns)).toBeCloseTo(155 / 6, 12);
    expect(metricOf(parseMetric('bestMeanReturn2'), returns)).toBe(45);
    expect(metricOf(parseMetric('meanReturn'), returns)).toBeCloseTo(155 / 6, 12);
    expect(metricOf(parseMetric('meanReturn'), [])).toBeNull();
  });
});

describe('ASHA rung decisions', () => {
  it('keeps the best max(1, ⌊n/η⌋) so far, records each decision, and repeats it for the same trial', () => {
    const dir = tempDir('asha-');
    const s = { rungs: [10], eta: 2, minTrials: 1 };
    expect(decideAtRung(dir, 0, 'a', 20, 'max', s)).toBe('continue'); // alone: the best
    expect(decideAtRung(dir, 0, 'b', 10, 'max', s)).toBe('stop'); // n = 2, keep 1: a is better
    expect(decideAtRung(dir, 0, 'c', 30, 'max', s)).toBe('continue');
    expect(decideAtRung(dir, 0, 'd', 25, 'max', s)).toBe('continue'); // n = 4, keep 2: second best
    expect(decideAtRung(dir, 0, 'e', 22, 'max', s)).toBe('stop'); // n = 5, keep 2: third
    expect(decideAtRung(dir, 0, 'b', 99, 'max', s)).toBe('stop'); // recorded: a resumed trial decides alike
    expect(decideAtRung(dir, 0, 'f', 1, 'min', s)).toBe('continue'); // min: lowest is best
    const lenient = { rungs: [10], eta: 2, minTrials: 10 };
    expect(decideAtRung(tempDir('asha-'), 0, 'x', 1, 'max', lenient)).toBe('continue');
  });
});
