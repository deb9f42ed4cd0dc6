// The catalog decides applicability: every estimator × a gym-like problem
// (no relaxed f, no second evaluation), toy-like problems (both, Bernoulli or
// categorical) and Gaussian ones. Applicable combinations pass; the others
// throw one UserError line naming what is missing.
import { describe, it, expect } from 'vitest';
import {
  ESTIMATORS,
  checkApplicable,
  applicableEstimators,
  missingNeeds,
  estimatorSetup,
  type ProblemCapabilities,
} from '../../src/estimators/index.js';
import { diagNormal, bernoulli } from '../../src/distributions/index.js';
import { UserError } from '../../src/errors.js';

const ALL = Object.keys(ESTIMATORS);
const SCORE_FUNCTION = ['reinforce', 'reinforce-baseline', 'nvil'];

interface Case {
  label: { name: string; note: string };
  capabilities: ProblemCapabilities;
  applicable: string[];
}

const cases: Case[] = [
  {
    label: { name: 'CartPole-v1', note: 'a gym task' },
    capabilities: { relaxedF: false, secondF: false, distribution: 'categorical' },
    applicable: [...SCORE_FUNCTION, 'relax', 'lax'],
  },
  {
    label: { name: 'a MultiBinary task', note: 'a gym task' },
    capabilities: { relaxedF: false, secondF: false, distribution: 'bernoulli' },
    applicable: [...SCORE_FUNCTION, 'relax', 'lax'],
  },
  {
    label: { name: 'BernoulliToy-v0', note: 'a one-step toy' },
    capabilities: { relaxedF: true, secondF: true, distribution: bernoulli },
    applicable: ALL,
  },
  {
    label: { name: 'CategoricalToy-v0', note: 'a one-step toy' },
    capabilities: { relaxedF: true, secondF: true, distribution: 'categorical' },
    applicable: ALL.filter((n) => n !== 'arm' && n !== 'disarm' && n !== 'arms' && n !== 'double-cv'),
  },
  {
    label: { name: 'Pendulum-v1', note: 'a gym task' },
    capabilities: { relaxedF: false, secondF: false, distribution: 'normal' },
    applicable: [...SCORE_FUNCTION, 'lax'],
  },
  {
    label: { name: 'a Gaussian black box', note: 'a one-step problem' },
    capabilities: { relaxedF: true, secondF: true, distribution: diagNormal },
    // The score-function K-sample estimators need no relaxation: any distribution with a score.
    applicable: [...SCORE_FUNCTION, 'lax', 'rloo', 'vimco'],
  },
  {
    label: { name: 'a continuous task', note: 'given by kind' },
    capabilities: { relaxedF: false, secondF: false, distribution: 'continuous' },
    applicable: [...SCORE_FUNCTION, 'lax'],
  },
];

const PHRASES = {
  relaxedF: 'f at relaxed inputs',
  secondF: 'f at a second sample of b',
  discrete: 'a discrete b with a relaxation',
  bernoulli: 'Bernoulli b',
};

describe('checkApplicable', () => {
  for (const { label, capabilities, applicable } of cases) {
    describe(label.name, () => {
      it('lists the applicable estimators', () => {
        expect(applicableEstimators(capabilities)).toEqual(applicable);
      });
      for (const name of ALL) {
        if (applicable.includes(name)) {
          it(`${name} passes`, () => expect(() => checkApplicable(name, capabilities, label)).not.toThrow());
          continue;
        }
        it(`${name} throws one line naming the missing need`, () => {
          let error: unknown;
          try {
            checkApplicable(name, capabilities, label);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(UserError);
          const message = (error as Error).message;
          expect(message).not.toContain('\n');
          expect(message.startsWith(`'${name}' needs `)).toBe(true);
          expect(message).toContain(`which ${label.name} does not have (${label.note}`);
          const { needs } = estimatorSetup(name);
          const missing = missingNeeds(name, capabilities);
          expect(missing.length).toBeGreaterThan(0);
          if (needs.relaxedF && !capabilities.relaxedF) expect(message).toContain(PHRASES.relaxedF);
          if (needs.secondF && !capabilities.secondF) expect(message).toContain(PHRASES.secondF);
          if (missing.some((m) => m.startsWith('Bernoulli') || m.startsWith('a discrete'))) {
            expect(message).toContain(needs.distribution === 'bernoulli' ? PHRASES.bernoulli : PHRASES.discrete);
            expect(message).toMatch(/its b is \w+\)$/);
          }
        });
      }
    });
  }

  it('says it the way the brief does', () => {
    const gym: ProblemCapabilities = { relaxedF: false, secondF: false, distribution: 'categorical' };
    expect(() => checkApplicable('rebar', gym, { name: 'CartPole-v1', note: 'a gym task' })).toThrow(
      "'rebar' needs f at relaxed inputs, which CartPole-v1 does not have (a gym task)",
    );
    expect(() => checkApplicable('arm', gym, 'CartPole-v1')).toThrow(
      "'arm' needs Bernoulli b and f at a second sample of b, which CartPole-v1 does not have (its b is categorical)",
    );
    expect(() => checkApplicable('relax', { ...gym, distribution: 'normal' })).toThrow(
      "'relax' needs a discrete b with a relaxation (bernoulli or categorical), which this problem does not have (its b is normal)",
    );
  });

  it('refuses an unknown estimator or distribution with a UserError', () => {
    const caps: ProblemCapabilities = { relaxedF: true, secondF: true, distribution: 'bernoulli' };
    expect(() => checkApplicable('nope', caps)).toThrow(UserError);
    expect(() => checkApplicable('nope', caps)).toThrow(/unknown estimator 'nope'/);
    expect(() => checkApplicable('reinforce', { ...caps, distribution: 'poisson' as never })).toThrow(/unknown distribution 'poisson'/);
  });
});

describe('catalog set-ups', () => {
  it('declare their needs as the design says', () => {
    const relaxedF = ALL.filter((n) => ESTIMATORS[n].needs.relaxedF);
    expect(relaxedF.sort()).toEqual(['concrete', 'double-cv', 'gumbel-rao', 'muprop', 'rebar', 'reinmax', 'relax-rebar', 'straight-through']);
    const multiSample = ALL.filter((n) => ESTIMATORS[n].needs.multiSample);
    expect(multiSample.sort()).toEqual(['arms', 'double-cv', 'rloo', 'vimco']);
    const secondF = ALL.filter((n) => ESTIMATORS[n].needs.secondF);
    expect(secondF.sort()).toEqual(['arm', 'disarm']);
    expect(ESTIMATORS.lax.needs.distribution).toBe('any');
    expect(ESTIMATORS.reinforce.needs.distribution).toBe('any');
    expect(ESTIMATORS.relax.needs.distribution).toBe('discrete');
    expect(ESTIMATORS.relax.needs.controlVariate).toBe('neural');
    expect(ESTIMATORS['relax-rebar'].needs.controlVariate).toBe('rebar+neural');
    expect(ESTIMATORS.arm.needs.k).toBe(2);
  });

  it('each says in one line which control variate it uses, and keeps controlVariate = needs.controlVariate', () => {
    for (const s of Object.values(ESTIMATORS)) {
      expect(s.controlVariateDescription.length).toBeGreaterThan(0);
      expect(s.controlVariateDescription).not.toContain('\n');
      expect(s.controlVariate).toBe(s.needs.controlVariate);
    }
  });
});
