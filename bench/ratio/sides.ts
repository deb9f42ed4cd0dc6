// relax-pg's side of each compared workload: the project's real code paths
// (VaeTrainer.step, the toy's OneStepLearner.iterate, agent.update on a fixed
// episode, agent.learn on CartPole-v1, bench/envs.ts's measureEnv), each
// behind run(n) → wall ms for n units.
import { BinaryMnist, mnist } from '../../envs/vae/mnist.js';
import { VaeTrainer } from '../../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { toyProblem } from '../../experiments/toy/problem.js';
import { toyLearner } from '../../experiments/toy/train.js';
import { TOY_DEFAULTS } from '../../experiments/toy/run.js';
import { make } from '../../envs/index.js';
import { createAgent, type Policy, type Rollout } from '../../agents/index.js';
import { stream, type Rng } from '../../src/random/index.js';

/** What a side reports for n units: wall ms, and for some workloads more (env steps; rates). */
export type Raw = { ms: number } & Record<string, number>;

export interface Runner {
  run(n: number): Promise<Raw>;
  close(): void | Promise<void>;
}

function timed(step: () => void): (n: number) => Promise<Raw> {
  return async (n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) step();
    return { ms: performance.now() - t0 };
  };
}

let vaeData: BinaryMnist | undefined;

/** VaeTrainer on linear1 with VAE_DEFAULTS at `batch`: one unit = one training step. */
export function vaeRunner(estimator: string, batch: number): Runner {
  vaeData ??= new BinaryMnist(mnist(), 'fixed', 0);
  const trainer = new VaeTrainer({ ...VAE_DEFAULTS, model: 'linear1', batch }, vaeData, estimator, 1);
  return { run: timed(() => trainer.step()), close: () => trainer.dispose() };
}

/** The toy's learner (TOY_DEFAULTS: one latent, batch 1, t = 0.499): one unit = one step. */
export function toyRunner(estimator: string): Runner {
  const problem = toyProblem({ problem: 'toy', target: TOY_DEFAULTS.target, latents: 1 });
  const learner = toyLearner(problem, estimator, 1, { ...TOY_DEFAULTS, batch: 1, logEvery: 0, varianceEvery: 0 });
  return { run: timed(() => learner.iterate()), close: () => learner.dispose() };
}

/** One terminated episode of exactly T steps near upright, actions drawn by the policy, reward 1 each. */
export function syntheticRollout(policy: Policy, T: number, rng: Rng): Rollout {
  const k = policy.size;
  const obs = new Float32Array(T * 4);
  const b = new Float32Array(T * k);
  const noise = new Float32Array(T * k);
  for (let t = 0; t < T; t++) {
    const o = Float32Array.from({ length: 4 }, () => (rng.next() - 0.5) * 0.2);
    obs.set(o, 4 * t);
    const a = policy.sample(o, rng);
    b.set(a.b, k * t);
    noise.set(a.noise, k * t);
  }
  return {
    obs,
    b,
    noise,
    rewards: new Float32Array(T).fill(1),
    episodeEnds: [T],
    truncated: [false],
    finalObs: [obs.slice(4 * (T - 1))],
    returns: [T],
    lengths: [T],
    steps: T,
  };
}

/** agent.update on 8 pre-drawn T-step episodes in turn (the agent's defaults on CartPole-v1): one unit = one update. */
export function updateRunner(kind: string, T: number): Runner {
  const env = make('CartPole-v1');
  const agent = createAgent(kind, env, { seed: 1 });
  const rng = stream(2, 'bench-rollouts');
  const episodes = Array.from({ length: 8 }, () => syntheticRollout(agent.policy, T, rng));
  let i = 0;
  return {
    run: timed(() => agent.update(episodes[i++ % 8])),
    close: () => {
      agent.dispose();
      env.close();
    },
  };
}

/**
 * The first n training episodes of a fresh agent (seed 1) through agent.learn on CartPole-v1,
 * one episode per update (acting + update): every round times the same episodes. Also counts env steps.
 */
export function episodeRunner(kind: string): Runner {
  return {
    async run(n) {
      const env = make('CartPole-v1');
      const agent = createAgent(kind, env, { seed: 1 });
      try {
        const t0 = performance.now();
        await agent.learn(env, { episodes: n });
        return { ms: performance.now() - t0, steps: agent.counters.steps };
      } finally {
        agent.dispose();
        env.close();
      }
    },
    close: () => undefined,
  };
}

/** bench/envs.ts's measureEnv (direct and through make, per CPU second, best of its slices); n is unused. */
export function envRunner(id: string, seconds: number): Runner {
  return {
    async run() {
      // Imported here: envs.ts is edited by others, and only this workload needs it.
      const { measureEnv } = await import('../envs.js');
      const t0 = performance.now();
      const r = await measureEnv(id, seconds);
      return { ms: performance.now() - t0, direct: r.direct, make: r.make };
    },
    close: () => undefined,
  };
}
