// The catalog decides which estimator an agent or a one-step learner may run:
// a gym task has no f at relaxed inputs and no second f, and its distribution
// comes from the action space; a one-step problem has a second f (its reward)
// and f at relaxed inputs only when it has relaxedReward. Refusals are the
// catalog's one line; every agent preset runs its catalog estimator.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { ESTIMATORS, isApplicable } from '../../src/estimators/index.js';
import { UserError } from '../../src/errors.js';
import { Box, Discrete, MultiBinary, make, type Space } from '../../envs/index.js';
import { AGENTS, LaxAgent, OneStepLearner, RelaxAgent, agentConfig, createAgent } from '../../agents/index.js';
import { agentEstimator, gymCapabilities } from '../../agents/applicable.js';

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

describe('agents and the catalog', () => {
  it('refuses relax on Box actions and catalog estimators a gym task cannot serve, with the catalog line', () => {
    expect(oneLine(() => createAgent('relax', make('Pendulum-v1')))).toBe(
      "'relax' needs a discrete b with a relaxation (bernoulli or categorical), which Pendulum-v1 does not have (a gym task; its b is normal)",
    );
    const pendulum = make('Pendulum-v1');
    expect(oneLine(() => new RelaxAgent(pendulum.observationSpace, pendulum.actionSpace))).toBe(
      "'relax' needs a discrete b with a relaxation (bernoulli or categorical), which this environment does not have (a gym task; its b is normal)",
    );
    const cartpole = make('CartPole-v1');
    expect(oneLine(() => createAgent('rebar', cartpole))).toBe("'rebar' needs f at relaxed inputs, which CartPole-v1 does not have (a gym task)");
    expect(oneLine(() => createAgent('arm', cartpole))).toBe(
      "'arm' needs Bernoulli b and f at a second sample of b, which CartPole-v1 does not have (a gym task; its b is categorical)",
    );
    expect(oneLine(() => createAgent('relax-rebar', cartpole))).toMatch(/^'relax-rebar' needs f at relaxed inputs, which CartPole-v1/);
    expect(oneLine(() => createAgent('nvil', cartpole))).toMatch(/'nvil' is an estimator no agent preset runs/);
    expect(oneLine(() => createAgent('ppo', cartpole))).toMatch(/unknown agent 'ppo'/);
  });

  it('each preset runs its catalog estimator, and is built exactly where the catalog says it applies', () => {
    const spaces: [string, Space<unknown>][] = [
      ['Discrete', new Discrete(3)],
      ['MultiBinary', new MultiBinary(2)],
      ['Box', new Box(-1, 1, [2])],
    ];
    const obs = new Box(-1, 1, [3]);
    let built = 0;
    for (const kind of AGENTS) {
      for (const [label, space] of spaces) {
        const config = agentConfig(kind, { hidden: [4], valueHidden: [4], cvHidden: [4] });
        const name = agentEstimator(config);
        expect(ESTIMATORS[name], name).toBeDefined();
        const expected = isApplicable(name, gymCapabilities(space));
        const env = { observationSpace: obs, actionSpace: space, spec: { id: `Test-${label}` } } as unknown as Parameters<typeof createAgent>[1];
        if (!expected) {
          expect(() => createAgent(kind, env), `${kind} on ${label}`).toThrow(UserError);
          continue;
        }
        const agent = createAgent(kind, env, { hidden: [4], valueHidden: [4], cvHidden: [4] });
        expect(agent.estimatorName, `${kind} on ${label}`).toBe(name);
        expect(agent.estimator).toBe(ESTIMATORS[name].estimator);
        agent.dispose();
        built++;
      }
    }
    // relax is refused on Box only; reinforce, a2c and lax run everywhere.
    expect(built).toBe(11);
    expect(agentEstimator(agentConfig('reinforce', { baseline: 'none' }))).toBe('reinforce');
    expect(agentEstimator(agentConfig('reinforce'))).toBe('reinforce-baseline');
    expect(agentEstimator(agentConfig('a2c'))).toBe('nvil');
  });

  it('LAX on discrete actions (the catalog allows it) trains on CartPole with finite updates', async () => {
    const env = make('CartPole-v1');
    const agent = new LaxAgent(env.observationSpace, env.actionSpace, { seed: 2, hidden: [8], valueHidden: [8], cvHidden: [8], stepsPerUpdate: 0, valueUpdates: 1 });
    expect(agent.policy.distribution.name).toBe('categorical');
    const before = agent.policy.net.weights.map((w) => Array.from(w.dataSync()));
    const norms: number[] = [];
    await agent.learn(env, { episodes: 3 }, { onUpdate: (u) => norms.push(u.gradientSquaredNorm) });
    expect(norms).toHaveLength(3);
    for (const n of norms) expect(Number.isFinite(n) && n > 0).toBe(true);
    const after = agent.policy.net.weights.map((w) => Array.from(w.dataSync()));
    expect(after).not.toEqual(before);
    agent.dispose();
    env.close();
  });
});

describe('one-step learners and the catalog', () => {
  const blackBox = {
    distribution: 'bernoulli' as const,
    thetaSize: 2,
    contextSize: 0,
    observe: () => undefined,
    reward: (b: tf.Tensor) => b.sum(-1),
    describe: () => 'a black box',
  };

  it('refuses REBAR, RELAX-REBAR, MuProp and Concrete without relaxedReward, with one line', () => {
    expect(oneLine(() => new OneStepLearner(blackBox, { estimator: 'rebar' }))).toBe(
      "'rebar' needs f at relaxed inputs, which the problem 'a black box' does not have (a one-step problem)",
    );
    for (const estimator of ['relax-rebar', 'muprop', 'concrete']) {
      expect(oneLine(() => new OneStepLearner(blackBox, { estimator }))).toMatch(new RegExp(`^'${estimator}' needs f at relaxed inputs`));
    }
    const categorical = { ...blackBox, distribution: 'categorical' as const, relaxedReward: (s: tf.Tensor) => s.sum(-1) };
    expect(oneLine(() => new OneStepLearner(categorical, { estimator: 'disarm' }))).toBe(
      "'disarm' needs Bernoulli b, which the problem 'a black box' does not have (a one-step problem; its b is categorical)",
    );
  });

  it('accepts what the catalog says applies: ARM (second f) and RELAX (neural) on the black box, REBAR with relaxedReward', () => {
    const tensors = tf.memory().numTensors;
    for (const [estimator, env] of [
      ['arm', blackBox],
      ['relax', blackBox],
      ['rebar', { ...blackBox, relaxedReward: (s: tf.Tensor) => s.sum(-1) }],
    ] as const) {
      const learner = new OneStepLearner(env, { estimator, seed: 1, batch: 4 });
      learner.iterate();
      expect(learner.counters.steps).toBe(1);
      learner.dispose();
    }
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors + 2);
  });
});
