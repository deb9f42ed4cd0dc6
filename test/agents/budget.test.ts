// The episode budget is exact even when updates are batches of steps (LAX on
// a continuous task collects ≥ 2500 steps, 13 Pendulum episodes, per update),
// and stopping early does not change the episodes that are played.
import { describe, it, expect } from 'vitest';
import { make } from '../../envs/index.js';
import { createAgent } from '../../agents/index.js';

describe('episode budget', () => {
  it('lax on Pendulum-v1 with episodes: 10 plays exactly 10 episodes, the first 10 of an unbounded batch', async () => {
    const run = async (episodes: number) => {
      const env = make('Pendulum-v1');
      const agent = createAgent('lax', env, { seed: 3 });
      const played = await agent.learn(env, { episodes });
      const out = { played: played.map((e) => e.return), counters: { ...agent.counters }, history: agent.history.length };
      agent.dispose();
      return out;
    };
    const ten = await run(10);
    expect(ten.played).toHaveLength(10);
    expect(ten.counters.episodes).toBe(10);
    expect(ten.counters.updates).toBe(1);
    expect(ten.history).toBe(10);
    const full = await run(13); // one whole batch: 13 × 200 steps ≥ 2500
    expect(full.played).toHaveLength(13);
    expect(ten.played).toEqual(full.played.slice(0, 10));
  });
});
