// Tensors are not left behind by saving, or by loading and disposing an
// agent: tf.memory().numTensors is flat over several cycles.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { make } from '../../envs/index.js';
import { createAgent, loadAgent } from '../../agents/index.js';
import { tempDir } from '../helpers.js';

describe('no tensor leaks', () => {
  for (const [kind, id] of [['a2c', 'CartPole-v1'], ['relax', 'CartPole-v1'], ['lax', 'Pendulum-v1']] as const) {
    it(`${kind}: save, and loadAgent + dispose, leave numTensors flat`, async () => {
      const env = make(id);
      const agent = createAgent(kind, env, { seed: 1 });
      await agent.learn(env, { episodes: 2 }); // optimiser state exists
      const dir = tempDir('relax-pg-leak-');
      await agent.save(dir);
      const counts: number[] = [];
      for (let i = 0; i < 4; i++) {
        await agent.save(dir);
        const loaded = await loadAgent(dir);
        loaded.evaluate(env, 1);
        loaded.dispose();
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts).size, counts.join(', ')).toBe(1);
      const before = tf.memory().numTensors;
      agent.dispose();
      expect(tf.memory().numTensors).toBeLessThan(before);
    });
  }
});
