// The fused update (agents/fusedUpdate.ts) on the WebAssembly SIMD loops and
// the arena (src/nn/fusedSimd.ts, fusedArena.ts) against the same update on
// the JavaScript loops: the same seed gives the same weights and the same
// reported numbers, to the bit, over several updates of every fused agent.
import { describe, it, expect, afterEach } from 'vitest';
import { stream } from '../../src/random/index.js';
import { make } from '../../envs/index.js';
import { createAgent } from '../../agents/index.js';
import { collect, type Rollout } from '../../agents/rollout.js';
import type { AgentConfig } from '../../agents/config.js';
import { setSimdKernels } from '../../src/nn/fusedSimd.js';

afterEach(() => setSimdKernels(true));

function rollouts(n: number): Rollout[] {
  const env = make('CartPole-v1');
  const behaviour = createAgent('a2c', env, { seed: 11 });
  const rng = stream(6, 'fused-simd-test');
  const out = Array.from({ length: n }, () => collect(env, behaviour.policy, rng, 1, 0, () => undefined));
  behaviour.dispose();
  env.close();
  return out;
}

/** Six updates of a fresh agent (seed 4): the weights' and the reported numbers' bits. */
function train(kind: string, options: Partial<Omit<AgentConfig, 'kind'>>, data: Rollout[], simd: boolean) {
  setSimdKernels(simd);
  const env = make('CartPole-v1');
  const agent = createAgent(kind, env, { seed: 4, ...options });
  const reported = data.map((r) => {
    const { seconds: _, ...info } = agent.update(r);
    return info;
  });
  const weights = Object.fromEntries(Object.entries(agent.namedVariables()).map(([n, v]) => [n, Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer))]));
  agent.dispose();
  env.close();
  return { reported, weights };
}

describe('the fused update on the SIMD loops', () => {
  const data = rollouts(6);
  for (const [kind, options] of [
    ['relax', {}],
    ['relax', { cvWithValue: true, cvUpdates: 2, activation: 'tanh', cvActivation: 'tanh' }],
    ['a2c', {}],
    ['a2c', { gaeLambda: 0.95, valueUpdates: 3, targetKl: 0.01 }],
    ['reinforce', {}],
  ] as [string, Partial<Omit<AgentConfig, 'kind'>>][]) {
    it(`${kind} ${JSON.stringify(options)}: the same bits as on the JavaScript loops`, () => {
      const simd = train(kind, options, data, true);
      const js = train(kind, options, data, false);
      expect(simd.weights).toEqual(js.weights);
      expect(simd.reported).toEqual(js.reported);
    });
  }
});
