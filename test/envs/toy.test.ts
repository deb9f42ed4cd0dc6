// The toy problems as one-step environments.
import { describe, it, expect } from 'vitest';
import { make, checkEnv } from '../../envs/index.js';
import { BernoulliToyEnv, CategoricalToyEnv } from '../../envs/toy/index.js';

describe('toy environments', () => {
  it('BernoulliToy: one step, reward −mean (b − t)², MultiBinary action', () => {
    const env = make('BernoulliToy-v0', { target: 0.45, latents: 3 });
    env.reset({ seed: 1 });
    const [, reward, terminated, truncated] = env.step(Int8Array.from([1, 0, 1]));
    expect(reward).toBeCloseTo(-((0.55 ** 2 + 0.45 ** 2 + 0.55 ** 2) / 3), 12);
    expect(terminated).toBe(true);
    expect(truncated).toBe(false);
    expect(() => env.step(Int8Array.from([1, 0, 2]))).toThrow();
  });

  it('exact gradients match finite differences of the exact expected loss', () => {
    const b = new BernoulliToyEnv({ target: 0.499, latents: 2 });
    const c = new CategoricalToyEnv({ target: 0.3, weights: [0.1, 0.6, 0.9] });
    for (const [env, logits] of [
      [b, [0.4, -1.2]],
      [c, [0.5, -0.3, 0.1]],
    ] as const) {
      const g = env.exactLossGradient(logits);
      logits.forEach((_, j) => {
        const h = 1e-6;
        const up = [...logits];
        const down = [...logits];
        up[j] += h;
        down[j] -= h;
        expect(g[j]).toBeCloseTo((env.exactLoss(up) - env.exactLoss(down)) / (2 * h), 8);
      });
    }
  });

  it('pass the environment checker, and bad options are user errors', () => {
    checkEnv(new BernoulliToyEnv());
    checkEnv(new CategoricalToyEnv());
    expect(() => new BernoulliToyEnv({ latents: 0 })).toThrow(/latents/);
    expect(() => new CategoricalToyEnv({ weights: [1] })).toThrow(/weights/);
  });
});
