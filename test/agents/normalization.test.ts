// NormalizeObservation's statistics belong to the agent: saved with it,
// applied frozen when it is evaluated, restored into the env it resumes on.
import { describe, it, expect } from 'vitest';
import { make, NormalizeObservation } from '../../envs/index.js';
import { LaxAgent, loadAgent } from '../../agents/index.js';
import { evaluatePolicy } from '../../agents/rollout.js';
import { tempDir } from '../helpers.js';

// Small LAX updates (200-step batches: one Pendulum episode each) so the test is quick.
const lax = (env: NormalizeObservation<unknown>) => new LaxAgent(env.observationSpace, env.actionSpace, { seed: 3, stepsPerUpdate: 200, hidden: [16], valueHidden: [16], cvHidden: [16] });
const weights = (a: LaxAgent | Awaited<ReturnType<typeof loadAgent>>) => Array.from(a.policy.net.weights[0].dataSync());

describe('NormalizeObservation saved with the agent', () => {
  it('a LAX agent trained on Pendulum-v1 with NormalizeObservation saves and loads with its statistics: same deterministic returns on the same seeds', async () => {
    const env = new NormalizeObservation(make('Pendulum-v1'));
    const agent = lax(env);
    await agent.learn(env, { episodes: 3 });
    const stats = env.getState();
    expect(stats.obsRms.count).toBeGreaterThan(600); // 3 × 200 steps and resets
    const dir = tempDir('relax-pg-norm-');
    await agent.save(dir);
    const loaded = await loadAgent(dir);
    expect(loaded.observationStats()).toEqual({ epsilon: 1e-8, ...stats });
    const seeds = [11, 12];
    for (const seed of seeds) {
      const saved = agent.evaluate(make('Pendulum-v1'), 2, { seed });
      expect(loaded.evaluate(make('Pendulum-v1'), 2, { seed })).toEqual(saved);
      // Without the statistics the same policy acts on raw observations and returns differ.
      expect(evaluatePolicy(loaded.policy, make('Pendulum-v1'), 2, seed, true)).not.toEqual(saved);
    }
    // Evaluation froze its copy: the training env's statistics did not move.
    expect(env.getState()).toEqual(stats);
    agent.dispose();
    loaded.dispose();
  });

  it('resumes on a fresh wrapped env with the saved statistics, exactly; an unwrapped env is refused', async () => {
    const env = new NormalizeObservation(make('Pendulum-v1'));
    const agent = lax(env);
    await agent.learn(env, { episodes: 2 });
    const dir = tempDir('relax-pg-norm-');
    await agent.save(dir);
    const loaded = await loadAgent(dir);
    const fresh = new NormalizeObservation(make('Pendulum-v1'));
    await agent.learn(env, { episodes: 2 });
    await loaded.learn(fresh, { episodes: 2 });
    expect(fresh.getState()).toEqual(env.getState());
    expect(weights(loaded)).toEqual(weights(agent));
    const again = await loadAgent(dir);
    await expect(again.learn(make('Pendulum-v1'), { episodes: 1 })).rejects.toThrow(
      /^the agent learned on an env wrapped in \[NormalizeObservation\], this one has \[\]: wrap it the same way \(relax-pg train: --normalize-obs\)$/,
    );
    for (const a of [agent, loaded, again]) a.dispose();
  });
});
