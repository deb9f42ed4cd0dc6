// Per-step cost of a binary-VAE training step (batch 24): every estimator on
// the linear one-layer model, REBAR and RELAX also on the two-layer and the
// nonlinear models (the generic step): encoder estimate, control-variate
// update, model update. The PyTorch comparison, side by side in one run, is
// `npm run bench -- --peer vae` (bench/ratio/).
import { tf, currentBackend } from '../src/tf/index.js';
import { BinaryMnist, mnist } from '../envs/vae/mnist.js';
import { VaeTrainer, VAE_ESTIMATORS } from '../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../experiments/vae/run.js';
import type { VaeModelName } from '../envs/vae/binaryVae.js';
import type { Table } from './table.js';

export async function benchVae(options: { steps?: number; warmup?: number } = {}): Promise<Table> {
  const steps = options.steps ?? Number(process.env.RELAX_PG_BENCH_VAE_STEPS ?? 100);
  const warmup = options.warmup ?? 10;
  const data = new BinaryMnist(mnist(), 'fixed', 0);
  const rows: (string | number)[][] = [];
  const cases: [VaeModelName, string][] = [
    ...VAE_ESTIMATORS.map((name): [VaeModelName, string] => ['linear1', name]),
    ...(['linear2', 'nonlinear'] as const).flatMap((model) => ['rebar', 'relax-rebar'].map((name): [VaeModelName, string] => [model, name])),
  ];
  for (const [model, name] of cases) {
    const trainer = new VaeTrainer({ ...VAE_DEFAULTS, model, batch: 24 }, data, name, 1);
    for (let i = 0; i < warmup; i++) trainer.step();
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) trainer.step();
    const ms = (performance.now() - t0) / steps;
    const leaked = tf.memory().numTensors - before;
    trainer.dispose();
    rows.push([model, name, ms.toFixed(2), ((ms * 2e6) / 3.6e6).toFixed(1), leaked]);
  }
  return {
    title: `Binary VAE training step, batch 24 (${currentBackend()} backend, ${steps} steps after ${warmup} warm-up)`,
    columns: ['model', 'estimator', 'ms/step', 'hours for 2 M steps', 'tensors leaked'],
    rows,
    notes: [
      'linear1 784–200, linear2 784–200–200, nonlinear 784–(200 tanh)²–200.',
      'reinforce, reinforce-baseline, nvil, rebar and relax-rebar on linear1 take the step on float32 arrays',
      '(experiments/vae/fused/: every derivative written out, products with the 0/1 images as gathered sums',
      'of rows and with the latents through tables of subset sums, SIMD loops for the per-pixel and',
      'per-latent work, one fused Adam); everything else the generic autodiff',
      'step (muprop: one more decoder pass and its gradient, for f and f′ at the mean, plus its learned',
      'baseline; arm and disarm: one more hard pass), whose products with fresh weights go to the unpacked',
      'SIMD kernel (src/tf/matMulWasm.ts, a fused multiply-add where relaxed SIMD runs).',
    ],
  };
}
