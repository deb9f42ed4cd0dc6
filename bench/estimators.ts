// Per-step cost of each estimator on the toy problem (batch 1 and batch 24,
// one Bernoulli latent and 200), control-variate update included: the
// figures behind the toy experiment's wall time.
import { tf, currentBackend } from '../src/tf/index.js';
import { toyProblem } from '../experiments/toy/problem.js';
import { trainToy } from '../experiments/toy/train.js';
import { TOY_DEFAULTS } from '../experiments/toy/run.js';
import type { Table } from './table.js';

export async function benchEstimators(): Promise<Table> {
  const rows: (string | number)[][] = [];
  for (const [batch, latents] of [
    [1, 1],
    [24, 200],
  ]) {
    const problem = toyProblem({ problem: 'toy', target: 0.499, latents });
    for (const name of ['reinforce', 'reinforce-baseline', 'concrete', 'rebar', 'relax', 'relax-rebar', 'lax']) {
      const config = { ...TOY_DEFAULTS, batch, latents, steps: 60, logEvery: 1000, varianceEvery: 0 };
      await trainToy(problem, name, 1, { ...config, steps: 10 }); // warm-up
      const before = tf.memory().numTensors;
      const track = await trainToy(problem, name, 1, config);
      rows.push([name, batch, latents, track.msPerStep.toFixed(2), tf.memory().numTensors - before]);
    }
  }
  return {
    title: `Estimator step on the toy problem (${currentBackend()} backend): logit update + control-variate update`,
    columns: ['estimator', 'batch', 'latents', 'ms/step', 'tensors leaked'],
    rows,
    keyColumns: 3,
  };
}
