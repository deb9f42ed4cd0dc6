// What the catalog records of the K-sample and straight-through-family
// estimators, and the one-line refusals: on a gym task (RL), on categorical b
// (ARMS), and for a K that does not fit.
import { describe, it, expect } from 'vitest';
import { ESTIMATORS, checkApplicable, fEvaluations, samplesFor, DEFAULT_K } from '../../src/estimators/index.js';
import { UserError } from '../../src/errors.js';
import { make } from '../../envs/index.js';
import { createAgent } from '../../agents/index.js';

const oneLine = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('did not throw');
};

describe('K-sample estimators in the catalog', () => {
  it('record K samples, the objective, the copula and the evaluations of f', () => {
    for (const name of ['rloo', 'vimco', 'arms', 'double-cv']) expect(ESTIMATORS[name].needs.multiSample).toBe(true);
    expect(ESTIMATORS.vimco.needs.objective).toBe('multi-sample');
    expect(ESTIMATORS.rloo.needs.objective).toBeUndefined();
    expect(ESTIMATORS.arms.prepareNoise).toBeTypeOf('function');
    expect(ESTIMATORS.rloo.prepareNoise).toBeUndefined();
    expect(ESTIMATORS['gumbel-rao'].biased && ESTIMATORS.reinmax.biased).toBe(true);
    expect(['rloo', 'vimco', 'arms'].some((n) => ESTIMATORS[n].biased)).toBe(false);
    expect(fEvaluations('rloo', 6)).toBe(6);
    expect(fEvaluations('arms')).toBe(DEFAULT_K);
    expect(fEvaluations('disarm')).toBe(2);
    expect(fEvaluations('reinforce')).toBe(1);
  });
  it('refuse a K that does not fit with one line', () => {
    expect(oneLine(() => samplesFor('rloo', 1))).toBe("'rloo' needs K ≥ 2 samples per input, got --k 1");
    expect(oneLine(() => samplesFor('reinforce', 4))).toBe("'reinforce' takes one sample per input; --k 4 is for rloo, vimco, arms and double-cv");
    expect(samplesFor('reinforce')).toBe(1);
    expect(samplesFor('vimco')).toBe(DEFAULT_K);
  });
});

describe('refusals', () => {
  it('RL: K episodes from one start state do not exist in a gym task', () => {
    const cartpole = make('CartPole-v1');
    expect(oneLine(() => createAgent('rloo', cartpole))).toBe(
      "'rloo' needs K samples of b for the same input, each scored by f, which CartPole-v1 does not have (a gym task: K episodes cannot start from the same state)",
    );
    expect(oneLine(() => createAgent('vimco', cartpole))).toMatch(/^'vimco' needs K samples of b for the same input/);
    expect(oneLine(() => createAgent('arms', cartpole))).toBe(
      "'arms' needs Bernoulli b and K samples of b for the same input, each scored by f, which CartPole-v1 does not have (a gym task: K episodes cannot start from the same state; its b is categorical)",
    );
    expect(oneLine(() => createAgent('gumbel-rao', cartpole))).toBe("'gumbel-rao' needs f at relaxed inputs, which CartPole-v1 does not have (a gym task)");
    expect(oneLine(() => createAgent('reinmax', cartpole))).toBe("'reinmax' needs f at relaxed inputs, which CartPole-v1 does not have (a gym task)");
    cartpole.close();
  });
  it('ARMS on categorical b; the straight-through family on a continuous b', () => {
    const cat = { relaxedF: true, secondF: true, distribution: 'categorical' } as const;
    expect(oneLine(() => checkApplicable('arms', cat, 'the categorical toy'))).toBe(
      "'arms' needs Bernoulli b, which the categorical toy does not have (its b is categorical)",
    );
    expect(() => checkApplicable('rloo', cat)).not.toThrow();
    expect(oneLine(() => checkApplicable('reinmax', { ...cat, distribution: 'normal' }))).toMatch(/^'reinmax' needs a discrete b with a relaxation/);
  });
});
