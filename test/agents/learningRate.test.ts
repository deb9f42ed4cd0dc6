// The KL-adapted policy learning rate: it falls when updates move the policy
// more than twice the target KL, rises when they move it less than half, stays
// fixed with no target, and survives save → load.
import { describe, it, expect } from 'vitest';
import { make } from '../../envs/index.js';
import { A2CAgent, LaxAgent, loadAgent } from '../../agents/index.js';
import { getLearningRate } from '../../src/nn/index.js';
import { tempDir } from '../helpers.js';

describe('KL-adapted learning rate', () => {
  it('shrinks ÷1.5 per update above 2× the target, grows ×1.5 below ½ of it, is fixed without a target', async () => {
    const rates = async (targetKl: number) => {
      const env = make('CartPole-v0');
      const agent = new A2CAgent(env.observationSpace, env.actionSpace, { seed: 3, targetKl, learningRate: 0.01 });
      const seen: { lr: number; kl?: number }[] = [];
      await agent.learn(env, { episodes: 4 }, { onUpdate: (u) => seen.push({ lr: u.learningRate, kl: u.kl }) });
      agent.dispose();
      return seen;
    };
    const tiny = await rates(1e-12);
    tiny.forEach((u, i) => {
      expect(u.kl!).toBeGreaterThan(2e-12);
      expect(u.lr).toBeCloseTo(0.01 / 1.5 ** (i + 1), 8);
    });
    const huge = await rates(1e3);
    huge.forEach((u, i) => expect(u.lr).toBeCloseTo(0.01 * 1.5 ** (i + 1), 8));
    for (const u of await rates(0)) {
      expect(u.kl).toBeUndefined();
      expect(u.lr).toBe(0.01);
    }
  });

  it('continuous agents adapt by default, and the adapted rate is saved and restored', async () => {
    const env = make('Pendulum-v1');
    const agent = new LaxAgent(env.observationSpace, env.actionSpace, { seed: 2, stepsPerUpdate: 200, targetKl: 1e-12 });
    expect(new LaxAgent(env.observationSpace, env.actionSpace).config.targetKl).toBeGreaterThan(0);
    await agent.learn(env, { episodes: 2 });
    const lr = getLearningRate(agent.policyOpt);
    expect(lr).toBeLessThan(agent.config.learningRate);
    const dir = tempDir('relax-pg-agent-');
    await agent.save(dir);
    const loaded = await loadAgent(dir);
    expect(getLearningRate(loaded.policyOpt)).toBe(lr);
    agent.dispose();
    loaded.dispose();
  });
});
