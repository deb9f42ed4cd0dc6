// Agents on CartPole-v0: episodes per second for acting alone (typed-array
// policy, no learning) and for the update alone, per agent, plus the tfjs
// acting path for comparison (why acting goes through typed arrays), and the
// update through the tape path beside the fused one (agents/fusedUpdate.ts).
import { tf, currentBackend } from '../src/tf/index.js';
import { make } from '../envs/index.js';
import { createAgent, collect } from '../agents/index.js';
import { setFusedUpdates } from '../agents/fusedUpdate.js';
import { stream } from '../src/random/index.js';
import type { Table } from './table.js';

export async function benchAgents(): Promise<Table> {
  const rows: (string | number)[][] = [];
  // The first pass warms up the JIT and tfjs kernels; the second is reported.
  for (const [pass, kind] of [
    [0, 'reinforce'],
    [1, 'reinforce'],
    [1, 'a2c'],
    [1, 'relax'],
  ] as const) {
    const env = make('CartPole-v0');
    const agent = createAgent(kind, env, { seed: 1 });
    const rng = stream(1, 'bench');
    // 500 episodes for acting; the first 20 are reused for the update timing.
    env.reset({ seed: 1 });
    let t0 = performance.now();
    const all = Array.from({ length: 500 }, () => collect(env, agent.policy, rng, 1));
    const actSeconds = (performance.now() - t0) / 1000;
    const rollouts = all.slice(0, 20);
    const steps = all.reduce((s, r) => s + r.steps, 0);
    agent.update(rollouts[0]); // warm-up
    t0 = performance.now();
    for (const r of rollouts) agent.update(r);
    const updateSeconds = (performance.now() - t0) / 1000;
    // The same updates through the tape path, on a fresh agent of the same seed.
    const tape = createAgent(kind, env, { seed: 1 });
    const was = setFusedUpdates(false);
    tape.update(rollouts[0]);
    t0 = performance.now();
    for (const r of rollouts) tape.update(r);
    const tapeSeconds = (performance.now() - t0) / 1000;
    setFusedUpdates(was);
    tape.dispose();
    const ms = (sec: number) => ((1000 * sec) / rollouts.length).toFixed(2);
    if (pass === 1) rows.push([kind, (steps / all.length).toFixed(0), (all.length / actSeconds).toFixed(0), (rollouts.length / updateSeconds).toFixed(1), ms(updateSeconds), ms(tapeSeconds)]);
    agent.dispose();
  }
  // The same policy acted through tfjs one step at a time.
  const env = make('CartPole-v0');
  const agent = createAgent('a2c', env, { seed: 1 });
  let [obs] = env.reset({ seed: 1 });
  let steps = 0;
  let episodes = 0;
  const t0 = performance.now();
  while (episodes < 20) {
    const logits = tf.tidy(() => agent.policy.theta(tf.tensor2d(obs as Float32Array, [1, 4])).dataSync());
    const [next, , terminated, truncated] = env.step(logits[0] > logits[1] ? 0 : 1);
    obs = next;
    steps++;
    if (terminated || truncated) {
      episodes++;
      [obs] = env.reset();
    }
  }
  const s = (performance.now() - t0) / 1000;
  rows.push(['(tfjs acting, for comparison)', (steps / episodes).toFixed(0), (episodes / s).toFixed(0), '—', '—', '—']);
  agent.dispose();
  return {
    title: `Agents on CartPole-v0 (${currentBackend()} backend): acting and updating, one episode per update`,
    columns: ['agent', 'steps/episode', 'episodes/s acting', 'updates/s', 'ms/update', 'ms/update (tape path)'],
    rows,
    notes: ['Acting uses the typed-array forward pass; the last row steps the same network through tfjs.'],
  };
}
